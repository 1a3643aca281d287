from django.contrib import admin

from innobridge.lib.admin import NamedAdmin
from innobridge.programmes.models import (
    Agreement,
    AgreementParty,
    Delegation,
    DelegationLeader,
    DelegationMember,
    DelegationStop,
    Event,
    EventParticipant,
    Programme,
)


@admin.register(Programme)
class ProgrammeAdmin(NamedAdmin):
    list_display = ["__str__", "operator", "region", "started"]
    autocomplete_fields = ["operator", "region", "partners"]


class StopInline(admin.TabularInline):
    model = DelegationStop
    extra = 1
    autocomplete_fields = ["place"]


class LeaderInline(admin.TabularInline):
    model = DelegationLeader
    extra = 1
    autocomplete_fields = ["person"]


class MemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Delegation)
class DelegationAdmin(NamedAdmin):
    list_display = ["__str__", "start", "end", "visiting", "hosting", "visibility"]
    autocomplete_fields = ["programme", "visiting", "hosting", "destination"]
    inlines = [StopInline, LeaderInline, MemberInline]


class ParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 1
    autocomplete_fields = ["organisation", "person"]


@admin.register(Event)
class EventAdmin(NamedAdmin):
    list_display = ["__str__", "kind", "date", "place", "visibility"]
    list_filter = ["kind"]
    autocomplete_fields = ["programme", "delegation", "place"]
    inlines = [ParticipantInline]


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 2
    autocomplete_fields = ["organisation", "signatory"]


@admin.register(Agreement)
class AgreementAdmin(NamedAdmin):
    list_display = ["__str__", "kind", "status", "signed_on", "visibility"]
    list_filter = ["kind", "status"]
    autocomplete_fields = ["programme", "delegation", "signing_event", "signed_at", "witnesses"]
    inlines = [PartyInline]
