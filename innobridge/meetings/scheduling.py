"""Scheduling a matchmaking session: accepted requests in, a checked schedule stored atomically.

The solver is ``innocore.schedule`` (plain Python): this module turns accepted requests into an
``Instance``, solves it, checks the answer with the independent checker, and stores the meetings and
the run. What the solver could not do is stored as diagnostics (codes with the rows they name) and
worded when shown (``innobridge.meetings.diagnostics``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from innobridge.audit import bulk as audited
from innobridge.directory.models import Organisation
from innobridge.meetings import diagnostics
from innobridge.meetings.models import MatchmakingSession, Meeting, MeetingPreference, MeetingRequest, ScheduleRun
from innocore.schedule import instance as sched
from innocore.schedule.check import check
from innocore.schedule.diagnostics import Diagnostic
from innocore.schedule.greedy import greedy
from innocore.schedule.preferences import apply_preferences
from innocore.schedule.solver import explain_overload, solve

PREFERENCE_TO_SESSION = {
    MeetingRequest.Preference.MORNING: sched.MORNING,
    MeetingRequest.Preference.AFTERNOON: sched.AFTERNOON,
    MeetingRequest.Preference.ANY: sched.ANY,
}
DEFAULT_TIME_LIMIT = 20.0
Kind: Any = ScheduleRun.Kind  # without Django's types, mypy reads a TextChoices member as a tuple


@dataclass
class Built:
    """An innocore instance and the rows it came from (participant numbers are 1-based)."""

    instance: sched.Instance
    requests: list[MeetingRequest]
    organisations: list[Organisation]
    dropped_orders: list[dict[str, Any]] = field(default_factory=list)  # diagnostics entries
    excluded: list[MeetingRequest] = field(default_factory=list)  # a side does not want to meet the other
    must: list[MeetingRequest] = field(default_factory=list)  # placed before every other request


def build_instance(session: MatchmakingSession, *, exclude: frozenset[int] = frozenset()) -> Built:
    """The accepted requests (less ``exclude``, request ids) as an innocore instance."""
    requests = list(
        session.requests.filter(status=MeetingRequest.Status.ACCEPTED)
        .exclude(pk__in=exclude)
        .select_related("requester", "requested")
        .prefetch_related("after")
        .order_by("created", "pk")
    )
    participants = {p.organisation_id: p for p in session.participants.select_related("organisation")}
    number: dict[int, int] = {}
    organisations: list[Organisation] = []
    for r in requests:
        for org in (r.requester, r.requested):
            if org.pk not in number:
                organisations.append(org)
                number[org.pk] = len(organisations)
    index = {r.pk: i for i, r in enumerate(requests)}
    dropped = []
    meetings = []
    for r in requests:
        after = set()
        for earlier in r.after.all():
            if earlier.pk in index:
                after.add(index[earlier.pk])
            else:
                dropped.append(diagnostics.entry("order_ignored", before=earlier.pk, after=r.pk))
        meetings.append(
            sched.Meeting(
                a=number[r.requester_id],
                b=number[r.requested_id],
                session=PREFERENCE_TO_SESSION[r.preference],
                fixed=r.fixed_slot or 0,
                after=frozenset(after),
                priority=r.priority,
            )
        )
    forbidden = {}
    for org_id, n in number.items():
        p = participants.get(org_id)
        if p and p.unavailable_slots:
            forbidden[n] = frozenset(int(s) for s in p.unavailable_slots if 1 <= int(s) <= session.slots)
    inst = sched.Instance(
        name=session.slug,
        participants=len(organisations),
        slots=session.slots,
        tables=session.tables,
        morning_slots=min(session.morning_slots, session.slots),
        meetings=meetings,
        forbidden=forbidden,
    )
    wishes = [
        (number[a], number[b], kind)
        for a, b, kind in session.preferences.exclude(kind=MeetingPreference.Kind.WOULD_LIKE).values_list(
            "organisation_id", "other_id", "kind"
        )
        if a in number and b in number
    ]
    applied = apply_preferences(inst, wishes)
    return Built(
        applied.instance,
        [requests[i] for i in applied.kept],
        organisations,
        dropped,
        excluded=[requests[i] for i in applied.excluded],
        must=[requests[i] for i in applied.must],
    )


def _fixed_conflicts(built: Built) -> list[int]:
    """Indices of fixed requests that cannot all hold: a slot outside what the request allows, an
    organisation fixed twice in one slot, or more fixed meetings in a slot than tables.

    The solver treats fixed slots as hard, so one clash would leave the whole session unscheduled; the
    higher-priority (then earlier) request keeps its slot and the others are set aside and explained.
    """
    inst = built.instance
    order = sorted(
        (i for i, m in enumerate(inst.meetings) if m.fixed),
        key=lambda i: (-inst.meetings[i].priority, i),
    )
    taken: set[tuple[int, int]] = set()
    load: dict[int, int] = {}
    out = []
    for i in order:
        m = inst.meetings[i]
        clash = (m.a, m.fixed) in taken or (m.b, m.fixed) in taken or load.get(m.fixed, 0) >= inst.tables
        if clash or not inst.allowed_slots(i):
            out.append(i)
            continue
        taken.update({(m.a, m.fixed), (m.b, m.fixed)})
        load[m.fixed] = load.get(m.fixed, 0) + 1
    return sorted(out)


def _assign_tables(slots: list[int | None], tables: int, keep: dict[int, tuple[int, int]]) -> list[int | None]:
    """Tables per slot; a meeting that stays in its slot keeps its table when it can."""
    result: list[int | None] = [None] * len(slots)
    taken: dict[int, set[int]] = {}
    for i, s in enumerate(slots):
        if s is None or i not in keep:
            continue
        old_slot, old_table = keep[i]
        if old_slot == s and old_table <= tables and old_table not in taken.setdefault(s, set()):
            result[i] = old_table
            taken[s].add(old_table)
    for i, s in enumerate(slots):
        if s is None or result[i] is not None:
            continue
        used = taken.setdefault(s, set())
        table = next(t for t in range(1, tables + len(slots) + 2) if t not in used)
        result[i] = table
        used.add(table)
    return result


_NOTHING: tuple[str, str, str, int | None] = ("", "", "", None)


def _store(
    *,
    session: MatchmakingSession,
    built: Built,
    slots: list[int | None],
    run: ScheduleRun,
    keep: dict[int, tuple[int, int]],
) -> None:
    # Hand placements and publishing lock the session too: none of them interleaves with this.
    MatchmakingSession.objects.select_for_update().filter(pk=session.pk).first()
    tables = _assign_tables(slots, session.tables, keep)
    # A recorded outcome belongs to the pair that met, not to the slot: a new schedule keeps it.
    # So do attendance and the draft agreement it started.
    outcomes = {
        m.request_id: (m.outcome, m.outcome_note, m.attendance, m.agreement_id)
        for m in Meeting.objects.filter(session=session).filter(
            ~Q(outcome="") | ~Q(attendance="") | Q(agreement__isnull=False)
        )
    }
    Meeting.objects.filter(session=session).delete()
    audited.bulk_create(
        Meeting,
        (
            Meeting(
                request=r,
                session=session,
                run=run,
                slot=s,
                table=t,
                outcome=outcomes.get(r.pk, _NOTHING)[0],
                outcome_note=outcomes.get(r.pk, _NOTHING)[1],
                attendance=outcomes.get(r.pk, _NOTHING)[2],
                agreement_id=outcomes.get(r.pk, _NOTHING)[3],
            )
            for r, s, t in zip(built.requests, slots, tables, strict=True)
            if s is not None
        ),
    )
    if session.status in (MatchmakingSession.Status.DRAFT, MatchmakingSession.Status.OPEN):
        session.status = MatchmakingSession.Status.SCHEDULED
        session.save(update_fields=["status", "last_updated"])
    # After a publication a new schedule is a draft: it waits for staff to review and publish it, and
    # participants read the last published version meanwhile.
    if session.publications.exists() and not session.unpublished_changes:
        session.unpublished_changes = True
        session.save(update_fields=["unpublished_changes", "last_updated"])


def _entries(diags: Iterable[Diagnostic], built: Built) -> list[dict[str, Any]]:
    return [diagnostics.stored(d, built.organisations, built.requests) for d in diags]


def _not_scheduled(requests: list[MeetingRequest]) -> dict[str, Any]:
    return diagnostics.entry("not_scheduled_list", request_ids=[r.pk for r in requests])


def _run(
    *,
    session: MatchmakingSession,
    user: User | None,
    time_limit: float,
    kind: str,
    previous_by_request: dict[int, tuple[int, int]] | None,
) -> ScheduleRun:
    built = build_instance(session)
    total = len(built.requests) + len(built.excluded)
    explanation: list[dict[str, Any]] = []  # diagnostics entries, worded when shown
    set_aside: list[MeetingRequest] = []
    conflicts = _fixed_conflicts(built)
    if conflicts:
        explanation += _entries(explain_overload(built.instance), built)
        set_aside = [built.requests[i] for i in conflicts]
        built = build_instance(session, exclude=frozenset(r.pk for r in set_aside))
    inst = built.instance
    n = len(inst.meetings)
    fairness = session.fairness
    run = ScheduleRun(session=session, kind=kind, requests=total, time_limit=time_limit, created_by=user)
    explanation += built.dropped_orders
    explanation += [diagnostics.entry("do_not_meet", request=r.pk) for r in built.excluded]
    keep = {}
    if n == 0:
        run.status, run.scheduled, run.breaks, run.bound, run.gap = ScheduleRun.Status.OPTIMAL, 0, 0, 0.0, 0.0
        run.explanation = explanation + ([_not_scheduled(set_aside)] if set_aside else [])
        if not total:
            run.explanation.append(diagnostics.entry("no_requests"))
        with transaction.atomic():
            run.save()
            _store(session=session, built=built, slots=[], run=run, keep={})
        return run
    baseline = greedy(inst)
    base_check = check(inst, baseline)
    run.greedy_scheduled, run.greedy_breaks = base_check.scheduled, base_check.breaks
    previous = None
    if previous_by_request is not None:
        previous = [previous_by_request.get(r.pk, (None, None))[0] for r in built.requests]
        keep = {i: previous_by_request[r.pk] for i, r in enumerate(built.requests) if r.pk in previous_by_request}
    try:
        if previous is None:
            result = solve(inst, time_limit=time_limit, fairness=fairness, require_all=True)
            if result.scheduled < n:
                reasons = result.explanation
                remaining = max(1.0, time_limit - result.seconds)
                partial = solve(inst, time_limit=remaining, fairness=fairness, require_all=False)
                partial.explanation = reasons or partial.explanation
                partial.seconds += result.seconds
                result = partial
        else:
            result = solve(inst, time_limit=time_limit, fairness=fairness, previous=previous)
    except Exception as exc:  # the solver must never take the page down
        run.status = ScheduleRun.Status.UNKNOWN
        run.explanation = explanation + [diagnostics.entry("solver_failed", error=str(exc)[:500])]
        run.save()
        return run
    run.seconds = round(result.seconds, 3)
    run.status = result.status if result.status in ScheduleRun.Status.values else ScheduleRun.Status.UNKNOWN
    placed = sum(1 for s in result.slots if s is not None)
    if placed == 0 and n:
        explanation += _entries(result.explanation, built) or [
            diagnostics.entry("no_schedule_in_time", seconds=time_limit)
        ]
        run.explanation = explanation
        run.scheduled = 0
        if run.status in (ScheduleRun.Status.OPTIMAL, ScheduleRun.Status.FEASIBLE):
            run.status = ScheduleRun.Status.INFEASIBLE
        run.save()  # the previous schedule, if any, stays as it was
        return run
    verdict = check(inst, result.slots, fairness=fairness)
    if not verdict.valid:
        run.status = ScheduleRun.Status.UNKNOWN
        run.explanation = explanation + [
            diagnostics.entry("check_failed", problems=_entries(verdict.problems[:5], built))
        ]
        run.save()
        return run
    run.scheduled = verdict.scheduled
    run.breaks = verdict.breaks
    run.bound = result.bound
    run.gap = result.gap
    run.moved = result.moved if previous is not None else 0
    if placed < n:
        explanation += _entries(result.explanation, built)
    missing = set_aside + [r for r, s in zip(built.requests, result.slots, strict=True) if s is None]
    if missing:
        explanation.append(_not_scheduled(missing))
    explanation += [diagnostics.entry("must_not_placed", request=r.pk) for r in built.must if r in missing]
    run.explanation = explanation
    with transaction.atomic():
        run.save()
        _store(session=session, built=built, slots=result.slots, run=run, keep=keep)
    return run


def session_schedule(
    *, session: MatchmakingSession, user: User | None = None, time_limit: float = DEFAULT_TIME_LIMIT
) -> ScheduleRun:
    """Schedule every accepted request from scratch: as many as fit (by priority), then fewest breaks."""
    return _run(session=session, user=user, time_limit=time_limit, kind=Kind.SCHEDULE, previous_by_request=None)


def session_reschedule(
    *, session: MatchmakingSession, user: User | None = None, time_limit: float = DEFAULT_TIME_LIMIT
) -> ScheduleRun:
    """Repair the stored schedule after cancellations or late requests, moving as few meetings as possible."""
    previous = {m.request_id: (m.slot, m.table) for m in Meeting.objects.filter(session=session)}
    if not previous:
        return session_schedule(session=session, user=user, time_limit=time_limit)
    return _run(
        session=session,
        user=user,
        time_limit=time_limit,
        kind=Kind.RESCHEDULE,
        previous_by_request=previous,
    )
