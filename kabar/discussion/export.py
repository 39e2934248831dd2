"""A registered site's discussions, whole, for the newsroom that keeps them elsewhere or
leaves: every thread and every comment, held, spam and trash included, with the
commenters' addresses (the site owner's data). Staff only; never served to the public.

Two formats, both streamed (a big site is never held in memory whole):

- JSON, `site_export_json`, of the shape EXPORT_SCHEMA (export_schema.py) describes:
  {"format": "kabar-comments", "version": 1, "exported_at", "site": {...},
   "threads": [{"id", "url", "title", "discussion", "live", "kabar_url", "created",
                "comments": [{"id", "parent", "status", "removed", "created", "edited",
                              "text", "author": {"name", "email", "website"},
                              "ip_address", "by_staff", "notify_replies"}]}]}
  Comments come parents first; `parent` is the id of another comment of the thread.
- Disqus's export format, `site_export_disqus`, which Disqus's readers take in (Isso's
  and Remark42's importers, and Kabar's): <thread> per thread, <post> per comment with
  <isSpam> and <isDeleted>; a held comment also says <isApproved>false</isApproved>, an
  element Disqus's own export lacks (other readers ignore it and may publish it). The
  commenter's website has no place in Disqus's format.

An address that can receive no mail (an import's stand-in, an erased commenter's: the
.invalid domain) is exported as none. A comment its author removed keeps its place
(`removed`) but not its words, which Kabar keeps for its moderators' audit only."""

import html
import json
import re
from datetime import UTC
from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from .models import Comment, CommentStatus, ExternalThread
from .targets import DiscussionState

FORMAT = "kabar-comments"
VERSION = 1
CHUNK = 2000
HELD = (CommentStatus.PENDING, CommentStatus.REPORTED)
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DISQUS_NS = "http://disqus.com"
DISQUS_INTERNALS = "http://disqus.com/disqus-internals"


def parents_first(items, *, id_of, parent_of):
    """`items` (in the order wanted) with every parent before its replies. An item whose
    parent is not among them keeps its place; items in a loop of parents come last."""
    ids = {id_of(item) for item in items}
    children, roots = {}, []
    for item in items:
        parent = parent_of(item)
        if parent and parent in ids and parent != id_of(item):
            children.setdefault(parent, []).append(item)
        else:
            roots.append(item)
    out, placed = [], set()  # placed: by identity, as a damaged file may repeat an id
    stack = list(reversed(roots))
    while stack:
        item = stack.pop()
        if id(item) in placed:
            continue
        placed.add(id(item))
        out.append(item)
        stack.extend(reversed(children.get(id_of(item), ())))
    return out + [item for item in items if id(item) not in placed]


def site_threads(site):
    """{thread id: thread} of every thread of `site`, in the order they were made, each
    with `first_comment` (the date of its first comment, or None). One query."""
    threads = (
        ExternalThread.objects.filter(site=site)
        .annotate(first_comment=Min("reader_comments__created_at"))
        .order_by("pk")
    )
    return {thread.pk: thread for thread in threads}


