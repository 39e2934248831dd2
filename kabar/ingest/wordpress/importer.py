"""A WordPress site into Kabar, from its export: authors, categories and tags, images,
posts and pages, comments with their threads, and every old address answering 301.

Two streaming passes over the file, one item in memory at a time: the first brings in
authors, terms and attachments (posts point at images that may come later in the file),
the second posts and pages with their comments. Each item is written in its own
transaction, and a record of what it became (ImportedItem) makes a second run of the same
file change nothing and a newer export update only what changed.

Categories: a top-level category becomes a section; a category under it becomes a tag,
and its posts go to the top-level category's section (Kabar's sections are one level, the
same as its addresses). A post in several categories goes to its first one's section
(the primary category Yoast or Rank Math kept, when the export names one); the others
become tags."""

import collections
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext, override
from taggit.models import Tag
from tqdm import tqdm
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.utils.file import hash_filelike

from kabar.core.ids import parse_id
from kabar.core.memo import nothing_kept
from kabar.core.purge import purge_everything
from kabar.core.slugs import slugify
from kabar.discussion.export import parents_first
from kabar.discussion.models import Comment
from kabar.discussion.selectors import MAX_THREAD_DEPTH
from kabar.discussion.services import (
    ImportedComment,
    attach_point,
    comment_import,
    comments_imported,
)
from kabar.discussion.targets import DiscussionState
from kabar.discussion.trust import commenters_recount
from kabar.news.homepage import home_page_ensured
from kabar.news.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
    StandardPage,
)

from ..bodies import html_to_body
from ..comments.report import KEPT_AS_MODERATED
from ..models import ImportedItem, ImportedKind
from ..redirects import redirect_set
from . import files, mapping
from .addresses import SITE_KIND, redirects_for_wordpress
from .wxr import Author as WPAuthor
from .wxr import Item, Term, read_wxr
from .wxr import Site as WPSite

logger = logging.getLogger(__name__)
Image = get_image_model()
Document = get_document_model()
User = get_user_model()

KINDS = [k.value for k in ImportedKind]
RESULTS = ("created", "updated", "unchanged", "skipped", "failed")
# Who may read a private post in WordPress (editors and administrators): the Editor role.
PRIVATE_GROUPS = ("Editor",)
# The role an imported author's account gets: write and submit for review, not publish.
AUTHOR_GROUP = "Penulis"
FALLBACK_SECTION = ("arsip", "Arsip")


def _unpublish(page):
    """Unpublish `page` in its owner's name, as the import publishes it: an imported
    author's account is a writer, who may not unpublish in the admin."""
    UnpublishPageAction(page, user=page.owner, log_action=True).execute(skip_permission_checks=True)


def _comment_digest(comment):
    """The digest of what an import wrote into `comment` (kept in its record): when the
    comment no longer matches it, someone here changed it since."""
    return mapping.digest(comment.pk, comment.status, comment.body)


def same_site(address):
    """The spellings of a WordPress site's address one site goes by over the years: http://
    and https://, with and without "www." (a site moved to TLS, or to its bare name, and
    exported again is the same site: its posts are updated, not imported a second time)."""
    _scheme, _sep, rest = address.partition("://")
    host, slash, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    return tuple(
        sorted(
            {address}
            | {
                f"{scheme}://{www}{host}{slash}{path}"
                for scheme in ("http", "https")
                for www in ("", "www.")
            }
        )
    )


class ItemFailed(Exception):
    """One item could not be brought in; the run goes on without it."""


@dataclass
class Report:
    dry_run: bool = False
    counts: dict = field(default_factory=lambda: {k: Counter() for k in KINDS})
    redirects: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)  # [(kind, wp_id, label, reason)]
    items_read: int = 0
    # Commenters' IP addresses that were not valid, left out (the comments kept).
    ips_left_out: int = 0
    # Comments moderated or edited here since an import wrote them: left as they are.
    kept_as_moderated: int = 0

    def count(self, kind, result):
        self.counts[kind][result] += 1

    def problem(self, kind, wp_id, label, reason, *, result="skipped"):
        self.count(kind, result)
        self.problems.append((str(kind), str(wp_id), str(label)[:120], str(reason)))

    def note(self, kind, wp_id, label, reason):
        """Brought in, with something left out or changed on the way."""
        self.problems.append((str(kind), str(wp_id), str(label)[:120], str(reason)))

    def total(self, result):
        return sum(c[result] for c in self.counts.values())

    def as_dict(self):
        return {
            "dry_run": self.dry_run,
            "counts": {k: {r: c[r] for r in RESULTS} for k, c in self.counts.items()},
            "redirects": {r: self.redirects[r] for r in ("created", "updated", "unchanged")},
            "ips_left_out": self.ips_left_out,
            "kept_as_moderated": self.kept_as_moderated,
            "problems": [list(p) for p in self.problems],
        }

    def lines(self):
        head = "Dry run: nothing was written." if self.dry_run else "Import finished."
        out = [head, f"{'':12}" + "".join(f"{r:>11}" for r in RESULTS)]
        for kind, counter in self.counts.items():
            out.append(f"{kind:12}" + "".join(f"{counter[r]:>11}" for r in RESULTS))
        out.append(
            "redirects   "
            + "".join(f"{self.redirects[r]:>11}" for r in ("created", "updated", "unchanged"))
        )
        if self.ips_left_out:
            out.append(f"IP addresses not valid, left out: {self.ips_left_out}")
        if self.kept_as_moderated:
            out.append(f"{KEPT_AS_MODERATED}: {self.kept_as_moderated}")
        if self.problems:
            out.append(f"{len(self.problems)} item(s) not mapped as they were:")
            out += [f"  {k} {i} “{label}”: {reason}" for k, i, label, reason in self.problems]
        return out


@dataclass
class _Attachment:
    image_id: int | None
    caption: str
    credit: str
    alt: str
    link: str
    parent: int
    document_id: int | None = None
    # The address of what it became here (the image's file, the document's), once made.
    url: str = ""


