"""POST /api/v1/comments: a comment or reply through discussion's one submission path, with
the HTML form's checks and messages, answered in JSON; whatever cannot be read is a 4xx
problem, never a 500, and nothing is half-written."""

import gzip
import json
from html.parser import HTMLParser

import pytest
from django.utils import translation

from kabar.api.payload import MAX_BODY_BYTES
from kabar.core.security import cross_site_message
from kabar.discussion import targets
from kabar.discussion.forms import FORM_EXPIRED, FORM_INVALID, REPLY_UNAVAILABLE
from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.spam import tokens
from kabar.discussion.submission import UNDECODABLE, UNDECODABLE_FIELD
from kabar.discussion.validation import BODY_REQUIRED, EMAIL_INVALID, NAME_REQUIRED
from tests import builders
from tests.api.conftest import POST_URL, ApiClient, comment_fields
from tests.fuzz.strategies import NAUGHTY

pytestmark = pytest.mark.django_db


def indonesian(message):
    with translation.override("id"):
        return str(message)


def test_a_comment_post_looks_up_no_site(api, thread, page_cache, site_lookups):
    answer = api.post("comments", comment_fields(thread))
    assert answer.status_code == 201
    assert answer.json()["comment"]["id"] == Comment.objects.get().pk
    assert site_lookups == []


def test_a_comment_post_reads_its_page_once(api, thread, monkeypatch):
    """The thread's page found from its address is the one the comment is stored on:
    not read (and copied) a second time for the submission."""
    read = []
    live_target = targets.live_target

    def counted(page_id):
        read.append(page_id)
        return live_target(page_id)

    monkeypatch.setattr(targets, "live_target", counted)
    answer = api.post("comments", comment_fields(thread))
    assert answer.status_code == 201
    assert Comment.objects.get().page_id == thread.pk
    assert read == [thread.pk]


def test_a_comment_is_stored_and_answered_with_its_own_proof(api, thread):
    answer = api.post("comments", comment_fields(thread))
    assert answer.status_code == 201
    comment = Comment.objects.get()
    assert comment.page_id == thread.pk
    assert comment.author_email == "sari@example.org"
    assert comment.ip_address == "127.0.0.1"
    data = answer.json()
    assert data["comment"]["id"] == comment.pk
    assert data["comment"]["status"] == "pending"
    assert data["comment"]["own"]["editable_until"] is not None
    assert data["own"].startswith(f"{comment.pk}.")
    assert "set-cookie" not in {name.lower() for name in answer.headers}


def test_a_reply_is_stored_under_its_parent(api, thread):
    parent = builders.submit(thread, approve=True)
    answer = api.post("comments", comment_fields(thread, parent=parent.pk, body="Setuju."))
    assert answer.status_code == 201
    assert answer.json()["comment"]["parent"] == parent.pk
    assert Comment.objects.get(pk=answer.json()["comment"]["id"]).parent_id == parent.pk


def test_a_reply_to_a_held_comment_is_refused_as_the_form_refuses_it(api, thread):
    held = builders.submit(thread)
    refused = api.post("comments", comment_fields(thread, parent=held.pk))
    assert refused.status_code == 400
    assert refused.json()["detail"] == indonesian(REPLY_UNAVAILABLE)
    assert Comment.objects.count() == 1


def test_missing_fields_get_the_forms_messages_by_field(api, thread):
    refused = api.post("comments", comment_fields(thread, body="  ", author_name=""))
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "/api/v1/problems/invalid"
    assert problem["status"] == 400
    assert problem["errors"]["body"] == [indonesian(BODY_REQUIRED)]
    assert problem["errors"]["author_name"] == [indonesian(NAME_REQUIRED)]
    assert not Comment.objects.exists()


def test_a_bad_email_is_said_under_its_field_in_english_when_asked(api, thread):
    refused = api.post("comments?lang=en", comment_fields(thread, author_email="sari@"))
    assert refused["Content-Language"] == "en"
    with translation.override("en"):
        assert refused.json()["errors"]["author_email"] == [str(EMAIL_INVALID)]


@pytest.mark.parametrize(
    ("token", "message"),
    [("rusak", FORM_INVALID), ("expired", FORM_EXPIRED)],
)
def test_a_bad_form_token_is_refused_with_a_fresh_one(api, thread, token, message):
    if token == "expired":
        token = builders.form_token(thread, age=tokens.MAX_AGE + 100)
    refused = api.post("comments", comment_fields(thread, form_token=token))
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["detail"] == indonesian(message)
    assert tokens.age_of(problem["form_token"], thread.pk) < 5
    again = api.post("comments", comment_fields(thread, form_token=problem["form_token"]))
    assert again.status_code == 201


def test_a_token_of_another_thread_is_refused(api, thread, article):
    refused = api.post("comments", comment_fields(thread, form_token=tokens.issue(article.pk)))
    assert refused.status_code == 400
    assert refused.json()["detail"] == indonesian(FORM_INVALID)


def test_a_filled_honeypot_is_answered_as_a_held_comment_and_never_published(api, thread):
    answer = api.post("comments", comment_fields(thread, subject="http://spam.example"))
    assert answer.status_code == 201
    assert answer.json()["comment"]["status"] == "pending"
    assert Comment.objects.get().status in (CommentStatus.SPAM, CommentStatus.TRASH)


def test_a_post_from_a_site_that_is_not_registered_gets_the_forms_refusal(thread):
    refused = ApiClient(origin="https://jahat.example.com").post("comments", comment_fields(thread))
    assert refused.status_code == 403
    assert refused.json()["detail"] == indonesian(cross_site_message())
    assert not Comment.objects.exists()


