"""Readers reporting a comment: a small form per comment, one report per reader."""

import functools

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..reports import REPORT_LIMIT, TOO_MANY_REPORTS, ReportForm, report_send, reportable
from .comments import may_view

__all__ = ["REPORT_LIMIT", "comment_report_view"]


@never_cache
@require_http_methods(["GET", "POST"])
def comment_report_view(request, comment_id):
    found = reportable(comment_id, functools.partial(may_view, request))
    if found is None:
        raise Http404
    comment, article = found
    context = {"comment": comment, "article": article}
    if request.method == "GET":
        return render(
            request, "discussion/report.html", {**context, "form": ReportForm()}, status=200
        )

    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "discussion/report.html", {**context, "form": form}, status=400)
    reported = report_send(request, comment, form.reason_text(), user=request.user)
    if reported.retry_after:
        form.add_error(None, TOO_MANY_REPORTS)
        response = render(request, "discussion/report.html", {**context, "form": form}, status=429)
        response["Retry-After"] = str(reported.retry_after)
        return response
    return render(
        request,
        "discussion/report_done.html",
        {**context, "already_reported": not reported.counted},
        status=200,
    )
