"""The verified-trust ladder: first comment held and a confirmation mailed; a known name
and email earn nothing until confirmed; confirmed + approved history publishes at once
from the browser the address was confirmed in (tests/discussion/test_trusted_browser.py
for any other); spam takes trust away; a moderator's "approve and trust" gives it back."""

import io
import re

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from kabar.discussion import policy
from kabar.discussion.models import (
    Comment,
    Commenter,
    CommentStatus,
    DiscussionSettings,
    Subscription,
)
from kabar.discussion.own import trusted_proofs
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from kabar.discussion.trust import (
    CONFIRM_SALT,
    commenter_for,
    commenter_history,
    commenter_trust,
    confirmation_read,
    confirmation_token,
)
from tests import builders
from tests.plans import comment_rows_read, generic_plan_reads

pytestmark = pytest.mark.django_db
EMAIL = "budi@example.org"
CONFIRM_LINK = re.compile(r"https?://\S+/comments/confirm/(\S+)/")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a write and what it sets off after commit (signals, queued mail)."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def confirm_by_link(client, mailoutbox, email=EMAIL):
    mail = [m for m in mailoutbox if m.to == [email] and "/comments/confirm/" in m.body][-1]
    link = CONFIRM_LINK.search(mail.body).group(0)
    response = client.post(link)
    assert response.status_code == 200
    return link


