"""Deleting a page deletes its discussion with it (its comments belong to it): Wagtail's
confirmation said only how often the page was linked to. It now says how many comments go
with it, and what keeps them (unpublishing)."""

from django.contrib import messages
from django.utils.translation import ngettext
from wagtail import hooks

from ..models import Comment


@hooks.register("before_delete_page")
def warn_of_the_discussion(request, page):
    """On the confirmation (GET), a warning naming the comments that would go; None, so
    Wagtail goes on as it would."""
    if request.method != "GET":
        return None
    count = Comment.objects.filter(page__path__startswith=page.path).count()
    if count:
        messages.warning(
            request,
            ngettext(
                "Deleting this page also deletes %(count)s comment, for good. To take the "
                "page off the site and keep its discussion, unpublish it instead.",
                "Deleting this page also deletes %(count)s comments, for good. To take the "
                "page off the site and keep its discussion, unpublish it instead.",
                count,
            )
            % {"count": count},
        )
    return None
