"""The hostile corpus (tests/data/hostile_corpus.json) and the Big List of Naughty Strings
(tests/data/blns) sent through the comment form,
approved through the service, then shown in real headless Chromium: the article pages, the
permalinks, the comment feeds (as XML, and their HTML as a feed reader would render it),
the form sent back with a reader's input, the reader's own held comment, and the
moderators' desk. Nothing a reader typed may run or become markup: no script, no dialog,
no event handler, no javascript: address, no request to another host."""

import json
import re
import xml.etree.ElementTree as ET
from itertools import count
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kabar.discussion.feeds import FEED_SIZE
from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import ImportedComment, comment_import, comments_set_status
from tests import builders
from tests.fuzz.strategies import NAUGHTY

CORPUS = json.loads((Path(__file__).parents[1] / "data" / "hostile_corpus.json").read_text())
FORM = "application/x-www-form-urlencoded"
# Each article keeps all its payload comments on one page and in its own feeds.
PER_ARTICLE = FEED_SIZE - 5
ATOM = "{http://www.w3.org/2005/Atom}"
PHONE = {"width": 390, "height": 844}

# Everything in the document a payload could have turned into something live.
SCAN = """() => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                    "background", "srcdoc", "content"];
  const live = /^(javascript|vbscript|data:text\\/html)/;
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.toLowerCase().replace(/[\\s\\u0000-\\u001f]+/g, "");
      if (name.startsWith("on") && value.includes("pwned")) found.push(`${tag}[${name}]`);
      if (urlAttrs.includes(name) && live.test(value))
        found.push(`${tag}[${name}=${attr.value.slice(0, 80)}]`);
      if (["style", "srcdoc"].includes(name) && value.includes("pwned"))
        found.push(`${tag}[${name}]`);
    }
    if (tag === "script" && el.type === "application/ld+json") {
      try { JSON.parse(el.textContent); } catch (e) { found.push("broken ld+json"); }
    } else if (["script", "style", "iframe", "object", "embed", "base", "meta", "link",
                "template", "svg", "math"].includes(tag) && el.outerHTML.includes("pwned")) {
      found.push(`<${tag}> ${el.outerHTML.slice(0, 80)}`);
    }
  }
  if (window.__pwned !== undefined) found.push("window.__pwned was set");
  return found;
}"""


def payloads():
    """(field, value) for every post the corpus makes through the form."""
    texts = CORPUS["markup"] + CORPUS["controls"]
    texts += [entry["unit"] * entry["times"] for entry in CORPUS["long"]]
    for text in dict.fromkeys(texts + NAUGHTY):
        yield "body", text
        yield "author_name", text
    yield from (("author_url", url) for url in CORPUS["website"])
    yield from (("author_email", email) for email in CORPUS["email"])


@pytest.fixture
def site(transactional_db, django_user_model):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    staff = django_user_model.objects.create_superuser("penyunting", "penyunting@example.org")
    return section, staff


class Poster:
    """Posts through the comment form's endpoint as a browser does (url-encoded, from a
    form on an article), onto articles of at most PER_ARTICLE comments, every third a
    reply to a published comment."""

    def __init__(self, section):
        self.section = section
        self.client = Client(raise_request_exception=False)
        self.numbers = count(1)
        self.articles = []
        self.stored = []

    def _article(self):
        if not self.articles or self.articles[-1]["count"] >= PER_ARTICLE:
            n = len(self.articles) + 1
            article = builders.make_article(self.section, f"Artikel uji {n}")
            anchor = builders.submit(article, body=f"Komentar jangkar {n}.", approve=True)
            self.articles.append({"article": article, "anchor": anchor, "count": 0})
        return self.articles[-1]

    def fields(self):
        entry, n = self._article(), next(self.numbers)
        entry["count"] += 1
        fields = {
            "page": str(entry["article"].pk),
            "body": f"Komentar uji nomor {n}.",
            "author_name": "Penguji",
            "author_email": f"penguji{n}@example.org",
            "author_url": "",
            "form_token": builders.form_token(entry["article"]),
        }
        if n % 3 == 0:
            fields["parent"] = str(entry["anchor"].pk)
        return fields

    def post(self, body):
        response = self.client.generic("POST", reverse("discussion:post"), body, FORM)
        assert response.status_code < 500, body[:300]
        if response.status_code == 302:
            self.stored.append(int(re.search(r"#comment-(\d+)", response["Location"])[1]))

    def post_field(self, name, value):
        fields = self.fields()
        fields[name] = value
        self.post(urlencode(fields).encode())

    def post_bytes(self, name, raw):
        """`raw` (percent-encoded, not UTF-8) inside field `name`, as a broken client sends it."""
        fields = self.fields()
        del fields[name]
        self.post(f"{urlencode(fields)}&{name}=Komentar+{raw}+selesai".encode())


@pytest.fixture
def corpus_posted(site):
    section, staff = site
    poster = Poster(section)
    for name, value in payloads():
        poster.post_field(name, value)
    for raw in CORPUS["bytes"]:
        poster.post_bytes("body", raw)
        poster.post_bytes("author_name", raw)
    comments_set_status(poster.stored, CommentStatus.APPROVED)
    # Most of the corpus is ordinary text to the form: it must be there to be shown.
    assert len(poster.stored) > (len(CORPUS["markup"]) + len(NAUGHTY)) * 2 * 0.9
    return poster, staff


class Browser:
    """One page in one context, offline but for the live server, recording anything a
    payload could make the browser do."""

    def __init__(self, context, base_url):
        self.base = base_url
        self.page = context.new_page()
        self.trouble = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.trouble.append(f"script error: {error}"))
        self.page.on("console", self._console)
        context.route(lambda url: not url.startswith(base_url), self._foreign)

    def _dialog(self, dialog):
        self.trouble.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def _console(self, message):
        text = message.text
        if "pwned" in text.lower() or "Content Security Policy" in text or "Refused to" in text:
            self.trouble.append(f"console: {text[:200]}")

    def _foreign(self, route):
        self.trouble.append(f"request to another host: {route.request.url[:200]}")
        route.abort()

    def inert(self, where):
        found = self.page.evaluate(SCAN)
        trouble, self.trouble = self.trouble, []
        assert not found and not trouble, (where, found, trouble)
        assert settings.SECRET_KEY not in self.page.content(), where

    def load(self, path, status=200):
        response = self.page.goto(self.base + path)
        assert response.status == status, (path, response.status)
        self.page.wait_for_load_state("networkidle")
        self.inert(path)
        return response

    def render(self, html, where):
        """HTML from a feed, put in a page as a feed reader that trusts it would."""
        self.page.set_content(f"<!doctype html><meta charset=utf-8><body>{html}</body>")
        self.page.wait_for_load_state("networkidle")
        self.inert(where)


def feed_html(content):
    """The HTML parts of an RSS or Atom document: what a feed reader renders."""
    root = ET.fromstring(content)  # noqa: S314 - our own feed, parsed to check it is XML
    parts = root.findall("./channel/item/description") + root.findall(f"./{ATOM}entry/{ATOM}*")
    return [part.text or "" for part in parts if part.tag in ("description", f"{ATOM}summary")]


def test_hostile_corpus_runs_nowhere(live_server, new_context, corpus_posted):
    poster, staff = corpus_posted
    reader = Browser(new_context(viewport=PHONE), live_server.url)

    feeds = [reverse("discussion:feed"), reverse("discussion:feed_atom")]
    for entry in poster.articles:
        article = entry["article"]
        reader.load(article.url)
        # A long name or word does not make the page scroll sideways on a phone.
        width = reader.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (article.url, width)
        feeds += [
            reverse("discussion:article_feed", args=[article.pk]),
            reverse("discussion:article_feed_atom", args=[article.pk]),
        ]

    # Every permalink leads to a page of this site; a few are followed in the browser.
    for pk in poster.stored:
        answer = reader.page.request.get(
            live_server.url + reverse("discussion:permalink", args=[pk]), max_redirects=0
        )
        assert answer.status == 302
        assert urlsplit(answer.headers["location"]).netloc in ("", urlsplit(live_server.url).netloc)
    for pk in poster.stored[:: len(poster.stored) // 3]:
        reader.load(reverse("discussion:permalink", args=[pk]))

    # The feeds: well-formed XML, inert when the browser opens them, and their HTML inert
    # when rendered as it stands.
    html = []
    for feed in feeds:
        response = reader.load(feed)
        html += feed_html(response.body())
    reader.render("\n<hr>\n".join(dict.fromkeys(html)), "the feeds' HTML")

    sent_back_and_own_comment(reader, poster.articles[0]["article"])
    moderators_desk(Browser(new_context(), live_server.url), staff, poster)


def sent_back_and_own_comment(reader, article):
    """From the browser itself: a refused post comes back with the reader's input in the
    form, an accepted one shows the reader their held comment, and the remembered details
    are filled in by the page's script."""
    page = reader.page
    # The markup a reader can type (controls are refused, and tested through the form).
    typed = [text for text in CORPUS["markup"] if text.isprintable() or "\n" in text]
    reader.load(article.url)
    page.fill("#id_body", "\n".join(typed))
    page.fill("#id_author_name", typed[3])
    page.fill("#id_author_url", CORPUS["website"][7])
    page.check("#id_remember")
    submit(page)
    reader.inert("the form sent back without an email")

    page.fill("#id_author_email", "pembaca.uji@example.org")
    page.fill("#id_author_url", "")
    submit(page)
    errors = page.locator(".field-error, .errorlist").all_inner_texts()
    assert re.search(r"#comment-\d+$", page.url), errors
    reader.inert("the reader's own held comment")
    held = Comment.objects.get(author_email="pembaca.uji@example.org")
    assert held.status != CommentStatus.APPROVED

    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#id_author_name") == typed[3]
    reader.inert("the form filled in from the remembered details")


def submit(page):
    with page.expect_navigation():
        page.click("#submit")
    page.wait_for_load_state("networkidle")


def moderators_desk(desk, staff, poster):
    """Every row of the desk's list, the inspect pages of the comments with hostile
    names, addresses and websites, and a search for a payload, signed in as staff."""
    client = Client()
    client.force_login(staff)
    desk.page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": desk.base}]
    )
    listing = reverse("discussion_comments:list")
    pages = -(-Comment.objects.count() // 50)
    for number in range(1, pages + 1):
        desk.load(f"{listing}?p={number}")
    desk.load(f"{listing}?{urlencode({'q': CORPUS['markup'][0]})}")
    hostile = (
        Comment.objects.filter(pk__in=poster.stored)
        .exclude(author_name="Penguji", author_url="", author_email__startswith="penguji")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in list(hostile)[:: max(1, len(hostile) // 8)]:
        desk.load(reverse("discussion_comments:inspect", args=[pk]))


def test_the_check_sees_a_payload_that_ran(live_server, new_context):
    """The check above is only as good as its scan: a page where payloads did become
    markup and ran must fail it."""
    browser = Browser(new_context(), live_server.url)
    for html in (
        "<img src=x onerror=window.__pwned=1>",
        '<a href=" javascript:void(0)">klik</a>',
        "<svg><script>alert('__pwned')</script></svg>",
        "<img src=https://evil.example/x.png>",
    ):
        with pytest.raises(AssertionError):
            browser.render(html, html)


def test_piled_marks_brought_in_by_an_import_keep_to_their_comment(live_server, new_context, site):
    """The form refuses a letter under piled marks (validation.has_few_marks); an import
    keeps what the old site held. Shown, such a letter (one cluster, no break in it) stays
    inside its comment: the page does not scroll sideways on a phone."""
    section, _staff = site
    article = builders.make_article(section, "Artikel dari impor")
    piled = "Banjir " + "\u0e14" + "\u0e49\u0e47" * 44 + " surut."
    comment_import(
        page=article,
        data=ImportedComment(
            body=piled,
            author_name="Pembaca Lama",
            author_email="pembaca.lama@example.org",
            created_at=timezone.now(),
            status=CommentStatus.APPROVED,
        ),
        key="impor-1",
    )
    reader = Browser(new_context(viewport=PHONE), live_server.url)
    reader.load(article.url)
    assert reader.page.locator(".comment__text", has_text="surut").count() == 1
    width = reader.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
