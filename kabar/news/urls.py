from django.urls import path

from . import feeds, live, views

app_name = "news"
urlpatterns = [
    path("penulis/<segment:slug>/", views.author_page, name="author"),
    path("topik/<segment:slug>/", views.tag_page, name="tag"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feed/rubrik/<segment:slug>/", feeds.SectionFeed(), name="section_feed"),
    path("feed/rubrik/<segment:slug>/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("feed/topik/<segment:slug>/", feeds.TagFeed(), name="tag_feed"),
    path("feed/topik/<segment:slug>/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("feed/penulis/<segment:slug>/", feeds.AuthorFeed(), name="author_feed"),
    path("feed/penulis/<segment:slug>/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path("ninjs/articles.json", views.ninjs_feed, name="ninjs_feed"),
    path("ninjs/articles/<id:pk>.json", views.ninjs_article, name="ninjs_article"),
    path("langsung/<id:pk>/terbaru.json", live.live_updates, name="live_updates"),
]
