"""Context at hand on the moderators' desk: filters by commenter and by reason, reached
from each card; all of a commenter's pending comments approved or marked as spam at once
(admin/commenters.py), undone as one; the article's discussion settings a link away; and an
undone moderation un-teaching the spam filter and giving back the trust a spam mark took."""

import itertools

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kabar.discussion.admin.undo import UNDO_SESSION_KEY
from kabar.discussion.models import Comment, Commenter, CommentStatus, SpamToken
from kabar.discussion.services import (
    CommentAuthor,
    comment_report,
    comment_submit,
    comments_set_status,
)
from kabar.discussion.spam import classifier
from kabar.discussion.targets import DiscussionState
from kabar.discussion.trust import commenter_trust
from kabar.news.models import ArticlePage
from tests import builders

pytestmark = pytest.mark.django_db

LIST_URL = reverse("discussion_comments:list")
JSON = {"HTTP_ACCEPT": "application/json"}
SPAMMER = "penjual.obat@example.net"


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_superuser("redaktur", "redaktur@example.org", "x")
    return builders.in_english(user)


@pytest.fixture
def desk(moderator):
    client = Client()
    client.force_login(moderator)
    return client


_addresses = itertools.count(1)


def submit(article, body, email, name="Pembaca"):
    """A comment as the pipeline stores it, each from its own network address."""
    n = next(_addresses)
    return comment_submit(
        page=article,
        author=CommentAuthor(name=name, email=email, ip_address=f"198.51.100.{n % 250 + 1}"),
        body=body,
    )


def listed(client, **params):
    return {comment.pk for comment in client.get(LIST_URL, params).context["object_list"]}


def card_of(html, comment):
    card = html[html.index(f'data-comment-id="{comment.pk}"') :]
    return card[: card.index("</tr>")]


def token_counts():
    """Every count the spam filter keeps, zeros left out (an un-learned row keeps its name)."""
    return {
        token: (ham, spam)
        for token, ham, spam in SpamToken.objects.values_list("token", "ham", "spam")
        if ham or spam
    }


def status_of(comment):
    return Comment.objects.get(pk=comment.pk).status


def post_json(client, url, capture, data=None):
    with capture(execute=True):
        return client.post(url, data or {}, **JSON)


# Filter by commenter.


def test_filter_by_commenter_lists_their_comments_by_id_not_address(desk, article):
    first = submit(article, "Obat murah, hubungi kami.", SPAMMER, name="Toko Obat")
    second = submit(article, "Diskon obat hari ini.", SPAMMER, name="Toko Obat")
    other = submit(article, "Komentar biasa.", "biasa@example.org")
    response = desk.get(LIST_URL, {"commenter": first.commenter_id})
    assert {c.pk for c in response.context["object_list"]} == {first.pk, second.pk}
    assert other.pk not in listed(desk, commenter=first.commenter_id)
    # The active filter names them by the name they used, not by their address.
    filters = response.context["view"].active_filters
    assert [(f.field_label, f.value) for f in filters] == [("Komentator", "Toko Obat")]


def test_the_name_on_a_card_opens_that_commenters_comments(desk, article):
    comment = submit(article, "Komentar pertama saya.", "dewi@example.org", name="Dewi")
    card = card_of(desk.get(LIST_URL, {"status": "pending"}).content.decode(), comment)
    assert f'href="{LIST_URL}?commenter={comment.commenter_id}"' in card
    assert "dewi@example.org" not in card.split('<details class="comment-card__private">')[0]


@pytest.mark.parametrize("value", ["abc", "0", "99999999999999999999999", "424242"])
def test_a_commenter_filter_that_names_nobody_says_so(desk, article, value):
    submit(article, "Komentar.", "a@example.org")
    response = desk.get(LIST_URL, {"commenter": value})
    assert response.status_code == 200
    assert "No commenter has this number" in response.content.decode()


def test_the_commenter_panel_shows_their_history_and_the_actions_on_all_pending(desk, article):
    comment = submit(article, "Obat murah.", SPAMMER, name="Toko Obat")
    earlier = submit(article, "Obat murah lagi.", SPAMMER, name="Toko Obat")
    comments_set_status([earlier.pk], CommentStatus.SPAM)
    html = desk.get(LIST_URL, {"commenter": comment.commenter_id}).content.decode()
    assert "Comments from Toko Obat" in html
    assert "0 approved, 1 waiting, 1 rejected (spam or trash)" in html
    for name in ("approve", "spam"):
        url = reverse(f"discussion_comments:commenter_{name}", args=[comment.commenter_id])
        assert f'href="{url}?next=' in html


# Filter by reason.


def test_filter_by_reason_lists_the_comments_held_for_it(desk, article):
    linked = submit(
        article,
        "Lihat https://a.example.net dan https://b.example.net dan https://c.example.net",
        "l@example.org",
    )
    first = submit(article, "Komentar pertama saya.", "f@example.org")
    assert "links" in [r["rule"] for r in linked.reasons]
    assert "links" not in [r["rule"] for r in first.reasons]
    assert linked.pk in listed(desk, reason="links")
    assert first.pk not in listed(desk, reason="links")
    assert first.pk in listed(desk, reason="first_comment")


def test_a_reason_on_a_card_opens_its_comments_in_the_same_queue(desk, article):
    comment = submit(article, "Komentar pertama saya.", "f@example.org")
    card = card_of(desk.get(LIST_URL, {"status": "pending"}).content.decode(), comment)
    assert f'href="{LIST_URL}?status=pending&amp;reason=first_comment"' in card


def test_an_unknown_reason_says_so(desk, article):
    submit(article, "Komentar.", "a@example.org")
    response = desk.get(LIST_URL, {"reason": "<script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html and "<script>" not in html


def test_the_tabs_keep_the_commenter_and_reason_filters(desk, article):
    comment = submit(article, "Komentar.", "a@example.org")
    tabs = desk.get(LIST_URL, {"commenter": comment.commenter_id, "reason": "first_comment"})
    urls = [tab["url"] for tab in tabs.context["queue_tabs"]]
    assert all(f"commenter={comment.commenter_id}" in url for url in urls)
    assert all("reason=first_comment" in url for url in urls)


def test_the_filtered_desk_costs_the_same_queries_however_many_comments(
    desk, article, django_assert_max_num_queries
):
    comment = submit(article, "Komentar pertama.", SPAMMER)
    submit(article, "Komentar kedua, dari alamat yang sama.", SPAMMER)  # a known name now
    params = {
        "status": "pending",
        "page": article.pk,
        "commenter": comment.commenter_id,
        "reason": "unverified_known",
    }
    desk.get(LIST_URL, params)  # warm the per-process caches
    with django_assert_max_num_queries(25) as few:
        desk.get(LIST_URL, params)
    bound = len(few.captured_queries)  # read now: each request empties the query log
    for n in range(12):
        submit(article, f"Komentar ke-{n} dari alamat yang sama.", SPAMMER)
    assert len(listed(desk, **params)) == 13
    with django_assert_max_num_queries(bound):
        desk.get(LIST_URL, params)


# The article's own settings.


def test_a_card_links_to_the_articles_discussion_settings(desk, article):
    comment = submit(article, "Komentar.", "a@example.org")
    card = card_of(desk.get(LIST_URL).content.decode(), comment)
    settings_url = reverse("wagtailadmin_pages:edit", args=[article.pk]) + "#tab-settings"
    assert f'href="{settings_url}"' in card


def test_the_article_filter_says_how_its_discussion_is_set(desk, article):
    submit(article, "Komentar.", "a@example.org")
    ArticlePage.objects.filter(pk=article.pk).update(discussion=DiscussionState.PREMODERATED)
    html = desk.get(LIST_URL, {"page": article.pk}).content.decode()
    assert "Open, every comment held for moderation" in html
    assert reverse("wagtailadmin_pages:edit", args=[article.pk]) + "#tab-settings" in html
    assert reverse("wagtailsettings:edit", args=["discussion", "discussionsettings"]) in html
    ArticlePage.objects.filter(pk=article.pk).update(discussion=DiscussionState.CLOSED)
    html = desk.get(LIST_URL, {"page": article.pk}).content.decode()
    assert "Closed: existing comments stay, no new ones" in html


def test_no_settings_link_for_a_moderator_who_may_not_edit_the_article(article, django_user_model):
    comment = submit(article, "Komentar.", "a@example.org")
    client = Client()
    client.force_login(
        builders.admin_user_with(
            django_user_model, "moderator", "discussion", "view_comment", "change_comment"
        )
    )
    card = card_of(client.get(LIST_URL).content.decode(), comment)
    assert "wagtailadmin_pages" not in card and "#tab-settings" not in card


# All of a commenter's pending comments at once.


def commenter_url(name, commenter_id, next_url=LIST_URL):
    url = reverse(f"discussion_comments:commenter_{name}", args=[commenter_id])
    return f"{url}?next={next_url}"


def test_approve_all_asks_first_and_lists_what_it_will_approve(desk, article):
    first = submit(article, "Komentar satu.", "rajin@example.org", name="Rajin")
    submit(article, "Komentar dua.", "rajin@example.org", name="Rajin")
    page = desk.get(commenter_url("approve", first.commenter_id))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Approve all 2 pending comments from Rajin?" in html
    assert "Komentar satu." in html and "Komentar dua." in html
    assert status_of(first) == CommentStatus.PENDING


def test_approve_all_approves_what_was_listed_and_not_what_came_after(
    desk, article, django_capture_on_commit_callbacks
):
    first = submit(article, "Komentar satu.", "rajin@example.org", name="Rajin")
    second = submit(article, "Komentar dua.", "rajin@example.org", name="Rajin")
    elsewhere = submit(article, "Bukan dari Rajin.", "lain@example.org")
    up_to = desk.get(commenter_url("approve", first.commenter_id)).context["up_to"]
    later = submit(article, "Komentar tiga, sesudah halaman dibuka.", "rajin@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            commenter_url("approve", first.commenter_id), {"up_to": up_to, "next": LIST_URL}
        )
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert [status_of(c) for c in (first, second, later, elsewhere)] == [
        CommentStatus.APPROVED,
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
        CommentStatus.PENDING,
    ]
    # The same path as one approval: counters, the audit log, the spam filter's lessons.
    assert Commenter.objects.get(pk=first.commenter_id).approved_count == 2
    assert ModelLogEntry.objects.filter(action="kabar.comment.approve").count() == 2
    assert classifier.lessons_of([first.pk, second.pk]) == {
        first.pk: classifier.HAM,
        second.pk: classifier.HAM,
    }
    html = desk.get(LIST_URL).content.decode()
    assert "2 comments from Rajin approved." in html


def test_spam_all_then_undo_puts_everything_back(desk, article, django_capture_on_commit_callbacks):
    first = submit(article, "Obat murah, hubungi kami.", SPAMMER, name="Toko Obat")
    second = submit(article, "Diskon obat hari ini.", SPAMMER, name="Toko Obat")
    commenter_trust(first.commenter)
    before = token_counts()
    url = commenter_url("spam", first.commenter_id)
    up_to = desk.get(url).context["up_to"]
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(url, {"up_to": up_to, "next": LIST_URL})
    commenter = Commenter.objects.get(pk=first.commenter_id)
    assert [status_of(first), status_of(second)] == [CommentStatus.SPAM] * 2
    assert commenter.rejected_count == 2 and commenter.trust_revoked_at is not None
    assert token_counts() != before

    # The desk the moderator comes back to offers the undo, as a plain form, once.
    html = desk.get(LIST_URL).content.decode()
    assert 'id="desk-undo-offer"' in html and "2 comments from Toko Obat marked as spam." in html
    assert 'id="desk-undo-offer"' not in desk.get(LIST_URL).content.decode()
    undo_url = reverse("discussion_comments:undo", args=[first.pk])
    assert f'action="{undo_url}"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(undo_url, {"next": LIST_URL})
    assert response.status_code == 302
    assert [status_of(first), status_of(second)] == [CommentStatus.PENDING] * 2
    commenter.refresh_from_db()
    assert commenter.rejected_count == 0
    assert commenter.manually_trusted and commenter.trust_revoked_at is None
    assert token_counts() == before
    assert "Undone: 2 comments are Pending again." in desk.get(LIST_URL).content.decode()


def test_all_from_a_commenter_with_nothing_pending_moderates_nothing(desk, article):
    comment = submit(article, "Komentar.", "a@example.org")
    comments_set_status([comment.pk], CommentStatus.APPROVED)
    url = commenter_url("spam", comment.commenter_id)
    assert "is waiting for moderation" in desk.get(url).content.decode()
    response = desk.post(url, {"up_to": comment.pk})
    assert response.status_code == 302
    assert status_of(comment) == CommentStatus.APPROVED


@pytest.mark.parametrize("up_to", ["", "abc", "99999999999999999999999"])
def test_all_from_a_commenter_without_a_readable_confirmation_moderates_nothing(
    desk, article, up_to
):
    comment = submit(article, "Komentar.", "a@example.org")
    response = desk.post(commenter_url("spam", comment.commenter_id), {"up_to": up_to})
    assert response.status_code == 302
    assert status_of(comment) == CommentStatus.PENDING


def test_all_from_a_commenter_needs_the_moderation_permission_and_a_post(
    article, django_user_model
):
    comment = submit(article, "Komentar.", "a@example.org")
    viewer = Client()
    viewer.force_login(
        builders.admin_user_with(django_user_model, "pengamat", "discussion", "view_comment")
    )
    response = viewer.post(commenter_url("spam", comment.commenter_id), {"up_to": comment.pk})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert status_of(comment) == CommentStatus.PENDING
    assert Client().get(commenter_url("spam", comment.commenter_id)).status_code == 302


def test_all_from_an_unknown_commenter_is_404(desk):
    assert desk.get(commenter_url("approve", 999999)).status_code == 404


# Undo un-teaches the spam filter.


@pytest.mark.parametrize("action", ["spam", "approve"])
def test_undoing_a_moderation_puts_the_spam_filters_counts_back(
    desk, article, action, django_capture_on_commit_callbacks
):
    # Something learned already, so the counts are not simply empty before and after.
    known = submit(article, "Analisis yang jernih, terima kasih.", "baik@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([known.pk], CommentStatus.APPROVED)
    assert token_counts()
    comment = submit(article, "Slot gacor maxwin, daftar sekarang juga!", "slot@example.net")
    before = token_counts()
    url = reverse(f"discussion_comments:{action}", args=[comment.pk])
    post_json(desk, url, django_capture_on_commit_callbacks)
    assert token_counts() != before
    undo = reverse("discussion_comments:undo", args=[comment.pk])
    assert post_json(desk, undo, django_capture_on_commit_callbacks).status_code == 200
    assert token_counts() == before
    assert classifier.lessons_of([comment.pk]) == {}


def test_undoing_a_correction_restores_the_earlier_lesson(
    desk, article, django_capture_on_commit_callbacks
):
    """Approved and learned as ham, then marked spam by mistake: undo learns it as ham
    again, exactly as before."""
    comment = submit(article, "Liputan yang seimbang, terima kasih.", "seimbang@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([comment.pk], CommentStatus.APPROVED)
    before = token_counts()
    post_json(
        desk,
        reverse("discussion_comments:spam", args=[comment.pk]),
        django_capture_on_commit_callbacks,
    )
    assert classifier.lessons_of([comment.pk]) == {comment.pk: classifier.SPAM}
    post_json(
        desk,
        reverse("discussion_comments:undo", args=[comment.pk]),
        django_capture_on_commit_callbacks,
    )
    assert status_of(comment) == CommentStatus.APPROVED
    assert token_counts() == before


def test_undoing_a_spam_mark_gives_back_the_commenters_trust(
    desk, article, django_capture_on_commit_callbacks
):
    comment = submit(article, "Komentar dari pembaca tetap.", "tetap@example.org")
    commenter_trust(comment.commenter)
    post_json(
        desk,
        reverse("discussion_comments:spam", args=[comment.pk]),
        django_capture_on_commit_callbacks,
    )
    assert Commenter.objects.get(pk=comment.commenter_id).trust_revoked_at is not None
    post_json(
        desk,
        reverse("discussion_comments:undo", args=[comment.pk]),
        django_capture_on_commit_callbacks,
    )
    commenter = Commenter.objects.get(pk=comment.commenter_id)
    assert commenter.manually_trusted and commenter.trust_revoked_at is None
    entry = ModelLogEntry.objects.filter(action="kabar.comment.undo").get()
    assert entry.data == {"previous": "spam", "status": "pending"}


@pytest.mark.parametrize(
    "damage",
    [
        {"status": "nonsense"},
        {"at": "x"},
        {"lessons": [[0, "maybe"]]},
        {"lessons": "ham"},
        {"trust": [[1, True, "not a date"]]},
        {"trust": [["1", True, None]]},
    ],
)
def test_a_damaged_undo_record_undoes_nothing_and_says_so(desk, article, damage):
    comment = submit(article, "Komentar.", "a@example.org")
    desk.post(reverse("discussion_comments:spam", args=[comment.pk]), **JSON)
    session = desk.session
    session[UNDO_SESSION_KEY] = {**session[UNDO_SESSION_KEY], **damage}
    session.save()
    response = desk.post(reverse("discussion_comments:undo", args=[comment.pk]), **JSON)
    assert response.status_code == 409
    assert response.json()["error"] == "Too late to undo: moderate the comment again."
    assert status_of(comment) == CommentStatus.SPAM


def test_undo_is_logged_as_such():
    from wagtail.log_actions import registry

    assert registry.action_exists("kabar.comment.undo")


def test_a_comment_a_reader_reported_waits_on_the_desk_until_moderated(desk, article):
    # A reader with no history hides nothing by reporting, but their report is to be
    # looked at: it is listed under the reason "Reader reports" until a moderator decides.
    shown = builders.submit(article, body="Komentar yang dilaporkan.", approve=True)
    other = builders.submit(article, body="Komentar lain.", approve=True)
    assert comment_report(shown, "off_topic", "pelapor-1")
    shown.refresh_from_db()
    assert shown.status == CommentStatus.APPROVED  # still shown to readers
    listed_now = listed(desk, reason="reports")
    assert shown.pk in listed_now and other.pk not in listed_now

    comments_set_status([shown.pk], CommentStatus.APPROVED, by=None)  # looked at: it stays
    assert shown.pk not in listed(desk, reason="reports")
    assert comment_report(shown, "spam", "pelapor-2")
    assert shown.pk in listed(desk, reason="reports")
