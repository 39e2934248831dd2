"""Kabar's own page for a thread on a registered site: its comments and the form, for
readers without JavaScript (the widget links here) and for the desk's links."""

from django.http import Http404

from ..models import ExternalThread


def thread_page(request, page_id):
    thread = ExternalThread.objects.live().select_related("site").filter(pk=page_id).first()
    if thread is None or not thread.site.live:
        raise Http404
    return thread.serve(request)
