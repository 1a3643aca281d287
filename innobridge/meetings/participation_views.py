"""Pages for taking part (register, decide, withdraw) and for the draft schedule (place by hand, take
out, publish a new version), and choosing who represents an organisation at a meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.accounts.permissions import is_staff, member_organisation_id, require
from innobridge.directory.models import Organisation
from innobridge.lib.views import get_or_404
from innobridge.meetings import participation, publishing, selectors
from innobridge.meetings.models import Meeting, MeetingRequest, SessionRegistration
from innobridge.meetings.permissions import may_assign_representatives


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@login_required
@require_POST
def register(request, slug: str):
    """A member registers its organisation (staff may name one) for a session that takes registrations."""
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    if is_staff(request.user) and request.POST.get("organisation"):
        organisation = get_object_or_404(Organisation, slug=request.POST["organisation"])
    else:
        org_id = member_organisation_id(request.user)
        require(org_id is not None)
        organisation = Organisation.objects.get(pk=org_id)
    try:
        registration = participation.session_register(
            session=session, organisation=organisation, user=request.user, note=request.POST.get("note", "")[:500]
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        if registration.status == SessionRegistration.Status.APPROVED:
            messages.success(request, _("You take part in this session."))
        else:
            messages.success(request, _("Registration sent; programme staff will decide on it."))
    return redirect(session)


def _registration(request, reference: str) -> SessionRegistration:
    registration = get_object_or_404(SessionRegistration.objects.select_related("session"), reference=reference)
    require(is_staff(request.user) or member_organisation_id(request.user) == registration.organisation_id)
    return registration


@login_required
@require_POST
def registration_decide(request, reference: str):
    registration = _registration(request, reference)
    require(is_staff(request.user))
    try:
        participation.registration_decide(
            registration=registration,
            approve=request.POST.get("decision") == "approve",
            user=request.user,
            note=request.POST.get("note", "")[:500],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Decision saved; the organisation is told."))
    return redirect(registration.session)


@login_required
@require_POST
def registration_withdraw(request, reference: str):
    registration = _registration(request, reference)
    try:
        participation.registration_withdraw(registration=registration, user=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Registration withdrawn."))
    return redirect(registration.session)


@login_required
@require_POST
def place(request, slug: str):
    """Staff place an accepted request in a slot and table; what the checker warns about is shown, and the
    move is made only when staff confirm it."""
    require(is_staff(request.user))
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    req = get_object_or_404(
        MeetingRequest.objects.select_related("requester", "requested"),
        session=session,
        slug=request.POST.get("request", ""),
    )
    slot, table = _int(request.POST.get("slot")), _int(request.POST.get("table"))
    back = reverse("meetings:schedule", kwargs={"slug": session.slug})
    if slot is None or table is None:
        messages.error(request, _("Give a slot and a table."))
        return redirect(back)
    try:
        _meeting, warnings = publishing.meeting_place(
            session=session,
            request=req,
            slot=slot,
            table=table,
            user=request.user,
            force=request.POST.get("force") == "1",
        )
    except publishing.PlacementConflict as conflict:
        return render(
            request,
            "meetings/place_confirm.html",
            {"session": session, "req": req, "slot": slot, "table": table, "warnings": conflict.warnings},
            status=409,
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(a)s and %(b)s: slot %(slot)d, table %(table)d. Publish to tell them.")
            % {"a": req.requester.name, "b": req.requested.name, "slot": slot, "table": table},
        )
        for w in warnings:
            messages.warning(request, w)
    return redirect(back)


@login_required
@require_POST
def unplace(request, slug: str, request_slug: str):
    require(is_staff(request.user))
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    meeting = get_object_or_404(Meeting, session=session, request__slug=request_slug)
    publishing.meeting_unplace(meeting=meeting, user=request.user)
    messages.success(request, _("Taken out of the schedule; the request waits on the standby list."))
    return redirect("meetings:schedule", slug=session.slug)


@login_required
@require_POST
def representatives(request, slug: str, request_slug: str):
    """Who goes to one meeting for one side: members tick colleagues, staff either side."""
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    req = get_object_or_404(MeetingRequest, session=session, slug=request_slug)
    organisation = get_object_or_404(Organisation, slug=request.POST.get("org", ""))
    require(may_assign_representatives(request.user, req, organisation))
    names = request.POST.getlist("people")[:50]
    people = list(User.objects.filter(username__in=names))
    try:
        if len(people) != len(set(names)):
            raise ValidationError(_("Choose people from the list."))
        publishing.representatives_set(request=req, organisation=organisation, people=people, user=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("meetings:agenda", slug=session.slug, org_slug=organisation.slug)
