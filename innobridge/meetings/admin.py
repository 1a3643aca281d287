from django.contrib import admin

from innobridge.lib.admin import NamedAdmin
from innobridge.meetings.models import (
    MatchmakingSession,
    Meeting,
    MeetingRequest,
    ScheduleRun,
    SessionParticipant,
    TravelLeg,
)


class ParticipantInline(admin.TabularInline):
    model = SessionParticipant
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(MatchmakingSession)
class SessionAdmin(NamedAdmin):
    list_display = ["__str__", "date", "place", "status", "tables", "slots"]
    list_filter = ["status", "visibility"]
    autocomplete_fields = ["place", "delegation", "event"]
    inlines = [ParticipantInline]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ["slug", "session", "requester", "requested", "status", "priority", "preference", "source"]
    list_filter = ["status", "source", "preference"]
    search_fields = ["slug", "requester__search_key", "requested__search_key"]
    autocomplete_fields = ["requester", "requested"]
    raw_id_fields = ["session", "offer", "need"]
    filter_horizontal = ["after"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["request", "session", "slot", "table"]
    raw_id_fields = ["request", "session", "run"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ["session", "kind", "status", "requests", "scheduled", "breaks", "gap", "seconds", "created"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in ScheduleRun._meta.fields]


@admin.register(TravelLeg)
class TravelLegAdmin(admin.ModelAdmin):
    list_display = ["delegation", "from_place", "to_place", "depart", "minutes", "mode"]
    autocomplete_fields = ["delegation", "from_place", "to_place"]