class WordPressImport:
    def __init__(
        self,
        path,
        *,
        uploads=None,
        dry_run=False,
        learn=False,
        site=None,
        progress=None,
        show_bar=None,
    ):
        self.path = path
        self.uploads = uploads
        self.dry_run = dry_run
        self.learn = learn
        self.kabar_site = site or Site.objects.filter(is_default_site=True).first()
        self.progress = progress
        self.show_bar = show_bar
        self.report = Report(dry_run=dry_run)
        self.wp = WPSite()
        self.clock = mapping.SiteClock()  # the WordPress site's local time (first pass)
        self.source = ""
        self.sources = ()
        self.own_bases = set()
        self.language = settings.LANGUAGE_CODE
        self.authors = {}  # login -> (Author profile pk, user pk); wp author_id -> user pk
        self.users_by_wp_id = {}
        self.users = {}  # pk -> User, for comments by registered users
        self.categories = {}  # slug -> Term
        self.category_targets = {}  # slug -> (section pk, [tag names])
        self.tags = {}  # slug -> name
        self.terms_seen = set()
        self.attachments = {}  # wp id -> _Attachment
        self.earlier_attachments = {}  # wp id -> _Attachment or None, of earlier runs
        self._attachments_of = None  # post's wp id -> its attachments' (made after pass 1)
        self.images_by_url = files.Addresses()  # -> image pk
        self.documents_by_url = files.Addresses()  # -> document pk
        self.pages_by_wp_id = {}  # for pages' parents and attachments' redirects
        self.changed_pages = set()
        self.imported_comments = []
        self.page_ids = set()  # wp ids of the export's pages, for children listed first
        self.waiting_pages = {}  # parent wp id -> [page items listed before their parent]
        self.reusable_blocks = {}  # wp_block id -> its content, for <!-- wp:block ref -->
        self.skipped_types = Counter()  # post types Kabar has no place for
        self.undeclared_authors = set()
        # The posts' and pages' ids read so far, and the comments': a file joined from two
        # exports, or a damaged one, may list one twice.
        self.posts_read = set()
        self.comments_read = set()
        self.files_stored = []  # a dry run's images and documents, deleted when it is undone

    # The run ------------------------------------------------------------------------------
    def run(self):
        if self.dry_run:
            # Everything is done as for real, then undone: the counts are exact. Nothing
            # read meanwhile is kept for the process's other threads (its readers).
            try:
                with nothing_kept(), transaction.atomic():
                    self._passes()
                    transaction.set_rollback(True)
            finally:
                for stored in self.files_stored:
                    stored.storage.delete(stored.name)
        else:
            self._passes()
            if self.changed_pages or self.report.total("created") or self.report.total("updated"):
                purge_everything()
        return self.report

    def _home(self):
        """The site's home page, the import's parent of sections and pages. A new install's
        default Site has only Wagtail's placeholder: Kabar's front is made in its place
        (in a dry run too, undone with the rest)."""
        if (self.kabar_site is None or self.kabar_site.is_default_site) and (
            home_page_ensured() is not None
        ):
            self.kabar_site = Site.objects.get(is_default_site=True)
        if self.kabar_site is None or not isinstance(self.kabar_site.root_page.specific, HomePage):
            raise ItemFailed(gettext("Kabar has no home page to import into."))
        self.home = self.kabar_site.root_page.specific

    def _passes(self):
        if not self.dry_run:
            # The file read through first, nothing kept: one that is cut off or not XML is
            # refused before anything of it is stored (a dry run's writes are undone anyway).
            self._pass(0, lambda thing: None)
        self._home()
        self._pass(1, self._first_pass)
        self._pass(2, self._second_pass)
        self._second_pass_end()
        self._site_redirects()
        self._attachment_redirects()
        if not self.dry_run:
            comments_imported(self.changed_pages, learn=self.learn, comments=self.imported_comments)

    def _pass(self, number, handle):
        size = os.path.getsize(self.path)
        with (
            open(self.path, "rb") as raw,
            tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                desc=f"{number}/2 "
                + ("the file checked", "authors, terms, images", "posts, comments")[number],
                disable=self.show_bar is False or None,
                leave=False,
            ) as bar,
        ):
            # The second pass reads the same bytes: said once.
            mended = self._mended if number == 1 else None
            for thing in read_wxr(raw, on_read=bar.update, on_mended=mended):
                handle(thing)

    def _mended(self, count):
        self.report.note(
            "file",
            "",
            os.path.basename(self.path),
            ngettext(
                "%(count)d byte was not UTF-8: read as Windows-1252 (check the accented "
                "letters and quotation marks of old posts)",
                "%(count)d bytes were not UTF-8: read as Windows-1252 (check the accented "
                "letters and quotation marks of old posts)",
                count,
            )
            % {"count": count},
        )

    def _first_pass(self, thing):
        if isinstance(thing, Item):
            self.clock.learn(thing.date_gmt, thing.date_local)
            for comment in thing.comments:
                self.clock.learn(comment.date_gmt, comment.date_local)
        if isinstance(thing, WPSite):
            self._site(thing)
        elif isinstance(thing, WPAuthor):
            self._guarded(ImportedKind.AUTHOR, thing.login, thing.display_name, self._author, thing)
        elif isinstance(thing, Term):
            self._term(thing)
        elif isinstance(thing, Item) and thing.post_type == "attachment":
            # A document's record is of its own kind (its object a document, never an image);
            # an image's, or that of a file that is neither and is skipped, an attachment's.
            file_type = _file_type(thing)
            kind = ImportedKind.DOCUMENT if file_type == "document" else ImportedKind.ATTACHMENT
            self._guarded(kind, thing.wp_id, thing.title, self._attachment, thing, file_type)
        elif isinstance(thing, Item) and thing.post_type == "page":
            self.page_ids.add(thing.wp_id)
        elif (
            isinstance(thing, Item)
            and thing.post_type == "wp_block"
            and thing.status == "publish"
            and not thing.password
        ):
            # Reusable blocks ("synced patterns"): posts show them where they name them, as
            # WordPress does only when the block is published and has no password.
            self.reusable_blocks[thing.wp_id] = thing.content

    def _second_pass(self, thing):
        if not isinstance(thing, Item):
            return
        self.report.items_read += 1
        if self.progress:
            self.progress(self.report.items_read)
        if thing.post_type == "post" and thing.status not in _NOT_IMPORTED:
            # Only a post that is brought in signs with a byline (a page has none).
            self._undeclared_author(thing)
        if thing.post_type == "post":
            kind = ImportedKind.POST
            self._guarded(kind, thing.wp_id, thing.title, self._post, thing, kind)
        elif thing.post_type == "page":
            if thing.parent in self.page_ids and thing.parent not in self.pages_by_wp_id:
                # Its parent comes later in the file: the page waits for it.
                self.waiting_pages.setdefault(thing.parent, []).append(thing)
                return
            self._page(thing)
        elif thing.post_type not in ("attachment", "wp_block"):
            # Menus, revisions and plugins' own types have no place here: said once a type.
            logger.debug("skipped %s %s", thing.post_type, thing.wp_id)
            self.skipped_types[thing.post_type] += 1

    def _undeclared_author(self, item):
        """An author the export does not list (a file cut by hand, another exporter): a
        byline all the same, from the login the item names. No account: nothing says who
        that is here (a Kabar user of the same name may be someone else)."""
        login = item.creator
        if not login or login in self.authors or login in self.undeclared_authors:
            return
        self.undeclared_authors.add(login)
        if self._guarded(ImportedKind.AUTHOR, login, login, self._byline_only_author, login):
            self.report.note(
                ImportedKind.AUTHOR, login, login, gettext("not listed among the export's authors")
            )

    def _byline_only_author(self, login):
        record = self._record(ImportedKind.AUTHOR, login)
        profile = Author.objects.filter(pk=record.object_id).first() if record else None
        result = "unchanged"
        if profile is None:
            name = mapping.plain(login, 255) or login[:255]
            profile = Author.objects.create(name=name, slug=self._free_author_slug(login))
            self._remember(record, ImportedKind.AUTHOR, login, profile.pk, "")
            result = "created" if record is None else "updated"
        self.authors[login] = (profile.pk, profile.user_id)
        return result

    def _page(self, item):
        kind = ImportedKind.PAGE
        self._guarded(kind, item.wp_id, item.title, self._post, item, kind)
        for child in self.waiting_pages.pop(item.wp_id, ()):
            self._page(child)

    def _second_pass_end(self):
        # Pages whose parent never came (it failed, or was skipped): under the home page.
        while self.waiting_pages:
            _, children = self.waiting_pages.popitem()
            for child in children:
                self._page(child)
        for post_type, number in sorted(self.skipped_types.items()):
            self.report.note(
                post_type,
                "",
                post_type,
                ngettext(
                    "%(number)d item of this type not imported (Kabar has no place for it)",
                    "%(number)d items of this type not imported (Kabar has no place for them)",
                    number,
                )
                % {"number": number},
            )

    def _guarded(self, kind, wp_id, label, handle, *args):
        """One item in its own transaction: a failure undoes it alone and is reported."""
        try:
            with transaction.atomic():
                result = handle(*args)
        except _Skip as exc:
            self.report.problem(kind, wp_id, mapping.plain(label), exc, result="skipped")
            return None
        except ItemFailed as exc:
            self.report.problem(kind, wp_id, mapping.plain(label), exc, result="failed")
            return None
        except Exception as exc:
            logger.exception("WordPress %s %s could not be imported", kind, wp_id)
            self.report.problem(kind, wp_id, mapping.plain(label), repr(exc), result="failed")
            return None
        if result:
            self.report.count(kind, result)
        return result

    # Records ------------------------------------------------------------------------------
    def _record(self, kind, wp_id):
        found = ImportedItem.objects.filter(source__in=self.sources, kind=kind, wp_id=str(wp_id))
        return self._this_source_first(found[: len(self.sources)])

    def _this_source_first(self, records):
        """The record made under this export's own address if there is one, else one made
        under another spelling of it (see same_site)."""
        return min(records, key=lambda record: record.source != self.source, default=None)

    def _record_for(self, kind, wp_id, obj_pk, digest):
        now = timezone.now()
        return ImportedItem(
            source=self.source,
            kind=kind,
            wp_id=str(wp_id),
            object_id=str(obj_pk),
            digest=digest,
            imported_at=now,
            updated_at=now,
        )

    def _remember(self, record, kind, wp_id, obj_pk, digest, *, page=False):
        """Keep what item `wp_id` became and its digest; with `page`, the page's revision
        and whether it is live as this run leaves them (_changed_here)."""
        now = timezone.now()
        if record is None:
            record = self._record_for(kind, wp_id, obj_pk, digest)
        else:
            record.object_id, record.digest, record.updated_at = str(obj_pk), digest, now
        if page:
            record.revision_id, record.left_live = (
                Page.objects.filter(pk=obj_pk).values_list("latest_revision_id", "live").get()
            )
        record.save()

    @staticmethod
    def _changed_here(record, page):
        """Whether the newsroom changed `page` here since the import last wrote it: a new
        revision (edited, a correction, a draft), or unpublished."""
        if record.revision_id is None:  # written before Kabar kept what it left
            return False
        return page.latest_revision_id != record.revision_id or (record.left_live and not page.live)

    def _redirects(self, kind, **kwargs):
        counts = redirects_for_wordpress(self.kabar_site, self.source, kind, **kwargs)
        for result in ("created", "updated", "unchanged"):
            self.report.redirects[result] += counts[result]

    # Site, authors, terms -----------------------------------------------------------------
    def _site(self, site):
        self.wp = site
        self.source = (site.base_blog_url or site.base_site_url or site.link).rstrip("/")
        if not self.source:
            raise ItemFailed("the export names no site address")
        self.language = mapping.language_of(site.language, settings.LANGUAGE_CODE)
        # The site's own address as its records (_record) and its links (_rewrite_url) may
        # spell it, worked out once.
        self.sources = same_site(self.source)
        self.own_bases = set(self.sources)

    def _author(self, author):
        if not author.login:
            raise ItemFailed("an author without a login")
        name = (
            mapping.plain(author.display_name, 255)
            or mapping.plain(f"{author.first_name} {author.last_name}", 255)
            or author.login
        )
        digest = mapping.digest(
            author.login, author.email, name, author.first_name, author.last_name
        )
        record = self._record(ImportedKind.AUTHOR, author.login)
        if record is not None:
            profile = Author.objects.filter(pk=record.object_id).first()
            if profile is not None:
                self.authors[author.login] = (profile.pk, profile.user_id)
                self.users_by_wp_id[author.wp_id] = profile.user_id
                if record.digest == digest:
                    self._author_redirects(author, profile)
                    return "unchanged"
        user = self._staff_user(author, name)
        if record is not None and profile is not None:
            profile.name = name[:255]
            profile.user = profile.user or user
            profile.save()
            result = "updated"
        else:
            profile = Author.objects.filter(user=user).first() if user else None
            if profile is None:
                profile = Author.objects.create(
                    name=name[:255], slug=self._free_author_slug(author.login), user=user
                )
            result = "created"
        self._remember(record, ImportedKind.AUTHOR, author.login, profile.pk, digest)
        self.authors[author.login] = (profile.pk, profile.user_id)
        self.users_by_wp_id[author.wp_id] = profile.user_id
        self._author_redirects(author, profile)
        return result

    def _author_redirects(self, author, profile):
        nicename, *aliases = mapping.author_archive_names(author.login)
        self._redirects(
            ImportedKind.AUTHOR,
            wp_id=author.wp_id,
            slug=nicename,
            aliases=aliases,
            target=profile.get_absolute_url(),
            feed_target="",
        )

    def _staff_user(self, author, name):
        """The newsroom account for an author who owns content: staff, no usable password
        (they set one through "forgot password"), a writer (Penulis). An export names no
        WordPress role: a contributor there could not publish, and whoever holds an old
        author's mailbox could set a password, so editors are promoted by hand."""
        email = mapping.valid_email(author.email) or ""
        user = User.objects.filter(username=author.login).first()
        if user is not None and email and user.email.lower() != email.lower():
            user = User.objects.filter(username=f"wp-{author.login}"[:150]).first()
            username = f"wp-{author.login}"[:150]
        else:
            username = author.login[:150]
        if user is None:
            user = User(
                username=username,
                email=email,
                first_name=author.first_name[:150],
                last_name=author.last_name[:150],
                is_staff=True,
            )
            user.set_unusable_password()
            user.save()
            writers = Group.objects.filter(name=AUTHOR_GROUP).first()
            if writers is not None:
                user.groups.add(writers)
        return user

    def _free_author_slug(self, login):
        base = slugify(login)[:240] or "penulis"
        slug, n = base, 1
        while Author.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _term(self, term):
        # WordPress writes every category and tag twice (wp:category, then wp:term).
        if (term.taxonomy, term.slug) in self.terms_seen:
            return
        self.terms_seen.add((term.taxonomy, term.slug))
        if term.taxonomy == "category":
            self.categories[term.slug] = term
            self._guarded(ImportedKind.CATEGORY, term.slug, term.name, self._category, term)
        elif term.taxonomy == "post_tag":
            self.tags[term.slug] = mapping.plain(term.name, 100) or term.slug
            self._guarded(ImportedKind.TAG, term.slug, term.name, self._tag, term)

    def _category_chain(self, term):
        """The category and the ones above it, top first (a loop in the export is cut)."""
        chain, seen = [term], {term.slug}
        while chain[0].parent_slug and chain[0].parent_slug not in seen:
            parent = self.categories.get(chain[0].parent_slug)
            if parent is None:
                break
            seen.add(parent.slug)
            chain.insert(0, parent)
        return chain

    def _category(self, term):
        chain = self._category_chain(term)
        top = chain[0]
        title = mapping.plain(top.name, 255) or top.slug
        digest = mapping.digest([t.slug for t in chain], [t.name for t in chain], term.description)
        record = self._record(ImportedKind.CATEGORY, term.slug)
        section = self._recorded_section(top.slug) or self._section(
            top.slug, title, top.description
        )
        tags = [mapping.plain(t.name, 100) for t in chain[1:]]
        self.category_targets[term.slug] = (section.pk, tags)
        if len(chain) == 1:
            target, page = "", section
        else:
            page = None
            target = self._tag_url(tags[-1]) if not self.dry_run else f"/topik/{term.slug}/"
        if record is not None and record.digest == digest:
            result = "unchanged"
        else:
            result = "created" if record is None else "updated"
            self._remember(record, ImportedKind.CATEGORY, term.slug, section.pk, digest)
        path = "/".join(t.slug for t in chain)
        self._redirects(
            ImportedKind.CATEGORY, wp_id=term.wp_id, slug=path, page=page, target=target
        )
        return result

    def _unlisted_category(self, item, slug):
        """A category a post names that the export's header does not list (an export of
        the posts only): where an earlier run of the site brought it in, where it went
        then (its top category's section, its own name a tag when it is not that one);
        else brought in as a top-level one, from the post's own mention of it."""
        name = next((n for d, s, n in item.terms if d == "category" and s == slug), slug)
        if (section := self._recorded_section(slug)) is not None:
            own = section.slug == slugify(unquote(slug))[:255] or section.title == name
            tags = [] if own else [mapping.plain(name, 100)]
            self.category_targets[slug] = (section.pk, tags)
            return self.category_targets[slug]
        term = Term("category", "", slug, name, "", "")
        self._term(term)
        return self.category_targets.get(slug)

    def _tag_url(self, name):
        tag = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
        return f"/topik/{tag.slug}/"

    def _recorded_section(self, slug):
        """The section an earlier run made for the category `slug`, wherever its address
        is now (an editor may have renamed it; runs before the percent-decoding of slugs
        made e696b0… of a non-Latin one)."""
        record = self._record(ImportedKind.CATEGORY, slug)
        if record is None:
            return None
        return SectionPage.objects.child_of(self.home).filter(pk=record.object_id).first()

    def _section(self, slug, title, description):
        """The section of that slug under the home page, made if there is none. A slug
        another page there holds (a WordPress page "arsip", a page of Kabar's own) is
        followed by a number, the same one at each run."""
        # Non-Latin slugs are percent-encoded UTF-8 in the export (%e0%b8%82...).
        base = slugify(unquote(slug))[:255] or slugify(title) or "rubrik"
        slug, n = base, 1
        while (taken := Page.objects.child_of(self.home).filter(slug=slug).first()) is not None:
            if taken.specific_class is SectionPage:
                return taken.specific
            n += 1
            slug = f"{base[:250]}-{n}"
        section = SectionPage(title=title, slug=slug, intro=mapping.plain(description))
        self.home.add_child(instance=section)
        section.save_revision().publish()
        return section

    def _tag(self, term):
        name = self.tags[term.slug]
        digest = mapping.digest(name)
        record = self._record(ImportedKind.TAG, term.slug)
        url = self._tag_url(name)
        if record is not None and record.digest == digest:
            result = "unchanged"
        else:
            tag = Tag.objects.get(name=name)
            result = "created" if record is None else "updated"
            self._remember(record, ImportedKind.TAG, term.slug, tag.pk, digest)
        self._redirects(
            ImportedKind.TAG, wp_id=term.wp_id, slug=term.slug, target=url, feed_target=""
        )
        return result

    # Attachments ------------------------------------------------------------------------
    def _attachment(self, item, file_type):
        if item.wp_id <= 0:
            raise _Skip(_NO_ID)
        if item.wp_id in self.attachments:
            raise _Skip(_LISTED_TWICE)
        paths = mapping.upload_paths(item.attachment_url, item.meta.get("_wp_attached_file", ""))
        relative = paths[0] if paths else ""
        alt = mapping.plain(item.meta.get("_wp_attachment_image_alt", ""), 500)
        caption = mapping.plain(item.excerpt, 500)
        credit = mapping.image_credit(item.meta.get("_wp_attachment_metadata", ""))
        title = mapping.plain(item.title, 255) or os.path.basename(relative) or str(item.wp_id)
        info = _Attachment(None, caption, credit, alt, item.link, item.parent)
        self.attachments[item.wp_id] = info
        if item.comments:
            self.report.note(
                ImportedKind.ATTACHMENT,
                item.wp_id,
                title,
                _ATTACHMENT_COMMENTS % len(item.comments),
            )
        if file_type == "document":
            return self._document(item, info, paths, title)
        record = self._record(ImportedKind.ATTACHMENT, item.wp_id)
        digest = mapping.digest(relative, title, alt, caption, credit)
        stored = Image.objects.filter(pk=record.object_id).first() if record else None
        if stored is not None:
            info.image_id = stored.pk
            self._image_found(item, stored)
            if record.digest == digest:
                return "unchanged"
            Image.objects.filter(pk=info.image_id).update(title=title, description=alt)
            self._remember(record, ImportedKind.ATTACHMENT, item.wp_id, info.image_id, digest)
            return "updated"
        if file_type != "image":
            raise _Skip(_not_served(relative))
        path = self._uploaded(paths, relative)
        with open(path, "rb") as handle:
            image = Image(title=title, description=alt)
            try:
                # Read whole here (its size is worked out): a file cut short fails now.
                image.file = File(handle, name=os.path.basename(relative))
                image.full_clean(exclude=["collection", "tags"])
                image.save()
                self._stored(image.file)
            except Exception as exc:
                raise ItemFailed(f"not a readable image: {relative} ({exc})") from exc
        info.image_id = image.pk
        self._image_found(item, image)
        self._remember(record, ImportedKind.ATTACHMENT, item.wp_id, image.pk, digest)
        return "created"

    def _image_found(self, item, image):
        """Posts' references to the upload lead to `image`, and so do its old addresses,
        every size WordPress made of it included."""
        self.images_by_url.remember(item, image.pk)
        self.attachments[item.wp_id].url = image.file.url
        variants = mapping.upload_variants(
            item.attachment_url, item.meta.get("_wp_attachment_metadata", "")
        )
        self._upload_redirects(item, self.attachments[item.wp_id].url, variants)

    def _document(self, item, info, paths, title):
        """A file readers download (a report, a court ruling, a spreadsheet) as a Wagtail
        document, its old address answering 301 with the document's."""
        relative = paths[0]
        digest = mapping.digest(relative, title)
        record = self._record(ImportedKind.DOCUMENT, item.wp_id)
        document = Document.objects.filter(pk=record.object_id).first() if record else None
        if document is not None:
            result = "unchanged"
            if record.digest != digest:
                document.title = title
                document.save(update_fields=["title"])
                self._remember(record, ImportedKind.DOCUMENT, item.wp_id, document.pk, digest)
                result = "updated"
        else:
            # Only a name of an allowed type is looked for: the file found is of that type.
            path = self._uploaded([p for p in paths if files.is_document(p)], relative)
            document = Document(title=title)
            try:
                if not files.is_document(path):  # a link to a file of another type
                    raise ItemFailed(_not_served(path))
                with open(path, "rb") as handle:
                    document.file = File(handle, name=os.path.basename(path))
                    document.file_size = document.file.size
                    document.file_hash = hash_filelike(handle)
                    handle.seek(0)
                    document.full_clean(exclude=["collection", "tags"])
                    document.save()
                    self._stored(document.file)
            except (OSError, ValidationError) as exc:
                raise ItemFailed(
                    gettext("not a readable file: %(file)s (%(error)s)")
                    % {"file": relative, "error": "; ".join(getattr(exc, "messages", [str(exc)]))}
                ) from exc
            self._remember(record, ImportedKind.DOCUMENT, item.wp_id, document.pk, digest)
            result = "created"
        info.document_id, info.url = document.pk, document.url
        self.documents_by_url.remember(item, document.pk)
        self._upload_redirects(item, info.url)
        return result

    def _upload_redirects(self, item, target, variants=()):
        """The upload's old addresses (and those of the `variants` WordPress made of it)
        answer 301 with `target`, the file's address here: links and pages elsewhere, and
        search engines' image results, still find it."""
        for url in dict.fromkeys((item.attachment_url, item.guid, *variants)):
            if url and "?" not in url:  # a guid of ?attachment_id=12 is the attachment's page
                found = redirect_set(self.kabar_site, url, self.source, target=target)
                if found in ("created", "updated", "unchanged"):
                    self.report.redirects[found] += 1

    def _stored(self, file):
        if self.dry_run:
            self.files_stored.append(file)

    def _uploaded(self, candidates, relative):
        """The file in the uploads folder, or the item fails saying why."""
        if not self.uploads:
            raise ItemFailed(
                gettext("no uploads folder given (--uploads): %(file)s is left out")
                % {"file": relative}
            )
        path = files.find(self.uploads, candidates)
        if path is None:
            raise ItemFailed(f"file missing from the uploads folder: {relative}")
        return path

    def _image_for_url(self, url):
        return self._upload_for_url(self.images_by_url, Image, url)

    def _document_for_url(self, url):
        return self._upload_for_url(self.documents_by_url, Document, url)

    def _upload_for_url(self, addresses, model, url):
        pk = addresses.find(url)
        return model.objects.filter(pk=pk).first() if pk is not None else None

    def _image_for_id(self, wp_id):
        info = self._attachment_info(wp_id)
        if info is None or not info.image_id:
            return None
        return Image.objects.filter(pk=info.image_id).first()

    def _attachment_info(self, wp_id):
        """The attachment `wp_id` as this export lists it; else the image an earlier run
        of the same site made of it (WordPress exports a large site in parts: its media,
        then its posts), with its alt text and no caption (which the export of the posts
        does not hold)."""
        if wp_id in self.attachments:
            return self.attachments[wp_id]
        if wp_id not in self.earlier_attachments:
            record = self._record(ImportedKind.ATTACHMENT, wp_id) if wp_id else None
            image = Image.objects.filter(pk=record.object_id).first() if record else None
            self.earlier_attachments[wp_id] = image and _Attachment(
                image.pk, "", "", image.description, "", 0, url=image.file.url
            )
        return self.earlier_attachments[wp_id]

    def _rewrite_url(self, href):
        """The old site's own links as paths on this site, which its redirects answer: links
        to its address, in http or https (a site moved to https keeps its older posts'
        http:// links). Not to the export's base_site_url where it is another site's: a
        network's (WordPress.com's exports name http://wordpress.com/ there)."""
        for base in self.own_bases:
            if href == base or href.startswith(base + "/") or href.startswith(base + "?"):
                return href[len(base) :] or "/"
        return href

    # Posts and pages --------------------------------------------------------------------
    def _post(self, item, kind):
        if item.wp_id <= 0:
            raise _Skip(_NO_ID)
        if item.wp_id in self.posts_read:
            # Two items cannot both be the one an id names: the first stays, as each run
            # of the file keeps it (the second would replace it, and the first it again).
            raise _Skip(_LISTED_TWICE)
        self.posts_read.add(item.wp_id)
        if item.status in _NOT_IMPORTED:
            return self._withdraw(item, kind)
        record = self._record(kind, item.wp_id)
        page = None
        if record is not None:
            page = Page.objects.filter(pk=record.object_id).first()
            page = page.specific if page is not None else None
        digest = self._post_digest(item)
        if page is not None and record.digest == digest:
            result = "unchanged"
        elif page is not None and self._changed_here(record, page):
            # A correction, a takedown: the newsroom's decision stands over the export's
            # changes, as a comment moderated here does. Named on each run, so none is
            # missed; brought up to date again once the page is deleted here.
            result = "unchanged"
            self.report.note(kind, item.wp_id, mapping.plain(item.title), _CHANGED_HERE)
        else:
            # Wagtail would index the page's references at each of its saves (three for
            # a published page); once, when it is written, is enough.
            with disable_reference_index_auto_update():
                page = self._write_page(item, kind, page)
            ReferenceIndex.create_or_update_for_object(page)
            result = "created" if record is None else "updated"
            self._remember(record, kind, item.wp_id, page.pk, digest, page=True)
            self.changed_pages.add(page.pk)
        self.pages_by_wp_id[item.wp_id] = page.pk
        self._redirects(kind, wp_id=item.wp_id, permalink=item.link, page=page)
        if kind == ImportedKind.POST or item.comments:
            self._comments(item, page)
        if kind == ImportedKind.PAGE and item.comments:
            self.report.note(kind, item.wp_id, mapping.plain(item.title), _PAGE_COMMENTS)
        return result

    def _withdraw(self, item, kind):
        """A post or page in WordPress's bin (or never saved there) is not brought in. One
        an earlier run brought in is unpublished: what the newsroom removed there is not
        left public here. It stays as a draft with its comments, for the newsroom to
        delete or publish again, and is published again when the export shows it restored."""
        record = self._record(kind, item.wp_id)
        page = Page.objects.filter(pk=record.object_id).first() if record else None
        digest = self._post_digest(item) if page is not None and page.live else None
        if digest is None or record.digest == digest:
            # Never brought in; or withdrawn by an earlier run already, and what the
            # newsroom did with it since (published it again) is theirs.
            raise _Skip(f"status {item.status!r} in WordPress")
        page = page.specific
        _unpublish(page)
        # Its digest now the bin's: the post restored is a change, and rebuilt.
        self._remember(record, kind, item.wp_id, page.pk, digest, page=True)
        self.changed_pages.add(page.pk)
        return "updated"

    def _post_digest(self, item):
        description = mapping.seo_description(item.meta)
        return mapping.digest(
            item.title, self._content(item), item.excerpt, item.status,
            item.date_gmt,
            item.modified_gmt, item.post_name, sorted(item.terms), item.is_sticky,
            item.comment_status, item.creator, item.meta.get("_thumbnail_id"), item.password,
            item.parent, mapping.primary_category(item.meta),
            # Only when there is one: a post without any keeps the digest earlier runs gave
            # it. (Posts with one, with a reusable block, or from a WXR 1.0 file, whose
            # bare terms are no longer read, are brought up to date once by the first run
            # after this change.)
            *([description] if description else []),
            # Likewise only for a post with uploads of its own or a featured image.
            *([media] if (media := self._media_of(item)) else []),
        )  # fmt: skip

    def _media_of(self, item):
        """The post's own uploads and featured image as this run found them: what each
        became (an image, a document, neither) and the caption, credit and alt text it
        shows. A run that finds a file an earlier one did not (the uploads folder given
        this time) or a caption changed brings the post up to date, its own fields the
        same."""
        if self._attachments_of is None:
            self._attachments_of = {}
            for wp_id, info in self.attachments.items():
                self._attachments_of.setdefault(info.parent, []).append(wp_id)
        ids = set(self._attachments_of.get(item.wp_id, ()))
        thumbnail = mapping_int(item.meta.get("_thumbnail_id"))
        if thumbnail in self.attachments:
            ids.add(thumbnail)
        shown = []
        for wp_id in sorted(ids):
            info = self.attachments[wp_id]
            shown.append(
                (wp_id, info.image_id, info.document_id, info.caption, info.credit, info.alt)
            )
        return shown

    def _placement(self, item, kind):
        """(parent page, tag names) for a post or page."""
        if kind == ImportedKind.PAGE:
            parent_pk = self.pages_by_wp_id.get(item.parent)
            parent = StandardPage.objects.filter(pk=parent_pk).first() if parent_pk else None
            return parent or self.home, []
        # WordPress's own choice where a post shows one category (the %category% of its
        # permalink): the one made first, the lowest term id, the export writing them by
        # name; a primary category (Yoast, Rank Math) before it.
        categories = sorted(
            (slug for domain, slug, _ in item.terms if domain == "category"),
            key=self._term_order,
        )
        primary = mapping.primary_category(item.meta)
        by_id = {t.wp_id: t.slug for t in self.categories.values()}
        if by_id.get(primary) in categories:
            categories.remove(by_id[primary])
            categories.insert(0, by_id[primary])
        tags = []
        section_pk = None
        for slug in categories:
            target = self.category_targets.get(slug) or self._unlisted_category(item, slug)
            if target is None:
                continue
            pk, names = target
            if section_pk is None:
                section_pk = pk
                tags += names
            else:
                top = SectionPage.objects.filter(pk=pk).values_list("title", flat=True).first()
                tags += [n for n in ([top] if pk != section_pk else []) + names if n]
        tags += [
            self.tags.get(slug) or mapping.plain(name, 100)
            for domain, slug, name in item.terms
            if domain == "post_tag"
        ]
        section = SectionPage.objects.filter(pk=section_pk).first() if section_pk else None
        if section is None:
            section = self._section(*FALLBACK_SECTION, "")
        return section, list(dict.fromkeys(t for t in tags if t))

    def _term_order(self, slug):
        """A category's term id where the export lists it, after those that have one."""
        term = self.categories.get(slug)
        number = parse_id(term.wp_id) if term is not None else None
        return (0, number) if number is not None else (1, 0)

    def _write_page(self, item, kind, page):
        title = mapping.plain(item.title) or gettext("(no title)")
        if len(title) > TITLE_MAX_LENGTH:
            title = mapping.shortened(title, TITLE_MAX_LENGTH)
            self.report.note(kind, item.wp_id, title, _TITLE_SHORTENED)
        parent, tags = self._placement(item, kind)
        body = self._body(item, kind)
        creating = page is None
        if creating:
            model = ArticlePage if kind == ImportedKind.POST else StandardPage
            page = model(title=title, live=False)
        page.title = title
        page.body = body
        page.search_description = mapping.seo_description(item.meta)
        page.owner_id = (self.authors.get(item.creator) or (None, None))[1]
        if kind == ImportedKind.POST:
            self._article_fields(page, item, tags)
        if creating:
            page.slug = self._free_slug(
                parent, mapping.slug_of(item.post_name, title, f"wp-{item.wp_id}")
            )
            parent.add_child(instance=page)
        elif page.get_parent().pk != parent.pk:
            page.slug = self._free_slug(parent, page.slug, exclude=page.pk)
            page.move(parent, pos="last-child")
            page.refresh_from_db()
            if kind == ImportedKind.POST:
                self._article_fields(page, item, tags)
            page.title, page.body = title, body
            page.search_description = mapping.seo_description(item.meta)
        if kind == ImportedKind.POST:
            self._byline(page, item)
        self._publish(page, item)
        self._restrict(page, item)
        return page

    def _article_fields(self, page, item, tags):
        page.standfirst = mapping.plain(item.excerpt, 600)
        page.language = self.language
        page.is_featured = item.is_sticky
        page.discussion = (
            DiscussionState.CLOSED if item.comment_status == "closed" else DiscussionState.OPEN
        )
        page.tags.set(tags, clear=True)
        thumbnail = self._attachment_info(mapping_int(item.meta.get("_thumbnail_id")))
        if thumbnail is not None and thumbnail.image_id:
            page.lead_image_id = thumbnail.image_id
            page.lead_image_caption = thumbnail.caption
            page.lead_image_credit = thumbnail.credit
        else:
            page.lead_image_id = None
            if item.meta.get("_thumbnail_id"):
                self.report.note(
                    item.post_type,
                    item.wp_id,
                    mapping.plain(item.title),
                    "featured image not imported (see its attachment)",
                )

    def _byline(self, page, item):
        profile = self.authors.get(item.creator)
        if profile is None:
            return
        page.article_authors.set([ArticleAuthor(author_id=profile[0], sort_order=0)])

    def _body(self, item, kind):
        body = html_to_body(
            self._content(item),
            image_for_url=self._image_for_url,
            image_for_id=self._image_for_id,
            document_for_url=self._document_for_url,
            rewrite_url=self._rewrite_url,
        )
        for note in body.notes:
            self.report.note(kind, item.wp_id, mapping.plain(item.title), note)
        for ref in _REUSABLE_BLOCK.findall(item.content):
            if mapping_int(ref) not in self.reusable_blocks:
                self.report.note(
                    kind,
                    item.wp_id,
                    mapping.plain(item.title),
                    f"reusable block {ref} is not in the export: left out",
                )
        return body.blocks

    def _content(self, item):
        """The item's HTML as WordPress shows it: reusable blocks and footnotes in place."""
        return mapping.with_footnotes(
            self._with_reusable_blocks(item.content), item.meta.get(mapping.FOOTNOTES_KEY)
        )

    def _with_reusable_blocks(self, content, within=()):
        """A reusable block (<!-- wp:block {"ref":12} /-->) as what it holds, which
        WordPress keeps in an item of its own (wp_block); one within another too (three
        deep at most), never one within itself."""
        if "wp:block" not in content:
            return content

        def expand(match):
            ref = mapping_int(match.group(1))
            inner = self.reusable_blocks.get(ref)
            if inner is None or ref in within or len(within) >= 3:
                return ""
            return self._with_reusable_blocks(inner, (*within, ref))

        return _REUSABLE_BLOCK.sub(expand, content)

    def _free_slug(self, parent, slug, exclude=None):
        siblings = Page.objects.child_of(parent)
        if exclude is not None:
            siblings = siblings.exclude(pk=exclude)
        candidate, n = slug, 1
        while siblings.filter(slug=candidate).exists():
            n += 1
            candidate = f"{slug[:250]}-{n}"
        return candidate

    def _publish(self, page, item):
        """WordPress's status as Wagtail's: publish and private go live (private behind a
        restriction), future is scheduled, draft and pending stay drafts."""
        published_at = self.clock.dated(item.date_gmt, item.date_local)
        if item.status in ("publish", "private", "future"):
            page.first_published_at = page.first_published_at or published_at
            if item.status == "future" and published_at and published_at > timezone.now():
                page.go_live_at = published_at
            revision = page.save_revision(user=page.owner, log_action=True)
            revision.publish(user=page.owner, skip_permission_checks=True)
            if published_at:
                last = (
                    item.modified_gmt
                    if (item.modified_gmt or published_at) >= published_at
                    else published_at
                )
                # The dates of a page that went live (not one scheduled): publish() saved
                # its own copy of the page, so `page.live` here is still what it was before
                # (False for a new one, whose dates then stayed the import's time).
                type(page).objects.filter(pk=page.pk, live=True).update(
                    first_published_at=published_at,
                    last_published_at=last or published_at,
                    **({"published_at": published_at} if isinstance(page, ArticlePage) else {}),
                )
        else:
            if page.live:
                _unpublish(page)
            page.save_revision(user=page.owner, log_action=True)

    def _restrict(self, page, item):
        """Private posts for editors only; a password-protected post behind its password."""
        restrictions = PageViewRestriction.objects.filter(page=page)
        if item.status == "private":
            if not restrictions.filter(restriction_type=PageViewRestriction.GROUPS).exists():
                restriction = PageViewRestriction.objects.create(
                    page=page, restriction_type=PageViewRestriction.GROUPS
                )
                restriction.groups.set(Group.objects.filter(name__in=PRIVATE_GROUPS))
        elif item.password:
            restriction = restrictions.filter(restriction_type=PageViewRestriction.PASSWORD).first()
            if restriction is None:
                PageViewRestriction.objects.create(
                    page=page,
                    restriction_type=PageViewRestriction.PASSWORD,
                    password=item.password[:255],
                )
            elif restriction.password != item.password[:255]:
                restriction.password = item.password[:255]
                restriction.save()
        else:
            restrictions.filter(
                restriction_type__in=[PageViewRestriction.GROUPS, PageViewRestriction.PASSWORD]
            ).delete()

    # Comments ---------------------------------------------------------------------------
    def _comments(self, item, page):
        # Comments merged into WordPress from elsewhere (Disqus, another site) may carry a
        # lower id than the comment they answer.
        comments = parents_first(
            sorted(item.comments, key=lambda c: c.wp_id),
            id_of=lambda c: c.wp_id,
            parent_of=lambda c: c.parent,
        )
        if not comments:
            return
        ids = [str(c.wp_id) for c in comments]
        found = collections.defaultdict(list)
        for record in ImportedItem.objects.filter(
            source__in=self.sources, kind=ImportedKind.COMMENT, wp_id__in=ids
        ):
            found[record.wp_id].append(record)
        records = {wp_id: self._this_source_first(kept) for wp_id, kept in found.items()}
        stored = Comment.objects.in_bulk([int(r.object_id) for r in records.values()])
        by_wp_id = {}
        counters, new_records = [], []
        for wp_comment in comments:
            label = mapping.plain(wp_comment.content, 60)
            if wp_comment.wp_id <= 0:
                self.report.problem(ImportedKind.COMMENT, "", label, _NO_ID)
                continue
            if wp_comment.wp_id in self.comments_read:
                # Stored as the first one, the second would have replaced its words.
                self.report.problem(ImportedKind.COMMENT, wp_comment.wp_id, label, _LISTED_TWICE)
                continue
            self.comments_read.add(wp_comment.wp_id)
            if wp_comment.type in mapping.NOT_COMMENTS:
                self.report.problem(
                    ImportedKind.COMMENT,
                    wp_comment.wp_id,
                    label,
                    f"a {wp_comment.type} (Kabar has no pingbacks)",
                )
                continue
            if wp_comment.type not in mapping.READER_COMMENTS:
                self.report.problem(
                    ImportedKind.COMMENT,
                    wp_comment.wp_id,
                    label,
                    gettext("of type “%(type)s”: not a reader's comment, never shown")
                    % {"type": wp_comment.type},
                )
                continue
            try:
                changes = []
                with transaction.atomic():
                    record = records.get(str(wp_comment.wp_id))
                    existing = stored.get(int(record.object_id)) if record else None
                    if existing is not None and record.digest != _comment_digest(existing):
                        # Moderated or edited here since an import wrote it (approved,
                        # marked spam, its text erased): the newsroom's decision stands.
                        comment, result = existing, "unchanged"
                        self.report.kept_as_moderated += 1
                        digest = record.digest  # so that the next import leaves it too
                    else:
                        comment, result = self._comment(
                            item, page, wp_comment, by_wp_id, existing, changes
                        )
                        digest = _comment_digest(comment)
                    if record is not None and record.digest != digest:
                        self._remember(
                            record, ImportedKind.COMMENT, wp_comment.wp_id, comment.pk, digest
                        )
                if record is None:
                    new_records.append(
                        self._record_for(ImportedKind.COMMENT, wp_comment.wp_id, comment.pk, digest)
                    )
                counters.extend(changes)
            except ItemFailed as exc:
                self.report.problem(
                    ImportedKind.COMMENT, wp_comment.wp_id, label, exc, result="failed"
                )
                continue
            except Exception as exc:
                logger.exception("WordPress comment %s could not be imported", wp_comment.wp_id)
                self.report.problem(
                    ImportedKind.COMMENT, wp_comment.wp_id, label, repr(exc), result="failed"
                )
                continue
            by_wp_id[wp_comment.wp_id] = comment
            self.report.count(ImportedKind.COMMENT, result)
            if result != "unchanged":
                self.changed_pages.add(page.pk)
                if self.learn:
                    self.imported_comments.append(comment)
        # The item's counters and records in one go (its transaction holds them all).
        commenters_recount(counters)
        ImportedItem.objects.bulk_create(new_records)

    def _comment(self, item, page, c, by_wp_id, existing, counters):
        status = mapping.COMMENT_STATUS.get(c.approved)
        label = mapping.plain(c.content, 60)
        if status is None:
            status = mapping.COMMENT_STATUS["0"]
            self.report.note(
                "comment", c.wp_id, label, f"status {c.approved!r} held for moderation"
            )
        body = mapping.comment_text(c.content)
        if not body.strip():
            raise ItemFailed("an empty comment")
        email = mapping.valid_email(c.email)
        if c.email and email is None:
            self.report.note("comment", c.wp_id, label, "email address not valid: left out")
        url = mapping.valid_url(c.url)
        if c.url and not url:
            self.report.note("comment", c.wp_id, label, "website not valid: left out")
        user_pk = self.users_by_wp_id.get(str(c.user_id)) if c.user_id else None
        # Deeper than Kabar reads a thread (WordPress allows any depth): beside the
        # deepest comment it may hang from, as a reply posted here would be.
        parent = attach_point(by_wp_id.get(c.parent), MAX_THREAD_DEPTH) if c.parent else None
        if c.parent and parent is None and existing is None:
            self.report.note(
                "comment",
                c.wp_id,
                label,
                "its parent comment is not in the export: shown at the top level",
            )
        with override(settings.LANGUAGE_CODE):
            anonymous = gettext("Anonymous")
        ip = mapping.valid_ip(c.ip)
        if ip is None and (c.ip or "").strip():
            self.report.ips_left_out += 1  # one line in the report, not one per comment
        data = ImportedComment(
            body=body,
            author_name=mapping.comment_name(c.author, anonymous, escaped=True),
            author_email=email,
            author_url=url,
            ip_address=ip,
            created_at=(
                self.clock.dated(c.date_gmt, c.date_local)
                or self.clock.dated(item.date_gmt, item.date_local)
                or datetime.now(UTC)
            ),
            status=status,
            user=self._user(user_pk),
        )
        try:
            return comment_import(
                page=page,
                data=data,
                key=f"wp-{c.wp_id}",
                parent=parent,
                existing=existing,
                counters=counters,
            )
        except Exception as exc:
            messages = getattr(exc, "message_dict", None)
            raise ItemFailed(f"refused: {messages or exc}") from exc

    def _user(self, pk):
        if pk is None:
            return None
        if pk not in self.users:
            self.users[pk] = User.objects.filter(pk=pk).first()
        return self.users[pk]

    # Addresses with no item of their own --------------------------------------------------
    def _site_redirects(self):
        self._redirects(SITE_KIND)

    def _attachment_redirects(self):
        for wp_id, info in self.attachments.items():
            page_pk = self.pages_by_wp_id.get(info.parent)
            page = Page.objects.filter(pk=page_pk).first() if page_pk else None
            # Without a page, its file's address here (read when it was made or found).
            target = "" if page is not None else info.url
            if page is None and not target:
                continue
            self._redirects(
                ImportedKind.ATTACHMENT, wp_id=wp_id, permalink=info.link, page=page, target=target
            )


