from django.urls import path

from innobridge.meetings import participation_views, views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.session_list, name="session_list"),
    path("meetings/calendar/", views.calendar_settings, name="calendar_settings"),
    path("meetings/new/", views.session_edit, name="session_create"),
    path("meetings/from-suggestion/", views.request_from_suggestion, name="request_from_suggestion"),
    path("meetings/requests/<slug:slug>/", views.request_detail, name="request_detail"),
    path("meetings/requests/<slug:slug>/answer/", views.request_answer, name="request_answer"),
    path("meetings/requests/<slug:slug>/cancel/", views.request_cancel, name="request_cancel"),
    path(
        "meetings/registrations/<slug:reference>/decide/",
        participation_views.registration_decide,
        name="registration_decide",
    ),
    path(
        "meetings/registrations/<slug:reference>/withdraw/",
        participation_views.registration_withdraw,
        name="registration_withdraw",
    ),
    path("meetings/<slug:slug>/", views.session_detail, name="session_detail"),
    path("meetings/<slug:slug>/register/", participation_views.register, name="register"),
    path("meetings/<slug:slug>/place/", participation_views.place, name="place"),
    path(
        "meetings/<slug:slug>/meetings/<slug:request_slug>/unplace/",
        participation_views.unplace,
        name="unplace",
    ),
    path(
        "meetings/<slug:slug>/meetings/<slug:request_slug>/representatives/",
        participation_views.representatives,
        name="representatives",
    ),
    path("meetings/<slug:slug>/edit/", views.session_edit, name="session_edit"),
    path("meetings/<slug:slug>/participants/", views.participant_add, name="participant_add"),
    path(
        "meetings/<slug:slug>/participants/<slug:org_slug>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("meetings/<slug:slug>/request/", views.request_create, name="request_create"),
    path("meetings/<slug:slug>/import/", views.request_import, name="request_import"),
    path("meetings/<slug:slug>/preferences/", views.preferences, name="preferences"),
    path("meetings/<slug:slug>/run/", views.session_action, name="session_action"),
    path("meetings/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("meetings/<slug:slug>/schedule.xlsx", views.schedule_xlsx, name="schedule_xlsx"),
    path("meetings/<slug:slug>/agenda/<slug:org_slug>/", views.agenda, name="agenda"),
    path("meetings/<slug:slug>/meetings/<slug:request_slug>/record/", views.meeting_record, name="meeting_record"),
    path("meetings/<slug:slug>/agenda/<slug:org_slug>.ics", views.agenda_ics, name="agenda_ics"),
    path("delegations/<slug:slug>/plan/", views.delegation_plan, name="delegation_plan"),
    path("delegations/<slug:slug>/itinerary/", views.itinerary, name="itinerary"),
    path("delegations/<slug:slug>/itinerary.ics", views.itinerary_ics, name="itinerary_ics"),
    path("delegations/<slug:slug>/plan/legs/new/", views.travel_leg_edit, name="travel_leg_create"),
    path("delegations/<slug:slug>/plan/legs/<slug:reference>/", views.travel_leg_edit, name="travel_leg_edit"),
]
