from django.urls import path

from innobridge.programmes import views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("delegations/", views.delegation_list, name="delegation_list"),
    path("delegations/<slug:slug>/", views.delegation_detail, name="delegation_detail"),
    path("events/", views.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement_detail"),
]
