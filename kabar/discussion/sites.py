"""Discussion for pages Kabar does not publish: finding the thread an address is about.

Staff register another site (`models.ExternalSite`: its origins and moderation) and each of
its pages gets a thread (`models.ExternalThread`) the first time a reader opens it. Both
are pages of Wagtail's tree, so a thread takes comments like an article does.

`resolve()` is the way in for every entry point that names a thread by its address (the
JSON API, the widget, the importers): an address on a registered site gives that site's
thread for it, an address of one of Kabar's own pages gives the page itself, any other
address is refused."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from kabar.core import ratelimit
from kabar.core.memo import site_wide
from kabar.core.restrictions import without_restricted
from kabar.core.xmlsafe import CONTROL_RE, xml_safe

from . import targets
from .addresses import BadAddress, address_key, normalise_origin, normalise_url, origin_of
from .models import Comment, CommentStatus, ExternalSite, ExternalThread
from .targets import Commentable, DiscussionState
from .validation import DIRECTION_CONTROLS

TITLE_MAX_LENGTH = 255
# New threads one address may start in an hour: a thread is made by the first reader who
# opens a page, so a crawler of made-up addresses must not fill the tree.
NEW_THREADS_LIMIT = ratelimit.Limit("thread-new-ip", 60, 60 * 60)

UNKNOWN_SITE = _("This site is not registered for Kabar's discussion.")
WRONG_SITE = _("This address does not belong to the site named.")
TOO_MANY_THREADS = _("Too many new discussions from your address. Please try again later.")
NO_COMMENTS_HERE = _("This page does not take comments.")


class Refused(Exception):
    """An address no thread can be found or made for; `status` is the HTTP answer."""

    def __init__(self, message, status, retry_after=0):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Resolved:
    address: str
    # The registered site, or None for one of Kabar's own pages.
    site: ExternalSite | None = None
    # The live page whose comments these are (a thread, or Kabar's own page); None for an
    # address on a registered site that has no thread yet, when none was to be made.
    target: Commentable | None = None


def _registered_origins():
    """{origin: site id} of every live registered site."""
    found = {}
    for site in ExternalSite.objects.live().only("pk", "origin", "other_origins"):
        for origin in site.origins():
            found.setdefault(origin, site.pk)
    return found


def _own_origins():
    """{origin: root url_path} of Kabar's own Sites."""
    found = {}
    for root in Site.get_site_root_paths():
        found.setdefault(origin_of(root.root_url), root.root_path)
    return found


def _site(pk):
    return site_wide.get(
        ("registered-site", pk), lambda: ExternalSite.objects.live().filter(pk=pk).first()
    )


def site_for_origin(origin):
    """The live registered site `origin` belongs to, or None."""
    try:
        origin = normalise_origin(origin)
    except BadAddress:
        return None
    pk = site_wide.get(("registered-origins",), _registered_origins).get(origin)
    return None if pk is None else _site(pk)


def site_by_key(key):
    """The live registered site whose key (its slug) is `key`, or None."""
    if not isinstance(key, str) or not key or len(key) > 255:
        return None
    pk = site_wide.get(
        ("registered-site-key", key),
        lambda: ExternalSite.objects.live().filter(slug=key).values_list("pk", flat=True).first(),
    )
    return None if pk is None else _site(pk)


def is_own_origin(origin):
    """Whether `origin` is the address of one of Kabar's own Sites."""
    try:
        return normalise_origin(origin) in site_wide.get(("own-origins",), _own_origins)
    except BadAddress:
        return False


def resolve(url, *, site_key="", title="", create=False, client_ip=None):
    """The thread `url` is about (see the module's docstring). `site_key`, when given,
    must name the site the address belongs to; `title` names a thread made now (with
    `create`), `client_ip` is who makes it (rate-limited)."""
    site, address, own_root = _place(url, site_key)
    if site is None:
        page = _own_pages({address: own_root}).get(address)
        target = targets.live_target(page) if page is not None else None
        if target is None:
            raise Refused(NO_COMMENTS_HERE, 404)
        return Resolved(address=address, target=target)
    pk = _thread_id(site, address)
    target = targets.live_target(pk) if pk is not None else None
    if target is None and pk is None and create:
        target = _make_thread(site, address, title, client_ip)
    return Resolved(address=address, site=site, target=target)


def _place(url, site_key):
    """(registered site or None, normalised address, root url_path of Kabar's own Site or
    None) for `url`; Refused when it is on neither."""
    try:
        origin = origin_of(url)
    except BadAddress as exc:
        raise Refused(exc.message, 400) from None
    site = site_for_origin(origin)
    if site is not None:
        if site_key and site_key != site.slug:
            raise Refused(WRONG_SITE, 403)
        return site, normalise_url(url, keep_query=site.keep_query), None
    own_root = site_wide.get(("own-origins",), _own_origins).get(origin)
    if own_root is None:
        raise Refused(UNKNOWN_SITE, 403)
    if site_key:
        raise Refused(WRONG_SITE, 403)
    return None, normalise_url(url), own_root


