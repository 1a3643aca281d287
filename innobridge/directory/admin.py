from django.contrib import admin

from innobridge.directory.models import Alias, KeyFigure, Membership, Organisation, Person, Place, Position, Sector
from innobridge.lib.admin import NamedAdmin


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0


class PositionInline(admin.TabularInline):
    model = Position
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(NamedAdmin):
    list_display = ["__str__", "kind", "parent", "slug"]
    list_filter = ["kind", "sectors"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["sectors", "places"]
    inlines = [AliasInline, KeyFigureInline]


@admin.register(Person)
class PersonAdmin(NamedAdmin):
    list_display = ["__str__", "slug"]
    inlines = [PositionInline]


@admin.register(Place)
class PlaceAdmin(NamedAdmin):
    list_display = ["__str__", "kind", "parent", "slug"]
    list_filter = ["kind"]
    autocomplete_fields = ["parent"]


@admin.register(Sector)
class SectorAdmin(NamedAdmin):
    list_display = ["__str__", "slug", "position"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Which organisation a partner user acts for (Admin → Directory → Memberships)."""

    list_display = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
