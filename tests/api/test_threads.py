"""GET /api/v1/threads: a page of a thread by its page's address, threaded and paginated as
Kabar's own pages show it, the form's token bound to the thread, the author's held comments
for them alone, and refusals as problem details."""

import pytest
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction

from kabar.core import ratelimit
from kabar.core.page_cache import HEADER
from kabar.discussion import sites
from kabar.discussion.addresses import BAD_ADDRESS
from kabar.discussion.models import DiscussionSettings, ExternalThread
from kabar.discussion.spam import tokens
from kabar.discussion.targets import DiscussionState
from tests import builders
from tests.api.conftest import POST_URL, ApiClient, comment_fields, walk

pytestmark = pytest.mark.django_db

QUERY = {"url": POST_URL, "site": "blog-teman", "title": "Banjir di Jakarta"}


def test_the_first_visit_makes_the_thread_named_by_the_page(api, blog):
    answer = api.get("threads", {**QUERY, "url": POST_URL + "?ref=depan#komentar"})
    assert answer.status_code == 200
    thread = ExternalThread.objects.get()
    assert thread.title == "Banjir di Jakarta"
    assert answer.json()["thread"] == {
        "id": thread.pk,
        "title": "Banjir di Jakarta",
        "url": POST_URL,
        "kabar_url": f"http://localhost/comments/thread/{thread.pk}/",
        "discussion": "open",
        "comments_open": True,
        "closed_reason": "",
        "count": 0,
    }
    assert answer.json()["comments"] == []
    # A second visit finds it.
    again = api.get("threads", {**QUERY, "title": "Judul lain"})
    assert again.json()["thread"]["id"] == thread.pk
    assert ExternalThread.objects.count() == 1


def test_a_thread_title_loses_controls_that_would_turn_text_around(api, blog):
    # U+202E (right-to-left override) and U+2067 (isolate): refused in a commenter's name,
    # taken out of a title any page of the site may set.
    answer = api.get("threads", {**QUERY, "title": "\u202eBanjir\u2067 di\u2069 Jakarta\u202c"})
    assert answer.status_code == 200
    assert answer.json()["thread"]["title"] == "Banjir di Jakarta"
    assert ExternalThread.objects.get().title == "Banjir di Jakarta"


def test_only_a_page_of_an_allowed_origin_makes_a_thread(blog):
    """A request that names no origin (a script anywhere, not the widget in a browser)
    reads existing threads but makes none: it could fill the site with thread pages
    titled as it likes."""
    nameless = ApiClient(origin=None)
    refused = nameless.get("threads", {**QUERY, "title": "BELI OBAT MURAH"})
    assert refused.status_code == 404
    assert not ExternalThread.objects.exists()
    assert ApiClient().get("threads", QUERY).status_code == 200
    found = nameless.get("threads", QUERY)
    assert found.status_code == 200
    assert found.json()["thread"]["title"] == "Banjir di Jakarta"


def test_the_form_token_is_bound_to_the_thread(api, thread):
    form = api.get("threads", QUERY).json()["form"]
    assert tokens.age_of(form["token"], thread.pk) < 60
    with pytest.raises(tokens.TokenInvalid):
        tokens.age_of(form["token"], thread.pk + 1)
    assert form["honeypot"] == "subject"
    assert form["fields"]["author_email"] == {
        "label": "Email",
        "required": True,
        "max_length": 100,
    }
    assert form["email_note"] == "Alamat email Anda tidak akan dipublikasikan."


def test_replies_are_nested_under_their_comment(api, thread):
    first = builders.submit(thread, body="Pertama", approve=True)
    reply = builders.submit(thread, body="Balasan", parent=first, approve=True)
    deeper = builders.submit(thread, body="Lebih dalam", parent=reply, approve=True)
    [shown] = api.get("threads", QUERY).json()["comments"]
    assert shown["id"] == first.pk
    assert shown["replies"][0]["id"] == reply.pk
    assert shown["replies"][0]["parent"] == first.pk
    assert shown["replies"][0]["replies"][0]["id"] == deeper.pk
    assert shown["replies"][0]["replies"][0]["depth"] == 3


