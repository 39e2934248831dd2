from django.urls import path, re_path

from .endpoint import not_found
from .views import comments, openapi, threads

app_name = "api"
urlpatterns = [
    path("threads", threads.thread, name="threads"),
    path("counts", threads.counts, name="counts"),
    path("comments", comments.comment_create, name="comments"),
    # Any segment: the view answers a bad id with a problem, not Django's HTML page.
    re_path(r"^comments/(?P<comment_id>[^/]+)$", comments.comment_change, name="comment"),
    re_path(r"^comments/(?P<comment_id>[^/]+)/report$", comments.comment_report, name="report"),
    path("subscriptions", comments.subscribe, name="subscriptions"),
    path("openapi.json", openapi.document, name="openapi"),
    re_path(r"", not_found, name="not_found"),
]
