from django.urls import path

from innobridge.jobs import views

app_name = "jobs"
urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<uuid:key>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:key>/file/", views.job_file, name="job_file"),
]
