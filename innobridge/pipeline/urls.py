from django.urls import path

from innobridge.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("agreements/<slug:slug>/status/", views.agreement_status, name="agreement_status"),
    path("agreements/<slug:slug>/value/", views.agreement_value, name="agreement_value"),
    path("agreements/<slug:slug>/milestones/new/", views.milestone_form, name="milestone_create"),
    path("agreements/<slug:slug>/milestones/<slug:reference>/", views.milestone_form, name="milestone_edit"),
    path("agreements/<slug:slug>/milestones/<slug:reference>/done/", views.milestone_done, name="milestone_done"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("analytics/", views.analytics_index, name="analytics"),
    path("analytics/workbook/", views.analytics_workbook, name="analytics_workbook"),
    path("analytics/funnel/", views.analytics_funnel, name="funnel"),
    path("analytics/agreements/", views.analytics_agreements, name="agreements"),
    path("analytics/network/", views.analytics_network, name="network"),
    path("analytics/<slug:page>.<str:fmt>", views.analytics_export, name="export_workbook"),
    path("analytics/<slug:page>/<slug:table>.<str:fmt>", views.analytics_export, name="export_table"),
    path("programmes/<slug:slug>/report/", views.programme_report, name="programme_report"),
]
