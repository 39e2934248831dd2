"""The moderators' desk beyond the basics (tests/discussion/test_admin.py): queues with
counts, approve and trust, search by IP, reasons and score, the commenter's history, the
audit log and the discussion settings page."""

import itertools

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.models import ModelLogEntry, Site
from wagtail.users.models import UserProfile

from kabar.core.hashing import keyed_hash
from kabar.discussion.models import Comment, Commenter, CommentStatus, DiscussionSettings
from kabar.discussion.own import address_proof
from kabar.discussion.policy import RULE_FIELDS
from kabar.discussion.services import (
    CommentAuthor,
    comment_report,
    comment_submit,
    comments_set_status,
)
from tests import builders

pytestmark = pytest.mark.django_db

LIST_URL = reverse("discussion_comments:list")


def inspect_url(comment):
    return reverse("discussion_comments:inspect", args=[comment.pk])


def bulk_url(action, comments):
    ids = "&".join(f"id={comment.pk}" for comment in comments)
    return reverse("wagtail_bulk_action", args=["discussion", "comment", action]) + f"?{ids}"


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_superuser(
        username="redaktur", email="redaktur@example.org", password="x"
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def desk(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def status_of(comment):
    return Comment.objects.get(pk=comment.pk).status


_bodies = itertools.count(1)


def held(article, body=None, name="Dewi", email="dewi@example.org", ip_address=None, proofs=()):
    """A comment as the pipeline stores it (held: a first comment), each from its own
    address unless told, so duplicate and flood checks stay out of the way; `proofs` are
    the sending browser's (CommentAuthor.proofs)."""
    n = next(_bodies)
    return comment_submit(
        page=article,
        author=CommentAuthor(
            name=name,
            email=email,
            ip_address=ip_address or f"192.0.2.{n % 250 + 1}",
            proofs=frozenset(proofs),
        ),
        body=body or f"Menunggu moderasi, nomor {n}.",
    )


def report(comment, times=3):
    for n in range(times):
        comment_report(
            comment, "spam", f"pelapor-{comment.pk}-{n}", commenter=builders.trusted_commenter()
        )
    comment.refresh_from_db()
    return comment


# Queues.


def test_queue_tabs_show_every_queue_with_its_count(desk, article):
    held(article, body="Satu.")
    held(article, body="Dua.", email="dua@example.org")
    approved = builders.submit(article, body="Tayang.", email="tiga@example.org", approve=True)
    reported = builders.submit(article, body="Dilaporkan.", email="empat@example.org", approve=True)
    report(reported)
    spam = held(article, body="Obat murah.", email="lima@example.org")
    comments_set_status([spam.pk], CommentStatus.SPAM)
    trash = held(article, body="Sampah.", email="enam@example.org")
    comments_set_status([trash.pk], CommentStatus.TRASH)
    assert approved.status == CommentStatus.APPROVED

    response = desk.get(LIST_URL)
    tabs = {tab["status"]: tab for tab in response.context["queue_tabs"]}
    assert [tab["status"] for tab in response.context["queue_tabs"]] == [
        "",
        "pending",
        "reported",
        "spam",
        "approved",
        "trash",
    ]
    assert {status: tab["count"] for status, tab in tabs.items()} == {
        "": 6,
        "pending": 2,
        "reported": 1,
        "spam": 1,
        "approved": 1,
        "trash": 1,
    }
    html = response.content.decode()
    assert 'data-queue="reported"' in html
    assert f'href="{LIST_URL}?status=reported"' in html
    assert tabs[""]["current"] is True


def test_queue_tab_lists_only_its_queue_and_marks_itself_current(desk, article):
    pending = held(article)
    reported = report(builders.submit(article, body="Kasar.", email="x@example.org", approve=True))
    response = desk.get(LIST_URL, {"status": "reported"})
    assert [c.pk for c in response.context["object_list"]] == [reported.pk]
    current = [tab for tab in response.context["queue_tabs"] if tab["current"]]
    assert [tab["status"] for tab in current] == ["reported"]
    assert pending.pk not in [c.pk for c in response.context["object_list"]]


def test_queue_tabs_keep_the_search_and_article_filter(desk, article):
    held(article)
    response = desk.get(LIST_URL, {"q": "dewi", "page": article.pk})
    urls = [tab["url"] for tab in response.context["queue_tabs"]]
    assert all("q=dewi" in url and f"page={article.pk}" in url for url in urls)


def test_reported_comments_are_listed_first_with_pending_ones(desk, article):
    approved = builders.submit(article, body="Tayang.", email="a@example.org", approve=True)
    reported = report(builders.submit(article, body="Kasar.", email="b@example.org", approve=True))
    newer_approved = builders.submit(article, body="Baru.", email="c@example.org", approve=True)
    listed = [c.pk for c in desk.get(LIST_URL).context["object_list"]]
    assert listed == [reported.pk, newer_approved.pk, approved.pk]


def test_menu_count_includes_reported_comments(desk, article):
    held(article)
    report(builders.submit(article, body="Kasar.", email="b@example.org", approve=True))
    assert "Comments (2)" in desk.get(reverse("wagtailadmin_home")).content.decode()


def test_queue_counts_cost_one_query_whatever_the_queue_sizes(
    desk, article, django_assert_max_num_queries
):
    held(article)
    desk.get(LIST_URL)
    with django_assert_max_num_queries(40) as few:
        desk.get(LIST_URL, {"status": "pending"})
    for n in range(10):
        held(article, body=f"Komentar {n}.", email=f"p{n}@example.org")
        spam = held(article, body=f"Iklan {n}.", email=f"s{n}@example.org")
        comments_set_status([spam.pk], CommentStatus.SPAM)
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk.get(LIST_URL, {"status": "pending"})


# Approve and trust.


def test_approve_and_trust_approves_and_trusts_the_commenter(
    desk, moderator, article, django_capture_on_commit_callbacks
):
    comment = held(article)
    Commenter.objects.filter(pk=comment.commenter_id).update(trust_revoked_at="2026-01-01T00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(reverse("discussion_comments:approve_and_trust", args=[comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    assert comment.moderated_by == moderator
    commenter = Commenter.objects.get(pk=comment.commenter_id)
    assert commenter.manually_trusted is True
    assert commenter.trust_revoked_at is None
    assert "their later comments will be published at once" in desk.get(LIST_URL).content.decode()


def test_a_trusted_commenters_next_comment_is_published_at_once(desk, article):
    first = held(article)
    desk.post(reverse("discussion_comments:approve_and_trust", args=[first.pk]))
    # From a browser its owner confirmed the address in (test_trusted_browser.py: any other).
    later = held(article, body="Komentar kedua saya.", proofs={address_proof("dewi@example.org")})
    assert later.status == CommentStatus.APPROVED


def test_bulk_approve_and_trust(desk, article):
    one = held(article, email="satu@example.org", name="Satu")
    two = held(article, email="dua@example.org", name="Dua")
    url = bulk_url("approve_and_trust", [one, two])
    confirm = desk.get(url)
    assert "Approve these 2 comments and trust their authors?" in confirm.content.decode()
    desk.post(url, {"next": LIST_URL})
    assert status_of(one) == status_of(two) == CommentStatus.APPROVED
    assert set(Commenter.objects.filter(manually_trusted=True).values_list("email", flat=True)) == {
        "satu@example.org",
        "dua@example.org",
    }


def test_approve_and_trust_is_offered_for_held_comments(desk, article):
    comment = held(article)
    html = desk.get(LIST_URL).content.decode()
    url = reverse("discussion_comments:approve_and_trust", args=[comment.pk])
    assert f'<form method="post" action="{url}" data-desk-action="approve_and_trust">' in html
    bulk = reverse("wagtail_bulk_action", args=["discussion", "comment", "approve_and_trust"])
    assert bulk in html


def test_approve_and_trust_refused_without_change_permission(django_user_model, article):
    from django.contrib.auth.models import Group, Permission

    user = django_user_model.objects.create_user(username="pembaca", password="x")
    group = Group.objects.create(name="lihat")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="discussion", codename="view_comment"),
    )
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    comment = held(article)
    client.post(reverse("discussion_comments:approve_and_trust", args=[comment.pk]))
    assert status_of(comment) == CommentStatus.PENDING
    assert not Commenter.objects.get(pk=comment.commenter_id).manually_trusted


def test_approve_and_trust_refuses_get(desk, article):
    comment = held(article)
    response = desk.get(reverse("discussion_comments:approve_and_trust", args=[comment.pk]))
    assert response.status_code == 405
    assert status_of(comment) == CommentStatus.PENDING


# Search.


def listed(desk, query, **extra):
    return [c.pk for c in desk.get(LIST_URL, {"q": query, **extra}).context["object_list"]]


def test_search_by_text_name_and_email(desk, article):
    by_text = held(article, body="Soal banjir di Jakarta.", email="a@example.org", name="Ani")
    by_name = held(article, body="Lain.", email="b@example.org", name="Bambang Wibisono")
    by_email = held(article, body="Lagi.", email="cici.unik@example.org", name="Cici")
    assert listed(desk, "banjir") == [by_text.pk]
    assert listed(desk, "wibisono") == [by_name.pk]
    assert listed(desk, "cici.unik") == [by_email.pk]


def test_search_by_ip_address_matches_that_address_exactly(desk, article):
    mine = held(article, ip_address="198.51.100.7")
    held(article, body="Dari alamat lain.", email="lain@example.org", ip_address="198.51.100.70")
    assert listed(desk, "198.51.100.7") == [mine.pk]


def test_search_by_ip_finds_comments_whose_address_was_forgotten(desk, article):
    old = held(article, ip_address="198.51.100.8")
    # After the retention period only the keyed hash is left.
    Comment.objects.filter(pk=old.pk).update(ip_address=None)
    assert Comment.objects.get(pk=old.pk).ip_hash == keyed_hash("198.51.100.8", "ip")
    assert listed(desk, "198.51.100.8") == [old.pk]
    assert listed(desk, "198.51.100.9") == []


def test_search_by_ipv6_address_in_any_spelling(desk, article):
    mine = held(article, ip_address="2001:db8::1")
    assert listed(desk, "2001:0db8:0000::0001") == [mine.pk]


def test_select_all_after_an_ip_search_moderates_only_what_was_found(desk, article):
    mine = held(article, ip_address="198.51.100.7")
    other = held(article, body="Orang lain.", email="lain@example.org", ip_address="192.0.2.1")
    url = reverse("wagtail_bulk_action", args=["discussion", "comment", "spam"])
    desk.post(f"{url}?q=198.51.100.7&id=all", {"next": LIST_URL})
    assert status_of(mine) == CommentStatus.SPAM
    assert status_of(other) == CommentStatus.PENDING


def test_search_with_odd_input_is_not_an_error(desk, article):
    held(article)
    for query in ["%", "_", "'; DROP TABLE", "::", "1.2.3.4.5", "x" * 300, "\u202e"]:
        assert desk.get(LIST_URL, {"q": query}).status_code == 200


# Reasons and score.


def test_listing_shows_reasons_and_score_of_a_held_comment(desk, article):
    comment = held(article)
    Comment.objects.filter(pk=comment.pk).update(
        reasons=[
            {"rule": "links", "effect": "hold", "detail": "3 links (limit 2)"},
            {"rule": "learned_score", "effect": "score", "detail": "casino, murah"},
        ],
        spam_score=0.8734,
    )
    html = desk.get(LIST_URL).content.decode()
    assert "Reasons and score" in html
    # Each rule links to the comments held for it (the reason filter).
    assert "<b>Links</b></a> (hold): 3 links (limit 2)" in html
    assert f'<a href="{LIST_URL}?reason=links"' in html
    assert "<b>Learned spam score</b></a> (score only): casino, murah" in html
    assert "Spam score: 0.87" in html


def test_inspect_page_lists_each_reason_with_rule_effect_and_detail(desk, article):
    comment = held(article)
    Comment.objects.filter(pk=comment.pk).update(
        reasons=[
            {"rule": "first_comment", "effect": "hold", "detail": "First comment here."},
            {"rule": "disallowed_words", "effect": "trash", "detail": "judi"},
        ],
        spam_score=0.12,
    )
    html = desk.get(inspect_url(comment)).content.decode()
    assert "Why this comment is held" in html
    assert "<td>First comment</td><td>hold</td><td>First comment here.</td>" in html
    assert "<td>Disallowed words</td><td>trash</td><td>judi</td>" in html
    assert "Spam score: 0.12" in html


def test_real_reasons_from_the_pipeline_are_shown(desk, section):
    site_settings = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.premoderate_all = True
    site_settings.save()
    article = builders.make_article(section)
    comment = held(article)
    assert any(r["rule"] == "premoderation" for r in comment.reasons)
    html = desk.get(inspect_url(comment)).content.decode()
    assert "Every comment held here" in html


def test_unknown_and_malformed_reasons_do_not_break_the_desk(desk, article):
    comment = held(article)
    Comment.objects.filter(pk=comment.pk).update(
        reasons=[{"rule": "new_rule_from_the_future", "effect": "hold"}, "just text", {}, 7],
        spam_score=None,
    )
    assert desk.get(LIST_URL).status_code == 200
    html = desk.get(inspect_url(comment)).content.decode()
    assert "New rule from the future" in html


def test_reason_details_are_escaped(desk, article):
    comment = held(article)
    Comment.objects.filter(pk=comment.pk).update(
        reasons=[{"rule": "moderation_words", "effect": "hold", "detail": "<script>x</script>"}]
    )
    for url in (LIST_URL, inspect_url(comment)):
        html = desk.get(url).content.decode()
        assert "<script>x</script>" not in html
        assert "&lt;script&gt;x&lt;/script&gt;" in html


# The commenter's history.


def test_inspect_page_shows_the_commenters_history(
    desk, article, django_capture_on_commit_callbacks
):
    # Each step commits on its own, as requests do, so the counters' receivers run.
    for status in (CommentStatus.APPROVED, CommentStatus.APPROVED, CommentStatus.TRASH):
        with django_capture_on_commit_callbacks(execute=True):
            earlier = held(article)
        with django_capture_on_commit_callbacks(execute=True):
            comments_set_status([earlier.pk], status)
    with django_capture_on_commit_callbacks(execute=True):
        comment = held(article, body="Yang sedang diperiksa.")
    commenter = Commenter.objects.get(pk=comment.commenter_id)
    assert (commenter.approved_count, commenter.rejected_count) == (2, 1)
    html = desk.get(inspect_url(comment)).content.decode()
    assert "The commenter&#x27;s history" in html or "The commenter's history" in html
    assert '<dd data-commenter="approved">2</dd>' in html
    assert '<dd data-commenter="rejected">1</dd>' in html
    assert '<dd data-commenter="verified">Not confirmed</dd>' in html
    assert "First seen" in html


def test_inspect_page_says_when_the_address_was_confirmed(desk, article):
    comment = held(article)
    Commenter.objects.filter(pk=comment.commenter_id).update(verified_at="2026-03-01T08:00Z")
    html = desk.get(inspect_url(comment)).content.decode()
    assert "Confirmed on" in html
    assert "Not confirmed" not in html


def test_inspect_page_lists_reader_reports(desk, article):
    comment = builders.submit(article, approve=True)
    comment_report(comment, "abuse: kata-kata kasar", "seseorang")
    html = desk.get(inspect_url(comment)).content.decode()
    assert "Reader reports" in html
    assert "abuse: kata-kata kasar" in html


# The audit log.


def entries_for(comment):
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(comment.pk), content_type__model="comment"
        ).order_by("timestamp", "pk")
    )


