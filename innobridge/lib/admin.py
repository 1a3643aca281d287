"""Admin base: saves go through the same name derivation and indexing as the services."""

from django.contrib import admin

from innobridge.lib.services import reindex, save_named


class NamedAdmin(admin.ModelAdmin):
    search_fields = ["search_key", "slug"]
    readonly_fields = ["name_zh_hant_derived", "name_zh_hans_derived"]
    prepopulated_fields: dict = {}

    def save_model(self, request, obj, form, change):
        save_named(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reindex(form.instance)
