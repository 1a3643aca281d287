from django.contrib import admin

from innobridge.accounts.models import Membership
from innobridge.accounts.throttle import ThrottledAdminAuthenticationForm


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


# The admin's sign-in page is throttled like the site's own.
admin.site.login_form = ThrottledAdminAuthenticationForm
