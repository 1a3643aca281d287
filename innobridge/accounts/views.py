"""Sign-up and confirmation, the user's own settings, and their API tokens (a secret is shown once)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from innobridge.accounts import notices, signup, tokens
from innobridge.accounts.models import ApiToken, Notice
from innobridge.accounts.reset import ThrottledPasswordResetForm


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view with the request-limited form and InnoBridge's templates."""

    form_class = ThrottledPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the system that will use it."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = tokens.token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "secret": secret, "tokens": tokens.tokens_of(user=request.user)},
    )


@login_required
@require_POST
def token_revoke(request, prefix: str):
    try:
        token = tokens.token_revoke(user=request.user, prefix=prefix)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:token_list")


# ---- sign-up, confirmation and the user's own settings --------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signup_view(request):
    if request.user.is_authenticated:
        return redirect(settings.SIGNUP_NEXT_URL)
    form = signup.SignupForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            signup.signup(form=form, request=request, language=get_language() or settings.LANGUAGE_CODE)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


@never_cache
def signup_confirm(request, uidb64: str, token: str):
    user = signup.confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/signup_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your e-mail address is confirmed. Welcome to InnoBridge."))
    return redirect(settings.SIGNUP_NEXT_URL)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of notices and e-mails"), choices=settings.LANGUAGES)
    email_on = forms.MultipleChoiceField(
        label=gettext_lazy("Send these by e-mail too"),
        choices=Notice.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Every notice appears under Notifications; these also arrive by e-mail."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request):
    prefs = notices.preferences_of(request.user)
    initial = {"language": prefs.language, "email_on": [k for k in Notice.Kind.values if k not in prefs.email_off]}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notices.preferences_save(
            user=request.user, language=form.cleaned_data["language"], email_on=form.cleaned_data["email_on"]
        )
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})