class _Skip(ItemFailed):
    """Not brought in on purpose (e.g. in WordPress's trash)."""


# Every item is known by its id, from one run to the next: without one it cannot be.
_NO_ID = "no id in the export (wp:post_id, wp:comment_id): it cannot be told from others"
_LISTED_TWICE = gettext_lazy(
    "another item of the export has the same id: the first one is imported, this one left out"
)
TITLE_MAX_LENGTH = Page._meta.get_field("title").max_length
_TITLE_SHORTENED = gettext_lazy(
    "title longer than 255 characters, which a page title holds: shortened at a word"
)
_PAGE_COMMENTS = gettext_lazy(
    "its comments are kept with it but not shown: pages take no comments here"
)
_ATTACHMENT_COMMENTS = (
    "%d comment(s) on the attachment's own page not imported: Kabar has no page for one image"
)
_CHANGED_HERE = gettext_lazy(
    "edited or unpublished here since it was imported: left as it is, without the "
    "export's changes (its comments are brought in)"
)
# A synced pattern where a post shows it: <!-- wp:block {"ref":12} /-->, since WordPress 6.6
# with the texts it overrides after the ref ({"ref":12,"content":{"Judul":{…}}}).
_REUSABLE_BLOCK = re.compile(r'<!--\s*wp:block\s+\{\s*"ref"\s*:\s*(\d+)(?:[^-]|-(?!->))*?-->')
# WordPress statuses of what is not content: deleted, never saved, attachments' own.
_NOT_IMPORTED = ("trash", "auto-draft", "inherit")


def _not_served(name):
    """Why a file is brought in as neither an image nor a document."""
    name = os.path.basename(name)
    if not name:
        return gettext("an attachment without a file")
    if files.extension(name) in files.NEVER_DOCUMENTS:
        return gettext(
            "%(file)s: a type of file Kabar never serves (it could run as a page or a "
            "program of this site)"
        ) % {"file": name}
    return gettext(
        "%(file)s: neither an image nor a type of document Kabar serves (WAGTAILDOCS_EXTENSIONS)"
    ) % {"file": name}


def _file_type(item):
    """What the attachment's file is: an image, a document (files.is_document) or neither."""
    paths = mapping.upload_paths(item.attachment_url, item.meta.get("_wp_attached_file", ""))
    relative = paths[0] if paths else ""
    if files.is_image(item.meta.get("_wp_attached_file") or "") or files.is_image(relative):
        return "image"
    return "document" if files.is_document(relative) else ""


def mapping_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def import_wordpress(path, **options):
    """Run an import; returns its Report."""
    return WordPressImport(path, **options).run()
