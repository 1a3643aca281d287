"""Meeting requests from a CSV or XLSX sheet, all or nothing, names matched in any script."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.directory.models import Organisation
from innobridge.directory.resolution import resolve
from innobridge.meetings.models import MatchmakingSession, MeetingRequest
from innobridge.meetings.services import ACTIVE, Preference, Source, Status, pair_q, request_create


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
PREFERENCE_WORDS: dict[str, str] = {
    "": Preference.ANY,
    "any": Preference.ANY,
    "3": Preference.ANY,
    "任何": Preference.ANY,
    "不限": Preference.ANY,
    "morning": Preference.MORNING,
    "am": Preference.MORNING,
    "1": Preference.MORNING,
    "上午": Preference.MORNING,
    "afternoon": Preference.AFTERNOON,
    "pm": Preference.AFTERNOON,
    "2": Preference.AFTERNOON,
    "下午": Preference.AFTERNOON,
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
    *, session: MatchmakingSession, file_name: str, data: bytes, user: User | None, accepted: bool = False
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
    parsed: list[tuple[Organisation, Organisation, str, int]] = []
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
                if MeetingRequest.objects.filter(session=session, status__in=ACTIVE).filter(pair_q(a, b)).exists():
                    problems.append(_("this pair already has a request in the session"))
        if problems:
            errors.append(_("Row %(row)d: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
        elif a is not None and b is not None and preference is not None:  # always so without problems
            parsed.append((a, b, preference, priority))
    if not parsed and not errors:
        errors.append(_("The file has a header but no request rows."))
    if errors:
        raise ImportFailed(errors)
    report = ImportReport()
    status = Status.ACCEPTED if accepted else Status.PENDING
    with transaction.atomic():
        for a, b, preference, priority in parsed:
            report.created.append(
                request_create(
                    session=session,
                    requester=a,
                    requested=b,
                    preference=preference,
                    priority=priority,
                    source=Source.IMPORT,
                    status=status,
                    user=user,
                )
            )
    return report
