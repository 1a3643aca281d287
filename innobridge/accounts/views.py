"""A user's own API tokens: create one (its secret is shown once) and revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from innobridge.accounts import tokens
from innobridge.accounts.models import ApiToken
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