def thread_comments(site):
    """(thread id, its comments parents first) for each of `site`'s threads with comments,
    in the order of their ids: one query, read in chunks, one thread's comments in memory."""
    comments = (
        Comment.objects.filter(page_id__in=ExternalThread.objects.filter(site=site).values("pk"))
        .order_by("page_id", "created_at", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for page_id, batch in groupby(comments, key=lambda c: c.page_id):
        batch = list(batch)
        yield page_id, parents_first(batch, id_of=lambda c: c.pk, parent_of=lambda c: c.parent_id)


def _iso(value):
    return value.isoformat() if value else None


def real_email(address):
    """The address, or None for one no mail can reach (RFC 2606's .invalid)."""
    return None if address.lower().endswith(".invalid") else address


def comment_data(comment):
    removed = comment.removed_at is not None
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "status": comment.status,
        "removed": removed,
        "created": _iso(comment.created_at),
        "edited": _iso(comment.edited_at),
        "text": "" if removed else comment.body,
        "author": {
            "name": comment.author_name,
            "email": real_email(comment.author_email),
            "website": comment.author_url,
        },
        "ip_address": comment.ip_address,
        "by_staff": comment.by_staff,
        "notify_replies": comment.notify_replies,
    }


def site_data(site):
    return {
        "key": site.slug,
        "name": site.title,
        "origin": site.origin,
        "other_origins": [o for o in site.origins() if o != site.origin],
        "keep_query": site.keep_query,
        "discussion": site.discussion,
        "close_after_days": site.close_after_days,
    }


def _kabar_urls():
    """thread -> the full address of Kabar's own page for it, on the default Site (what
    ExternalThread.full_url gives, without a query per thread)."""
    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site is not None else ""
    return lambda thread: root + reverse("discussion:thread", args=[thread.pk]) if root else None


def thread_data(thread, comments, kabar_url):
    return {
        "id": thread.pk,
        "url": thread.address,
        "title": thread.title,
        "discussion": thread.discussion,
        "live": thread.live,
        "kabar_url": kabar_url(thread),
        "created": _iso(thread.first_published_at or thread.first_comment),
        "comments": [comment_data(c) for c in comments],
    }


def site_export_json(site, out, *, now=None):
    """Write `site`'s threads and comments to the text stream `out` as JSON."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(now or timezone.now()),
        "site": site_data(site),
    }
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "threads": [')
    threads = site_threads(site)
    kabar_url = _kabar_urls()
    written = 0
    for thread_id, comments in thread_comments(site):
        thread = threads.pop(thread_id)
        written = _write_json_thread(out, thread_data(thread, comments, kabar_url), written)
    for thread in threads.values():
        written = _write_json_thread(out, thread_data(thread, [], kabar_url), written)
    out.write("\n]}\n")


def _write_json_thread(out, data, written):
    out.write(",\n" if written else "\n")
    out.write(json.dumps(data, ensure_ascii=False))
    return written + 1


def _xml(text):
    return escape(_NOT_XML.sub("", text or ""))


def _cdata(text):
    return "<![CDATA[" + _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _disqus_date(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def text_as_html(text):
    """Kabar's plain text as the HTML a Disqus message holds: blank lines part
    paragraphs, a single line break stays one."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def _flag(value):
    return "true" if value else "false"


def _disqus_thread(site, thread, now, ids):
    created = thread.first_published_at or thread.first_comment or now
    return (
        f"  <thread dsq:id={quoteattr(ids + str(thread.pk))}>\n"
        f"    <id>{_xml(thread.address)}</id>\n"
        f"    <forum>{_xml(site.slug)}</forum>\n"
        '    <category dsq:id="1"/>\n'
        f"    <link>{_xml(thread.address)}</link>\n"
        f"    <title>{_xml(thread.title)}</title>\n"
        "    <message/>\n"
        f"    <createdAt>{_disqus_date(created)}</createdAt>\n"
        f"    <author><name>{_xml(site.title)}</name><isAnonymous>false</isAnonymous></author>\n"
        f"    <isClosed>{_flag(thread.discussion == DiscussionState.CLOSED)}</isClosed>\n"
        "    <isDeleted>false</isDeleted>\n"
        "  </thread>\n"
    )


def export_ids(site):
    """The prefix of the ids a Disqus-style export of `site` gives its threads and comments:
    Disqus's own are unique across Disqus, and an importer (Kabar's among them) knows a
    comment imported before by its id alone. Kabar's row ids are unique in one database
    only: two sites' exports, or two Kabars', would name different comments alike, and the
    second import took the first one's comments for its own. So the site's own random id
    comes first (its page's translation key, made once when it was registered, the same on
    every export and after a change of domain): "kabar-<uuid>-123"."""
    return f"kabar-{site.translation_key}-"


def _disqus_post(comment, ids):
    removed = comment.removed_at is not None
    email = real_email(comment.author_email)
    parts = [
        f"  <post dsq:id={quoteattr(ids + str(comment.pk))}>\n",
        "    <id/>\n",
        f"    <message>{_cdata('' if removed else text_as_html(comment.body))}</message>\n",
        f"    <createdAt>{_disqus_date(comment.created_at)}</createdAt>\n",
        f"    <isDeleted>{_flag(comment.status == CommentStatus.TRASH)}</isDeleted>\n",
        f"    <isSpam>{_flag(comment.status == CommentStatus.SPAM)}</isSpam>\n",
    ]
    if comment.status in HELD:
        parts.append("    <isApproved>false</isApproved>\n")
    parts += [
        "    <author>\n",
        f"      <email>{_xml(email)}</email>\n" if email else "",
        f"      <name>{_xml(comment.author_name)}</name>\n",
        f"      <isAnonymous>{_flag(comment.user_id is None)}</isAnonymous>\n",
        "    </author>\n",
        f"    <ipAddress>{_xml(comment.ip_address)}</ipAddress>\n" if comment.ip_address else "",
        f"    <thread dsq:id={quoteattr(ids + str(comment.page_id))}/>\n",
        (
            f"    <parent dsq:id={quoteattr(ids + str(comment.parent_id))}/>\n"
            if comment.parent_id
            else ""
        ),
        "  </post>\n",
    ]
    return "".join(parts)


def site_export_disqus(site, out, *, now=None):
    """Write `site`'s threads and comments to the text stream `out` in Disqus's export
    format: every thread first, then every comment, as Disqus writes them."""
    out.write(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<disqus xmlns="{DISQUS_NS}" xmlns:dsq="{DISQUS_INTERNALS}">\n'
        f'  <category dsq:id="1"><forum>{_xml(site.slug)}</forum>'
        "<title>General</title><isDefault>true</isDefault></category>\n"
    )
    ids = export_ids(site)
    threads = site_threads(site)
    for thread in threads.values():
        out.write(_disqus_thread(site, thread, now or timezone.now(), ids))
    for _thread_id, comments in thread_comments(site):
        for comment in comments:
            out.write(_disqus_post(comment, ids))
    out.write("</disqus>\n")