def test_pages_hold_the_sites_number_of_top_level_comments_in_either_order(api, thread, home):
    DiscussionSettings.objects.update_or_create(
        site=home.get_site(), defaults={"comments_per_page": 2}
    )
    made = [builders.submit(thread, body=f"Komentar {n}", approve=True) for n in range(5)]
    first = api.get("threads", QUERY).json()
    assert [c["id"] for c in first["comments"]] == [made[0].pk, made[1].pk]
    assert first["pagination"] == {
        "page": 1,
        "pages": 3,
        "per_page": 2,
        "top_level": 5,
        "order": "oldest",
    }
    last = api.get("threads", {**QUERY, "page": "3"}).json()
    assert [c["id"] for c in last["comments"]] == [made[4].pk]
    newest = api.get("threads", {**QUERY, "order": "newest"}).json()
    assert [c["id"] for c in newest["comments"]] == [made[4].pk, made[3].pk]
    assert newest["pagination"]["order"] == "newest"


def test_a_held_comment_is_shown_to_its_author_only(api, thread):
    sent = api.post("comments", comment_fields(thread)).json()
    assert sent["comment"]["status"] == "pending"
    assert api.get("threads", QUERY).json()["comments"] == []
    [mine] = api.get("threads", QUERY, own=sent["own"]).json()["comments"]
    assert mine["id"] == sent["comment"]["id"]
    assert mine["status"] == "pending"
    assert mine["own"]["body"] == comment_fields(thread)["body"]
    assert mine["permalink"] is None


def test_a_forged_own_proof_shows_nothing_held(api, thread):
    sent = api.post("comments", comment_fields(thread)).json()
    value, _sep, signature = sent["own"].rpartition(":")
    forged = f"{value}:{'A' * len(signature)}"
    assert api.get("threads", QUERY, own=forged).json()["comments"] == []


def test_a_removed_comment_keeps_its_replies_as_a_placeholder(api, thread):
    parent = builders.submit(thread, body="Akan dihapus", approve=True)
    reply = builders.submit(thread, body="Balasan tetap", parent=parent, approve=True)
    parent.status, parent.removed_at = "trash", timezone.now()
    parent.save()
    [placeholder] = api.get("threads", QUERY).json()["comments"]
    assert placeholder["status"] == "removed"
    assert placeholder["author"] is None
    assert placeholder["body_html"] == ""
    assert placeholder["replies"][0]["id"] == reply.pk
    assert "Akan dihapus" not in str(placeholder)


def test_kabar_own_article_is_a_thread_reached_by_its_address(article):
    builders.submit(article, body="Di artikel Kabar", approve=True)
    answer = ApiClient(origin="http://localhost").get(
        "threads", {"url": f"http://localhost{article.url}"}
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["thread"]["id"] == article.pk
    assert data["thread"]["title"] == article.title
    assert [c["body_html"] for c in data["comments"]] == ["<p>Di artikel Kabar</p>"]


def test_a_closed_thread_says_so(api, thread):
    thread.discussion = DiscussionState.CLOSED
    thread.save_revision().publish()
    data = api.get("threads", QUERY).json()["thread"]
    assert data["discussion"] == "closed"
    assert data["comments_open"] is False
    assert data["closed_reason"] == "Komentar ditutup pada artikel ini."


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"url": "https://lain.example.net/a"}, 403, sites.UNKNOWN_SITE),
        ({"url": POST_URL, "site": "situs-lain"}, 403, sites.WRONG_SITE),
        ({"url": "ftp://blog.example.org/a"}, 400, BAD_ADDRESS),
    ],
)
def test_an_address_on_no_registered_site_is_refused(api, blog, query, status, message):
    refused = api.get("threads", query)
    assert refused.status_code == status
    assert refused["Content-Type"] == "application/problem+json"
    with translation.override("id"):
        assert refused.json()["detail"] == str(message)
    assert not ExternalThread.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [({}, "url"), ({**QUERY, "order": "acak"}, "order"), ({**QUERY, "page": "nol"}, "page")],
)
def test_a_bad_query_is_a_problem_naming_the_parameter(api, blog, query, field):
    refused = api.get("threads", query)
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["type"] == "/api/v1/problems/invalid"
    assert list(problem["errors"]) == [field]


