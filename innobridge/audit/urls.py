from django.urls import path

from innobridge.audit import views

app_name = "audit"
urlpatterns = [
    path("history/<str:model>/<slug:slug>/", views.history, name="history"),
]
