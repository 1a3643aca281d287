"""Session, request, schedule and delegation-plan pages; ICS and XLSX downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from innobridge.accounts import notices
from innobridge.accounts.models import CalendarFeed
from innobridge.accounts.permissions import is_staff, member_organisation_id, require
from innobridge.directory.models import Membership, Organisation
from innobridge.jobs.services import job_enqueue
from innobridge.lib.concurrency import EditConflict, conflict_response, editing
from innobridge.lib.views import get_or_404
from innobridge.matching import selectors as matching
from innobridge.matching.permissions import can_see_owner
from innobridge.meetings import exports, imports, participation, scheduling, selectors, services
from innobridge.meetings.forms import (
    AnswerForm,
    ImportForm,
    ParticipantForm,
    RequestForm,
    ScheduleForm,
    SessionForm,
    TravelLegForm,
)
from innobridge.meetings.models import MatchmakingSession, Meeting, MeetingPreference, MeetingRequest, TravelLeg
from innobridge.meetings.permissions import (
    TAKES_REQUESTS,
    can_answer,
    can_cancel,
    can_request,
    can_see_agenda,
    can_see_details,
    can_see_request,
    can_see_travel,
    can_state_preference,
)
from innobridge.programmes.selectors import delegation_detail, delegations_visible


def _own_org(user) -> Organisation | None:
    org_id = member_organisation_id(user)
    return Organisation.objects.get(pk=org_id) if org_id is not None else None


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _visible_delegations(user, sessions) -> set[int]:
    """Ids of the sessions' delegations the reader may see: a session can be visible (it takes
    registrations) while its delegation is not, and then the delegation is not named."""
    ids = {s.delegation_id for s in sessions if s.delegation_id}
    return set(delegations_visible(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def session_list(request):
    sessions = list(selectors.session_list(user=request.user))
    return render(
        request,
        "meetings/session_list.html",
        {
            "sessions": sessions,
            "can_manage": is_staff(request.user),
            "visible_delegations": _visible_delegations(request.user, sessions),
        },
    )


def session_detail(request, slug: str):
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    user = request.user
    staff = is_staff(user)
    details = can_see_details(user, session)
    own = _own_org(user)
    context = {
        "session": session,
        "staff": staff,
        "details": details,
        "own": own,
        "slot_times": selectors.slot_times(session),
        "can_request": details and can_request(user, session),
        "meeting_count": session.meetings.count(),
        "registrations": list(selectors.registrations_for(user=user, session=session)),
        "delegation_visible": bool(_visible_delegations(user, [session])),
        "may_register": (
            own is not None
            and participation.takes_registrations(session)
            and not session.participants.filter(organisation=own).exists()
            and not session.registrations.filter(organisation=own, status__in=["pending", "approved"]).exists()
        ),
    }
    if details:
        requests = list(selectors.requests_for(user=user, session=session))
        placements = selectors.reader_placements(session, user)
        for r in requests:
            r.placement = selectors.placement_of(r, placements)
        context.update(
            requests=requests,
            participants=selectors.participants_of(session) if staff else None,
            runs=session.runs.all()[:5] if staff else None,
            latest_run=selectors.latest_run(session) if staff else None,
            answerable={r.pk for r in requests if r.status == "pending" and can_answer(user, r)},
            cancellable={r.pk for r in requests if r.status in ("pending", "accepted") and can_cancel(user, r)},
            participant_form=ParticipantForm(session=session) if staff else None,
            schedule_form=ScheduleForm() if staff else None,
        )
    return render(request, "meetings/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug: str | None = None):
    require(is_staff(request.user))
    session = get_object_or_404(MatchmakingSession, slug=slug) if slug else None
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            with editing(session, request.POST):
                saved = services.session_save(session=session, user=request.user, **fields)
        except EditConflict as conflict:
            return conflict_response(request, form, conflict, back=session.get_absolute_url())
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect(saved)
    return render(request, "meetings/session_form.html", {"form": form, "session": session})


@login_required
@require_POST
def participant_add(request, slug: str):
    require(is_staff(request.user))
    session = get_object_or_404(MatchmakingSession, slug=slug)
    form = ParticipantForm(request.POST, session=session)
    if form.is_valid():
        services.participant_add(
            session=session,
            organisation=form.cleaned_data["organisation"],
            unavailable_slots=form.cleaned_data["unavailable"],
        )
        messages.success(request, _("Participant saved."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(session)


@login_required
@require_POST
def participant_remove(request, slug: str, org_slug: str):
    require(is_staff(request.user))
    session = get_object_or_404(MatchmakingSession, slug=slug)
    org = get_object_or_404(Organisation, slug=org_slug)
    try:
        services.participant_remove(session=session, organisation=org)
    except ValidationError as exc:
        _error(request, exc)
    return redirect(session)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request, slug: str):
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    require(can_request(request.user, session))
    staff = is_staff(request.user)
    own = _own_org(request.user)
    form = RequestForm(request.POST or None, session=session, staff=staff, own=own)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_create(
                session=session,
                requester=data["requester"] if staff else own,
                requested=data["requested"],
                priority=data["priority"],
                preference=data["preference"],
                source=MeetingRequest.Source.STAFF if staff else MeetingRequest.Source.PARTICIPANT,
                fixed_slot=data.get("fixed_slot"),
                after=list(data.get("after") or []),
                note=data["note"],
                status=MeetingRequest.Status.ACCEPTED if data.get("accepted") else MeetingRequest.Status.PENDING,
                user=request.user,
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Meeting request created."))
            return redirect(session)
    return render(request, "meetings/request_form.html", {"form": form, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request, slug: str):
    """A participant marks the others as must meet, would like to meet or do not want to meet."""
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    if is_staff(request.user) and data.get("organisation"):
        organisation = get_object_or_404(
            Organisation, slug=data["organisation"], session_participations__session=session
        )
    elif is_staff(request.user):
        first = session.participants.select_related("organisation").first()
        organisation = first.organisation if first else None
    else:
        organisation = _own_org(request.user)
    require(organisation is not None and can_state_preference(request.user, session, organisation))
    if request.method == "POST":
        other = Organisation.objects.filter(slug=request.POST.get("other", "")).first()
        if other is None:
            messages.error(request, _("Choose a participant of the session."))
        else:
            try:
                services.preference_set(
                    session=session,
                    organisation=organisation,
                    other=other,
                    kind=request.POST.get("kind", ""),
                    user=request.user,
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Preference saved."))
        url = reverse("meetings:preferences", kwargs={"slug": session.slug})
        return redirect(f"{url}?organisation={organisation.slug}" if is_staff(request.user) else url)
    return render(
        request,
        "meetings/preferences.html",
        {
            "session": session,
            "organisation": organisation,
            "rows": selectors.preference_rows(session=session, organisation=organisation),
            "kinds": MeetingPreference.Kind.choices,
            "staff": is_staff(request.user),
        },
    )


@login_required
@require_POST
def request_from_suggestion(request):
    """One click on a suggestion: the viewer's organisation asks the owner of the suggested record."""

    own = _own_org(request.user)
    require(own is not None)
    session = get_object_or_404(
        MatchmakingSession.objects.filter(status__in=TAKES_REQUESTS, participants__organisation=own),
        slug=request.POST.get("session", ""),
    )
    kind = request.POST.get("kind")
    own_slug = request.POST.get("from", "")
    if kind == "offer":
        offer = get_or_404(matching.offer_detail, user=request.user, slug=request.POST.get("record", ""))
        need = get_or_404(matching.need_detail, user=request.user, slug=own_slug) if own_slug else None
        other = offer.owner
    elif kind == "need":
        need = get_or_404(matching.need_detail, user=request.user, slug=request.POST.get("record", ""))
        offer = get_or_404(matching.offer_detail, user=request.user, slug=own_slug) if own_slug else None
        other = need.owner
    else:
        raise Http404
    if kind == "offer" and getattr(offer, "anonymous", False):
        require(can_see_owner(request.user, offer))
    try:
        services.request_create(
            session=session,
            requester=own,
            requested=other,
            source=MeetingRequest.Source.SUGGESTION,
            offer=offer,
            need=need,
            user=request.user,
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Meeting request sent to %(name)s for %(session)s.") % {"name": other, "session": session},
        )
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if safe else session.get_absolute_url())


