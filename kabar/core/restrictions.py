"""Wagtail's view restrictions (a password, a sign-in, a group) as the public site asks
about them many times a request: kept per process while the site-wide generation holds
(each app's purge wiring renews it when a restriction is saved or deleted)."""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from .memo import SiteWideMemo

# The view restrictions on pages and their ancestors, apart from the other site-wide values
# so that many articles' restrictions never push the site and its rules out.
restrictions_memo = SiteWideMemo()


def view_restrictions_on_path(path):
    """The view restrictions on the page at tree path `path` and on every page above it,
    kept per process (restrictions_memo: saving or deleting any restriction renews the
    site-wide generation). For pages that are not aliases."""
    # The tree's root (the first step of every path) is never an alias.
    steplen = Page.steplen
    paths = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
    return restrictions_memo.get(
        tuple(paths), lambda: list(PageViewRestriction.objects.filter(page__path__in=paths))
    )


def restricted_pages_q(under=None):
    """Q for the pages a view restriction hides from the public (Wagtail's public(), kept in
    restrictions_memo): restricted pages, everything below them and their aliases (which take
    their source's restrictions); None when nothing is restricted. Restrictions on `under`
    and above it are left out: its own listing is seen only past them."""
    ids, paths = restrictions_memo.get(("restricted pages",), _restricted_pages)
    if under is not None:
        paths = [path for path in paths if not under.path.startswith(path)]
    if not ids:
        return None
    # By id too: a restricted article that moves renews no site-wide generation.
    hidden = Q(pk__in=ids) | Q(alias_of_id__in=ids)
    for path in paths:
        hidden |= Q(path__startswith=path)
    return hidden


def without_restricted(queryset, under=None):
    """`queryset` (of pages) without those a view restriction hides from the public (the
    restrictions on `under` and above it aside: see restricted_pages_q)."""
    hidden = restricted_pages_q(under)
    return queryset if hidden is None else queryset.exclude(hidden)


def _restricted_pages():
    """(ids, tree paths) of the restricted pages and of the aliases of restricted pages."""
    restricted = dict(PageViewRestriction.objects.values_list("page_id", "page__path"))
    if not restricted:
        return (), ()
    aliases = Page.objects.filter(alias_of_id__in=restricted).values_list("pk", "path")
    pages = {**restricted, **dict(aliases)}
    return tuple(sorted(pages)), tuple(sorted(set(pages.values())))