def proofs_of(client):
    """What `client`'s trusted-browser cookie proves, as the comment form's view reads it."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return trusted_proofs(request)


def trust_after(home, approved):
    settings = DiscussionSettings.for_site(home.get_site())
    settings.trust_after_approved = approved
    settings.save()


def approve(run, comment):
    run(comments_set_status, [comment.pk], CommentStatus.APPROVED)


def test_first_comment_is_held_and_mails_a_confirmation_link(article, run, mailoutbox):
    comment = run(builders.submit, article, email=EMAIL)
    assert comment.status == CommentStatus.PENDING
    assert comment.reasons[0]["rule"] == "first_comment"
    [mail] = [m for m in mailoutbox if m.to == [EMAIL]]
    token = CONFIRM_LINK.search(mail.body).group(1)
    # The link names the commenter, never the address.
    assert EMAIL not in token
    assert EMAIL not in str(signing.loads(token, salt=CONFIRM_SALT))
    assert confirmation_read(token).commenter == comment.commenter


def test_a_second_unconfirmed_comment_does_not_mail_again_the_same_day(article, run, mailoutbox):
    run(builders.submit, article, body="Satu.")
    run(builders.submit, article, body="Dua.")
    assert len([m for m in mailoutbox if m.to == [EMAIL]]) == 1


def test_known_name_and_email_without_confirmation_is_held(article, run):
    first = run(builders.submit, article, name="Budi", email=EMAIL)
    approve(run, first)
    later = run(builders.submit, article, body="Lagi.", name="Budi", email=EMAIL)
    assert later.status == CommentStatus.PENDING
    assert later.reasons[0]["rule"] == "unverified_known"


def test_confirmed_address_without_approved_comments_is_still_held(
    article, run, client, mailoutbox
):
    run(builders.submit, article, email=EMAIL)
    confirm_by_link(client, mailoutbox)
    later = run(builders.submit, article, body="Lagi.", email=EMAIL)
    assert later.status == CommentStatus.PENDING
    assert later.reasons[0]["rule"] == "verified_new"


def test_confirmed_address_with_an_approved_comment_is_published_at_once(
    article, run, client, mailoutbox
):
    first = run(builders.submit, article, email=EMAIL)
    confirm_by_link(client, mailoutbox)
    approve(run, first)
    later = run(
        builders.submit,
        article,
        body="Sekarang langsung tampil.",
        email=EMAIL,
        proofs=proofs_of(client),
    )
    assert later.status == CommentStatus.APPROVED
    assert later.reasons[0]["rule"] == "trusted_commenter"


def test_trust_after_approved_setting_is_respected(article, run, client, mailoutbox, home):
    trust_after(home, 2)
    first = run(builders.submit, article, body="Satu.", email=EMAIL)
    confirm_by_link(client, mailoutbox)
    approve(run, first)
    second = run(builders.submit, article, body="Dua.", email=EMAIL, proofs=proofs_of(client))
    assert second.status == CommentStatus.PENDING
    approve(run, second)
    third = run(builders.submit, article, body="Tiga.", email=EMAIL, proofs=proofs_of(client))
    assert third.status == CommentStatus.APPROVED


def test_a_regulars_approved_comments_are_counted_only_as_far_as_trust_needs(
    article, run, client, mailoutbox, home
):
    """A trusted regular's comments are not all walked on each comment they post: the
    count stops at what the rules need, the decision is the same, and the moderators'
    reason still gives the whole count (the listings' counter)."""
    trust_after(home, 2)
    first = run(builders.submit, article, body="Satu.", email=EMAIL)
    confirm_by_link(client, mailoutbox)
    for body in ("Satu.", "Dua.", "Tiga.", "Empat."):
        comment = first if body == "Satu." else run(builders.submit, article, body=body)
        approve(run, comment)
    author = CommentAuthor(name="Budi", email=EMAIL, proofs=proofs_of(client))
    rules = policy.rules_for(article)
    assert commenter_for(author, rules).approved_comments == 2
    assert commenter_for(author, policy.Rules(trust_after_approved=1)).approved_comments == 1
    later = run(builders.submit, article, body="Lima.", email=EMAIL, proofs=author.proofs)
    assert later.status == CommentStatus.APPROVED
    assert later.reasons[0]["rule"] == "trusted_commenter"
    assert "4" in later.reasons[0]["detail"]


def held_with_counter_at(approved_count, run, article, proofs):
    """A comment from the confirmed EMAIL, its counter set to `approved_count` first:
    held, as a confirmed address without enough approved comments is."""
    Commenter.objects.filter(email=EMAIL).update(approved_count=approved_count)
    held = run(builders.submit, article, body="Lagi.", email=EMAIL, proofs=proofs)
    assert held.status == CommentStatus.PENDING
    assert held.reasons[0]["rule"] == "verified_new"
    return held


def test_a_counter_that_drifted_high_publishes_nothing(article, run, client, mailoutbox, home):
    """What publishes is the count of approved comments, not the listings' counter (one
    that says enough, or says some: comments deleted with their article leave it high)."""
    run(builders.submit, article, email=EMAIL)
    confirm_by_link(client, mailoutbox)
    proofs = proofs_of(client)
    held_with_counter_at(1, run, article, proofs)
    trust_after(home, 3)
    Commenter.objects.filter(email=EMAIL).update(approved_count=2)
    author = CommentAuthor(name="Budi", email=EMAIL, proofs=proofs)
    assert commenter_for(author, policy.rules_for(article)).approved_comments == 0
    third = run(builders.submit, article, body="Sekali lagi.", email=EMAIL, proofs=proofs)
    assert re.search(r"\b0\b.*\b3\b", third.reasons[0]["detail"])


def test_a_counter_that_drifted_low_holds_for_a_moderator(article, run, client, mailoutbox):
    """A counter that says none spares the count: a comment is held, never published."""
    first = run(builders.submit, article, email=EMAIL)
    confirm_by_link(client, mailoutbox)
    approve(run, first)
    proofs = proofs_of(client)
    held = held_with_counter_at(0, run, article, proofs)
    approve(run, held)  # the counter is back at one: trusted again
    later = run(builders.submit, article, body="Sekali lagi.", email=EMAIL, proofs=proofs)
    assert later.status == CommentStatus.APPROVED


def test_a_count_short_of_trust_is_exact_in_the_reason(article, run, client, mailoutbox, home):
    trust_after(home, 3)
    first = run(builders.submit, article, body="Satu.", email=EMAIL)
    confirm_by_link(client, mailoutbox)
    approve(run, first)
    approve(run, run(builders.submit, article, body="Dua.", email=EMAIL, proofs=proofs_of(client)))
    third = run(builders.submit, article, body="Tiga.", email=EMAIL, proofs=proofs_of(client))
    assert third.status == CommentStatus.PENDING
    assert third.reasons[0]["rule"] == "verified_new"
    assert re.search(r"\b2\b.*\b3\b", third.reasons[0]["detail"])


def test_trusted_address_under_another_name_is_trusted(article, run, client, mailoutbox):
    # Trust belongs to the confirmed address; people change how they sign.
    first = run(builders.submit, article, name="Budi", email=EMAIL)
    confirm_by_link(client, mailoutbox)
    approve(run, first)
    later = run(
        builders.submit,
        article,
        body="Nama baru.",
        name="Budi S.",
        email=EMAIL,
        proofs=proofs_of(client),
    )
    assert later.status == CommentStatus.APPROVED


def test_a_comment_marked_spam_takes_trust_away(article, run, client, mailoutbox):
    first = run(builders.submit, article, body="Satu.", email=EMAIL)
    confirm_by_link(client, mailoutbox)
    approve(run, first)
    trusted = run(builders.submit, article, body="Dua.", email=EMAIL, proofs=proofs_of(client))
    assert trusted.status == CommentStatus.APPROVED
    run(comments_set_status, [trusted.pk], CommentStatus.SPAM)
    commenter = Commenter.objects.get(email=EMAIL)
    assert commenter.trust_revoked_at is not None
    later = run(builders.submit, article, body="Tiga.", email=EMAIL, proofs=proofs_of(client))
    assert later.status == CommentStatus.PENDING
    assert later.reasons[0]["rule"] == "trust_revoked"


def test_approve_and_trust_restores_trust_after_spam(
    article, run, django_user_model, client, mailoutbox
):
    moderator = django_user_model.objects.create_user("mod", is_staff=True)
    first = run(builders.submit, article, body="Satu.", email=EMAIL)
    confirm_by_link(client, mailoutbox)
    run(comments_set_status, [first.pk], CommentStatus.SPAM, by=moderator)
    commenter = Commenter.objects.get(email=EMAIL)
    assert commenter.trust_revoked_at is not None
    commenter_trust(commenter, by=moderator)
    commenter.refresh_from_db()
    assert commenter.manually_trusted and commenter.trust_revoked_at is None
    later = run(builders.submit, article, body="Dua.", email=EMAIL, proofs=proofs_of(client))
    assert later.status == CommentStatus.APPROVED
    assert later.reasons[0]["rule"] == "trusted_commenter"


def test_spam_after_approve_and_trust_takes_it_away_again(article, run):
    first = run(builders.submit, article, body="Satu.", email=EMAIL)
    commenter_trust(first.commenter)
    second = run(builders.submit, article, body="Dua.", email=EMAIL)
    run(comments_set_status, [second.pk], CommentStatus.SPAM)
    commenter = Commenter.objects.get(email=EMAIL)
    assert not commenter.manually_trusted and commenter.trust_revoked_at is not None


def test_staff_comment_is_published_without_confirmation(article, run, django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    comment = run(
        comment_submit,
        page=article,
        author=CommentAuthor(name="Redaksi", email="redaksi@example.org", user=editor),
        body="Catatan redaksi.",
    )
    assert comment.status == CommentStatus.APPROVED
    assert comment.reasons[0]["rule"] == "staff"


def test_counters_follow_moderation_both_ways(article, run):
    comment = run(builders.submit, article, email=EMAIL)
    commenter = Commenter.objects.get(email=EMAIL)
    steps = [
        (CommentStatus.APPROVED, (1, 0)),
        (CommentStatus.TRASH, (0, 1)),
        (CommentStatus.SPAM, (0, 1)),
        (CommentStatus.APPROVED, (1, 0)),
        (CommentStatus.PENDING, (0, 0)),
    ]
    for status, expected in steps:
        run(comments_set_status, [comment.pk], status)
        commenter.refresh_from_db()
        assert (commenter.approved_count, commenter.rejected_count) == expected, status


def test_an_approval_counts_once_however_its_callbacks_are_run(article, run):
    run(builders.submit, article, email=EMAIL, approve=True)
    assert Commenter.objects.get(email=EMAIL).approved_count == 1


def test_recount_puts_counters_that_drifted_back_to_the_comments(article, run, client, mailoutbox):
    first = run(builders.submit, article, body="Satu.", email=EMAIL)
    confirm_by_link(client, mailoutbox)
    approve(run, first)
    spam = run(builders.submit, article, body="Dua.", email="lain@example.org")
    run(comments_set_status, [spam.pk], CommentStatus.SPAM)
    Commenter.objects.filter(email=EMAIL).update(approved_count=0, rejected_count=3)
    Commenter.objects.filter(email="lain@example.org").update(approved_count=7)
    out = io.StringIO()
    call_command("recount_commenters", stdout=out)
    assert "2 commenter(s)" in out.getvalue()
    counters = dict(
        (email, (approved, rejected))
        for email, approved, rejected in Commenter.objects.values_list(
            "email", "approved_count", "rejected_count"
        )
    )
    assert counters == {EMAIL: (1, 0), "lain@example.org": (0, 1)}
    # Trusted again from the browser the address was confirmed in.
    later = run(builders.submit, article, body="Tiga.", email=EMAIL, proofs=proofs_of(client))
    assert later.status == CommentStatus.APPROVED
    call_command("recount_commenters", stdout=out)
    assert "Counted again: 0 commenter(s)" in out.getvalue()


def test_commenter_history_counts_from_the_comments(article, run):
    a = run(builders.submit, article, body="a", email=EMAIL)
    b = run(builders.submit, article, body="b", email=EMAIL)
    run(builders.submit, article, body="c", email=EMAIL)
    run(comments_set_status, [a.pk], CommentStatus.APPROVED)
    run(comments_set_status, [b.pk], CommentStatus.TRASH)
    history = commenter_history(Commenter.objects.get(email=EMAIL))
    assert (history.approved, history.pending, history.rejected) == (1, 1, 1)
    assert not history.verified and not history.trust_revoked


def test_a_link_confirms_only_subscriptions_asked_for_before_it_was_issued(article, section):
    commenter = Commenter.objects.create(email=EMAIL, name="Budi")
    earlier = Subscription.objects.create(page=article, commenter=commenter)
    token = confirmation_token(commenter)
    other = builders.make_article(section, "Berita lain")
    # Someone types the same address on another article after the mail went out.
    later = Subscription.objects.create(
        page=other, commenter=commenter, created_at=timezone.now() + timezone.timedelta(seconds=5)
    )
    from kabar.discussion.trust import commenter_confirm

    confirmed = commenter_confirm(confirmation_read(token))
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert [s.pk for s in confirmed] == [earlier.pk]
    assert earlier.confirmed_at is not None and later.confirmed_at is None
    assert Commenter.objects.get(pk=commenter.pk).verified_at is not None


def commenter_statement(author, rules):
    """(sql, params) of the one statement commenter_for reads an address's row and history
    with."""
    seen = []

    def keep(execute, sql, params, many, context):
        if "discussion_commenter" in sql and not seen:
            seen.append((sql, list(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        commenter_for(author, rules)
    return seen[0]


@pytest.mark.parametrize("history", ["none", "one, the newest"])
def test_a_commenters_history_is_read_through_its_index_however_few_write_the_rest(
    article, history
):
    """A site where a few regulars wrote most comments: the commenter's statement reads the
    comments of the address posting, not the table. (PostgreSQL took the regulars' many
    rows per address as a sign that any address's first comment is found soon, and read
    the table from its start for an address whose only comment is the newest, or that has
    none: every comment on the site, on each comment posted.)"""
    regulars = [
        Commenter.objects.create(email=f"tetap{n}@example.org", name=f"Tetap {n}") for n in range(4)
    ]
    Comment.objects.bulk_create(
        Comment(
            page=article,
            depth=1,
            body=f"Komentar nomor {n} dari pembaca tetap.",
            author_name="Tetap",
            author_email=regulars[n % 4].email,
            commenter=regulars[n % 4],
            status=CommentStatus.PENDING if n % 3 else CommentStatus.APPROVED,
        )
        for n in range(4000)
    )
    newcomer = Commenter.objects.create(email=EMAIL, name="Budi", approved_count=1)
    if history != "none":
        builders.submit(article, body="Komentar pertama saya.", email=EMAIL)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE discussion_comment")
    author = CommentAuthor(name="Budi", email=EMAIL)
    sql, params = commenter_statement(author, policy.Rules(trust_after_approved=3))
    for read in (comment_rows_read(sql, params), generic_plan_reads(sql, params)):
        if connection.vendor == "sqlite":
            comments = [step for step in read if " c " in step or " c_1 " in step]
            assert comments and all("discussion_commenter_history" in s for s in comments), read
        else:
            assert read < 10, read
    found = commenter_for(author, policy.Rules())
    assert found.pk == newcomer.pk
    assert found.has_comments is (history != "none")


def test_approved_sorts_before_every_other_status():
    """What the commenter's statement counts on: the first of an address's comments in
    status order are its approved ones."""
    assert min(CommentStatus.values) == CommentStatus.APPROVED