def test_single_moderation_is_logged_with_who_and_what(
    desk, moderator, article, django_capture_on_commit_callbacks
):
    comment = held(article)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(reverse("discussion_comments:approve", args=[comment.pk]))
    [entry] = entries_for(comment)
    assert entry.action == "kabar.comment.approve"
    assert entry.user == moderator
    assert entry.data == {"previous": "pending", "status": "approved"}


def test_bulk_moderation_logs_every_comment(
    desk, moderator, article, django_capture_on_commit_callbacks
):
    one = held(article, email="satu@example.org")
    two = held(article, email="dua@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(bulk_url("spam", [one, two]), {"next": LIST_URL})
    for comment in (one, two):
        [entry] = entries_for(comment)
        assert (entry.action, entry.user) == ("kabar.comment.spam", moderator)


def test_approve_and_trust_is_logged_as_such(desk, article, django_capture_on_commit_callbacks):
    comment = held(article)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(reverse("discussion_comments:approve_and_trust", args=[comment.pk]))
    assert [e.action for e in entries_for(comment)] == ["kabar.comment.approve_and_trust"]


def test_automatic_decisions_are_logged_without_a_user(article, django_capture_on_commit_callbacks):
    comment = builders.submit(article, approve=True)
    before = len(entries_for(comment))
    with django_capture_on_commit_callbacks(execute=True):
        report(comment)
        # The burst guard and other automated paths call the service with by=None.
        comments_set_status([comment.pk], CommentStatus.PENDING)
    entries = entries_for(comment)[before:]
    assert [e.action for e in entries] == ["kabar.comment.report", "kabar.comment.hold"]
    assert all(e.user is None for e in entries)


def test_nothing_is_logged_when_nothing_changed(desk, article, django_capture_on_commit_callbacks):
    comment = builders.submit(article, approve=True)
    before = entries_for(comment)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(reverse("discussion_comments:approve", args=[comment.pk]))
    assert entries_for(comment) == before


def test_history_page_shows_who_decided_what(desk, article, django_capture_on_commit_callbacks):
    comment = held(article)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(reverse("discussion_comments:spam", args=[comment.pk]))
        desk.post(reverse("discussion_comments:approve", args=[comment.pk]))
    response = desk.get(reverse("discussion_comments:history", args=[comment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Marked as spam (was: Pending)" in html
    assert "Approved (was: Spam)" in html
    assert "redaktur" in html


def test_inspect_page_shows_the_moderation_history_and_links_to_it(
    desk, article, django_capture_on_commit_callbacks
):
    comment = held(article)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(reverse("discussion_comments:trash", args=[comment.pk]))
    html = desk.get(inspect_url(comment)).content.decode()
    assert 'data-action="kabar.comment.trash"' in html
    assert "Moved to trash (was: Pending)" in html
    assert reverse("discussion_comments:history", args=[comment.pk]) in html


def test_log_actions_are_registered_with_wagtail():
    from wagtail.log_actions import registry

    for action in ("approve", "approve_and_trust", "spam", "trash", "report", "hold"):
        assert registry.action_exists(f"kabar.comment.{action}")


# Settings page.


def settings_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["discussion", "discussionsettings", site.pk])


def panel_fields(panels):
    for panel in panels:
        if isinstance(panel, FieldPanel):
            yield panel.field_name
        yield from panel_fields(getattr(panel, "children", []))


def setting_fields():
    return {
        f.name
        for f in DiscussionSettings._meta.get_fields()
        if f.concrete and f.name not in ("id", "site")
    }


def test_every_setting_is_on_the_settings_page_once():
    shown = list(panel_fields(DiscussionSettings.panels))
    assert len(shown) == len(set(shown))
    assert set(shown) == setting_fields()


def test_every_setting_is_a_rule_the_policy_reads():
    assert setting_fields() == set(RULE_FIELDS)


def test_settings_page_groups_the_options(desk, home):
    response = desk.get(settings_url())
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Closing and threading",
        "Moderation and spam",
        "Notifications and commenters",
        "Privacy",
    ):
        assert heading in html
    assert 'name="comments_per_page"' in html
    assert 'name="disallowed_words"' in html


def test_settings_page_is_in_the_settings_menu(desk, home):
    html = desk.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailsettings:edit", args=["discussion", "discussionsettings"]) in html


def test_saving_the_settings_page_changes_the_rules(desk, article):
    from kabar.discussion.policy import rules_for

    data = {
        name: getattr(DiscussionSettings(), name)
        for name in setting_fields()
        if not isinstance(getattr(DiscussionSettings(), name), Model)
    }
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data = {k: v for k, v in data.items() if v is not False}
    data.update(comments_per_page=20, comment_order="newest", links_to_hold=4)
    response = desk.post(settings_url(), data)
    assert response.status_code == 302, response.context["form"].errors
    rules = rules_for(article)
    assert (rules.comments_per_page, rules.comment_order, rules.links_to_hold) == (
        20,
        "newest",
        4,
    )


# The queue as cards (views.CommentCardColumn).


def test_card_shows_text_first_and_keeps_email_and_ip_behind_a_disclosure(desk, article):
    parent = builders.submit(article, body="Komentar induk yang dijawab.", approve=True)
    comment = comment_submit(
        page=article,
        author=CommentAuthor(
            name="Rina", email="tersembunyi@example.org", ip_address="198.51.100.77"
        ),
        body="Saya menjawab dengan data baru.",
        parent=Comment.objects.get(pk=parent.pk),
    )
    html = desk.get(LIST_URL, {"status": "pending"}).content.decode()
    card = html[html.index(f'data-comment-id="{comment.pk}"') :]
    card = card[: card.index("</tr>")]
    # The comment it answers is folded in a <details> above the text.
    assert "<summary>In reply to a comment</summary>" in card
    assert card.index("Komentar induk") < card.index("Saya menjawab dengan data baru.")
    # Email and IP only inside the closed "Email and IP" disclosure.
    private = card[card.index('<details class="comment-card__private">') :]
    private = private[: private.index("</details>")]
    assert "tersembunyi@example.org" in private and "198.51.100.77" in private
    outside = card.replace(private, "")
    assert "tersembunyi@example.org" not in outside and "198.51.100.77" not in outside
    # The compact context: name (linked to their comments), the article linked, the
    # commenter's history.
    assert (
        f'<b class="comment-card__name"><a href="{LIST_URL}?commenter={comment.commenter_id}"'
        in card
    )
    assert f'href="{article.url}"' in card
    assert "0 approved, 0 rejected" in card
    assert "address not confirmed" in card


def test_card_shows_the_commenters_history(desk, article):
    comment = held(article, body="Yang ketiga.", email="sering@example.org")
    Commenter.objects.filter(pk=comment.commenter_id).update(approved_count=2, rejected_count=1)
    html = desk.get(LIST_URL).content.decode()
    card = html[html.index(f'data-comment-id="{comment.pk}"') :]
    assert "2 approved, 1 rejected" in card[: card.index("</tr>")]


def test_the_keyboard_script_and_its_key_list_are_on_the_queue(desk, article):
    held(article)
    html = desk.get(LIST_URL).content.decode()
    assert "discussion/desk.js" in html
    assert 'id="desk-keys"' in html and "Keyboard shortcuts" in html
    assert 'role="status" aria-live="polite"' in html


# Moderating from desk.js: JSON answers, and undo.


JSON = {"HTTP_ACCEPT": "application/json"}


def moderate(client, action, comment):
    url = reverse(f"discussion_comments:{action}", args=[comment.pk])
    return client.post(url, {"next": LIST_URL}, **JSON)


def undo(client, comment, **extra):
    url = reverse("discussion_comments:undo", args=[comment.pk])
    return client.post(url, {"next": LIST_URL}, **{**JSON, **extra})


def test_moderation_answers_desk_js_with_json_and_the_new_counts(desk, article):
    comment = held(article)
    held(article)
    response = moderate(desk, "spam", comment)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "spam" and data["previous"] == "pending"
    assert data["counts"]["pending"] == 1 and data["counts"]["spam"] == 1
    assert data["undo_url"] == reverse("discussion_comments:undo", args=[comment.pk])
    assert data["message"] == "Comment by Dewi marked as spam."
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.SPAM


@pytest.mark.parametrize("action", ["approve", "spam", "trash"])
def test_undo_puts_the_comment_back_in_its_previous_status(desk, article, action):
    comment = held(article)
    moderate(desk, action, comment)
    response = undo(desk, comment)
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["counts"]["pending"] == 1
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING


def test_undo_restores_an_approved_comment_that_was_trashed(desk, article):
    comment = builders.submit(article, body="Sudah tayang.", approve=True)
    moderate(desk, "trash", comment)
    undo(desk, comment)
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED


def test_undo_without_javascript_redirects_with_a_message(desk, article):
    comment = held(article)
    desk.post(reverse("discussion_comments:approve", args=[comment.pk]))
    response = desk.post(reverse("discussion_comments:undo", args=[comment.pk]), {"next": LIST_URL})
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING
    assert "Undone: the comment by Dewi is Pending again." in desk.get(LIST_URL).content.decode()


def test_undo_only_takes_back_the_last_action(desk, article):
    first, second = held(article), held(article)
    moderate(desk, "approve", first)
    moderate(desk, "spam", second)
    response = undo(desk, first)
    assert response.status_code == 409
    assert response.json()["error"] == (
        "Only your last moderation can be undone, and this was not it."
    )
    assert Comment.objects.get(pk=first.pk).status == CommentStatus.APPROVED
    assert undo(desk, second).status_code == 200
    assert Comment.objects.get(pk=second.pk).status == CommentStatus.PENDING


def test_undo_cannot_be_repeated(desk, article):
    comment = held(article)
    moderate(desk, "approve", comment)
    assert undo(desk, comment).status_code == 200
    assert undo(desk, comment).status_code == 409
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING


def test_undo_refuses_another_moderators_action(desk, article, django_user_model):
    comment = held(article)
    moderate(desk, "approve", comment)
    other = Client()
    other.force_login(
        builders.in_english(
            django_user_model.objects.create_superuser("lain", "lain@example.org", "x")
        )
    )
    assert undo(other, comment).status_code == 409
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED


def test_undo_refuses_when_the_comment_was_moderated_again(desk, article):
    comment = held(article)
    moderate(desk, "approve", comment)
    comments_set_status([comment.pk], CommentStatus.TRASH)
    response = undo(desk, comment)
    assert response.status_code == 409
    assert "moderated again since" in response.json()["error"]
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.TRASH


def test_undo_refuses_after_the_window(desk, article):
    from kabar.discussion.admin.undo import UNDO_SECONDS, UNDO_SESSION_KEY

    comment = held(article)
    moderate(desk, "approve", comment)
    session = desk.session
    record = session[UNDO_SESSION_KEY]
    record["at"] -= UNDO_SECONDS + 1
    session[UNDO_SESSION_KEY] = record
    session.save()
    response = undo(desk, comment)
    assert response.status_code == 409
    assert response.json()["error"] == "Too late to undo: moderate the comment again."
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED


def test_approve_and_trust_offers_no_undo(desk, article):
    comment = held(article)
    data = moderate(desk, "approve_and_trust", comment).json()
    assert data["undo_url"] is None
    assert undo(desk, comment).status_code == 409


def test_undo_requires_the_change_permission(article, django_user_model):
    comment = held(article)
    client = Client()
    client.force_login(
        builders.admin_user_with(django_user_model, "pengamat", "discussion", "view_comment")
    )
    comments_set_status([comment.pk], CommentStatus.SPAM)
    response = client.post(reverse("discussion_comments:undo", args=[comment.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.SPAM


def test_undo_requires_login(client, article):
    comment = held(article)
    response = client.post(reverse("discussion_comments:undo", args=[comment.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_undo_requires_the_csrf_token(moderator, article):
    comment = held(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    token_client = Client()
    token_client.force_login(moderator)
    moderate(token_client, "approve", comment)
    response = client.post(reverse("discussion_comments:undo", args=[comment.pk]), **JSON)
    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED


def test_undo_refuses_get_and_unknown_comments(desk, article):
    comment = held(article)
    moderate(desk, "approve", comment)
    assert desk.get(reverse("discussion_comments:undo", args=[comment.pk])).status_code == 405
    assert desk.post(reverse("discussion_comments:undo", args=[999999])).status_code == 404
    assert desk.post("/admin/comments/undo/abc/").status_code == 404
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED


def test_undo_with_a_damaged_session_record_says_so(desk, article):
    from kabar.discussion.admin.undo import UNDO_SESSION_KEY

    comment = held(article)
    session = desk.session
    session[UNDO_SESSION_KEY] = {
        "changes": [[comment.pk, "nonsense"]],
        "status": "spam",
        "at": "x",
        "lessons": [[comment.pk, "maybe"]],
        "trust": [[1, True, "not a date"]],
    }
    session.save()
    response = undo(desk, comment)
    assert response.status_code == 409
    assert response.json()["error"] == "Too late to undo: moderate the comment again."
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING
