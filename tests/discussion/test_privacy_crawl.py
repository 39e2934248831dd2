"""A commenter's email and IP address reach no public output: a crawl of every public
address of Kabar (the URLconf's, the links from the home page on, the feeds, sitemaps, the
JSON API, the widget's, permalinks, search) as a stranger and as another reader with
cookies of their own, after the commenter's own visits had their chance to leave
something in the caches; and the mail Kabar sends to anybody else.

The secrets are the addresses as typed and as stored, their local parts and domains, the
hashes anyone could compute from a guessed address (MD5, SHA-1, SHA-256: Gravatar's), the
IPs whole and cut short; each looked for as written, URL-encoded, HTML- or JSON-escaped."""

import contextlib
import hashlib
import html
import ipaddress
import json
import re
import time
from urllib.parse import quote, unquote, unquote_plus, urlencode, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, RequestFactory, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from kabar.discussion import privacy, sites
from kabar.discussion.models import CommentStatus, Subscription
from kabar.discussion.own import (
    COMMENTER_COOKIE,
    OWN_COOKIE,
    TRUSTED_COOKIE,
    store_own_comments,
    trusted_proof,
)
from kabar.discussion.policy import Rules
from kabar.discussion.services import (
    CommentAuthor,
    SubmitContext,
    comment_remove_by_author,
    comment_submit,
    comments_set_status,
)
from kabar.discussion.subscriptions import unsubscribe_token
from kabar.discussion.trust import Confirmation, commenter_confirm, commenter_for
from tests import builders

pytestmark = pytest.mark.django_db

# The commenters whose details no one else may learn.
LEAKY_EMAIL = "Leaky.Person+x@Very-Unique-Domain.test"
LEAKY_IP = "203.0.113.77"
SIXER_EMAIL = "sixer.secret@another-unique-host.test"
SIXER_IP = "2001:db8:77:beef::177"
TRUSTY_EMAIL = "trusty.verified@third-unique-host.test"
TRUSTY_IP = "198.51.100.177"
# Public: names may show.
LEAKY_NAME = "Pembaca Bocor"
# The other reader, whose own details they may see.
OTHER_EMAIL = "pembaca.lain@example.org"
OTHER_IP = "192.0.2.10"
MODERATOR_EMAIL = "moderator@kabar.test"
MAX_FETCHES = 600


def _digests(text):
    data = text.encode()
    return [hashlib.new(name, data).hexdigest() for name in ("md5", "sha1", "sha256")]


def _ip_forms(address):
    ip = ipaddress.ip_address(address)
    forms = {str(ip), ip.exploded}
    if ip.version == 4:
        forms.add(str(ip).rsplit(".", 1)[0] + ".")  # 203.0.113. : the /24 it came from
    else:
        forms |= {ip.exploded.rsplit(":", 1)[0], ":".join(ip.exploded.split(":")[:4])}
    return forms


def secrets_of(email, ip):
    normal = email.strip().lower()
    local, _at, domain = normal.partition("@")
    found = {email, normal, local, local.split("+")[0], domain}
    for text in (email, normal, email.strip()):
        found |= set(_digests(text))
    found |= _ip_forms(ip)
    return {s.lower() for s in found}


# {whose: what only they (and the moderators) may see}
SECRETS_OF = {
    LEAKY_EMAIL.lower(): secrets_of(LEAKY_EMAIL, LEAKY_IP),
    SIXER_EMAIL: secrets_of(SIXER_EMAIL, SIXER_IP),
    TRUSTY_EMAIL: secrets_of(TRUSTY_EMAIL, TRUSTY_IP),
}
SECRETS = sorted(set().union(*SECRETS_OF.values()))


def readings(text):
    """`text` lower-cased as written and decoded each way a secret could be encoded in it."""
    text = text.lower()
    forms = {text, html.unescape(text), unquote(text), unquote_plus(text)}
    forms.add(html.unescape(unquote(text)))
    forms.add(unquote(html.unescape(text)))
    # JSON's \u0040 and friends.
    forms.add(re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), text))
    return forms


def shown(text, to=None):
    """The secrets `text` gives away, in any of its readings; `to` may see their own."""
    secrets = [s for s in SECRETS if s not in SECRETS_OF.get(to, ())]
    found = set()
    for form in readings(text):
        found |= {secret for secret in secrets if secret in form}
    return found


def everything_in(response):
    """Body, headers and cookies of a response, as text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    head = "\n".join(f"{name}: {value}" for name, value in response.items())
    return body.decode("utf-8", "replace") + "\n" + head + "\n" + response.cookies.output()


def step(fn, *args, **kwargs):
    """One write as a request makes it: its after-commit effects (mail, purges) run."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)


def write(page, email, ip, body, *, name="Pembaca", parent=None, status=None, **context):
    comment = step(
        comment_submit,
        page=page,
        author=CommentAuthor(
            name=name, email=email, ip_address=ip, user_agent="Mozilla/5.0 (Rahasia)"
        ),
        body=body,
        parent=parent,
        context=SubmitContext(**context),
    )
    if status is not None:
        step(comments_set_status, [comment.pk], status)
        comment.refresh_from_db()
    return comment


def own_cookie(*comments):
    response = HttpResponse()
    request = RequestFactory().get("/")
    for comment in comments:
        store_own_comments(request, response, add=comment)
        request.COOKIES[OWN_COOKIE] = response.cookies[OWN_COOKIE].value
    return response.cookies[OWN_COOKIE].value


def remembered(name, email):
    return quote(json.dumps({"name": name, "email": email, "url": ""}))


class World:
    pass


def build(django_user_model):
    w = World()
    home = builders.make_home()
    w.section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    w.author = builders.make_author()
    w.article = builders.make_article(w.section, "Gencatan senjata", authors=[w.author])
    w.article.tags.add("iklim")
    w.article.save_revision().publish()
    w.other_article = builders.make_article(w.section, "Harga beras naik", authors=[w.author])
    w.blog = builders.make_external_site()
    w.thread = sites.resolve("https://blog.example.org/tulisan", title="Tulisan", create=True)
    w.thread = w.thread.target

    moderator = django_user_model.objects.create_user("moderator", email=MODERATOR_EMAIL)
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="discussion", codename="change_comment")
    )

    # The other reader: a confirmed address following the article, with a comment there.
    other_parent = write(
        w.article, OTHER_EMAIL, OTHER_IP, "Komentar pembaca lain.", name="Pembaca Lain"
    )
    step(comments_set_status, [other_parent.pk], CommentStatus.APPROVED)
    other = other_parent.commenter
    other.verified_at = timezone.now()
    other.save(update_fields=["verified_at"])
    Subscription.objects.update_or_create(
        page=w.article, commenter=other, defaults={"confirmed_at": timezone.now()}
    )
    w.other_held = write(w.article, OTHER_EMAIL, OTHER_IP, "Komentar lain yang tertahan.")

    # A verified commenter moderators trust, whose comments are published at once.
    trusty = commenter_for(CommentAuthor(name="Tepercaya", email=TRUSTY_EMAIL), Rules())
    step(commenter_confirm, Confirmation(commenter=trusty, issued_at=time.time() + 1))
    builders.trusted_commenter(TRUSTY_EMAIL)

    mail.outbox.clear()
    # The commenters with secrets, in every state a comment can be in.
    w.approved = write(
        w.article, LEAKY_EMAIL, LEAKY_IP, "Komentar terbuka pertama.", name=LEAKY_NAME,
        status=CommentStatus.APPROVED, notify_replies=True,
    )  # fmt: skip
    w.reply_to_other = write(
        w.article, LEAKY_EMAIL, LEAKY_IP, "Balasan untuk pembaca lain.", name=LEAKY_NAME,
        parent=other_parent, status=CommentStatus.APPROVED,
    )  # fmt: skip
    w.reply_v6 = write(
        w.article, SIXER_EMAIL, SIXER_IP, "Balasan dari IPv6.", name="Enam",
        parent=w.approved, status=CommentStatus.APPROVED,
    )  # fmt: skip
    w.pending = write(w.article, LEAKY_EMAIL, LEAKY_IP, "Komentar tertahan.", name=LEAKY_NAME)
    w.spam = write(
        w.article, SIXER_EMAIL, SIXER_IP, "Spam kasino.", name="Enam", status=CommentStatus.SPAM
    )
    w.trusted = write(w.article, TRUSTY_EMAIL, TRUSTY_IP, "Dari yang tepercaya.", name="Tepercaya")
    step(comments_set_status, [w.trusted.pk], CommentStatus.APPROVED)
    w.removed = write(
        w.article, LEAKY_EMAIL, LEAKY_IP, "Akan dihapus penulisnya.", name=LEAKY_NAME,
        status=CommentStatus.APPROVED,
    )  # fmt: skip
    write(
        w.article, SIXER_EMAIL, SIXER_IP, "Balasan di bawah yang dihapus.", name="Enam",
        parent=w.removed, status=CommentStatus.APPROVED,
    )  # fmt: skip
    step(comment_remove_by_author, w.removed)
    w.elsewhere = write(
        w.other_article, LEAKY_EMAIL, LEAKY_IP, "Di artikel lain.", name=LEAKY_NAME,
        status=CommentStatus.APPROVED,
    )  # fmt: skip
    w.on_blog = write(
        w.thread, LEAKY_EMAIL, LEAKY_IP, "Di blog teman.", name=LEAKY_NAME,
        status=CommentStatus.APPROVED,
    )  # fmt: skip
    w.mails = list(mail.outbox)
    w.comments = [
        w.approved, w.reply_to_other, w.reply_v6, w.pending, w.spam, w.trusted, w.removed,
        w.elsewhere, w.on_blog, other_parent, w.other_held,
    ]  # fmt: skip

    # The cookies of each reader's browser.
    w.leaky_cookies = {
        OWN_COOKIE: own_cookie(w.approved, w.pending, w.removed, w.on_blog),
        COMMENTER_COOKIE: remembered(LEAKY_NAME, LEAKY_EMAIL),
        TRUSTED_COOKIE: trusted_proof(RequestFactory().get("/"), LEAKY_EMAIL),
    }
    w.leaky_trust = w.leaky_cookies[TRUSTED_COOKIE]
    w.other_cookies = {
        OWN_COOKIE: own_cookie(other_parent, w.other_held),
        COMMENTER_COOKIE: remembered("Pembaca Lain", OTHER_EMAIL),
        TRUSTED_COOKIE: trusted_proof(RequestFactory().get("/"), OTHER_EMAIL),
    }
    w.other_subscription = Subscription.objects.get(page=w.article, commenter=other)
    w.other = other
    return w


def client_with(cookies):
    client = Client(raise_request_exception=False, REMOTE_ADDR=OTHER_IP)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def local_path(url):
    """The path and query of a link to Kabar itself, or None (elsewhere, a fragment only)."""
    url = html.unescape(url.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in (
        "",
        "testserver",
        "localhost",
        "localhost:80",
    ):
        return None
    if not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/admin/", "/static/", "/documents/", "/media/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


LINK = re.compile(
    r"""(?:href|src|action|data-[a-z-]+)=["']([^"']+)["']"""
    r"""|<(?:loc|link|id|guid|uri)>\s*([^<\s]+)\s*<"""
    r"""|"(https?://(?:testserver|localhost)[^"]*)\""""
)


def links_in(text):
    for match in LINK.finditer(text):
        found = local_path(next(g for g in match.groups() if g))
        if found:
            yield found


def seeds(w):
    """Addresses no link from the home page may lead to, or that need an id or a query."""
    article_url = w.article.get_full_url()
    blog_url = "https://blog.example.org/tulisan"
    api_queries = [
        {"url": article_url},
        {"url": article_url, "order": "newest"},
        {"url": article_url, "page": "2"},
        {"url": blog_url, "site": w.blog.slug},
        {"url": blog_url},
    ]
    yield "/"
    yield "/robots.txt"
    yield "/sitemap.xml"
    yield "/sitemap-news.xml"
    yield "/comments/feed/"
    yield "/comments/feed/atom/"
    yield "/ninjs/articles.json"
    yield "/embed.js"
    yield "/api/v1/openapi.json"
    yield "/api/v1/"
    yield "/api/v1/nowhere"
    yield "/no-such-page/"
    yield f"/cari/?{urlencode({'q': LEAKY_NAME})}"
    yield f"/cari/?{urlencode({'q': 'komentar'})}"
    for query in api_queries:
        yield f"/api/v1/threads?{urlencode(query)}"
    yield f"/api/v1/counts?{urlencode({'url': [article_url, blog_url]}, doseq=True)}"
    yield w.thread.url
    for comment in w.comments:
        page = comment.page.specific
        yield f"/comments/{comment.pk}/"
        yield f"/comments/{comment.pk}/report/"
        yield f"/comments/{comment.pk}/edit/"
        yield f"/comments/{comment.pk}/delete/"
        yield f"/api/v1/comments/{comment.pk}"
        yield f"{page.url}?replytocom={comment.pk}"
        yield f"{page.url}?cpage=2"
        yield f"/comments/feed/article/{page.pk}/"
        yield f"/comments/feed/article/{page.pk}/atom/"
        yield f"/ninjs/articles/{page.pk}.json"
    yield "/comments/privacy/"
    yield "/comments/confirm/not-a-token/"
    yield "/comments/unsubscribe/not-a-token/"
    yield "/comments/privacy/not-a-token/"


def crawl(client, start, *, api_headers=None, limit=MAX_FETCHES):
    """Every address reached from `start` by links and redirects: {path: everything in its
    answer}. API addresses are asked again with the reader's own proofs in `api_headers`."""
    seen, queue, answers = set(), list(start), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        headers = api_headers if path.startswith("/api/") and api_headers else {}
        origin = {"HTTP_ORIGIN": "https://blog.example.org"} if path.startswith("/api/") else {}
        response = client.get(path, headers=headers, **origin)
        text = everything_in(response)
        answers[path] = text
        if response.status_code in (301, 302, 303, 307, 308):
            target = local_path(response["Location"])
            if target:
                queue.append(target)
        queue.extend(p for p in links_in(text) if p not in seen)
    return answers


def reader_posts(client, w, email, name):
    """The forms a reader sends: a refused comment (the page comes back with the form), a
    comment that is stored, a report, a privacy request."""
    answers = {}
    token = builders.form_token(w.article)
    refused = {"page": w.article.pk, "body": "", "author_name": name, "author_email": email}
    stored = {
        "page": w.article.pk,
        "body": f"Komentar baru dari {name}.",
        "author_name": name,
        "author_email": email,
        "form_token": token,
        "parent": w.approved.pk,
        "remember": "on",
    }
    headers = {"HTTP_ORIGIN": "http://testserver", "HTTP_REFERER": "http://testserver/"}
    for label, data in (("refused", refused), ("stored", stored)):
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post("/comments/post/", data, **headers)
        answers[f"POST {label}"] = (response, everything_in(response))
    report = client.post(
        f"/comments/{w.approved.pk}/report/", {"reason": "spam", "detail": "x"}, **headers
    )
    answers["POST report"] = (report, everything_in(report))
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post("/comments/privacy/", {"email": email, "action": "export"}, **headers)
    answers["POST privacy"] = (asked, everything_in(asked))
    return answers


def mailed_tokens(w):
    """The links mailed to the other reader, which they may open: theirs to see."""
    return [
        f"/comments/unsubscribe/{unsubscribe_token(w.other_subscription)}/",
        "/comments/privacy/"
        + privacy.privacy_link_make(w.other, privacy.PrivacyAction.EXPORT)
        + "/",
    ]


# Public views every crawl must have reached: a new one is crawled, or named here.
NOT_CRAWLED = {
    "wagtailadmin_login",  # the admin's, not readers'
    "wagtailadmin_password_reset",
    "wagtailcore_authenticate_with_password",
    "wagtailcore_login",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
    "set_language",  # a POST form answered with a redirect
    "api:comments",  # POST only
    "api:report",  # POST only
    "api:subscriptions",  # POST only
    "news:live_updates",  # live blogs only
    "discussion:confirm",  # a mailed link, opened in the test of mail below
    "discussion:privacy_link",
}


def url_names():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if str(pattern.pattern).startswith("admin/"):
                continue  # the moderators' side, signed in
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver().url_patterns))


def view_names(paths):
    names = set()
    for path in paths:
        with contextlib.suppress(Resolver404):
            names.add(resolve(path.split("?")[0]).view_name)
    return names


@pytest.fixture(params=["caches on", "caches off"])
def caches_state(request, settings):
    if request.param == "caches on":
        settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "ENABLED": True}
        settings.KABAR_THREAD_CACHE = {**settings.KABAR_THREAD_CACHE, "ENABLED": True}
    for alias in caches:
        caches[alias].clear()
    yield request.param
    for alias in caches:
        caches[alias].clear()


def test_no_public_output_carries_a_commenters_email_or_ip(db, django_user_model, caches_state):
    w = build(django_user_model)
    start = list(dict.fromkeys(seeds(w)))

    # The commenter themselves goes first: whatever their visits leave in a cache must not
    # reach the readers after them.
    # First with only the cookies that leave their pages to the shared caches (their
    # remembered details, their trusted browser), then with their own comments' too.
    remembering = client_with(
        {name: w.leaky_cookies[name] for name in (COMMENTER_COOKIE, TRUSTED_COOKIE)}
    )
    answers = crawl(remembering, start, api_headers={"Kabar-Trust": w.leaky_trust})
    leaky = client_with(w.leaky_cookies)
    answers |= crawl(leaky, start, api_headers={"Kabar-Own": w.leaky_cookies[OWN_COOKIE]})
    posted = reader_posts(leaky, w, LEAKY_EMAIL, LEAKY_NAME)
    answers |= {name: text for name, (_response, text) in posted.items()}
    answers |= crawl(leaky, start)
    # Their own pages may show them their own details; nobody else's.
    leaks = {
        f"commenter {path}": sorted(found)
        for path, text in answers.items()
        if (found := shown(text, to=LEAKY_EMAIL.lower()))
    }
    crawled = set()
    for label, client, api_headers in (
        ("stranger", Client(raise_request_exception=False), None),
        ("other reader", client_with(w.other_cookies), {"Kabar-Own": w.other_cookies[OWN_COOKIE]}),
    ):
        answers = crawl(client, [*start, *mailed_tokens(w)], api_headers=api_headers)
        crawled |= set(answers)
        posted = reader_posts(client, w, OTHER_EMAIL, "Pembaca Lain")
        answers |= {name: text for name, (_response, text) in posted.items()}
        answers |= crawl(client, start, api_headers=api_headers)  # again, from the caches
        # What the commenters wrote was there to be read, where it should be.
        api_thread = f"/api/v1/threads?{urlencode({'url': w.article.get_full_url()})}"
        for path, text in (
            (w.article.url, "Balasan dari IPv6."),
            (w.thread.url, "Di blog teman."),
            (api_thread, "Balasan dari IPv6."),
            ("/comments/feed/", "Dari yang tepercaya."),
        ):
            assert text in answers[path], (label, path)
        assert any(path.startswith("/comments/avatar/") for path in answers)
        for path, text in answers.items():
            found = shown(text)
            if found:
                leaks[f"{label} {path}"] = sorted(found)
    assert not leaks, leaks
    # The crawl went everywhere a reader can go.
    assert len(crawled) > 100
    missing = url_names() - NOT_CRAWLED - view_names(crawled)
    assert not missing, missing
    assert w.article.url in crawled and w.thread.url in crawled


def test_mail_to_anybody_else_carries_no_commenters_email_or_ip(db, django_user_model, settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "STAFF_DIGEST_SECONDS": 0}
    w = build(django_user_model)
    # The commenter follows their thread too: confirmed, they are mailed the replies.
    leaky = w.approved.commenter
    leaky.verified_at = timezone.now()
    leaky.save(update_fields=["verified_at"])
    Subscription.objects.filter(commenter=leaky).update(confirmed_at=timezone.now())
    # Replies from the IPv6 commenter: to the other reader's comment and to the commenter's.
    for parent in (w.reply_to_other.parent, w.approved):
        write(
            w.article, SIXER_EMAIL, SIXER_IP, f"Balasan untuk {parent.pk}.", name="Enam",
            parent=parent, status=CommentStatus.APPROVED,
        )  # fmt: skip
    messages = [*w.mails, *mail.outbox]
    assert any(m.to == [OTHER_EMAIL] and LEAKY_NAME in m.subject for m in messages)
    assert any(m.to == [OTHER_EMAIL] and "Enam" in m.subject for m in messages)
    assert any(m.to == [LEAKY_EMAIL.lower()] and "Enam" in m.subject for m in messages)
    for message in messages:
        if message.to == [MODERATOR_EMAIL]:
            continue  # the moderators may see who wrote
        [to] = message.to
        text = "\n".join(
            [message.subject, message.body, message.from_email, *message.cc, *message.bcc]
            + [f"{k}: {v}" for k, v in message.extra_headers.items()]
            + [str(v) for v in message.reply_to]
            + [alt[0] for alt in getattr(message, "alternatives", [])]
            + [message.message().as_string()]
        )
        assert not shown(text, to=to.lower()), (message.to, message.subject, shown(text, to))
    # The staff's mail, which names the commenters, goes to the moderators alone.
    staff = [m for m in messages if "Author:" in m.body or "Penulis:" in m.body]
    assert staff and all(m.to == [MODERATOR_EMAIL] for m in staff)
    readers = {LEAKY_EMAIL.lower(), SIXER_EMAIL, TRUSTY_EMAIL, OTHER_EMAIL}
    assert {a for m in messages for a in m.to} <= {*readers, MODERATOR_EMAIL}
