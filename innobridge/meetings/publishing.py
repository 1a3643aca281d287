"""Draft, review, publish: what participants were told, what changed since, hand adjustments with the
checker's warnings, the standby list, and who represents each side at a meeting.

The live ``Meeting`` rows are the draft staff work on. Publishing stores them as a numbered
``SchedulePublication``; participants read the last publication while staff change the draft, and a new
publication notifies only the organisations whose meetings moved, appeared or went.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innobridge.accounts.models import Notice
from innobridge.accounts.permissions import is_staff
from innobridge.directory.membership import notify_organisation
from innobridge.directory.models import Membership, Organisation
from innobridge.meetings import diagnostics
from innobridge.meetings.models import (
    MatchmakingSession,
    Meeting,
    MeetingPreference,
    MeetingRepresentative,
    MeetingRequest,
    SchedulePublication,
)
from innobridge.meetings.permissions import may_assign_representatives
from innobridge.meetings.scheduling import build_instance
from innobridge.meetings.selectors import Change, changes, last_publication, live_entries
from innocore.schedule.check import check


def _changed_words(session: MatchmakingSession, lines: Sequence[str]) -> tuple[str, str]:
    return (
        _("Your agenda for %(session)s has changed") % {"session": str(session)},
        "\n".join(lines) + "\n\n" + _("Your agenda page shows the new version."),
    )


def _agenda_published_words(session: MatchmakingSession, org: Organisation) -> tuple[str, str]:
    return (
        _("The agenda of %(session)s is published") % {"session": str(session)},
        _("Your meetings for %(organisation)s are on your agenda page.") % {"organisation": org.name},
    )


def _change_line(change: Change, organisation: Organisation) -> str:
    r = change.request
    other = r.requested if r.requester_id == organisation.pk else r.requester
    if change.kind == "added":
        slot, table = change.after or (0, 0)
        return _("New: %(other)s, slot %(slot)d, table %(table)d.") % {
            "other": other.name,
            "slot": slot,
            "table": table,
        }
    if change.kind == "dropped":
        return _("No longer scheduled: %(other)s.") % {"other": other.name}
    (s0, t0), (s1, t1) = change.before or (0, 0), change.after or (0, 0)
    return _("Moved: %(other)s, from slot %(s0)d, table %(t0)d to slot %(s1)d, table %(t1)d.") % {
        "other": other.name,
        "s0": s0,
        "t0": t0,
        "s1": s1,
        "t1": t1,
    }


@transaction.atomic
def publish(*, session: MatchmakingSession, user: User | None = None) -> SchedulePublication | None:
    """Publish the draft as the next version. The first version goes to every participant; later ones
    only to the organisations a change concerns. Publishing an unchanged draft stores nothing new."""
    session = MatchmakingSession.objects.select_for_update().get(pk=session.pk)
    if not session.meetings.exists():
        raise ValidationError(_("Schedule the session before publishing it."))
    previous = last_publication(session)
    live = live_entries(session)  # read once: the snapshot and the notices agree
    diff = changes(session, previous, live=live) if previous is not None else None
    publication = None
    if previous is None or diff:
        entries = sorted([rid, slot, table] for rid, (slot, table) in live.items())
        publication = SchedulePublication.objects.create(
            session=session, number=(previous.number + 1) if previous else 1, entries=entries, published_by=user
        )
    session.status = MatchmakingSession.Status.PUBLISHED
    session.unpublished_changes = False
    session.save(update_fields=["status", "unpublished_changes", "last_updated"])
    if previous is None:
        for participant in session.participants.select_related("organisation"):
            org = participant.organisation
            notify_organisation(
                organisation=org,
                kind=str(Notice.Kind.AGENDA),
                words=partial(_agenda_published_words, session, org),
                url_name="meetings:agenda",
                url_kwargs={"slug": session.slug, "org_slug": org.slug},
            )
    elif diff:
        # A request cancelled since was announced to both sides when it was cancelled.
        diff = [c for c in diff if c.request.status == MeetingRequest.Status.ACCEPTED]
        touched: dict[int, Organisation] = {}
        for change in diff:
            for org in (change.request.requester, change.request.requested):
                touched[org.pk] = org
        for org in touched.values():
            with_org = [c for c in diff if org.pk in (c.request.requester_id, c.request.requested_id)]
            notify_organisation(
                organisation=org,
                kind=str(Notice.Kind.AGENDA),
                words=partial(_words_for, session, org, with_org),
                url_name="meetings:agenda",
                url_kwargs={"slug": session.slug, "org_slug": org.slug},
            )
    return publication


def _words_for(session: MatchmakingSession, org: Organisation, mine: list[Change]) -> tuple[str, str]:
    # Worded at send time, in the recipient's language.
    return _changed_words(session, [_change_line(c, org) for c in mine])


def mark_draft(session: MatchmakingSession) -> None:
    """A published session whose meetings changed holds unpublished changes until staff publish again;
    it stays published (visible, reminded, recorded) and participants read the published version."""
    if session.publications.exists() and not session.unpublished_changes:
        session.unpublished_changes = True
        session.save(update_fields=["unpublished_changes", "last_updated"])


# Hand adjustments ---------------------------------------------------------------------------------


def _problems(session: MatchmakingSession, moves: dict[int, int | None]) -> tuple[list[dict], list[dict]]:
    """The checker's findings on the draft before and after ``moves`` (request id -> slot or None)."""
    built = build_instance(session)
    live = {rid: slot for rid, (slot, _table) in live_entries(session).items()}
    before = [live.get(r.pk) for r in built.requests]
    after = [moves[r.pk] if r.pk in moves else live.get(r.pk) for r in built.requests]
    found = []
    for slots in (before, after):
        verdict = check(built.instance, slots, fairness=session.fairness)
        found.append(
            [
                diagnostics.stored(d, built.organisations, built.requests)
                for d in verdict.problems
                if d.code != "not_scheduled"
            ]
        )
    return found[0], found[1]


