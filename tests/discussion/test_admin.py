import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from kabar.discussion.admin import bulk_actions
from kabar.discussion.models import Comment, CommentStatus
from tests import builders

pytestmark = pytest.mark.django_db

LIST_URL = reverse("discussion_comments:list")
EMAIL = "rahasia.pembaca@example.org"


def moderation_url(name, comment):
    return reverse(f"discussion_comments:{name}", args=[comment.pk])


def bulk_url(action, comments):
    ids = "&".join(f"id={comment.pk}" for comment in comments)
    return reverse("wagtail_bulk_action", args=["discussion", "comment", action]) + f"?{ids}"


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_superuser(
        username="redaktur", email="redaktur@example.org", password="x"
    )
    return builders.in_english(user)


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def outsider_client(django_user_model):
    """Someone who may enter the admin but was given no comment permissions."""
    client = Client()
    client.force_login(builders.admin_user_with(django_user_model, "kontributor", "discussion"))
    return client


@pytest.fixture
def pending(article):
    return builders.submit(article, body="Menunggu moderasi.", name="Dewi", email=EMAIL)


def refused(response):
    """Wagtail answers a PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def status_of(comment):
    return Comment.objects.get(pk=comment.pk).status


# Listing


def test_listing_shows_pending_comment_with_email_and_ip(moderator_client, pending, article):
    html = moderator_client.get(LIST_URL).content.decode()
    assert "Menunggu moderasi." in html
    assert "Dewi" in html
    assert EMAIL in html
    assert "203.0.113.9" in html
    assert article.title in html
    assert "Pending" in html


def test_listing_puts_pending_comments_first_then_newest(moderator_client, article):
    older_pending = builders.submit(article, body="Lama menunggu.", name="Sari")
    approved = builders.submit(article, body="Sudah tayang.", name="Tono", approve=True)
    newer_pending = builders.submit(article, body="Baru menunggu.", name="Umar")
    listed = list(moderator_client.get(LIST_URL).context["object_list"])
    assert listed == [
        Comment.objects.get(pk=newer_pending.pk),
        Comment.objects.get(pk=older_pending.pk),
        Comment.objects.get(pk=approved.pk),
    ]


def test_listing_shows_an_excerpt_of_a_long_comment(moderator_client, article):
    builders.submit(article, body="awal " + "panjang " * 200 + "AKHIR")
    html = moderator_client.get(LIST_URL).content.decode()
    assert "awal panjang" in html
    assert "AKHIR" not in html


def test_listing_escapes_markup_in_comments(moderator_client, article):
    builders.submit(article, body="<script>alert(1)</script>", name="<b>Jahil</b>")
    html = moderator_client.get(LIST_URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<b>Jahil</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_listing_offers_one_click_moderation_as_plain_forms(moderator_client, pending):
    """Each card's buttons are forms that post without JavaScript (desk.js takes them over)."""
    html = moderator_client.get(LIST_URL).content.decode()
    for action in ("approve", "spam", "trash"):
        assert (
            f'<form method="post" action="{moderation_url(action, pending)}" '
            f'data-desk-action="{action}">'
        ) in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_listing_queries_do_not_grow_with_comments(
    moderator_client, article, django_assert_max_num_queries
):
    builders.submit(article)
    moderator_client.get(LIST_URL)  # warm the per-process caches
    with django_assert_max_num_queries(25) as few:
        moderator_client.get(LIST_URL)
    for n in range(12):
        builders.submit(article, body=f"Komentar ke-{n}", name=f"Pembaca {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get(LIST_URL)


def test_filter_by_status(moderator_client, article, pending):
    approved = builders.submit(article, body="Sudah tayang.", approve=True)
    listed = moderator_client.get(LIST_URL, {"status": "approved"}).context["object_list"]
    assert [c.pk for c in listed] == [approved.pk]
    listed = moderator_client.get(LIST_URL, {"status": "pending"}).context["object_list"]
    assert [c.pk for c in listed] == [pending.pk]


def test_filter_by_article(moderator_client, section, article, pending):
    other = builders.make_article(section, "Berita lain")
    elsewhere = builders.submit(other, body="Di artikel lain.")
    listed = moderator_client.get(LIST_URL, {"page": other.pk}).context["object_list"]
    assert [c.pk for c in listed] == [elsewhere.pk]


def test_search_by_email(moderator_client, article, pending):
    builders.submit(article, body="Orang lain.", email="lain@example.org")
    listed = moderator_client.get(LIST_URL, {"q": "rahasia.pembaca"}).context["object_list"]
    assert [c.pk for c in listed] == [pending.pk]


def test_listing_refused_without_comment_permissions(outsider_client, pending):
    response = outsider_client.get(LIST_URL)
    assert refused(response)
    assert EMAIL.encode() not in response.content


def test_listing_requires_login(client, pending):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


# Menu


def test_menu_label_shows_pending_count(moderator_client, article, pending):
    builders.submit(article, body="Satu lagi.")
    builders.submit(article, body="Sudah tayang.", approve=True)
    html = moderator_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Comments (2)" in html


def test_menu_label_has_no_count_when_queue_is_empty(moderator_client, article):
    builders.submit(article, approve=True)
    html = moderator_client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"Comments"' in html
    assert "Comments (" not in html


def test_menu_hidden_without_comment_permissions(outsider_client, pending):
    html = outsider_client.get(reverse("wagtailadmin_home")).content.decode()
    assert LIST_URL not in html


def test_menu_shown_to_editor_with_change_permission(django_user_model, pending):
    client = Client()
    client.force_login(
        builders.admin_user_with(django_user_model, "editor", "discussion", "change_comment")
    )
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert LIST_URL in html
    assert "Comments (1)" in html


# One comment at a time


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", CommentStatus.APPROVED, "Comment by Dewi approved."),
        ("spam", CommentStatus.SPAM, "Comment by Dewi marked as spam."),
        ("trash", CommentStatus.TRASH, "Comment by Dewi moved to trash."),
    ],
)
def test_single_moderation_changes_status_and_returns_to_listing(
    moderator_client, moderator, pending, action, status, message
):
    response = moderator_client.post(moderation_url(action, pending))
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    comment = Comment.objects.get(pk=pending.pk)
    assert comment.status == status
    assert comment.moderated_by == moderator
    assert message in moderator_client.get(LIST_URL).content.decode()


