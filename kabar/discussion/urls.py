from django.urls import path

from . import views

app_name = "discussion"
urlpatterns = [
    path("post/", views.comment_post, name="post"),
]
