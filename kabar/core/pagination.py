"""Pagination for long newest-first listings without counting every row.

A section with 100,000 articles should not pay for COUNT(*) on every front page view:
fetching one row more than the page shows tells whether an older page exists."""

from dataclasses import dataclass

from django.http import Http404

from .ids import parse_id


@dataclass
class ListingPage:
    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous or self.has_next

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def listing_page(queryset, raw_number, per_page, max_page=10_000):
    """The page `raw_number` of the listing (what a reader typed: none means page 1).
    Http404 for a page that is not a number or holds nothing: answered with a copy of page
    1, every such address would be one more full copy in the page cache."""
    if raw_number in (None, ""):
        number = 1
    else:
        number = parse_id(raw_number)
        if number is None or number > max_page:
            raise Http404
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        raise Http404
    return ListingPage(rows[:per_page], number, len(rows) > per_page)