def test_single_moderation_returns_to_next_url(moderator_client, pending):
    next_url = f"{LIST_URL}?status=pending"
    response = moderator_client.post(moderation_url("approve", pending), {"next": next_url})
    assert response["Location"] == next_url


def test_single_moderation_ignores_offsite_next_url(moderator_client, pending):
    response = moderator_client.post(
        moderation_url("approve", pending), {"next": "https://evil.example/"}
    )
    assert response["Location"] == LIST_URL


def test_single_moderation_refuses_get(moderator_client, pending):
    response = moderator_client.get(moderation_url("approve", pending))
    assert response.status_code == 405
    assert status_of(pending) == CommentStatus.PENDING


def test_single_moderation_requires_csrf_token(moderator, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(moderation_url("approve", pending))
    assert response.status_code == 403
    assert status_of(pending) == CommentStatus.PENDING


def test_single_moderation_requires_change_permission(outsider_client, pending):
    response = outsider_client.post(moderation_url("approve", pending))
    assert refused(response)
    assert status_of(pending) == CommentStatus.PENDING


def test_single_moderation_refused_with_view_permission_only(django_user_model, pending):
    client = Client()
    client.force_login(
        builders.admin_user_with(django_user_model, "pembaca", "discussion", "view_comment")
    )
    assert client.get(LIST_URL).status_code == 200
    response = client.post(moderation_url("spam", pending))
    assert refused(response)
    assert status_of(pending) == CommentStatus.PENDING


def test_single_moderation_requires_login(client, pending):
    response = client.post(moderation_url("approve", pending))
    assert response.status_code == 302
    assert status_of(pending) == CommentStatus.PENDING


def test_single_moderation_of_missing_comment_is_404(moderator_client):
    response = moderator_client.post(reverse("discussion_comments:approve", args=[999999]))
    assert response.status_code == 404


# Many at once


def test_bulk_approve_asks_then_changes_statuses(moderator_client, moderator, article, pending):
    second = builders.submit(article, body="Kedua.", name="Eko")
    url = bulk_url("approve", [pending, second])
    confirm = moderator_client.get(url)
    assert confirm.status_code == 200
    assert "Approve these 2 comments?" in confirm.content.decode()
    assert status_of(pending) == CommentStatus.PENDING

    response = moderator_client.post(url, {"next": LIST_URL})
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert status_of(pending) == status_of(second) == CommentStatus.APPROVED
    assert Comment.objects.get(pk=second.pk).moderated_by == moderator
    assert "2 comments approved." in moderator_client.get(LIST_URL).content.decode()


@pytest.mark.parametrize(
    ("action", "status"), [("spam", CommentStatus.SPAM), ("trash", CommentStatus.TRASH)]
)
def test_bulk_spam_and_trash(moderator_client, article, pending, action, status):
    second = builders.submit(article, body="Kedua.", approve=True)
    moderator_client.post(bulk_url(action, [pending, second]), {"next": LIST_URL})
    assert status_of(pending) == status_of(second) == status


def test_bulk_actions_are_offered_in_the_listing(moderator_client, pending):
    html = moderator_client.get(LIST_URL).content.decode()
    for action in ("approve", "spam", "trash"):
        assert reverse("wagtail_bulk_action", args=["discussion", "comment", action]) in html


def test_bulk_moderation_refused_without_permission(outsider_client, pending):
    url = bulk_url("approve", [pending])
    assert refused(outsider_client.get(url))
    assert refused(outsider_client.post(url, {"next": LIST_URL}))
    assert status_of(pending) == CommentStatus.PENDING


# Inspect, add, edit, delete


def test_inspect_shows_email_ip_and_moderation_buttons(moderator_client, pending):
    response = moderator_client.get(reverse("discussion_comments:inspect", args=[pending.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert EMAIL in html
    assert "203.0.113.9" in html
    assert "Menunggu moderasi." in html
    assert f'data-w-action-url-value="{moderation_url("approve", pending)}"' in html


def test_listing_links_a_comment_to_its_inspect_page(moderator_client, pending):
    html = moderator_client.get(LIST_URL).content.decode()
    assert reverse("discussion_comments:inspect", args=[pending.pk]) in html
    assert reverse("discussion_comments:edit", args=[pending.pk]) not in html


def test_nobody_adds_a_comment_in_the_admin(moderator_client):
    assert refused(moderator_client.get(reverse("discussion_comments:add")))
    html = moderator_client.get(LIST_URL).content.decode()
    assert reverse("discussion_comments:add") not in html


def test_edit_url_shows_the_comment_instead(moderator_client, pending):
    response = moderator_client.get(reverse("discussion_comments:edit", args=[pending.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("discussion_comments:inspect", args=[pending.pk])


def test_nobody_deletes_a_comment_in_the_admin(moderator_client, pending):
    url = reverse("discussion_comments:delete", args=[pending.pk])
    assert refused(moderator_client.post(url))
    moderator_client.post(bulk_url("delete", [pending]), {"next": LIST_URL})
    assert Comment.objects.filter(pk=pending.pk).exists()


def test_bulk_select_all_in_listing_keeps_the_listing_filter(moderator_client, article, pending):
    spam = builders.submit(article, body="Beli obat murah.", name="Promo")
    moderator_client.post(bulk_url("spam", [spam]), {"next": LIST_URL})
    second = builders.submit(article, body="Kedua.", name="Eko")
    url = reverse("wagtail_bulk_action", args=["discussion", "comment", "approve"])
    moderator_client.post(f"{url}?status=pending&id=all", {"next": LIST_URL})
    assert status_of(pending) == status_of(second) == CommentStatus.APPROVED
    assert status_of(spam) == CommentStatus.SPAM


def test_bulk_select_all_in_listing_keeps_the_search(moderator_client, article, pending):
    other = builders.submit(article, body="Orang lain.", email="lain@example.org")
    url = reverse("wagtail_bulk_action", args=["discussion", "comment", "trash"])
    moderator_client.post(f"{url}?q=rahasia.pembaca&id=all", {"next": LIST_URL})
    assert status_of(pending) == CommentStatus.TRASH
    assert status_of(other) == CommentStatus.PENDING


def test_bulk_select_all_reads_the_search_as_the_listing_does(moderator_client, article, pending):
    """A search holding NUL is no search to the listing (Wagtail's form refuses it), so the
    listing shows every pending comment, and "select all" acts on what it showed (it
    passed the raw value to the database, which PostgreSQL refuses: a 500)."""
    listing = moderator_client.get(f"{LIST_URL}?status=pending&q=a%00b")
    assert listing.status_code == 200
    url = reverse("wagtail_bulk_action", args=["discussion", "comment", "trash"])
    response = moderator_client.post(f"{url}?status=pending&q=a%00b&id=all", {"next": LIST_URL})
    assert response.status_code == 302
    assert status_of(pending) == CommentStatus.TRASH


def test_inspect_shows_submission_time_in_local_time(moderator_client, pending):
    html = moderator_client.get(
        reverse("discussion_comments:inspect", args=[pending.pk])
    ).content.decode()
    local = timezone.localtime(pending.created_at, ZoneInfo("Asia/Jakarta"))
    with translation.override("en"):
        assert date_format(local, "DATETIME_FORMAT") in html


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_bulk_action_s_name_holds_the_words_it_shows(language):
    # WCAG 2.5.3 (axe's label-content-name-mismatch): a voice user says what they see.
    actions = [
        bulk_actions.ApproveBulkAction,
        bulk_actions.ApproveAndTrustBulkAction,
        bulk_actions.SpamBulkAction,
        bulk_actions.TrashBulkAction,
    ]
    with translation.override(language):
        for action in actions:
            assert str(action.display_name).lower() in str(action.aria_label).lower()


def test_deleting_a_page_warns_of_its_comments(admin_client, article):
    # Its comments go with it, for good: Wagtail's confirmation said only how often the
    # page was linked to.
    builders.submit(article, body="Satu.", approve=True)
    builders.submit(article, body="Dua.")
    url = reverse("wagtailadmin_pages:delete", args=[article.pk])
    html = admin_client.get(url).content.decode()
    assert "Menghapus halaman ini juga menghapus 2 komentar, untuk selamanya." in html
    admin_client.post(url)
    assert not Comment.objects.exists()


def test_the_desk_s_breadcrumb_is_in_the_user_s_language(moderator_client):
    # Wagtail's snippet viewsets translated "Home" once, when the viewset was made at
    # start (Indonesian, the site's language): an English-speaking moderator read "Beranda".
    html = moderator_client.get(reverse("discussion_comments:list")).content.decode()
    home = re.search(r'href="/admin/">\s*(\w+)', html)
    assert home and home.group(1) == "Home"
    assert "Beranda" not in html
