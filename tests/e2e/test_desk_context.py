"""The moderators' desk in real headless Chromium, beyond approve/spam/trash: a reply as the
newsroom from the keyboard (r, Ctrl+Enter), published at once with its staff mark; a
commenter's comments from their name, all approved after a confirmation and undone with u;
and axe-core on the whole desk page, Wagtail's header included."""

import itertools
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import CommentAuthor, comment_submit
from tests import builders

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "rahasia-meja-321"
STAFF_EMAIL = "penyunting.pribadi@example.org"
QUEUE = reverse("discussion_comments:list") + "?status=pending"
_serial = itertools.count(1)


@pytest.fixture
def article(transactional_db):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    return builders.make_article(section, "Gencatan senjata disepakati di Pasifik")


@pytest.fixture
def moderator(transactional_db, django_user_model):
    django_user_model.objects.create_superuser("penyunting", STAFF_EMAIL, PASSWORD)
    return ("penyunting", PASSWORD)


def pending(article, body, email=None, name="Wulan"):
    n = next(_serial)
    comment = comment_submit(
        page=article,
        author=CommentAuthor(
            name=name,
            email=email or f"pembaca{n}@example.net",
            ip_address=f"198.51.100.{n % 250 + 1}",
        ),
        body=body,
    )
    assert comment.status == CommentStatus.PENDING
    return comment


def log_in(page, base_url, credentials):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def focused_card(page):
    return page.evaluate(
        "document.activeElement.closest('tr[data-desk-card]')?.dataset.commentId || null"
    )


def count(page, queue):
    return page.locator(f'.comment-queues a[data-queue="{queue}"] [data-queue-count]')


def test_a_reply_as_the_newsroom_from_the_keyboard(live_server, new_context, article, moderator):
    pending(article, "Komentar lain yang menunggu.")
    question = pending(article, "Apakah jalur laut ke Suva sudah dibuka kembali?")  # newest: first
    desk = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(desk, live_server.url, moderator)
    desk.goto(live_server.url + QUEUE)

    # Esc closes a reply without sending anything.
    desk.keyboard.press("j")
    assert focused_card(desk) == str(question.pk)
    desk.keyboard.press("r")
    reply_box = desk.locator(f'tr[data-comment-id="{question.pk}"] textarea[name=body]')
    expect(reply_box).to_be_focused()
    desk.keyboard.type("Tidak jadi.")
    desk.keyboard.press("Escape")
    expect(reply_box).to_have_count(0)
    assert focused_card(desk) == str(question.pk)

    # r, the words, Ctrl+Enter: published, and the question answered is approved with it.
    desk.keyboard.press("r")
    form = desk.locator(f'tr[data-comment-id="{question.pk}"] form[data-desk-reply-form]')
    expect(form.locator("[data-desk-reply-approves]")).to_be_visible()
    desk.keyboard.type("Sudah, sejak pagi ini; kami perbarui beritanya.")
    desk.keyboard.press("Control+Enter")
    expect(desk.locator(f'tr[data-comment-id="{question.pk}"]')).to_have_count(0)
    expect(count(desk, "pending")).to_have_text("1")
    expect(count(desk, "approved")).to_have_text("2")
    expect(desk.locator("#desk-live")).not_to_be_empty()
    assert focused_card(desk) is not None  # the next comment, ready for the next key

    reply = Comment.objects.get(parent=question)
    assert reply.status == CommentStatus.APPROVED and reply.by_staff
    assert Comment.objects.get(pk=question.pk).status == CommentStatus.APPROVED

    # On the article, for anyone: under the question, marked as the newsroom's.
    reader = new_context().new_page()
    reader.goto(live_server.url + article.url)
    shown = reader.locator(f"#comment-{question.pk} > ol.children > #comment-{reply.pk}")
    expect(shown).to_contain_text("Sudah, sejak pagi ini")
    expect(shown.locator(".comment__staff")).to_be_visible()
    expect(reader.locator(f"#comment-{question.pk} .comment__staff")).to_have_count(1)
    assert STAFF_EMAIL not in reader.content()
    assert "penyunting" not in shown.inner_text()  # nor the login name


def test_a_commenters_comments_approved_at_once_and_undone_with_u(
    live_server, new_context, article, moderator
):
    regular = [
        pending(article, text, email="rajin@example.net", name="Rajin")
        for text in ("Pertama dari saya.", "Kedua dari saya.", "Ketiga dari saya.")
    ]
    other = pending(article, "Dari orang lain.")
    desk = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(desk, live_server.url, moderator)
    desk.goto(live_server.url + QUEUE)

    desk.locator(f'tr[data-comment-id="{regular[0].pk}"] .comment-card__name a').click()
    desk.wait_for_url(re.compile(rf"commenter={regular[0].commenter_id}"))
    assert "rajin@example.net" not in desk.url
    expect(desk.locator("tr[data-desk-card]")).to_have_count(3)

    desk.locator(".comment-desk-panel a.button").first.click()
    expect(desk.locator("main")).to_contain_text("Pertama dari saya.")
    desk.locator("main form button[type=submit]").click()
    desk.wait_for_url(re.compile(r"/admin/comments/"))
    statuses = [Comment.objects.get(pk=c.pk).status for c in regular]
    assert statuses == [CommentStatus.APPROVED] * 3
    assert Comment.objects.get(pk=other.pk).status == CommentStatus.PENDING

    # The desk offers the undo; u takes it.
    expect(desk.locator("#desk-undo-offer")).to_be_visible()
    desk.keyboard.press("u")
    expect(desk.locator("#desk-undo-offer")).to_have_count(0)
    statuses = [Comment.objects.get(pk=c.pk).status for c in regular]
    assert statuses == [CommentStatus.PENDING] * 3


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found["violations"]]


def test_the_whole_desk_page_has_no_axe_violation(live_server, new_context, article, moderator):
    first = pending(article, "Komentar pertama saya di sini.", email="dua@example.net")
    pending(article, "Komentar kedua dari alamat yang sama.", email="dua@example.net")
    pending(
        article, "Lihat https://a.example.net dan https://b.example.net dan https://c.example.net"
    )
    page = new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True).new_page()
    log_in(page, live_server.url, moderator)

    # The queue as a moderator works it: a card focused, a reply open under it.
    page.goto(live_server.url + QUEUE)
    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(page.locator("form[data-desk-reply-form]")).to_have_count(1)
    violations = axe_violations(page)
    assert violations == [], violations

    # Filtered by a commenter and an article: the filter button counts them, the panels show.
    page.goto(
        live_server.url
        + reverse("discussion_comments:list")
        + f"?commenter={first.commenter_id}&page={article.pk}&reason=first_comment"
    )
    expect(page.locator(".comment-desk-panel")).to_have_count(2)
    violations = axe_violations(page)
    assert violations == [], violations

    # The reply page and the confirmation, without the desk's script.
    page.goto(live_server.url + reverse("discussion_comments:reply", args=[first.pk]))
    violations = axe_violations(page)
    assert violations == [], violations
    page.goto(
        live_server.url + reverse("discussion_comments:commenter_spam", args=[first.commenter_id])
    )
    violations = axe_violations(page)
    assert violations == [], violations
