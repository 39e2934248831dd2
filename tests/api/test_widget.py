"""/embed.js, the comment widget other sites embed: served as it is committed, cacheable
and loadable from any page, within its size budget, and speaking Kabar's own words (the
strings it carries are the catalogues' translations of the HTML form's msgids)."""

import gzip
import re

import brotli
import pytest
from django.urls import reverse
from django.utils import translation

from kabar.api.widget import SCRIPT
from tests.api.conftest import POST_URL, ApiClient

pytestmark = pytest.mark.django_db

URL = reverse("embed_js")
SOURCE = SCRIPT.read_text(encoding="utf-8")
BUDGET = 10 * 1024
# The widget's string key -> the msgid of the same words in Kabar's own templates.
KABAR_MSGIDS = {
    "comments": "Comments",
    "leave": "Leave a Reply",
    "replyTo": "Reply to %(name)s",
    "cancel": "Cancel reply",
    "required": 'Required fields are marked <span class="required" aria-hidden="true">*</span>',
    "remember": "Save my name, email, and website in this browser for the next time I comment.",
    "post": "Post Comment",
    "awaiting": "Your comment is awaiting moderation.",
    "removed": "Comment deleted",
    "staff": "Newsroom",
    "edited": "(edited)",
    "reply": "Reply",
    "report": "Report",
    "reportBy": "Report the comment by %(name)s",
    "pages": "Comment pages",
    "pagesEnd": "Comment pages (bottom)",
    "older": "Older comments",
    "newer": "Newer comments",
    "closed": "Comments are closed.",
    "honeypot": "Leave this field empty",
    "privacy": "Your comments and your data: get a copy or erase them",
    "edit": "Edit",
    "editYours": "Edit your comment",
    "until": (
        "You can change it until %(deadline)s; the moderation rules check it again when you save."
    ),
    "save": "Save changes",
    "no": "Cancel",
    "del": "Delete",
    "delAsk": "Delete your comment?",
    "stays": "It has replies: they stay, under a “Comment deleted” placeholder.",
    "delYes": "Delete comment",
    "keep": "Keep it",
    "why": "What is wrong with this comment?",
    "note": "Anything moderators should know (optional)",
    "send": "Send report",
    "sent": "Your report has been sent to the moderators.",
    "again": "You have already reported this comment. Moderators will look at it.",
}


def widget_strings(lang):
    block = re.search(rf"^    {lang}: \{{\n(.*?)^    \}},", SOURCE, re.S | re.M).group(1)
    return dict(re.findall(r'^ +(\w+): "((?:[^"\\]|\\.)*)",$', block, re.M))


def served(client, **headers):
    response = client.get(URL, **headers)
    assert response.status_code == 200
    return response


def test_the_script_is_served_as_committed_for_any_page_to_load(client):
    response = served(client)
    assert response.content == SCRIPT.read_bytes()
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in response


def test_the_script_is_read_only(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_the_served_script_is_within_ten_kilobytes_compressed(client):
    body = served(client).content
    assert len(gzip.compress(body, compresslevel=9)) <= BUDGET
    assert len(brotli.compress(body, quality=11)) <= BUDGET
    # What readers' browsers receive is compressed by the server, within the budget too.
    sent = served(client, HTTP_ACCEPT_ENCODING="br, gzip").content
    assert len(sent) <= BUDGET


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_widget_says_what_kabars_own_form_says(lang):
    strings = widget_strings(lang)
    with translation.override(lang):
        for key, msgid in KABAR_MSGIDS.items():
            expected = re.sub(r"%\(\w+\)s", "%s", translation.gettext(msgid))
            expected = re.sub(r"\s*<span[^>]*>\*</span>", "", expected)
            assert strings[key] == expected, key


def test_english_has_every_string_indonesian_has():
    assert widget_strings("id").keys() == widget_strings("en").keys()


def test_an_unregistered_origin_may_read_its_refusal_and_nothing_else(blog):
    """The widget on a site nobody registered shows why it has no thread: the browser lets
    it read the 403 problem, which says only that."""
    origin = "https://jahat.example.com"
    refused = ApiClient(origin=origin).get("threads", {"url": POST_URL, "site": "blog-teman"})
    assert refused.status_code == 403
    assert refused["Access-Control-Allow-Origin"] == origin
    assert set(refused.json()) == {"type", "title", "status", "detail"}
