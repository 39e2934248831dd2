"""The moderators' desk in real headless Chromium: a held reply shows why it is held,
bulk approve publishes it to strangers, and the reply notification to the subscriber
shows in the delivery log as sent."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from kabar.discussion.models import (
    Comment,
    CommentStatus,
    DeliveryStatus,
    EmailDelivery,
)
from kabar.discussion.services import (
    CommentAuthor,
    SubmitContext,
    comment_submit,
    comments_set_status,
)
from kabar.discussion.trust import Confirmation, commenter_confirm
from tests import builders

SUBSCRIBER = "pelanggan.e2e@example.net"
REPLIER = "pembalas.e2e@example.net"
PARENT_TEXT = "Laporan yang rapi; saya ingin dikabari jika ada tanggapan."
REPLY_TEXT = "Saya menanggapi: ada data baru dari Suva, lihat laporan resminya."


@pytest.fixture
def thread(transactional_db):
    """An article with a published comment by a confirmed subscriber, and a reply to it
    from a first-time commenter, held for moderation."""
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    article = builders.make_article(section, "Gencatan senjata disepakati di Pasifik")
    parent = comment_submit(
        page=article,
        author=CommentAuthor(name="Wulan", email=SUBSCRIBER, ip_address="198.51.100.4"),
        body=PARENT_TEXT,
        context=SubmitContext(notify_replies=True),
    )
    commenter_confirm(Confirmation(commenter=parent.commenter, issued_at=time.time() + 1))
    comments_set_status([parent.pk], CommentStatus.APPROVED)
    reply = comment_submit(
        page=article,
        author=CommentAuthor(name="Yosef", email=REPLIER, ip_address="198.51.100.5"),
        body=REPLY_TEXT,
        parent=Comment.objects.get(pk=parent.pk),
    )
    assert reply.status == CommentStatus.PENDING
    return article, parent, reply


@pytest.fixture
def editor(transactional_db, django_user_model):
    user = django_user_model.objects.create_superuser(
        "moderator", "moderator@example.org", "rahasia-e2e-456"
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return ("moderator", "rahasia-e2e-456")


def log_in(page, base_url, credentials):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_held_reply_reasons_bulk_approve_and_delivery_log(live_server, new_context, thread, editor):
    article, parent, reply = thread
    url = live_server.url + article.url

    stranger = new_context().new_page()
    stranger.goto(url)
    expect(stranger.locator(f"#comment-{parent.pk}")).to_contain_text(PARENT_TEXT)
    expect(stranger.locator(f"#comment-{reply.pk}")).to_have_count(0)

    admin = new_context().new_page()
    log_in(admin, live_server.url, editor)

    # The Pending queue, with its count, holds the reply; the row says why.
    admin.get_by_role("link", name=re.compile(r"Comments \(1\)")).first.click()
    pending_tab = admin.locator('.comment-queues a[data-queue="pending"]')
    expect(pending_tab.locator("[data-queue-count]")).to_have_text("1")
    pending_tab.click()
    admin.wait_for_url(re.compile(r"status=pending"))
    row = admin.locator("tr", has_text="Yosef")
    expect(row).to_contain_text(REPLIER)
    expect(row.locator(".comment-reasons")).to_contain_text("First comment (hold)")
    expect(admin.locator("tr", has_text="Wulan")).to_have_count(0)

    # Its inspect page lists the reasons and the commenter's history.
    row.get_by_role("link", name=re.compile("Saya menanggapi")).click()
    reasons = admin.locator(".comment-reasons-panel")
    expect(reasons).to_contain_text("Why this comment is held")
    expect(reasons.locator("tr", has_text="First comment")).to_contain_text("hold")
    expect(admin.locator('[data-commenter="verified"]')).to_have_text("Not confirmed")
    admin.go_back()

    # Bulk approve: select the row, choose Approve in the footer, confirm.
    admin.locator("tr", has_text="Yosef").locator("input.bulk-action-checkbox").check()
    admin.get_by_role("link", name="Approve selected comments", exact=True).click()
    expect(admin.get_by_text("Approve this comment?")).to_be_visible()
    admin.get_by_role("button", name="Yes, approve").click()
    expect(admin.get_by_text("1 comment approved.")).to_be_visible()
    reply.refresh_from_db()
    assert reply.status == CommentStatus.APPROVED

    # Published for a stranger, nested under the comment it answers.
    stranger.reload()
    published = stranger.locator(f"#comment-{parent.pk} > ol.children > #comment-{reply.pk}")
    expect(published).to_contain_text(REPLY_TEXT)
    expect(published).not_to_contain_text("menunggu moderasi")

    # The subscriber's reply notification went out, and the delivery log says so.
    delivery = EmailDelivery.objects.get(recipient=SUBSCRIBER, comment=reply)
    assert delivery.status == DeliveryStatus.SENT
    admin.goto(live_server.url + reverse("discussion_deliveries:index"))
    log_row = admin.locator("tr", has_text=SUBSCRIBER).filter(has_text="Follow-up comment")
    expect(log_row).to_have_count(1)
    expect(log_row).to_contain_text("Sent")
    expect(log_row).to_contain_text("Yosef")  # the subject, in the newsroom's language

    # The moderation is in the comment's history, with who did it.
    admin.goto(live_server.url + reverse("discussion_comments:inspect", args=[reply.pk]))
    audit = admin.locator(".comment-audit")
    expect(audit).to_contain_text("Approved (was: Pending)")
    expect(audit).to_contain_text("moderator")

    # Nothing private reached the stranger.
    source = stranger.content()
    assert SUBSCRIBER not in source and REPLIER not in source
