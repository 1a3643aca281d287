"""Writes for sessions, meeting requests, schedules and travel legs.

The scheduler itself is ``innocore.schedule`` (plain Python): this module turns accepted requests into an
``Instance``, solves it, checks the answer with the independent checker, and stores it atomically.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.audit import bulk as audited
from innobridge.directory.models import Organisation
from innobridge.directory.resolution import resolve
from innobridge.meetings.models import (
    MatchmakingSession,
    Meeting,
    MeetingPreference,
    MeetingRequest,
    ScheduleRun,
    SessionParticipant,
    TravelLeg,
)
from innobridge.meetings.permissions import TAKES_REQUESTS, can_answer, can_cancel, can_state_preference
from innocore.schedule import instance as sched
from innocore.schedule.check import check
from innocore.schedule.greedy import greedy
from innocore.schedule.preferences import apply_preferences
from innocore.schedule.solver import explain_overload, solve

ACTIVE = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)
PREFERENCE_TO_SESSION = {
    MeetingRequest.Preference.MORNING: sched.MORNING,
    MeetingRequest.Preference.AFTERNOON: sched.AFTERNOON,
    MeetingRequest.Preference.ANY: sched.ANY,
}
DEFAULT_TIME_LIMIT = 20.0


# Sessions and participants -------------------------------------------------------------------------


@transaction.atomic
def session_save(*, session: MatchmakingSession | None = None, user=None, **fields) -> MatchmakingSession:
    session = session or MatchmakingSession(created_by=user)
    for key, value in fields.items():
        setattr(session, key, value)
    session.fill_name_variants()
    session.ensure_slug()
    if session.morning_slots is not None and session.slots is not None and session.morning_slots > session.slots:
        raise ValidationError({"morning_slots": _("The morning cannot have more slots than the whole session.")})
    session.full_clean()
    session.save()
    session.refresh_search_key()
    MatchmakingSession.objects.filter(pk=session.pk).update(search_key=session.search_key)
    return session


def _check_slots(session: MatchmakingSession, slots: Iterable[int]) -> list[int]:
    out = sorted({int(s) for s in slots})
    bad = [s for s in out if not 1 <= s <= session.slots]
    if bad:
        raise ValidationError(
            _("Slots must be between 1 and %(n)d; got %(bad)s.") % {"n": session.slots, "bad": ", ".join(map(str, bad))}
        )
    return out


def participant_add(
    *, session: MatchmakingSession, organisation: Organisation, unavailable_slots: Iterable[int] | None = None
) -> SessionParticipant:
    participant, _created = SessionParticipant.objects.get_or_create(session=session, organisation=organisation)
    if unavailable_slots is not None:
        participant.unavailable_slots = _check_slots(session, unavailable_slots)
        participant.save(update_fields=["unavailable_slots"])
    return participant


def participant_remove(*, session: MatchmakingSession, organisation: Organisation) -> None:
    if MeetingRequest.objects.filter(session=session, status__in=ACTIVE).filter(
        Q(requester=organisation) | Q(requested=organisation)
    ):
        raise ValidationError(_("This organisation still has open or accepted requests in the session."))
    SessionParticipant.objects.filter(session=session, organisation=organisation).delete()


# Requests ------------------------------------------------------------------------------------------


def _pair_q(a: Organisation, b: Organisation) -> Q:
    return Q(requester=a, requested=b) | Q(requester=b, requested=a)


def request_create(
    *,
    session: MatchmakingSession,
    requester: Organisation,
    requested: Organisation,
    priority: int = 2,
    preference: str = MeetingRequest.Preference.ANY,
    source: str = MeetingRequest.Source.PARTICIPANT,
    offer=None,
    need=None,
    fixed_slot: int | None = None,
    after: Sequence[MeetingRequest] = (),
    note: str = "",
    status: str = MeetingRequest.Status.PENDING,
    user=None,
) -> MeetingRequest:
    """A request between two organisations; both become participants of the session.

    One open or accepted request per pair and session, whichever side asked first.
    """
    if requester.pk == requested.pk:
        raise ValidationError(_("An organisation cannot request a meeting with itself."))
    by_participant = source in (MeetingRequest.Source.PARTICIPANT, MeetingRequest.Source.SUGGESTION)
    if by_participant and session.status not in TAKES_REQUESTS:
        raise ValidationError(_("This session does not take requests now."))
    if fixed_slot is not None and not 1 <= fixed_slot <= session.slots:
        raise ValidationError(_("The fixed slot must be between 1 and %(n)d.") % {"n": session.slots})
    if by_participant:
        preference_check_request(session=session, requester=requester, requested=requested)
    requests_expire(session=session)
    with transaction.atomic():
        # Lock the session: with no request yet for the pair there is no row to lock, and two
        # parallel posts would both pass the check (the unique constraint is the last guard).
        MatchmakingSession.objects.select_for_update().filter(pk=session.pk).first()
        existing = (
            MeetingRequest.objects.filter(session=session, status__in=ACTIVE)
            .filter(_pair_q(requester, requested))
            .first()
        )
        if existing:
            raise ValidationError(
                _("%(a)s and %(b)s already have a request in this session (%(status)s).")
                % {"a": existing.requester, "b": existing.requested, "status": existing.get_status_display()}
            )
        if by_participant and status == MeetingRequest.Status.PENDING:
            for org in (requester, requested):
                _check_free_slots(session, org)
        request = MeetingRequest(
            session=session,
            requester=requester,
            requested=requested,
            priority=priority,
            preference=preference,
            source=source,
            offer=offer,
            need=need,
            fixed_slot=fixed_slot,
            note=(note or "").strip(),
            status=status,
            created_by=user,
        )
        if status == MeetingRequest.Status.ACCEPTED:
            request.answered_by, request.answered_at = user, timezone.now()
        request.full_clean(exclude=["slug"], validate_constraints=False)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as exc:
            raise ValidationError(_("These two organisations already have a request in this session.")) from exc
        if after:
            if any(a.session_id != session.pk for a in after):
                raise ValidationError(_("Orders can only name requests of the same session."))
            request.after.set(after)
        for org in (requester, requested):
            participant_add(session=session, organisation=org)
    return request


def _check_free_slots(session: MatchmakingSession, organisation: Organisation) -> None:
    """A participant asks for, or is asked for, at most as many meetings as it has free slots.

    Pending requests hold a slot too, until they are answered or expire.
    """
    participant = session.participants.filter(organisation=organisation).first()
    unavailable = len(set(participant.unavailable_slots)) if participant else 0
    free = session.slots - unavailable
    held = session.requests.filter(status__in=ACTIVE).filter(Q(requester=organisation) | Q(requested=organisation))
    if held.count() >= free:
        raise ValidationError(
            _(
                "%(org)s has no free slot left in this session: %(n)d requests are pending or accepted for "
                "%(free)d slots."
            )
            % {"org": organisation, "n": held.count(), "free": free}
        )


def requests_expire(*, session: MatchmakingSession | None = None, now=None) -> int:
    """Pending requests older than their session's expiry lapse as *expired*, freeing both sides' slots.

    Sessions without an expiry keep their requests pending. Returns how many expired.
    """
    now = now or timezone.now()
    sessions = MatchmakingSession.objects.exclude(request_expiry_hours__isnull=True)
    if session is not None:
        sessions = sessions.filter(pk=session.pk)
    expired = 0
    for s in sessions.only("pk", "request_expiry_hours"):
        stale = MeetingRequest.objects.filter(
            session=s,
            status=MeetingRequest.Status.PENDING,
            created__lt=now - timedelta(hours=s.request_expiry_hours),
        )
        expired += audited.update(stale, status=MeetingRequest.Status.EXPIRED)
    return expired


def request_answer(*, request: MeetingRequest, accept: bool, user, answer: str = "") -> MeetingRequest:
    """The requested side (its members, or staff) accepts or declines; only a pending request can be answered."""
    if not can_answer(user, request):
        raise PermissionDenied(_("Only the requested organisation or staff can answer this request."))
    requests_expire(session=request.session)
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MeetingRequest.Status.PENDING:
            raise ValidationError(_("This request has already been answered."))
        request.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
        request.answer = (answer or "").strip()
        request.answered_by = user
        request.answered_at = timezone.now()
        request.save()
    return request


def request_cancel(*, request: MeetingRequest, user) -> MeetingRequest:
    """Either side or staff cancels; a scheduled meeting is freed (reschedule to close the gap)."""
    if not can_cancel(user, request):
        raise PermissionDenied(_("Only the two organisations or staff can cancel this request."))
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in ACTIVE:
            raise ValidationError(_("Only a pending or accepted request can be cancelled."))
        request.status = MeetingRequest.Status.CANCELLED
        request.save()
        Meeting.objects.filter(request=request).delete()
    return request


# Preferences ---------------------------------------------------------------------------------------


def preference_set(
    *, session: MatchmakingSession, organisation: Organisation, other: Organisation, kind: str, user=None
) -> MeetingPreference | None:
    """Record ``organisation``'s wish about meeting ``other`` in ``session``; an empty ``kind`` removes it.

    Both must be participants; members state their own organisation's wishes, staff anyone's. A
    refused wish changes nothing.
    """
    if user is not None and not can_state_preference(user, session, organisation):
        raise PermissionDenied(_("Only members of the organisation, or staff, state its meeting preferences."))
    if organisation.pk == other.pk:
        raise ValidationError(_("An organisation cannot state a preference about itself."))
    if kind and kind not in MeetingPreference.Kind.values:
        raise ValidationError(_("Unknown preference “%(value)s”.") % {"value": kind})
    registered = set(
        session.participants.filter(organisation__in=[organisation, other]).values_list("organisation_id", flat=True)
    )
    if registered != {organisation.pk, other.pk}:
        raise ValidationError(_("Both organisations must take part in the session."))
    with transaction.atomic():
        if not kind:
            MeetingPreference.objects.filter(session=session, organisation=organisation, other=other).delete()
            return None
        preference, _created = MeetingPreference.objects.update_or_create(
            session=session, organisation=organisation, other=other, defaults={"kind": kind, "created_by": user}
        )
    return preference


def preference_check_request(*, session: MatchmakingSession, requester: Organisation, requested: Organisation) -> None:
    """A participant cannot ask to meet an organisation that does not want to meet it (nor one it refused)."""
    refused = session.preferences.filter(kind=MeetingPreference.Kind.DO_NOT).filter(
        Q(organisation=requester, other=requested) | Q(organisation=requested, other=requester)
    )
    if refused.exists():
        raise ValidationError(
            _("%(a)s and %(b)s will not be scheduled together: one of them does not want to meet the other.")
            % {"a": requester, "b": requested}
        )


# Import --------------------------------------------------------------------------------------------


class ImportFailed(ValidationError):
    """Nothing was imported; ``errors`` lists the problems, one per row."""

    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.errors = errors


HEADERS = {
    "requester": {"requester", "from", "申請方", "申请方", "requesting organisation"},
    "requested": {"requested", "to", "被邀請方", "被邀请方", "requested organisation", "with"},
    "preference": {"session preference", "preference", "session", "時段", "时段"},
    "priority": {"priority", "優先級", "优先级"},
}
PREFERENCE_WORDS = {
    "": MeetingRequest.Preference.ANY,
    "any": MeetingRequest.Preference.ANY,
    "3": MeetingRequest.Preference.ANY,
    "任何": MeetingRequest.Preference.ANY,
    "不限": MeetingRequest.Preference.ANY,
    "morning": MeetingRequest.Preference.MORNING,
    "am": MeetingRequest.Preference.MORNING,
    "1": MeetingRequest.Preference.MORNING,
    "上午": MeetingRequest.Preference.MORNING,
    "afternoon": MeetingRequest.Preference.AFTERNOON,
    "pm": MeetingRequest.Preference.AFTERNOON,
    "2": MeetingRequest.Preference.AFTERNOON,
    "下午": MeetingRequest.Preference.AFTERNOON,
}


def _rows_from(file_name: str, data: bytes) -> list[list[str]]:
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types for a broken file
            raise ImportFailed([_("The file is not a readable XLSX workbook.")]) from exc
        sheet = book.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if file_name.lower().endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFailed([_("The CSV file is neither UTF-8 nor GB18030 text.")])
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    raise ImportFailed([_("Upload a .csv or .xlsx file.")])


def _header_map(header: list[str]) -> dict[str, int]:
    found = {}
    for i, cell in enumerate(header):
        key = cell.strip().lower()
        for name, words in HEADERS.items():
            if key in words and name not in found:
                found[name] = i
    return found


def _resolve_organisation(name: str, cache: dict) -> tuple[Organisation | None, str]:
    """Exact, alias or Traditional/Simplified variant match through the directory's resolver; never fuzzy."""

    if name not in cache:
        kind, candidates = resolve(Organisation, name)
        if kind in ("exact", "alias", "variant") and candidates:
            cache[name] = (Organisation.objects.get(slug=candidates[0]["slug"]), "")
        elif kind == "fuzzy":
            cache[name] = (
                None,
                _("did you mean %(names)s?") % {"names": " / ".join(c["name"] for c in candidates[:3])},
            )
        else:
            cache[name] = (None, "")
    return cache[name]


