from django.urls import path

from innobridge.documents import views

app_name = "documents"
urlpatterns = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/upload/", views.document_upload, name="document_upload"),
    path("documents/merge/", views.records_merge, name="records_merge"),
    path("documents/<slug:slug>/", views.document_detail, name="document_detail"),
]
