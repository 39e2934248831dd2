"""Pagination for long newest-first listings without counting every row.

A section with 100,000 articles should not pay for COUNT(*) on every front page view:
fetching one row more than the page shows tells whether an older page exists."""

from dataclasses import dataclass


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
    """The page `raw_number` (anything a reader typed; bad values mean page 1)."""
    try:
        number = int(raw_number)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), max_page)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        return listing_page(queryset, 1, per_page, max_page)
    return ListingPage(rows[:per_page], number, len(rows) > per_page)