class PlacementConflict(ValidationError):
    """The checker's warnings on a hand placement; staff may confirm it (``force``)."""

    def __init__(self, warnings: list[str]):
        super().__init__(warnings, code="conflicts")
        self.warnings = warnings


@transaction.atomic
def meeting_place(
    *, session: MatchmakingSession, request: MeetingRequest, slot: int, table: int, user: User, force: bool = False
) -> tuple[Meeting, list[str]]:
    """Staff put an accepted request in ``slot`` at ``table`` by hand (a new meeting, or a move).

    The independent checker reads the draft before and after; what the move would break (a double
    booking, an unavailable slot, a fixed slot, an order, the fairness bound) is returned worded, and
    refused unless ``force``: staff may know better (a second representative can take the second
    table). A taken table and a *do not want to meet* wish are never overridden.
    """
    if not is_staff(user):
        raise PermissionDenied(_("Only programme staff adjust a schedule by hand."))
    session = MatchmakingSession.objects.select_for_update().get(pk=session.pk)
    request = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("requester", "requested")
        .get(pk=request.pk)
    )
    if request.session_id != session.pk:
        raise ValidationError(_("The request belongs to another session."))
    if request.status != MeetingRequest.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted request can be placed in the schedule."))
    if not 1 <= slot <= session.slots:
        raise ValidationError(_("The slot must be between 1 and %(n)d.") % {"n": session.slots})
    if not 1 <= table <= session.tables:
        raise ValidationError(_("The table must be between 1 and %(n)d.") % {"n": session.tables})
    refused = session.preferences.filter(kind=MeetingPreference.Kind.DO_NOT).filter(
        Q(organisation=request.requester, other=request.requested)
        | Q(organisation=request.requested, other=request.requester)
    )
    if refused.exists():
        raise ValidationError(
            _("%(a)s and %(b)s will not be scheduled together: one of them does not want to meet the other.")
            % {"a": request.requester, "b": request.requested}
        )
    occupant = (
        Meeting.objects.filter(session=session, slot=slot, table=table)
        .exclude(request=request)
        .select_related("request__requester", "request__requested")
        .first()
    )
    if occupant is not None:
        raise ValidationError(
            _("Table %(table)d is taken in slot %(slot)d by %(a)s and %(b)s.")
            % {"table": table, "slot": slot, "a": occupant.request.requester, "b": occupant.request.requested}
        )
    old, new = _problems(session, {request.pk: slot})
    introduced = [p for p in new if p not in old]
    warnings = diagnostics.describe(introduced)
    if warnings and not force:
        raise PlacementConflict(warnings)
    meeting = Meeting.objects.filter(request=request).first()
    if meeting is None:
        meeting = Meeting(request=request, session=session, slot=slot, table=table)
    meeting.slot, meeting.table, meeting.run = slot, table, None
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # a parallel placement took the table
        raise ValidationError(
            _("Table %(table)d is taken in slot %(slot)d.") % {"table": table, "slot": slot}
        ) from None
    mark_draft(session)
    return meeting, warnings


@transaction.atomic
def meeting_unplace(*, meeting: Meeting, user: User) -> None:
    """Staff take a meeting out of the draft; the request stays accepted and joins the standby list."""
    if not is_staff(user):
        raise PermissionDenied(_("Only programme staff adjust a schedule by hand."))
    session = MatchmakingSession.objects.select_for_update().get(pk=meeting.session_id)
    Meeting.objects.filter(pk=meeting.pk).delete()
    mark_draft(session)


# Representatives ----------------------------------------------------------------------------------


@transaction.atomic
def representatives_set(
    *, request: MeetingRequest, organisation: Organisation, people: Iterable[User], user: User
) -> list[User]:
    """Who goes to the meeting for ``organisation``: any of its active members, several if it likes.
    Members choose for their own organisation, staff for either side; the list replaces the previous one."""
    if not may_assign_representatives(user, request, organisation):
        raise PermissionDenied(_("Only members of the organisation, or staff, choose who represents it."))
    people = list({p.pk: p for p in people}.values())
    members = set(
        Membership.objects.filter(organisation=organisation, user__in=people, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    outsiders = [p for p in people if p.pk not in members]
    if outsiders:
        raise ValidationError(
            ngettext(
                "%(names)s is not a member of %(organisation)s.",
                "%(names)s are not members of %(organisation)s.",
                len(outsiders),
            )
            % {
                "names": ", ".join(p.get_full_name() or p.get_username() for p in outsiders),
                "organisation": organisation,
            }
        )
    MeetingRequest.objects.select_for_update().filter(pk=request.pk).first()
    MeetingRepresentative.objects.filter(request=request, organisation=organisation).delete()
    MeetingRepresentative.objects.bulk_create(
        MeetingRepresentative(request=request, organisation=organisation, user=p) for p in people
    )
    return people