def test_a_closed_thread_refuses_with_its_reason(api, thread):
    thread.discussion = "closed"
    thread.save_revision().publish()
    refused = api.post("comments", comment_fields(thread))
    assert refused.status_code == 403
    assert refused.json()["type"] == "/api/v1/problems/refused"
    assert refused.json()["detail"] == "Komentar ditutup pada artikel ini."
    assert not Comment.objects.exists()


def test_posting_too_often_is_rate_limited_with_retry_after(api, thread, limits_on):
    assert api.post("comments", comment_fields(thread)).status_code == 201
    refused = api.post("comments", comment_fields(thread, body="Komentar kedua yang lain."))
    assert refused.status_code == 429
    assert refused.json()["type"] == "/api/v1/problems/rate-limited"
    assert int(refused["Retry-After"]) == refused.json()["retry_after"] > 0
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{bukan json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'"teks"', "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
        (b"body=hai", "application/x-www-form-urlencoded", 415),
        (b"{}", "application/json; charset=latin-1", 415),
        (b"{}", "application/json; charset*=bogus''x", 415),
        (b"{}", "application/json; charset*=utf-8''%00", 415),
        (b"{}", "text/plain", 415),
        (b'{"body": "' + b"a" * MAX_BODY_BYTES + b'"}', "application/json", 413),
    ],
)
def test_what_cannot_be_read_is_a_problem_not_a_500(api, thread, body, content_type, status):
    refused = api.post("comments", body, content_type=content_type)
    assert refused.status_code == status
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == status
    assert not Comment.objects.exists()


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
def test_a_compressed_body_is_refused_as_such(api, thread, encoding):
    # Read as it came: a gzip body was "invalid UTF-8", and plain JSON labelled gzip
    # was taken as plain.
    plain = json.dumps(comment_fields(thread)).encode()
    for body in (plain, gzip.compress(plain)):
        refused = api.post("comments", body, **{"Content-Encoding": encoding})
        assert refused.status_code == 415
        assert "(tanpa Content-Encoding)" in refused.json()["detail"]
    assert not Comment.objects.exists()
    assert api.post("comments", plain, **{"Content-Encoding": "identity"}).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", 42),
        ("author_name", ["Sari"]),
        ("notify_replies", "ya"),
        ("parent", "7"),
        ("parent", 0),
        ("url", None),
    ],
)
def test_a_field_of_the_wrong_type_is_named(api, thread, field, value):
    refused = api.post("comments", comment_fields(thread, **{field: value}))
    assert refused.status_code == 400
    problem = refused.json()
    assert field in problem["errors"] or (field == "url" and "url" in problem["errors"])
    assert not Comment.objects.exists()


def test_text_no_utf8_can_carry_is_said_as_the_form_says_it(api, thread):
    # JSON may escape a lone surrogate, which no UTF-8 encodes.
    body = f'{{"url": "{POST_URL}", "body": "Teks \\ud800 rusak", "author_name": "Sari \\udfff"}}'
    refused = api.post("comments", body.encode())
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["errors"]["body"] == [indonesian(UNDECODABLE)]
    assert problem["errors"]["author_name"] == [indonesian(UNDECODABLE_FIELD)]
    assert not Comment.objects.exists()


def test_markup_in_a_comment_is_shown_as_text(api, thread):
    answer = api.post("comments", comment_fields(thread, body="<script>alert(1)</script> halo"))
    html = answer.json()["comment"]["body_html"]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; halo" in html


def test_kabar_own_article_takes_a_comment_from_its_own_origin(article):
    fields = comment_fields(article, url=f"http://localhost{article.url}", site="")
    answer = ApiClient(origin="http://localhost").post("comments", fields)
    assert answer.status_code == 201
    assert Comment.objects.get().page_id == article.pk


class Markup(HTMLParser):
    """The elements and attributes of a piece of HTML."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("field", ["body", "author_name", "author_url"])
def test_every_naughty_string_is_stored_as_text_or_refused_by_field(api, thread, field):
    """The Big List of Naughty Strings (tests/data/blns) in one field of a post each: an
    answer in JSON, never a 500; stored, and shown as text (no element but the paragraphs,
    line breaks and web links Kabar makes), or refused under that field with nothing
    stored."""
    comments = Comment.objects.filter(page=thread)
    stored = 0
    for n, text in enumerate(dict.fromkeys(NAUGHTY)):
        before = comments.count()
        # Each comment's own text: the same one twice is refused as a duplicate.
        fields = {"body": f"Komentar nomor {n}.", field: text}
        answer = api.post("comments", comment_fields(thread, **fields))
        assert answer.status_code in (201, 400), (text, answer.status_code)
        data = answer.json()
        if answer.status_code == 400:
            assert list(data["errors"]) == [field], (text, data)
            assert comments.count() == before, text
            continue
        stored += 1
        assert comments.count() == before + 1, text
        for tag, attrs in Markup(data["comment"]["body_html"]).found:
            assert tag in ("p", "br", "a"), (text, tag)
            assert set(attrs) <= {"href", "rel"}, (text, attrs)
            assert attrs.get("href", "https:").startswith(("https:", "http:")), (text, attrs)
        if field == "author_name":
            assert data["comment"]["author"]["name"] == text.strip(), text
    # Most of the list is text anyone may write; addresses are another matter.
    assert stored > len(NAUGHTY) * (0.9 if field != "author_url" else 0)
