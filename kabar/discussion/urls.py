from django.urls import path, re_path

from . import feeds
from .views import commenter, comments, email, reports, threads

app_name = "discussion"
urlpatterns = [
    path("post/", comments.comment_post, name="post"),
    path("<id:comment_id>/", comments.comment_permalink, name="permalink"),
    path("thread/<id:page_id>/", threads.thread_page, name="thread"),
    path("<id:comment_id>/report/", reports.comment_report_view, name="report"),
    path("feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestCommentsAtomFeed(), name="feed_atom"),
    path("feed/article/<id:page_id>/", feeds.ArticleCommentsFeed(), name="article_feed"),
    path(
        "feed/article/<id:page_id>/atom/",
        feeds.ArticleCommentsAtomFeed(),
        name="article_feed_atom",
    ),
    path("confirm/<str:token>/", email.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", email.unsubscribe, name="unsubscribe"),
    path("<id:comment_id>/edit/", commenter.comment_edit_view, name="edit"),
    path("<id:comment_id>/delete/", commenter.comment_delete_view, name="delete"),
    re_path(r"^avatar/(?P<key>[0-9a-f]{32})\.svg$", commenter.avatar, name="avatar"),
    path("privacy/", commenter.privacy_request, name="privacy"),
    path("privacy/<str:token>/", commenter.privacy_link, name="privacy_link"),
]
