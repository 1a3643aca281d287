from django.urls import path

from innobridge.directory import membership_views, views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/aliases/", views.alias_review, name="alias_review"),
    path("organisations/aliases/<slug:reference>/", views.alias_decide, name="alias_decide"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/members/", membership_views.organisation_members, name="organisation_members"),
    path("join/", membership_views.join, name="join"),
    path("join/requests/", membership_views.membership_requests, name="membership_requests"),
    path("join/invitation/<slug:secret>/", membership_views.invitation_accept, name="invitation_accept"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("people/<slug:slug>/edit/", views.person_edit, name="person_edit"),
    path("places/", views.place_list, name="place_list"),
    path("names-in-english/", views.english_names, name="english_names"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
]
