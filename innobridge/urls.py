from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from innobridge.api.api import api
from innobridge.meetings import views as meetings_views

urlpatterns = [
    path("api/", api.urls),
    # A calendar application polls one address whatever the language: the feed is outside the language prefix.
    path("calendar/<slug:secret>.ics", meetings_views.calendar_feed, name="calendar_feed"),
]
urlpatterns += i18n_patterns(
    path("", include("innobridge.front.urls")),
    path("", include("innobridge.directory.urls")),
    path("", include("innobridge.programmes.urls")),
    path("", include("innobridge.matching.urls")),
    path("", include("innobridge.documents.urls")),
    path("", include("innobridge.meetings.urls")),
    path("", include("innobridge.pipeline.urls")),
    path("", include("innobridge.jobs.urls")),
    path("", include("innobridge.audit.urls")),
    path("accounts/", include("innobridge.accounts.urls")),
    path("admin/", admin.site.urls),
)
