"""Disqus's comments export (Admin > Moderation > Export: an XML file, mailed gzipped), read
as a stream: <thread> elements (the page's <link> and <title>) and <post> elements (the
comments, each naming its <thread dsq:id> and <parent dsq:id>), in the namespace
http://disqus.com, their ids in http://disqus.com/disqus-internals. A thread's <id> is the
site's own name for the page: the WordPress plugin writes "<post id> <guid>", by which the
importer finds the article the post became (old_addresses.py).

A post's <message> is HTML; it becomes plain text as WordPress's comments do, each link
to the address its author gave rather than Disqus's redirect to it
(https://disq.us/url?url=<the address, encoded>:<a signature>&cuid=<the forum>). Disqus's
states: <isSpam> is spam, <isDeleted> a deleted comment (a placeholder here, so that its
replies stay). `<isApproved>false</isApproved>`, which Disqus's own export does not write
but Kabar's Disqus-style export does for held comments, is held for moderation. A thread's
<isClosed> closes it here too."""

import html
import re
from urllib.parse import parse_qs, urlsplit

from defusedxml import DefusedXmlException

from kabar.core.xmlsafe import xml_events
from kabar.discussion.models import CommentStatus

from ..wordpress import mapping
from .source import DAMAGED, FormatError, Source, SourceComment, SourceThread, aware, opened, truthy

NS = "http://disqus.com"
INTERNALS = "http://disqus.com/disqus-internals"
DSQ_ID = f"{{{INTERNALS}}}id"
SYSTEM = "disqus"
# An href to Disqus's outbound redirect, in a message's HTML.
_REDIRECT_HREF = re.compile(r"""\bhref=(["'])(https?://disq\.us/(?:url)?\?[^"']*)\1""", re.I)
# What Disqus appends to the address it redirects to: ":" and a 27-character signature.
_REDIRECT_SIGNATURE = re.compile(r":[A-Za-z0-9_-]{27}$")


def _tag(name):
    return f"{{{NS}}}{name}"


def _text(element, path):
    found = element.find("/".join(_tag(part) for part in path.split("/")))
    return (found.text or "") if found is not None else ""


def _ref(element, name):
    """The dsq:id a <thread> or <parent> reference names (or, as Disqus's own documentation
    shows it, the referenced object's <id> as the element's text)."""
    found = element.find(_tag(name))
    if found is None:
        return "", ""
    return found.get(DSQ_ID, "").strip(), (found.text or "").strip()


def _redirect_target(href):
    """The address a disq.us redirect leads to, or None when it names none."""
    target = parse_qs(urlsplit(html.unescape(href)).query).get("url", [""])[0]
    target = _REDIRECT_SIGNATURE.sub("", target.strip())
    return target if target.lower().startswith(("http://", "https://")) else None


def _unredirected(message):
    """The message's HTML with each disq.us redirect replaced by the address it leads to."""

    def replace(match):
        target = _redirect_target(match.group(2))
        return match.group(0) if target is None else f'href="{html.escape(target)}"'

    return _REDIRECT_HREF.sub(replace, message) if "disq.us" in message else message


def _post(element):
    message = _unredirected(_text(element, "message"))
    deleted = truthy(_text(element, "isDeleted"))
    if truthy(_text(element, "isSpam")):
        status = CommentStatus.SPAM
    elif deleted:
        status = CommentStatus.TRASH
    elif _text(element, "isApproved").strip().lower() == "false":
        status = CommentStatus.PENDING
    else:
        status = CommentStatus.APPROVED
    parent_id, parent_text = _ref(element, "parent")
    return SourceComment(
        id=element.get(DSQ_ID, "").strip() or _text(element, "id").strip(),
        parent_id=parent_id or parent_text,
        body=mapping.comment_text(message).strip() if message.strip() else "",
        author_name=_text(element, "author/name"),
        author_email=_text(element, "author/email").strip(),
        author_url="",
        ip=_text(element, "ipAddress").strip(),
        created_at=aware(_text(element, "createdAt")),
        status=status,
        removed=deleted and status == CommentStatus.TRASH,
    )


def read_disqus(path):
    """The export at `path` as a Source; FormatError when it is not one, before anything
    is written. Threads without comments are left out (Disqus lists every page it saw)."""
    threads = {}  # dsq:id -> SourceThread
    by_identifier = {}  # the thread's own <id> -> dsq:id
    deleted_threads = set()
    posts = []  # (thread dsq:id, thread identifier, SourceComment)
    depth = 0
    root = None
    try:
        with opened(path) as raw:
            for event, element in xml_events(raw):
                if event == "start":
                    depth += 1
                    if depth == 1:
                        if element.tag != _tag("disqus"):
                            raise FormatError(
                                f"not a Disqus export: the root element is <{element.tag}>"
                            )
                        root = element
                    continue
                depth -= 1
                if depth != 1:
                    continue
                if element.tag == _tag("thread"):
                    key = element.get(DSQ_ID, "").strip()
                    identifier = _text(element, "id").strip()
                    threads[key] = SourceThread(
                        key=key,
                        url=_text(element, "link").strip(),
                        title=mapping.plain(_text(element, "title"), 255),
                        closed=truthy(_text(element, "isClosed")),
                        identifier=identifier,
                    )
                    if identifier:
                        by_identifier.setdefault(identifier, key)
                    if truthy(_text(element, "isDeleted")):
                        deleted_threads.add(key)
                elif element.tag == _tag("post"):
                    thread_id, thread_text = _ref(element, "thread")
                    posts.append((thread_id, thread_text, _post(element)))
                # Read: forget it, so memory holds what was kept and not the whole tree.
                element.clear()
                root.remove(element)
    except SyntaxError as exc:  # ParseError
        raise FormatError(f"the file is not well-formed XML: {exc}") from exc
    except DefusedXmlException as exc:
        msg = f"the file declares a DTD or entities, which exports never do: {exc}"
        raise FormatError(msg) from exc
    except DAMAGED as exc:
        raise FormatError(f"the file is damaged: {exc}") from exc
    if root is None:
        raise FormatError("the file is empty")
    # Threads may come after their posts: an identifier is looked up once all are read.
    posts = [(tid or by_identifier.get(text, ""), comment) for tid, text, comment in posts]
    return _source(threads, deleted_threads, posts)


def _source(threads, deleted_threads, posts):
    homeless = []
    for thread_id, comment in posts:
        thread = threads.get(thread_id)
        if thread is None:
            homeless.append((comment.id, comment.body, "its thread is not in the export"))
        elif thread_id in deleted_threads:
            homeless.append((comment.id, comment.body, "its thread was deleted on Disqus"))
        else:
            thread.comments.append(comment)
    for thread in threads.values():
        if thread.comments and not thread.url:
            thread.problem = "the thread has no <link>"
    kept = [thread for thread in threads.values() if thread.comments]
    # Disqus's post ids are unique across all of Disqus: the forum is not needed to tell
    # them apart, and a second export of the same forum under a new name still matches.
    return Source(system=SYSTEM, name="", threads=kept, homeless=homeless)
