"""Schedules as files: an ICS calendar per participant, a personal calendar feed, and an XLSX workbook
(grid and agendas)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from innobridge.directory.models import Organisation
from innobridge.meetings.models import MatchmakingSession
from innobridge.meetings.selectors import Agenda, agenda, agenda_for, grid, slot_times
from innobridge.programmes.models import Event as ProgrammeEvent

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading = + - @ would otherwise start a formula."""
    text = str(text or "")
    return "'" + text if text.startswith(FORMULA_START) else text


def _pair_name(meeting) -> str:
    r = meeting.request
    return f"{r.requester} – {r.requested}"


def _calendar(name: str, time_zone: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//InnoBridge//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if time_zone:
        cal.add("x-wr-timezone", time_zone)
    return cal


def _add_meetings(
    cal: Calendar, session: MatchmakingSession, organisation: Organisation, domain: str, reader=None
) -> None:
    """One VEVENT per scheduled meeting of ``organisation``, in the session's own time zone; a ``reader``
    who is not staff gets the published version while staff work on changes."""
    stamp = datetime.now(UTC).replace(microsecond=0)
    place = ", ".join(p for p in (session.venue, str(session.place)) if p)
    items = (agenda_for(session, organisation, reader) if reader is not None else agenda(session, organisation)).items
    for item in items:
        if not item.meeting:
            continue
        event = Event()
        event.add("uid", f"{item.meeting.request.slug}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.slot.start)
        event.add("dtend", item.slot.end)
        event.add("summary", _("Meeting with %(name)s") % {"name": item.other})
        event.add("location", " · ".join(p for p in (place, _("table %(n)d") % {"n": item.table}) if p))
        event.add(
            "description",
            _("%(session)s, slot %(slot)d, table %(table)d")
            % {"session": session, "slot": item.slot.number, "table": item.table},
        )
        cal.add_component(event)


def ics_for(
    session: MatchmakingSession, organisation: Organisation, *, domain: str = "innobridge", reader=None
) -> bytes:
    """One VEVENT per scheduled meeting of ``organisation``, in the session's own time zone."""
    cal = _calendar(f"{session} – {organisation}", session.time_zone)
    _add_meetings(cal, session, organisation, domain, reader)
    cal.add_missing_timezones()
    return cal.to_ical()


def _add_whole_day(cal: Calendar, e: ProgrammeEvent, stamp: datetime, domain: str) -> None:
    """A programme event: it has a date, no time, so it takes the whole day."""
    event = Event()
    event.add("uid", f"event-{e.slug}@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", e.date)
    event.add("dtend", e.date + timedelta(days=1))
    event.add("summary", str(e))
    if e.place_id:
        event.add("location", str(e.place))
    cal.add_component(event)


def personal_calendar(
    organisation: Organisation | None,
    sessions: Iterable[MatchmakingSession],
    events: Iterable[ProgrammeEvent],
    *,
    domain: str = "innobridge",
    reader=None,
) -> bytes:
    """A user's calendar feed: their organisation's meetings in published sessions, and the dated events
    of the delegations and programmes it takes part in (whole days)."""
    cal = _calendar(_("InnoBridge: %(name)s") % {"name": organisation} if organisation else _("InnoBridge"))
    if organisation is not None:
        for session in sessions:
            _add_meetings(cal, session, organisation, domain, reader)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for e in events:
        _add_whole_day(cal, e, stamp, domain)
    cal.add_missing_timezones()
    return cal.to_ical()


def itinerary_calendar(plan, organisation: Organisation | None, *, domain: str = "innobridge") -> bytes:
    """A delegation's whole itinerary as one calendar: events (whole days), travel legs and matchmaking
    sessions (timed), and ``organisation``'s own meetings in the published sessions."""
    delegation = plan.delegation
    cal = _calendar(str(delegation))
    stamp = datetime.now(UTC).replace(microsecond=0)
    for day in plan.days:
        for e in day.events:
            _add_whole_day(cal, e, stamp, domain)
        for leg in day.legs:
            event = Event()
            event.add("uid", f"{leg.reference}@{domain}")
            event.add("dtstamp", stamp)
            event.add("dtstart", leg.depart)
            event.add("dtend", leg.depart + timedelta(minutes=leg.minutes))
            event.add(
                "summary",
                _("%(origin)s → %(destination)s (%(mode)s)")
                % {"origin": leg.from_place, "destination": leg.to_place, "mode": leg.get_mode_display()},
            )
            if leg.note:
                event.add("description", leg.note)
            cal.add_component(event)
        for session in day.sessions:
            slots = slot_times(session)
            if slots:
                event = Event()
                event.add("uid", f"session-{session.slug}@{domain}")
                event.add("dtstamp", stamp)
                event.add("dtstart", slots[0].start)
                event.add("dtend", slots[-1].end)
                event.add("summary", str(session))
                event.add("location", ", ".join(p for p in (session.venue, str(session.place)) if p))
                cal.add_component(event)
            if organisation is not None and session.status == MatchmakingSession.Status.PUBLISHED:
                _add_meetings(cal, session, organisation, domain)
    cal.add_missing_timezones()
    return cal.to_ical()


def _bold_row(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def _agenda_rows(ag: Agenda) -> list[list[str]]:
    rows = []
    for item in ag.items:
        if item.meeting:
            rows.append(
                [
                    item.slot.number,
                    item.slot.start.strftime("%H:%M"),
                    item.slot.end.strftime("%H:%M"),
                    item.table,
                    safe_cell(str(item.other)),
                ]
            )
    return rows


def xlsx_for(
    session: MatchmakingSession, organisations: list[Organisation] | None, *, grid_sheet: bool, reader=None
) -> bytes:
    """The table grid (staff) and one agenda sheet per organisation given; a ``reader`` who is not staff
    gets the published version (``selectors.reader_placements``)."""
    book = Workbook()
    sheet = book.active
    if grid_sheet:
        sheet.title = _("Grid")[:31]
        tables, rows = grid(session)
        sheet.append([safe_cell(str(session)), session.date.isoformat(), safe_cell(str(session.place))])
        sheet.append([_("Slot"), _("Start"), _("End")] + [_("Table %(n)d") % {"n": t} for t in tables])
        _bold_row(sheet, 2)
        for row in rows:
            sheet.append(
                [row.slot.number, row.slot.start.strftime("%H:%M"), row.slot.end.strftime("%H:%M")]
                + [safe_cell(_pair_name(m)) if m else "" for m in row.cells]
            )
        for i in range(4, len(tables) + 4):
            sheet.column_dimensions[get_column_letter(i)].width = 34
        for line in sheet.iter_rows(min_row=3):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "D3"
        first = False
    else:
        first = True
    used_titles: set[str] = set()
    for org in organisations or []:
        ag = agenda_for(session, org, reader) if reader is not None else agenda(session, org)
        base = "".join(c for c in str(org) if c not in "[]:*?/\\")[:28] or org.slug[:28]
        title, n = base, 2
        while title in used_titles:
            title, n = f"{base[:26]}~{n}", n + 1
        used_titles.add(title)
        if first:
            ws, first = sheet, False
            ws.title = title
        else:
            ws = book.create_sheet(title)
        ws.append([safe_cell(str(org)), safe_cell(str(session)), session.date.isoformat()])
        ws.append([_("Slot"), _("Start"), _("End"), _("Table"), _("Meeting with")])
        _bold_row(ws, 2)
        for r in _agenda_rows(ag):
            ws.append(r)
        ws.column_dimensions["E"].width = 48
    if first:  # no grid and no organisation: an empty but valid workbook
        sheet.title = _("Agenda")[:31]
        sheet.append([_("Slot"), _("Start"), _("End"), _("Table"), _("Meeting with")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def slot_labels(session: MatchmakingSession) -> list[str]:
    return [f"{st.start:%H:%M}–{st.end:%H:%M}" for st in slot_times(session)]