def _request_or_404(request, slug: str) -> MeetingRequest:
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("session__place", "requester", "requested", "offer", "need"), slug=slug
    )
    if not can_see_request(request.user, meeting_request):
        raise Http404
    return meeting_request


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, slug: str):
    meeting_request = _request_or_404(request, slug)
    answerable = meeting_request.status == "pending" and can_answer(request.user, meeting_request)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        require(answerable)
        if form.is_valid():
            try:
                services.request_answer(
                    request=meeting_request,
                    accept=form.cleaned_data["decision"] == "accept",
                    answer=form.cleaned_data["answer"],
                    user=request.user,
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Answer saved."))
            return redirect(meeting_request)
    return render(
        request,
        "meetings/request_detail.html",
        {
            "req": meeting_request,
            "form": form,
            "answerable": answerable,
            "cancellable": meeting_request.status in ("pending", "accepted")
            and can_cancel(request.user, meeting_request),
            # Where the reader may see it: the published version for participants (reader_placements).
            "placement": selectors.placement_of(
                meeting_request, selectors.reader_placements(meeting_request.session, request.user)
            ),
        },
    )


@login_required
@require_POST
def request_answer(request, slug: str):
    meeting_request = _request_or_404(request, slug)
    try:
        services.request_answer(
            request=meeting_request, accept=request.POST.get("decision") == "accept", user=request.user
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Answer saved."))
    return redirect(meeting_request.session)


@login_required
@require_POST
def request_cancel(request, slug: str):
    meeting_request = _request_or_404(request, slug)
    try:
        services.request_cancel(request=meeting_request, user=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Request cancelled. Staff can reschedule to close the gap."))
    return redirect(meeting_request.session)


@login_required
@require_http_methods(["GET", "POST"])
def request_import(request, slug: str):
    require(is_staff(request.user))
    session = get_object_or_404(MatchmakingSession, slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = imports.requests_import(
                session=session,
                file_name=upload.name,
                data=upload.read(),
                user=request.user,
                accepted=form.cleaned_data["accepted"],
            )
        except imports.ImportFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(n)d requests imported.") % {"n": len(report.created)})
            return redirect(session)
    return render(request, "meetings/request_import.html", {"form": form, "session": session, "errors": errors})


@login_required
@require_POST
def session_action(request, slug: str):
    """Staff: schedule, reschedule, publish or unpublish."""
    require(is_staff(request.user))
    session = get_object_or_404(MatchmakingSession, slug=slug)
    action = request.POST.get("action")
    form = ScheduleForm(request.POST)
    limit = form.cleaned_data["time_limit"] if form.is_valid() else scheduling.DEFAULT_TIME_LIMIT
    try:
        if action in ("schedule", "reschedule"):
            # The solver may run for minutes: a background job, whose page shows when it is done.
            job = job_enqueue(
                kind="meetings.schedule",
                arguments={
                    "session": session.slug,
                    "reschedule": action == "reschedule",
                    "time_limit": limit,
                    "user": request.user.pk,
                },
                user=request.user,
            )
            if job.status == job.Status.DONE:
                run = selectors.latest_run(session)
                messages.success(
                    request,
                    _("%(scheduled)d of %(requests)d accepted requests scheduled (%(status)s).")
                    % {"scheduled": run.scheduled, "requests": run.requests, "status": run.get_status_display()},
                )
                return redirect("meetings:schedule", slug=session.slug)
            messages.info(request, _("The scheduler is running; this page shows when it is done."))
            return redirect(job)
        if action in ("publish", "unpublish"):
            services.session_publish(session=session, publish=action == "publish", user=request.user)
            messages.success(request, _("Session updated."))
        else:
            raise Http404
    except ValidationError as exc:
        _error(request, exc)
    return redirect(session)


def schedule(request, slug: str):
    """Staff see the table grid and every agenda; a participant member sees their own agenda."""
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    user = request.user
    require(can_see_details(user, session))
    staff = is_staff(user)
    own = _own_org(user)
    context = {"session": session, "staff": staff, "own": own}
    if staff:
        tables, rows = selectors.grid(session)
        context.update(
            tables=tables,
            rows=rows,
            agendas=selectors.agendas(session),
            latest_run=selectors.latest_run(session),
            unscheduled=list(selectors.unscheduled_requests(session)),
            schedule_form=ScheduleForm(),
            publication=(publication := selectors.last_publication(session)),
            changes=selectors.changes(session, publication),
            standby=selectors.standby(session),
        )
    else:
        context["agendas"] = [selectors.agenda_for(session, own, user)]
        context["as_published"] = selectors.shows_published_version(session, user)
    return render(request, "meetings/schedule.html", context)


def agenda(request, slug: str, org_slug: str):
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    org = get_object_or_404(Organisation, slug=org_slug)
    require(can_see_agenda(request.user, session, org))
    reader_agenda = selectors.agenda_for(session, org, request.user)
    going = selectors.representatives_of(session, org)
    for item in reader_agenda.meetings:
        item.representatives = going.get(item.meeting.request_id, [])
    may_assign = is_staff(request.user) or member_organisation_id(request.user) == org.pk
    return render(
        request,
        "meetings/agenda.html",
        {
            "session": session,
            "agenda": reader_agenda,
            "org": org,
            "as_published": selectors.shows_published_version(session, request.user),
            "members": list(
                Membership.objects.filter(organisation=org, user__is_active=True)
                .select_related("user")
                .order_by("user__last_name", "user__first_name", "user__username")
            )
            if may_assign
            else [],
            # Outcomes and attendance are recorded once the schedule is out, by either side or staff.
            "record": request.user.is_authenticated and session.status == MatchmakingSession.Status.PUBLISHED,
            "attendance_choices": Meeting.Attendance.choices,
            "outcome_choices": Meeting.Outcome.choices,
        },
    )


@login_required
@require_POST
def meeting_record(request, slug: str, request_slug: str):
    """Attendance or outcome of one meeting, from the agenda page."""
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    meeting = get_object_or_404(Meeting.objects.select_related("request"), session=session, request__slug=request_slug)
    try:
        if request.POST.get("record") == "attendance":
            services.meeting_check_in(meeting=meeting, attendance=request.POST.get("attendance", ""), user=request.user)
        else:
            meeting = services.meeting_record_outcome(
                meeting=meeting,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", "")[:500],
                user=request.user,
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
        if meeting.agreement_id and request.POST.get("record") != "attendance":
            messages.info(request, _("A draft agreement between the two organisations is in the pipeline."))
    org_slug = request.POST.get("org", "")
    if org_slug and Organisation.objects.filter(slug=org_slug).exists():
        return redirect("meetings:agenda", slug=session.slug, org_slug=org_slug)
    return redirect(session.get_absolute_url())


def agenda_ics(request, slug: str, org_slug: str):
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    org = get_object_or_404(Organisation, slug=org_slug)
    require(can_see_agenda(request.user, session, org))
    body = exports.ics_for(session, org, domain=request.get_host().split(":")[0] or "innobridge", reader=request.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.slug}-{org.slug}.ics"'
    return response


def schedule_xlsx(request, slug: str):
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    user = request.user
    require(can_see_details(user, session))
    if is_staff(user):
        orgs = [a.organisation for a in selectors.agendas(session)]
        body = exports.xlsx_for(session, orgs, grid_sheet=True)
    else:
        body = exports.xlsx_for(session, [_own_org(user)], grid_sheet=False, reader=user)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{session.slug}.xlsx"'
    return response


# Delegation plan -------------------------------------------------------------------------------------


def delegation_plan(request, slug: str):
    delegation = get_or_404(delegation_detail, user=request.user, slug=slug)
    return render(
        request,
        "meetings/delegation_plan.html",
        {
            "plan": selectors.delegation_plan(user=request.user, delegation=delegation),
            "delegation": delegation,
            "staff": is_staff(request.user),
        },
    )


def _itinerary(request, slug: str):
    """The delegation's plan for its own organisations and staff (who may see its travel), and the
    viewer's organisation, whose meetings it lists."""
    delegation = get_or_404(delegation_detail, user=request.user, slug=slug)
    if not request.user.is_authenticated:
        raise PermissionDenied
    require(can_see_travel(request.user, delegation))
    org_id = member_organisation_id(request.user)
    organisation = Organisation.objects.filter(pk=org_id).first() if org_id else None
    return delegation, selectors.delegation_plan(user=request.user, delegation=delegation), organisation


@login_required
def itinerary(request, slug: str):
    """A print-friendly itinerary: every day, city, event, travel leg and session, with the viewer's own
    meetings in the published sessions."""
    delegation, plan, organisation = _itinerary(request, slug)
    meetings = {}
    if organisation is not None:
        for day in plan.days:
            for session in day.sessions:
                if session.status == MatchmakingSession.Status.PUBLISHED:
                    meetings[session.pk] = selectors.agenda_for(session, organisation, request.user).meetings
    for day in plan.days:
        day.own_meetings = [(s, meetings.get(s.pk, [])) for s in day.sessions]
    return render(
        request,
        "meetings/itinerary.html",
        {"delegation": delegation, "plan": plan, "organisation": organisation},
    )


@login_required
def itinerary_ics(request, slug: str):
    delegation, plan, organisation = _itinerary(request, slug)
    body = exports.itinerary_calendar(plan, organisation, domain=request.get_host().split(":")[0] or "innobridge")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{delegation.slug}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def travel_leg_edit(request, slug: str, reference: str | None = None):
    require(is_staff(request.user))
    delegation = get_or_404(delegation_detail, user=request.user, slug=slug)
    leg = get_object_or_404(TravelLeg, reference=reference, delegation=delegation) if reference else None
    form = TravelLegForm(request.POST or None, instance=leg)
    if request.method == "POST":
        if request.POST.get("delete") and leg:
            services.travel_leg_delete(leg=leg)
            messages.success(request, _("Travel leg deleted."))
            return redirect("meetings:delegation_plan", slug=delegation.slug)
        if form.is_valid():
            try:
                with editing(leg, request.POST):
                    services.travel_leg_save(leg=leg, delegation=delegation, **form.cleaned_data)
            except EditConflict as conflict:
                back = reverse("meetings:delegation_plan", kwargs={"slug": delegation.slug})
                return conflict_response(request, form, conflict, back=back)
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Travel leg saved."))
                return redirect("meetings:delegation_plan", slug=delegation.slug)
    return render(request, "meetings/travel_leg_form.html", {"form": form, "delegation": delegation, "leg": leg})


# ---- the personal calendar feed --------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The user's calendar address: made (or replaced, which revokes the old one) and shown once; revoked."""
    url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            notices.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address is revoked."))
            return redirect("meetings:calendar_settings")
        secret = notices.calendar_feed_create(user=request.user)
        url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"secret": secret}))
    has_feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "meetings/calendar_settings.html", {"url": url, "feed": has_feed})


def calendar_feed(request, secret: str):
    """The iCalendar file a calendar application polls: no sign-in, the secret in the address is the key."""
    user = notices.calendar_feed_user(secret)
    if user is None:
        raise Http404
    organisation, sessions, events = selectors.calendar_of(user=user)
    with translation.override(notices.preferences_of(user).language):
        body = exports.personal_calendar(
            organisation, sessions, events, domain=request.get_host().split(":")[0] or "innobridge", reader=user
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
