"""The reader's search page: /cari/?q=…, with filters and pages, never indexed by robots."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kabar.core.ids import parse_id
from kabar.news import selectors

from .forms import search_form
from .query import candidate_limit, find
from .text import MAX_QUERY_CHARS

MAX_PAGE = 50
PAGE_SIZE = 10


def _cards(ids):
    """The found articles as cards (image, section, byline, comment count), in ranked order."""
    # The cards' renditions in one query, as on every other listing.
    cards = selectors.with_card_pictures(selectors.latest_articles().filter(pk__in=ids))
    articles = {article.pk: article for article in cards}
    return [articles[pk] for pk in ids if pk in articles]


def search(request):
    form = search_form(request.GET or None)
    context = {"form": form, "results": [], "message": None, "page_number": 1}
    if not request.GET.get("q", "").strip():
        context["message"] = _("Type one or more words to search for.")
    elif not form.is_valid():
        context["message"] = _("Please check the search filters.")
    elif (words := form.words()) is None:
        context["message"] = _("Your search holds no words to look for. Try letters or numbers.")
    else:
        number = parse_id(request.GET.get("page") or "1") or 1
        number = min(number, MAX_PAGE)
        hits, snippets = find(words, form.filters(), (number - 1) * PAGE_SIZE, PAGE_SIZE)
        context.update(
            results=[(article, snippets.get(article.pk, "")) for article in _cards(hits.ids)],
            page_number=number,
            has_next=hits.has_next and number < MAX_PAGE,
            has_previous=number > 1,
            query=" ".join(words),
            capped=hits.capped,
            candidates=candidate_limit(),
        )
        if not hits.ids:
            context["message"] = _("No articles match your search.")
        elif len(form.cleaned_data["q"]) > MAX_QUERY_CHARS:
            context["message"] = _("Your search was long: only its first words were used.")
    response = render(request, "search/results.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
