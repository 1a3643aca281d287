from django.contrib import admin

from innobridge.audit.models import ApiAccess, AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are written by the system only; staff read them, nobody edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "content_type", "label"]
    list_filter = ["action", "content_type"]
    search_fields = ["label", "object_slug", "actor"]
    date_hierarchy = "at"


@admin.register(ApiAccess)
class ApiAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "token", "method", "path", "status", "duration_ms"]
    list_filter = ["status", "method"]
    search_fields = ["path", "user__username", "token__prefix"]
    date_hierarchy = "at"
