from django.urls import path

from innobridge.front import views

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("summaries-in-english/", views.english_summaries, name="english_summaries"),
]
