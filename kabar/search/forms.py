"""The reader's search form: words, a section and a date range, each checked."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabar.news.selectors import live_sections

from .query import Filters
from .text import MAX_QUERY_CHARS, query_words


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    section = forms.TypedChoiceField(
        label=_("Section"), required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(label=_("From"), required=False)
    date_until = forms.DateField(label=_("Until"), required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("All sections"))] + [
            (section.pk, section.title) for section in sections
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_until")
        if start and end and start > end:
            self.add_error("date_until", _("The end date is before the start date."))
        return data

    def words(self):
        return query_words(self.cleaned_data.get("q", "")) if self.is_valid() else None

    def filters(self):
        data = self.cleaned_data

        def midnight(day):
            return timezone.make_aware(datetime.combine(day, time.min))

        until = data.get("date_until")
        return Filters(
            section_id=data.get("section"),
            date_from=midnight(data["date_from"]) if data.get("date_from") else None,
            # The last day a date can hold has no next midnight: nothing comes after it.
            date_until=midnight(until + timedelta(days=1)) if until and until < date.max else None,
        )


def search_form(params):
    """The form over the request's parameters. The words are never an error: NUL (which
    Django's fields refuse) is dropped and a query too long is searched by its first words."""
    if params is not None and "q" in params:
        params = params.copy()
        params["q"] = params["q"].replace("\x00", "")[: MAX_QUERY_CHARS * 5]
    return SearchForm(params, sections=live_sections())
