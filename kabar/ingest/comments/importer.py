"""The importer every format shares: each thread of a Source onto Kabar's thread for its
address (a registered site's, made as needed, or Kabar's own article), its comments
written through discussion's `comment_import` as the WordPress importer writes them.

The file is read whole before anything is written, so a file that cannot be read leaves
nothing behind. Each thread is then written in its own transaction (its thread, comments,
records and commenters' counters together), each comment inside it in a savepoint: a
comment that fails is reported and the thread goes on; a thread that fails is undone
alone. A record per comment (ImportedItem, by the source's id) makes a second run of the
same file add nothing.

A thread closed in the source is closed in Kabar on the run that first brings its comments
in (none of them recorded yet); later runs leave its setting to the staff, who may have
opened it again."""

import ipaddress
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override
from tqdm import tqdm

from kabar.core.memo import nothing_kept
from kabar.core.xmlsafe import xml_safe
from kabar.discussion import sites
from kabar.discussion.addresses import BadAddress, normalise_origin, origin_of
from kabar.discussion.export import parents_first
from kabar.discussion.models import Comment
from kabar.discussion.selectors import MAX_THREAD_DEPTH
from kabar.discussion.services import (
    ImportedComment,
    attach_point,
    comment_import,
    comments_imported,
    discussion_close,
)
from kabar.discussion.targets import live_target
from kabar.discussion.trust import commenters_recount

from ..models import ImportedItem, ImportedKind
from ..wordpress import mapping
from ..wordpress.importer import ItemFailed
from .old_addresses import OldAddresses
from .origins import as_browser_sends, path_twins, twin_address
from .report import Report
from .source import FormatError

logger = logging.getLogger(__name__)
SYSTEM_NAMES = {"disqus": "Disqus", "isso": "Isso", "remark42": "Remark42"}


class ThreadRefused(ItemFailed):
    """No Kabar thread can take this thread's comments."""


def site_named(value):
    """(registered site, or None for Kabar's own pages; its origin) for a registered site's
    key or an origin; FormatError saying why when it is neither."""
    site = sites.site_by_key(value)
    if site is not None:
        return site, site.origin
    try:
        origin = normalise_origin(value)
    except BadAddress:
        raise FormatError(f"no registered site has the key {value!r}") from None
    site = sites.site_for_origin(origin)
    if site is not None:
        return site, origin
    if sites.is_own_origin(origin):
        return None, origin
    raise FormatError(f"{origin} is neither a registered site's origin nor Kabar's own")


def in_tree_order(comments):
    """The comments by date, except that every parent comes before its replies."""
    by_date = sorted(comments, key=lambda c: (c.created_at is None, c.created_at or 0))
    return parents_first(by_date, id_of=lambda c: c.id, parent_of=lambda c: c.parent_id)


def _known_ip(value):
    """(a commenter's IP address or None, whether the source gave one that is not valid):
    Isso writes 0.0.0.0 for an address it did not know."""
    ip = mapping.valid_ip(value)
    if ip is None:
        return None, bool((value or "").strip())
    return (None if ipaddress.ip_address(ip).is_unspecified else ip), False


def _label(comment):
    return " ".join(comment.body.split())[:60]