@dataclass
class ImportReport:
    created: list[MeetingRequest] = field(default_factory=list)


def requests_import(
    *, session: MatchmakingSession, file_name: str, data: bytes, user, accepted: bool = False
) -> ImportReport:
    """Requests from a CSV or XLSX sheet (requester, requested, session preference, priority).

    All or nothing: any bad row and nothing is stored; every problem is reported with its row number.
    Names are matched in any script, through aliases and short forms.
    """
    rows = [r for r in _rows_from(file_name, data) if any(c for c in r)]
    if not rows:
        raise ImportFailed([_("The file is empty.")])
    columns = _header_map(rows[0])
    missing = [name for name in ("requester", "requested") if name not in columns]
    if missing:
        raise ImportFailed(
            [
                _("Row 1: the header needs the columns requester and requested (missing: %(m)s).")
                % {"m": ", ".join(missing)}
            ]
        )
    errors: list[str] = []
    parsed = []
    cache: dict = {}
    seen: dict[frozenset, int] = {}

    def cell(row: list[str], name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        problems = []
        orgs = {}
        for name in ("requester", "requested"):
            text = cell(row, name)
            if not text:
                problems.append(_("%(column)s is empty") % {"column": name})
                continue
            org, hint = _resolve_organisation(text, cache)
            if org is None:
                problem = _("no organisation called “%(name)s”") % {"name": text}
                problems.append(f"{problem} ({hint})" if hint else problem)
            orgs[name] = org
        pref_text = cell(row, "preference").lower()
        preference = PREFERENCE_WORDS.get(pref_text)
        if preference is None:
            problems.append(
                _("session preference “%(value)s” is not morning, afternoon or any")
                % {"value": cell(row, "preference")}
            )
        priority_text = cell(row, "priority") or "2"
        try:
            priority = int(float(priority_text))
        except ValueError:
            priority = 0
        if priority not in (1, 2, 3):
            problems.append(_("priority “%(value)s” is not 1, 2 or 3") % {"value": priority_text})
        a, b = orgs.get("requester"), orgs.get("requested")
        if a and b:
            if a.pk == b.pk:
                problems.append(_("an organisation cannot meet itself"))
            else:
                pair = frozenset((a.pk, b.pk))
                if pair in seen:
                    problems.append(_("the same pair as row %(row)d") % {"row": seen[pair]})
                seen.setdefault(pair, number)
                if MeetingRequest.objects.filter(session=session, status__in=ACTIVE).filter(_pair_q(a, b)).exists():
                    problems.append(_("this pair already has a request in the session"))
        if problems:
            errors.append(_("Row %(row)d: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
        else:
            parsed.append((a, b, preference, priority))
    if not parsed and not errors:
        errors.append(_("The file has a header but no request rows."))
    if errors:
        raise ImportFailed(errors)
    report = ImportReport()
    status = MeetingRequest.Status.ACCEPTED if accepted else MeetingRequest.Status.PENDING
    with transaction.atomic():
        for a, b, preference, priority in parsed:
            report.created.append(
                request_create(
                    session=session,
                    requester=a,
                    requested=b,
                    preference=preference,
                    priority=priority,
                    source=MeetingRequest.Source.IMPORT,
                    status=status,
                    user=user,
                )
            )
    return report


# Scheduling ----------------------------------------------------------------------------------------


@dataclass
class Built:
    """An innocore instance and the rows it came from (participant numbers are 1-based)."""

    instance: sched.Instance
    requests: list[MeetingRequest]
    organisations: list[Organisation]
    dropped_orders: list[str] = field(default_factory=list)
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
                dropped.append(
                    _("The order “%(a)s before %(b)s” is ignored: the earlier request cannot be scheduled.")
                    % {"a": earlier, "b": r}
                )
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


def _named(lines: Iterable[str], built: Built) -> list[str]:
    """The solver's explanation in the reader's language, with organisations and requests named.

    Known sentences of ``innocore.schedule`` are translated; any other line keeps its words, with
    participant and meeting numbers replaced by names.
    """

    def org(n: str) -> str:
        i = int(n)
        return str(built.organisations[i - 1]) if 1 <= i <= len(built.organisations) else n

    def req(n: str) -> str:
        i = int(n) - 1
        if 0 <= i < len(built.requests):
            r = built.requests[i]
            return _("the request %(a)s – %(b)s") % {"a": r.requester, "b": r.requested}
        return n

    patterns = [
        (
            r"participant (\d+) has (\d+) requests for (\d+) available slots",
            lambda m: (
                _("%(name)s has %(n)s accepted requests for %(slots)s available slots.")
                % {"name": org(m[1]), "n": m[2], "slots": m[3]}
            ),
        ),
        (
            r"(\d+) requests for (\d+) tables x (\d+) slots",
            lambda m: (
                _("%(n)s accepted requests for %(tables)s tables × %(slots)s slots.")
                % {"n": m[1], "tables": m[2], "slots": m[3]}
            ),
        ),
        (
            r"meeting (\d+) \(\d+-\d+\) has no slot allowed by its session, fixed slot and forbidden slots",
            lambda m: (
                _("%(request)s has no slot left by its session preference, fixed slot and unavailable slots.")
                % {"request": req(m[1])}
            ),
        ),
        (
            r"participant (\d+) has two meetings fixed to slot (\d+) \(meeting (\d+) and meeting (\d+)\)",
            lambda m: (
                _("%(name)s has two meetings fixed to slot %(slot)s (%(a)s and %(b)s).")
                % {"name": org(m[1]), "slot": m[2], "a": req(m[3]), "b": req(m[4])}
            ),
        ),
        (
            r"(\d+) meetings are fixed to slot (\d+) but there are (\d+) tables",
            lambda m: (
                _("%(n)s meetings are fixed to slot %(slot)s but there are %(tables)s tables.")
                % {"n": m[1], "slot": m[2], "tables": m[3]}
            ),
        ),
        (
            r"meeting (\d+) \(\d+-\d+\) cannot be placed after the meetings it must follow.*",
            lambda m: (
                _("%(request)s cannot follow the requests it must follow (a cycle or too few slots).")
                % {"request": req(m[1])}
            ),
        ),
        (
            r"the fixed meetings, precedences, forbidden slots and fairness bound cannot all hold together",
            lambda m: _("The fixed slots, orders, unavailable slots and fairness bound cannot all hold together."),
        ),
        (
            r"(\d+) request\(s\) could not be placed without breaking a hard constraint",
            lambda m: _("%(n)s request(s) could not be placed without breaking a hard constraint.") % {"n": m[1]},
        ),
    ]
    out = []
    for line in lines:
        for pattern, render in patterns:
            match = re.fullmatch(pattern, line.strip())
            if match:
                out.append(render(match))
                break
        else:
            line = re.sub(r"\bmeeting (\d+) \(\d+-\d+\)", lambda m: req(m[1]), line)
            line = re.sub(r"\bmeeting (\d+)\b", lambda m: req(m[1]), line)
            out.append(re.sub(r"\bparticipants? (\d+)\b", lambda m: org(m[1]), line))
    return out


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


def _store(
    *,
    session: MatchmakingSession,
    built: Built,
    slots: list[int | None],
    run: ScheduleRun,
    keep: dict[int, tuple[int, int]],
) -> None:
    tables = _assign_tables(slots, session.tables, keep)
    # A recorded outcome belongs to the pair that met, not to the slot: a new schedule keeps it.
    outcomes = {
        m.request_id: (m.outcome, m.outcome_note) for m in Meeting.objects.filter(session=session).exclude(outcome="")
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
                outcome=outcomes.get(r.pk, ("", ""))[0],
                outcome_note=outcomes.get(r.pk, ("", ""))[1],
            )
            for r, s, t in zip(built.requests, slots, tables, strict=True)
            if s is not None
        ),
    )
    if session.status in (MatchmakingSession.Status.DRAFT, MatchmakingSession.Status.OPEN):
        session.status = MatchmakingSession.Status.SCHEDULED
        session.save(update_fields=["status", "last_updated"])


def _not_scheduled(requests: list[MeetingRequest]) -> str:
    return _("Not scheduled (%(n)d): %(pairs)s.") % {
        "n": len(requests),
        "pairs": "; ".join(f"{r.requester} – {r.requested}" for r in requests),
    }


def _run(
    *, session: MatchmakingSession, user, time_limit: float, kind: str, previous_by_request: dict | None
) -> ScheduleRun:
    built = build_instance(session)
    total = len(built.requests) + len(built.excluded)
    explanation: list[str] = []
    set_aside: list[MeetingRequest] = []
    conflicts = _fixed_conflicts(built)
    if conflicts:
        explanation += _named(explain_overload(built.instance), built)
        set_aside = [built.requests[i] for i in conflicts]
        built = build_instance(session, exclude=frozenset(r.pk for r in set_aside))
    inst = built.instance
    n = len(inst.meetings)
    fairness = session.fairness
    run = ScheduleRun(session=session, kind=kind, requests=total, time_limit=time_limit, created_by=user)
    explanation += built.dropped_orders
    explanation += [
        _("Not scheduled: %(a)s and %(b)s, because one of them does not want to meet the other.")
        % {"a": r.requester, "b": r.requested}
        for r in built.excluded
    ]
    keep = {}
    if n == 0:
        run.status, run.scheduled, run.breaks, run.bound, run.gap = ScheduleRun.Status.OPTIMAL, 0, 0, 0.0, 0.0
        run.explanation = explanation + ([_not_scheduled(set_aside)] if set_aside else [])
        if not total:
            run.explanation.append(_("No accepted request to schedule."))
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
        run.explanation = explanation + [_("The solver failed: %(error)s") % {"error": exc}]
        run.save()
        return run
    run.seconds = round(result.seconds, 3)
    run.status = result.status if result.status in ScheduleRun.Status.values else ScheduleRun.Status.UNKNOWN
    placed = sum(1 for s in result.slots if s is not None)
    if placed == 0 and n:
        explanation += _named(result.explanation, built) or [
            _("No schedule was found within %(s)s seconds.") % {"s": time_limit}
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
            _("The schedule found failed the independent check and was not stored: %(p)s")
            % {"p": "; ".join(_named(verdict.problems[:5], built))}
        ]
        run.save()
        return run
    run.scheduled = verdict.scheduled
    run.breaks = verdict.breaks
    run.bound = result.bound
    run.gap = result.gap
    run.moved = result.moved if previous is not None else 0
    if placed < n:
        explanation += _named(result.explanation, built)
    missing = set_aside + [r for r, s in zip(built.requests, result.slots, strict=True) if s is None]
    if missing:
        explanation.append(_not_scheduled(missing))
    explanation += [
        _("%(a)s and %(b)s must meet but could not be placed (see the reasons above).")
        % {"a": r.requester, "b": r.requested}
        for r in built.must
        if r in missing
    ]
    run.explanation = explanation
    with transaction.atomic():
        run.save()
        _store(session=session, built=built, slots=result.slots, run=run, keep=keep)
    return run


def session_schedule(*, session: MatchmakingSession, user=None, time_limit: float = DEFAULT_TIME_LIMIT) -> ScheduleRun:
    """Schedule every accepted request from scratch: as many as fit (by priority), then fewest breaks."""
    return _run(
        session=session, user=user, time_limit=time_limit, kind=ScheduleRun.Kind.SCHEDULE, previous_by_request=None
    )


def session_reschedule(
    *, session: MatchmakingSession, user=None, time_limit: float = DEFAULT_TIME_LIMIT
) -> ScheduleRun:
    """Repair the stored schedule after cancellations or late requests, moving as few meetings as possible."""
    previous = {m.request_id: (m.slot, m.table) for m in Meeting.objects.filter(session=session)}
    if not previous:
        return session_schedule(session=session, user=user, time_limit=time_limit)
    return _run(
        session=session,
        user=user,
        time_limit=time_limit,
        kind=ScheduleRun.Kind.RESCHEDULE,
        previous_by_request=previous,
    )


def session_publish(*, session: MatchmakingSession, publish: bool = True) -> MatchmakingSession:
    if publish and not session.meetings.exists():
        raise ValidationError(_("Schedule the session before publishing it."))
    session.status = MatchmakingSession.Status.PUBLISHED if publish else MatchmakingSession.Status.SCHEDULED
    session.save(update_fields=["status", "last_updated"])
    return session


def meeting_record_outcome(*, meeting: Meeting, outcome: str, note: str = "", user=None) -> Meeting:
    """What came of a meeting that took place: the funnel's *follow-up* stage counts ``follow_up``.

    Either side of the meeting or staff may record it; an unknown outcome is refused and changes nothing.
    """
    if user is not None and not can_cancel(user, meeting.request):
        raise PermissionDenied(_("Only the two organisations that met, or staff, record a meeting's outcome."))
    if outcome not in Meeting.Outcome.values:
        raise ValidationError(_("Unknown meeting outcome “%(value)s”.") % {"value": outcome})
    meeting.outcome = outcome
    meeting.outcome_note = note.strip()
    meeting.full_clean()
    meeting.save(update_fields=["outcome", "outcome_note"])
    return meeting


# Travel legs ---------------------------------------------------------------------------------------


def travel_leg_save(*, leg: TravelLeg | None = None, **fields) -> TravelLeg:
    leg = leg or TravelLeg()
    for key, value in fields.items():
        setattr(leg, key, value)
    if leg.from_place_id and leg.from_place_id == leg.to_place_id:
        raise ValidationError(_("A travel leg goes between two different places."))
    leg.full_clean()
    leg.save()
    return leg


def travel_leg_delete(*, leg: TravelLeg) -> None:
    leg.delete()
