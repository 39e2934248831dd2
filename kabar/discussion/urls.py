from django.urls import path, re_path

from . import feeds, views, views_commenter, views_email, views_reports

app_name = "discussion"
urlpatterns = [
    path("post/", views.comment_post, name="post"),
    path("<int:comment_id>/", views.comment_permalink, name="permalink"),
    path("<int:comment_id>/report/", views_reports.comment_report_view, name="report"),
    path("feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestCommentsAtomFeed(), name="feed_atom"),
    path("feed/article/<int:page_id>/", feeds.ArticleCommentsFeed(), name="article_feed"),
    path(
        "feed/article/<int:page_id>/atom/",
        feeds.ArticleCommentsAtomFeed(),
        name="article_feed_atom",
    ),
    path("confirm/<str:token>/", views_email.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views_email.unsubscribe, name="unsubscribe"),
    path("<int:comment_id>/edit/", views_commenter.comment_edit_view, name="edit"),
    path("<int:comment_id>/delete/", views_commenter.comment_delete_view, name="delete"),
    re_path(r"^avatar/(?P<key>[0-9a-f]{32})\.svg$", views_commenter.avatar, name="avatar"),
    path("privacy/", views_commenter.privacy_request, name="privacy"),
    path("privacy/<str:token>/", views_commenter.privacy_link, name="privacy_link"),
]