def _thread_ids(site, addresses):
    """{address: thread id} of the threads `site` keeps under `addresses`."""
    keys = {address_key(a): a for a in addresses}
    found = ExternalThread.objects.filter(site=site, address_key__in=keys).values_list(
        "address_key", "pk"
    )
    return {keys[key]: pk for key, pk in found}


def _thread_id(site, address):
    """The id of the thread `site` keeps under `address`, or None. Every process keeps the
    ids it found (a thread deleted renews the site-wide generation); not the misses, as
    the next reader may make the thread."""
    key = ("thread-id", site.pk, address_key(address))
    pk = site_wide.get(key, lambda: _thread_ids(site, [address]).get(address))
    if pk is None:
        site_wide.discard(key)
    return pk


def _own_pages(roots):
    """{address: live page id} for addresses of Kabar's own pages ({address: root path}),
    leaving out those behind a view restriction (theirs or an ancestor's)."""
    paths = {}
    for address, root in roots.items():
        path = urlsplit(address).path
        paths[root.rstrip("/") + (path if path.endswith("/") else path + "/")] = address
    found = without_restricted(Page.objects.live().filter(url_path__in=paths))
    found = found.values_list("url_path", "pk")
    return {paths[url_path]: pk for url_path, pk in found}


def thread_title(title, address):
    """A thread's title from the embedding page's title (one line, trimmed, without what
    no page or feed can carry: NUL, which PostgreSQL also refuses, other control
    characters, lone surrogates; nor the direction controls a commenter's name may not
    hold, which turn the text after them around in the moderators' lists and in feeds),
    or its path."""
    title = DIRECTION_CONTROLS.sub("", CONTROL_RE.sub(" ", str(title or "")))
    title = " ".join(xml_safe(title).split())[:TITLE_MAX_LENGTH]
    return title or urlsplit(address).path[:TITLE_MAX_LENGTH]


def _make_thread(site, address, title, client_ip):
    if client_ip:
        decision = ratelimit.hit(NEW_THREADS_LIMIT, client_ip)
        if not decision.allowed:
            raise Refused(TOO_MANY_THREADS, 429, retry_after=decision.retry_after)
    key = address_key(address)
    # Two readers opening a new page at once: the site's row is locked while its thread
    # is added, so one adds it and the other finds it.
    with transaction.atomic():
        parent = ExternalSite.objects.select_for_update().get(pk=site.pk)
        if not ExternalThread.objects.filter(site=site, address_key=key).exists():
            try:
                with transaction.atomic():
                    parent.add_child(
                        instance=ExternalThread(
                            title=thread_title(title, address),
                            slug=key[:16],
                            site=site,
                            address=address,
                            address_key=key,
                            discussion=DiscussionState.OPEN,
                            show_in_menus=False,
                            # Opened now: the site's "close after N days" counts from here.
                            first_published_at=timezone.now(),
                            last_published_at=timezone.now(),
                        )
                    )
            except IntegrityError:
                pass  # made meanwhile by another process (SQLite has no row lock)
    pk = _thread_ids(site, [address]).get(address)
    return targets.live_target(pk) if pk is not None else None


def thread_counts(urls, *, site_key=""):
    """{url as given: approved comments} for many addresses (on registered sites or of
    Kabar's own pages) in a few queries. An address with no thread, or on no known site,
    counts 0; counting never makes a thread."""
    ids = {}
    own = {}
    by_site = {}
    for url in urls:
        try:
            site, address, own_root = _place(url, site_key)
        except Refused:
            continue
        if site is None:
            own[url] = (address, own_root)
        else:
            by_site.setdefault(site, {})[url] = address
    for site, addresses in by_site.items():
        found = _thread_ids(site, addresses.values())
        ids.update({url: found[a] for url, a in addresses.items() if a in found})
    if own:
        found = _own_pages({address: root for address, root in own.values()})
        ids.update({url: found[a] for url, (a, _root) in own.items() if a in found})
    # Not the count of a thread that is not shown (a withdrawn article), nor of a page
    # behind a view restriction (_own_pages): the API's thread answers 404 for those.
    page_ids = set(ids.values())
    approved = Comment.objects.filter(page_id__in=page_ids, status=CommentStatus.APPROVED)
    for hidden in targets.hidden_threads():
        approved = approved.exclude(page_id__in=hidden.filter(pk__in=page_ids))
    counts = dict(
        approved.order_by()
        .values_list("page_id")
        .annotate(n=Count("pk"))
        .values_list("page_id", "n")
    )
    return {url: counts.get(ids.get(url), 0) for url in urls}
