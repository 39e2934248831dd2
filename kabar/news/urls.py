from django.urls import path

from . import views

app_name = "news"
urlpatterns = [
    path("penulis/<str:slug>/", views.author_page, name="author"),
    path("topik/<str:slug>/", views.tag_page, name="tag"),
]
