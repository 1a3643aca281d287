from django.contrib import admin

from innobridge.pipeline.models import Milestone, Notification, StatusChange


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agreement", "due", "status", "done_on", "owner", "owner_person"]
    list_filter = ["status"]
    search_fields = ["title_en", "title_zh_hant", "title_zh_hans", "agreement__search_key"]
    autocomplete_fields = ["agreement", "owner_person"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["evidence"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """Read only: the history is written by the transition service, never edited by hand."""

    list_display = ["agreement", "from_status", "to_status", "on", "changed_by", "recorded"]
    list_filter = ["to_status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "email", "kind", "day", "emailed", "read"]
    list_filter = ["kind", "emailed"]
    raw_id_fields = ["user", "milestone"]
