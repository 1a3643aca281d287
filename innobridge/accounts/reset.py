"""Password reset by e-mail: Django's views and tokens, with a limit on the e-mails sent.

The form answers the same whether or not the address belongs to an account (Django's behaviour),
so it cannot be used to find out who has one. To keep it from being used to flood someone's
mailbox or the mail server, at most PASSWORD_RESET_LIMIT_PER_EMAIL requests per address and
PASSWORD_RESET_LIMIT_PER_ADDRESS per client address are accepted per hour; the count is in the
database, so all servers share it. The link in the e-mail is valid for PASSWORD_RESET_TIMEOUT
seconds and works once (Django's token changes with the password).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.accounts.models import PasswordResetRequest
from innobridge.accounts.throttle import client_address

WINDOW = timedelta(hours=1)


class ThrottledPasswordResetForm(PasswordResetForm):
    error_messages = {
        "throttled": _("Too many password-reset requests. For your security, try again in an hour."),
    }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        data = super().clean()
        email = (data.get("email") or "").strip().casefold()
        if not email:
            return data
        address = client_address(self.request)
        since = timezone.now() - WINDOW
        PasswordResetRequest.objects.filter(at__lt=timezone.now() - 4 * WINDOW).delete()
        # Written before counting, as sign-in attempts are, so a burst cannot slip past the limit.
        PasswordResetRequest.objects.create(email=email[:254], address=address)
        recent = PasswordResetRequest.objects.filter(at__gte=since)
        too_many = recent.filter(email=email[:254]).count() > settings.PASSWORD_RESET_LIMIT_PER_EMAIL or (
            address and recent.filter(address=address).count() > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        )
        if too_many:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return data