def test_a_page_behind_a_password_is_not_found(article):
    api = ApiClient(origin=None)
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
    )
    builders.submit(article, body="Rahasia", approve=True)
    refused = api.get("threads", {"url": f"http://localhost{article.url}"})
    assert refused.status_code == 404
    assert "Rahasia" not in refused.content.decode()


def test_messages_come_in_the_language_asked_for(api, blog):
    refused = api.get("threads", {"url": "https://lain.example.net/", "lang": "en"})
    assert refused["Content-Language"] == "en"
    assert refused.json()["detail"] == "This site is not registered for Kabar's discussion."


@pytest.mark.parametrize("count", [3, 40])
def test_a_thread_costs_the_same_few_queries_however_long(
    api, thread, count, page_cache, django_assert_max_num_queries, django_assert_num_queries
):
    for n in range(count):
        parent = builders.submit(thread, body=f"Komentar {n}", approve=True)
        reply = builders.submit(thread, body=f"Balasan {n}", parent=parent, approve=True)
        builders.submit(thread, body=f"Balasan lagi {n}", parent=reply, approve=True)
    api.get("threads", {**QUERY, "order": "newest"})  # what a warm process keeps in memory
    # The thread's id, its page's view restrictions (2), the top-level count and page,
    # the reply levels (2 and an empty third), the approved count.
    with django_assert_max_num_queries(9):
        answer = api.get("threads", QUERY)
    assert answer[HEADER] == "miss"
    assert len(list(walk(answer.json()["comments"]))) == 3 * count
    with django_assert_num_queries(0):
        assert api.get("threads", QUERY)[HEADER] == "hit"


def test_the_authors_own_answer_costs_a_bounded_number_of_queries_too(
    api, thread, page_cache, django_assert_max_num_queries
):
    for n in range(30):
        builders.submit(thread, body=f"Komentar {n}", approve=True)
    sent = api.post("comments", comment_fields(thread)).json()
    api.get("threads", QUERY)
    with django_assert_max_num_queries(10):
        mine = api.get("threads", QUERY, own=sent["own"])
    assert len(mine.json()["comments"]) == 31


def test_new_threads_from_one_address_are_rate_limited(api, blog, limits_on, monkeypatch):
    monkeypatch.setattr(sites, "NEW_THREADS_LIMIT", ratelimit.Limit("thread-new-ip", 2, 3600))
    statuses = [
        api.get("threads", {"url": f"https://blog.example.org/tulisan/{n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    refused = api.get("threads", {"url": "https://blog.example.org/tulisan/lagi"})
    assert refused.json()["type"] == "/api/v1/problems/rate-limited"
    assert int(refused["Retry-After"]) > 0
    assert ExternalThread.objects.count() == 2


def test_an_unknown_language_is_a_problem(api, blog):
    refused = api.get("threads", {**QUERY, "lang": "fr"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["lang"]


@pytest.mark.parametrize("path", ["threads/", "nothing", "comments/abc", "comments/0/report"])
def test_any_other_address_under_the_api_is_a_problem_not_a_page(api, blog, path):
    missing = api.get(path)
    assert missing.status_code in (404, 405)
    assert missing["Content-Type"] == "application/problem+json"


def test_a_withdrawn_article_s_thread_is_not_found(
    article, page_cache, django_capture_on_commit_callbacks
):
    # Its comments leave with it (as from its page, its feed and the site's feeds).
    api = ApiClient(origin=None)
    builders.submit(article, body="Komentar di artikel yang ditarik", approve=True)
    url = f"http://localhost{article.url}"
    assert api.get("threads", {"url": url}).status_code == 200
    article.withdrawn = True
    article.withdrawal_notice = "Artikel ini ditarik karena keliru."
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    refused = api.get("threads", {"url": url})

    assert refused.status_code == 404
    assert "ditarik" not in refused.content.decode()
    assert api.get("counts", {"url": url}).json() == {"counts": {url: 0}}
