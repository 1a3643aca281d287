"""Membership pages: joining an organisation after sign-up (claim or propose), staff decisions, an
organisation's members and invitations, and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from innobridge.accounts.permissions import staff_required
from innobridge.accounts.signup import SignupForm
from innobridge.directory import membership, selectors
from innobridge.directory.filters import OrganisationFilter
from innobridge.directory.models import Membership, MembershipRequest, Organisation

SEARCH_RESULTS = 10


class JoinForm(forms.Form):
    organisation = forms.SlugField(required=False, widget=forms.HiddenInput)
    proposed_name = forms.CharField(
        label=gettext_lazy("Name of a new organisation"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Only when your organisation is not in the directory."),
    )
    proposed_kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", "—"), *Organisation.Kind.choices], required=False
    )
    proposed_website = forms.URLField(
        label=gettext_lazy("Website"), max_length=200, required=False, assume_scheme="https"
    )
    role_in_organisation = forms.CharField(label=gettext_lazy("Your position there"), max_length=200, required=False)
    message = forms.CharField(
        label=gettext_lazy("Message to staff"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Anything that helps staff confirm that you act for this organisation."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    """After sign-up: find your organisation and ask to join it, or propose a new one."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        req = get_object_or_404(MembershipRequest, reference=request.POST.get("reference", ""), user=user)
        try:
            membership.membership_request_withdraw(request=req, user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return redirect("directory:join")
    form = JoinForm(request.POST or None, initial={"organisation": request.GET.get("organisation", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = Organisation.objects.filter(slug=data["organisation"]).first() if data["organisation"] else None
        try:
            membership.membership_request_create(
                user=user,
                organisation=org,
                proposed_name="" if org else data["proposed_name"],
                proposed_kind=data["proposed_kind"],
                proposed_website=data["proposed_website"],
                role_in_organisation=data["role_in_organisation"],
                message=data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request is sent. Staff will review it; you will be notified."))
            return redirect("directory:join")
    q = request.GET.get("q", "").strip()[:200]
    results = list(selectors.organisation_list(filters=OrganisationFilter(q=q))[:SEARCH_RESULTS]) if q else []
    chosen = request.GET.get("organisation", "") or (form.data.get("organisation", "") if form.is_bound else "")
    return render(
        request,
        "directory/join.html",
        {
            "form": form,
            "q": q,
            "results": results,
            "chosen": Organisation.objects.filter(slug=chosen).first() if chosen else None,
            "requests": membership.requests_of(user=user),
            "membership": getattr(user, "membership", None),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def membership_requests(request):
    """Requests waiting for a decision, oldest first; approve (optionally into an existing organisation
    for a proposal) or refuse with a note to the user."""
    if request.method == "POST":
        req = get_object_or_404(MembershipRequest, reference=request.POST.get("reference", ""))
        approve = request.POST.get("decision") == "approve"
        into = request.POST.get("into", "").strip()
        org = get_object_or_404(Organisation, slug=into) if into else None
        try:
            membership.membership_request_decide(
                request=req, staff=request.user, approve=approve, note=request.POST.get("note", ""), organisation=org
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            who = req.user.get_full_name() or req.user.get_username()
            done = _("%(user)s now acts for %(organisation)s.") if approve else _("Request of %(user)s refused.")
            messages.success(request, done % {"user": who, "organisation": req.organisation_name})
        return redirect("directory:membership_requests")
    return render(request, "directory/membership_requests.html", {"pending": membership.requests_pending()})


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.Role.choices, initial="member")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def organisation_members(request, slug: str):
    """Who acts for the organisation, and invitations: for staff and the organisation's own members
    (administrators invite and change roles)."""
    org = get_object_or_404(Organisation, slug=slug)
    manage = membership.can_manage_members(request.user, org)
    mine = getattr(request.user, "membership", None)
    if not manage and not (mine and mine.organisation_id == org.pk):
        raise PermissionDenied
    form = InviteForm(request.POST or None) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if request.POST.get("action") == "role":
            member = get_object_or_404(Membership, pk=request.POST.get("membership") or 0, organisation=org)
            try:
                membership.membership_set_role(membership=member, role=request.POST.get("role", ""), by=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Role changed."))
            return redirect("directory:organisation_members", slug=org.slug)
        if form is not None and form.is_valid():
            try:
                membership.invitation_create(
                    organisation=org,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                    accept_url=lambda secret: request.build_absolute_uri(
                        reverse("directory:invitation_accept", kwargs={"secret": secret})
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("directory:organisation_members", slug=org.slug)
    return render(
        request,
        "directory/organisation_members.html",
        {
            "organisation": org,
            "members": membership.members_of(organisation=org),
            "invitations": membership.invitations_open(organisation=org) if manage else [],
            "manage": manage,
            "form": form,
            "roles": Membership.Role.choices,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, secret: str):
    """Accept an invitation: signed in, with one click; otherwise by creating the account for the invited
    address (the link proves the address, so no confirmation e-mail is needed)."""
    invitation = membership.invitation_by_secret(secret)
    if invitation is None:
        return render(request, "directory/invitation_invalid.html", status=404)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership.invitation_accept(secret=secret, user=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("You now act for %(organisation)s.") % {"organisation": invitation.organisation}
                )
                return redirect(invitation.organisation.get_absolute_url())
    else:
        form = SignupForm(request.POST or None, request=request, fixed_email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                user = membership.signup_by_invitation(
                    secret=secret, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("Welcome. You now act for %(organisation)s.") % {"organisation": invitation.organisation}
                )
                return redirect(invitation.organisation.get_absolute_url())
    return render(request, "directory/invitation_accept.html", {"invitation": invitation, "form": form})
