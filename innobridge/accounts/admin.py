from django.contrib import admin

from innobridge.accounts.models import ApiToken
from innobridge.accounts.throttle import ThrottledAdminAuthenticationForm

# The admin's sign-in page is throttled like the site's own.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff can see and revoke tokens; secrets are never stored, so never shown."""

    list_display = ["name", "user", "prefix", "created", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "prefix", "created", "last_used"]
    exclude = ["secret_hash"]

    def has_add_permission(self, request):
        return False
