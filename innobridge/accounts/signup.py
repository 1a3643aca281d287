"""Self-service sign-up with e-mail confirmation.

The account is created inactive, with the e-mail address (case-folded) as its user name, so one address
makes at most one account (the user name is unique in the database). The e-mail holds a link valid for
PASSWORD_RESET_TIMEOUT seconds that works once: the token covers the account's active flag, which the
confirmation sets. Signing up with an address that already has an account answers exactly as a new
sign-up does (so the form cannot tell who has an account) and e-mails that address a reminder to sign in
or reset the password instead. Sign-ups per client address are limited per hour, sharing the table and
window of password-reset requests.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innobridge.accounts.models import PasswordResetRequest, Preferences
from innobridge.accounts.reset import WINDOW
from innobridge.accounts.throttle import client_address


class ConfirmationTokens(PasswordResetTokenGenerator):
    key_salt = "innobridge.accounts.signup.ConfirmationTokens"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{timestamp}{user.is_active}{user.email}"


confirmation_tokens = ConfirmationTokens()


class SignupForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=150,
        help_text=gettext_lazy("You sign in with it; we send a link to confirm it."),
    )
    password1 = forms.CharField(label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("Password again"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, request=None, fixed_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if fixed_email:
            self.fields["email"].initial = fixed_email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = ""

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Give your name."))
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().casefold()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(username=data.get("email") or "", email=data.get("email") or "")
            probe.first_name = data.get("full_name") or ""
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


def _throttled(request) -> bool:
    address = client_address(request)
    if not address:
        return False
    now = timezone.now()
    PasswordResetRequest.objects.filter(at__lt=now - 4 * WINDOW).delete()
    PasswordResetRequest.objects.create(email="sign-up", address=address)
    return (
        PasswordResetRequest.objects.filter(email="sign-up", address=address, at__gte=now - WINDOW).count()
        > settings.SIGNUP_LIMIT_PER_ADDRESS
    )


def _split(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.partition(" ")
    return first[:150], last[:150]


def signup(*, form: SignupForm, request, language: str) -> User | None:
    """Create the inactive account and e-mail its confirmation link; ``None`` when the address already has
    an account (that address gets a reminder instead). Raises ``forms.ValidationError`` when throttled."""
    if _throttled(request):
        raise forms.ValidationError(_("Too many sign-ups from your network. Try again in an hour."))
    data = form.cleaned_data
    email = data["email"]
    first, last = _split(data["full_name"])
    try:
        with transaction.atomic():
            user = User(username=email, email=email, first_name=first, last_name=last, is_active=False)
            user.set_password(data["password1"])
            user.save()
            Preferences.objects.create(user=user, language=language)
    except IntegrityError:
        existing = User.objects.filter(username=email).first()
        if existing is not None and not existing.is_active and existing.last_login is None:
            send_confirmation(user=existing, request=request)  # signed up before and lost the e-mail
            return None
        send_mail(
            _("Your InnoBridge account"),
            _(
                "Someone, perhaps you, tried to sign up on InnoBridge with this address, which already has an "
                "account. Sign in with it, or reset your password if you have forgotten it: %(url)s"
            )
            % {"url": request.build_absolute_uri("/")},
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
        return None
    send_confirmation(user=user, request=request)
    return user


def confirmation_url(*, user: User, request) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return request.build_absolute_uri(
        reverse("accounts:signup_confirm", kwargs={"uidb64": uid, "token": confirmation_tokens.make_token(user)})
    )


def send_confirmation(*, user: User, request) -> None:
    send_mail(
        _("Confirm your InnoBridge account"),
        _(
            "Welcome to InnoBridge, %(name)s.\n\nOpen this link to confirm your e-mail address and finish "
            "signing up (it works once, within a day):\n%(url)s\n\nIf you did not sign up, ignore this e-mail."
        )
        % {"name": user.get_full_name() or user.email, "url": confirmation_url(user=user, request=request)},
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def confirm(*, uidb64: str, token: str) -> User | None:
    """Activate the account the link names; ``None`` when the link is not valid (any more)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk, is_active=False).first()
        if user is None or not confirmation_tokens.check_token(user, token):
            return None
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user