class CommentImport:
    def __init__(
        self, source, *, site=None, dry_run=False, learn=False, show_bar=None, progress=None
    ):
        self.source = source
        self.site = site
        self.dry_run = dry_run
        self.learn = learn
        self.show_bar = show_bar
        # Called with the number of comments read so far, after each thread.
        self.progress = progress
        self.report = Report(system=source.system, dry_run=dry_run)
        self.changed_pages = set()
        self.imported_comments = []
        self.seen = set()
        self.old_addresses = OldAddresses()
        with override(settings.LANGUAGE_CODE):
            self.anonymous = gettext("Anonymous")
            # Translators: stands in for the text of a comment deleted in another comment
            # system (Disqus, Isso, Remark42) before it was imported; moderators only see it.
            self.deleted_text = gettext("Deleted in %(system)s before the import.") % {
                "system": SYSTEM_NAMES.get(source.system, source.system)
            }

    def run(self):
        if self.dry_run:
            # Everything is done as for real, then undone: the counts are exact. Nothing
            # read meanwhile is kept for the process's other threads (its readers).
            with nothing_kept(), transaction.atomic():
                self._threads()
                transaction.set_rollback(True)
        else:
            self._threads()
            comments_imported(self.changed_pages, learn=self.learn, comments=self.imported_comments)
        return self.report

    def _threads(self):
        for source_id, text, reason in self.source.homeless:
            self.report.problem("comment", source_id, text, reason)
        total = sum(len(thread.comments) for thread in self.source.threads)
        with tqdm(
            total=total,
            unit="comment",
            desc=SYSTEM_NAMES.get(self.source.system, self.source.system),
            disable=self.show_bar is False or None,
            leave=False,
        ) as bar:
            done = 0
            for thread in self.source.threads:
                self._thread(thread)
                bar.update(len(thread.comments))
                done += len(thread.comments)
                if self.progress is not None:
                    self.progress(done)

    def _thread(self, thread):
        """One thread in its own transaction; counted in the report once it is written."""
        label = thread.url or thread.title
        tally = Report()
        try:
            with transaction.atomic():
                page = self._target(thread, tally)
                known_before = self._comments(thread, page, tally)
                if thread.closed and not known_before and discussion_close(page):
                    tally.threads_closed += 1
        except ItemFailed as exc:
            self.report.problem("thread", thread.key, label, exc, result="failed")
            self.report.count("comment", "skipped", len(thread.comments))
            return
        except Exception as exc:
            logger.exception("%s thread %s could not be imported", self.source.system, thread.key)
            self.report.problem("thread", thread.key, label, repr(exc), result="failed")
            self.report.count("comment", "failed", len(thread.comments))
            return
        self.report.merge(tally)
        if tally.counts["comment"]["created"] or tally.counts["comment"]["updated"]:
            self.changed_pages.add(page.pk)

    def _target(self, thread, tally):
        """The live page this thread's comments go to: the page or registered site's
        thread at its address; else the article its WordPress post became, by the old
        addresses Kabar's redirects answer (as a reader's browser would be led there);
        else a thread made when a registered site has none at its address yet."""
        url = "" if thread.problem else as_browser_sends(thread.url)
        url = twin_address(url) or url
        found = refused = None
        if url:
            try:
                found = self._at_address(thread, url)
            except ThreadRefused as exc:
                refused = exc
            if found is not None and found.target is not None:
                return self._landed(thread, url, found, "unchanged", tally)
        old = self.old_addresses.pages_for(thread.url, thread.identifier)
        article = self._old_address_target(old)
        if article is not None:
            tally.count("thread", "unchanged")
            return article
        if (thread.problem or refused is not None) and old.wordpress:
            post = f" or the post id {old.post_id}" if old.post_id else ""
            raise ThreadRefused(
                f"{thread.url or thread.identifier}: no article imported from WordPress "
                f"had this address{post}"
            )
        if thread.problem:
            raise ThreadRefused(thread.problem)
        if refused is not None:
            raise refused
        try:
            found = sites.resolve(url, title=thread.title, create=True)
        except sites.Refused as exc:
            with override("en"):
                raise ThreadRefused(f"{thread.url}: {exc.message}") from None
        if found.target is None:
            raise ThreadRefused("its discussion in Kabar is not live")
        return self._landed(thread, url, found, "created", tally)

    def _at_address(self, thread, url):
        """What Kabar keeps at `url`, the thread's address or its twin (sites.Resolved,
        its target None when a registered site has no thread there yet); ThreadRefused
        when nothing may be there."""
        try:
            found = sites.resolve(url)
        except sites.Refused as exc:
            with override("en"):
                raise ThreadRefused(f"{thread.url}: {exc.message}") from None
        if found.site is not None and self.site is not None and found.site.pk != self.site.pk:
            raise ThreadRefused(
                f"the address is on the registered site {found.site.slug!r}, not {self.site.slug!r}"
            )
        if found.site is not None and found.target is None:
            # No thread there yet: the page's thread under another spelling of its path,
            # when Kabar has one (readers asked for it, or an earlier thread of this file).
            for twin in path_twins(found.address):
                other = sites.resolve(twin)
                if other.target is not None:
                    return other
        return found

    def _old_address_target(self, old):
        """The live article a thread's old WordPress addresses lead to (`old`, an
        old_addresses.Found), or None when they lead to none; ThreadRefused when they lead
        to no single article that takes comments."""
        if len(old.pages) > 1:
            raise ThreadRefused(
                "its old addresses (its link, its WordPress post id) lead to different "
                f"articles (pages {', '.join(map(str, old.pages))}): none was chosen"
            )
        if not old.pages:
            return None
        target = live_target(old.pages[0])
        if target is None:
            raise ThreadRefused(
                f"its old address leads to page {old.pages[0]}, "
                "which is not live or takes no comments"
            )
        return target

    def _landed(self, thread, url, found, result, tally):
        if origin_of(url) != origin_of(as_browser_sends(thread.url)):
            tally.note(
                "thread",
                thread.key,
                thread.url,
                f"its site is registered under {origin_of(url)}: its comments go there",
            )
        elif urlsplit(found.address).path != urlsplit(url).path:
            tally.note(
                "thread",
                thread.key,
                thread.url,
                f"Kabar keeps this page's thread at {found.address}: its comments go there",
            )
        elif urlsplit(url).query and not urlsplit(found.address).query:
            # Pages told apart by their query (WordPress's plain ?p=123 links) share the
            # thread of their path on a site that drops queries: say so, with the way out.
            tally.note(
                "thread",
                thread.key,
                thread.url,
                f"the site's threads leave out an address's query: its comments go to "
                f"{found.address}, with those of any page there that differs by its query "
                "alone (if its pages are told apart by their query, as ?p=123 is, turn on "
                'the site\'s "keep the query string" before importing: comments imported '
                "already stay where they are)",
            )
        tally.count("thread", result)
        return found.target

    def _comments(self, thread, page, tally):
        """Write the thread's comments; whether any of them was in Kabar before this run."""
        comments = in_tree_order(thread.comments)
        ids = [c.id for c in comments]
        records = {
            r.wp_id: r
            for r in ImportedItem.objects.filter(
                source=self.source.key, kind=ImportedKind.COMMENT, wp_id__in=ids
            )
        }
        stored = Comment.objects.in_bulk([int(r.object_id) for r in records.values()])
        by_id = {}
        counters, new_records = [], []
        for source_comment in comments:
            if source_comment.id in self.seen:
                tally.problem(
                    "comment", source_comment.id, _label(source_comment), "twice in the file"
                )
                continue
            self.seen.add(source_comment.id)
            record = records.get(source_comment.id)
            existing = stored.get(int(record.object_id)) if record else None
            if existing is not None and existing.page_id != page.pk:
                # Its id names a comment imported onto another page: another export reusing
                # ids (Disqus's are unique, other systems' exports need not be). That
                # comment is not this one to overwrite.
                tally.problem(
                    "comment",
                    source_comment.id,
                    _label(source_comment),
                    f"its id was imported before onto another page (comment {existing.pk}): "
                    "left out, that comment as it is",
                )
                continue
            try:
                with transaction.atomic():
                    changes = []
                    if existing is not None and record.digest != _as_written(existing):
                        # Moderated or edited here since an import wrote it (approved,
                        # marked spam, restored): the newsroom's decision stands.
                        comment, result = existing, "unchanged"
                        tally.kept_as_moderated += 1
                        digest = record.digest
                    else:
                        comment, result = self._comment(
                            page, source_comment, by_id, existing, changes, tally
                        )
                        digest = _as_written(comment)
                    if record is not None and record.digest != digest:
                        record.object_id, record.digest = str(comment.pk), digest
                        record.updated_at = timezone.now()
                        record.save(update_fields=["object_id", "digest", "updated_at"])
            except ItemFailed as exc:
                tally.problem(
                    "comment", source_comment.id, _label(source_comment), exc, result="failed"
                )
                continue
            except Exception as exc:
                logger.exception("comment %s could not be imported", source_comment.id)
                tally.problem(
                    "comment", source_comment.id, _label(source_comment), repr(exc), result="failed"
                )
                continue
            if record is None:
                new_records.append(self._record(source_comment.id, comment.pk, digest))
            counters.extend(changes)
            by_id[source_comment.id] = comment
            tally.count("comment", result)
            if result != "unchanged" and self.learn:
                self.imported_comments.append(comment)
        # The thread's counters and records in one go (its transaction holds them all).
        commenters_recount(counters)
        ImportedItem.objects.bulk_create(new_records)
        return bool(records)

    def _record(self, source_id, comment_pk, digest):
        return ImportedItem(
            source=self.source.key,
            kind=ImportedKind.COMMENT,
            wp_id=source_id,
            object_id=str(comment_pk),
            digest=digest,
        )

    def _comment(self, page, c, by_id, existing, counters, tally):
        label = _label(c)
        for note in c.notes:
            tally.note("comment", c.id, label, note)
        if c.problem:
            raise ItemFailed(c.problem)
        if c.created_at is None:
            raise ItemFailed("no readable date")
        # What no page can show goes (an Isso database, a Remark42 backup may hold NUL).
        body = xml_safe(c.body)
        if not body.strip():
            if not c.removed:
                raise ItemFailed("an empty comment")
            body = self.deleted_text
        email = mapping.valid_email(c.author_email)
        if c.author_email and email is None:
            tally.note("comment", c.id, label, "email address not valid: left out")
        url = mapping.valid_url(c.author_url)
        if c.author_url and not url:
            tally.note("comment", c.id, label, "website not valid: left out")
        ip, ip_not_valid = _known_ip(c.ip)
        if ip_not_valid:
            tally.ips_left_out += 1  # one line in the report, not one per comment
        parent = by_id.get(c.parent_id) if c.parent_id else None
        data = ImportedComment(
            body=body,
            author_name=mapping.comment_name(c.author_name, self.anonymous),
            author_email=email,
            author_url=url,
            ip_address=ip,
            created_at=c.created_at,
            status=c.status,
            removed=c.removed,
        )
        try:
            written = comment_import(
                page=page,
                data=data,
                key=f"{self.source.system}-{mapping.digest(self.source.key, c.id)[:16]}",
                # Kabar reads replies this many levels deep; deeper ones go beside their parent.
                parent=attach_point(parent, MAX_THREAD_DEPTH),
                existing=existing,
                counters=counters,
            )
        except Exception as exc:
            messages = getattr(exc, "message_dict", None)
            raise ItemFailed(f"refused: {messages or exc}") from exc
        if c.parent_id and parent is None and existing is None:
            tally.replies_moved_up += 1
            tally.note(
                "comment", c.id, label, "its parent comment is not in Kabar: shown at the top level"
            )
        return written


def _as_written(comment):
    """The digest of what an import wrote into `comment` (kept in its record): when the
    comment no longer matches it, someone here changed it since."""
    return mapping.digest(comment.pk, comment.status, comment.body, comment.removed_at is not None)


def import_comments(source, **options):
    """Write a Source read by one of the readers; returns the Report."""
    return CommentImport(source, **options).run()
