"""Why a schedule run did not place everything, worded in the reader's language when it is shown.

``innocore.schedule`` reports codes with arguments (``Diagnostic``), in the instance's numbering. A run
stores them as JSON with those numbers replaced by the rows they stand for (``stored``): organisation
ids for participants, meeting-request ids for meetings; the product adds codes of its own (``entry``).
``describe`` words the stored list at display time, so a Traditional Chinese reader and an English
reader of the same run each read it in their language, with the organisations' current names.

Runs stored before diagnostics had codes hold sentences; those are shown as they were written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innobridge.directory.models import Organisation
from innobridge.meetings.models import MeetingRequest
from innocore.schedule.diagnostics import Diagnostic

# innocore argument -> stored key, and what its number stands for
_PARTICIPANT_KEYS = {"participant": "organisation"}
_MEETING_KEYS = {"meeting": "request", "before": "before", "after": "after"}


def stored(d: Diagnostic, organisations: Sequence[Organisation], requests: Sequence[MeetingRequest]) -> dict[str, Any]:
    """``d`` as JSON, with participant numbers (1-based) and meeting indices (0-based) as row ids."""

    def org_id(p: int) -> int | None:
        return organisations[p - 1].pk if 1 <= p <= len(organisations) else None

    def request_id(i: int) -> int | None:
        return requests[i].pk if 0 <= i < len(requests) else None

    out: dict[str, Any] = {"code": d.code}
    for key, value in d.args.items():
        if key in _PARTICIPANT_KEYS:
            out[_PARTICIPANT_KEYS[key]] = org_id(value)
        elif key in _MEETING_KEYS:
            out[_MEETING_KEYS[key]] = request_id(value)
        elif key == "meetings":
            out["requests_fixed"] = [request_id(i) for i in value]
        else:
            out[key] = value
    return out


def entry(code: str, **args: Any) -> dict[str, Any]:
    """A finding of the product's own (see ``PRODUCT_CODES``)."""
    if code not in WORDING:
        raise ValueError(f"unknown schedule diagnostic {code!r}")
    return {"code": code, **args}


class _Names:
    """Organisations and requests named by a list of entries, fetched in two queries."""

    def __init__(self, entries: Iterable[dict[str, Any]]):
        org_ids: set[int] = set()
        request_ids: set[int] = set()
        for e in entries:
            _collect(e, org_ids, request_ids)
        self.orgs = Organisation.objects.in_bulk(org_ids) if org_ids else {}
        self.requests = (
            MeetingRequest.objects.select_related("requester", "requested").in_bulk(request_ids) if request_ids else {}
        )

    def org(self, pk: int | None) -> str:
        org = self.orgs.get(pk) if pk is not None else None
        return str(org) if org is not None else _("an organisation no longer listed")

    def pair(self, pk: int | None) -> tuple[str, str]:
        r = self.requests.get(pk) if pk is not None else None
        if r is None:
            return _("a request no longer listed"), ""
        return str(r.requester), str(r.requested)

    def short(self, pk: int | None) -> str:
        return " – ".join(part for part in self.pair(pk) if part)

    def request(self, pk: int | None) -> str:
        a, b = self.pair(pk)
        return _("the request %(a)s – %(b)s") % {"a": a, "b": b} if b else a


def _collect(e: dict[str, Any], org_ids: set[int], request_ids: set[int]) -> None:
    if e.get("organisation") is not None:
        org_ids.add(e["organisation"])
    for key in ("request", "before", "after"):
        if e.get(key) is not None:
            request_ids.add(e[key])
    for key in ("requests_fixed", "request_ids"):
        request_ids.update(pk for pk in e.get(key, ()) if pk is not None)
    for inner in e.get("problems", ()):
        if isinstance(inner, dict):
            _collect(inner, org_ids, request_ids)


def _slots(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in values)


Wording = Callable[[dict[str, Any], _Names], str]

WORDING: dict[str, Wording] = {
    # innocore.schedule.solver: why not every request fits
    "participant_overbooked": lambda e, n: (
        _("%(name)s has %(n)s accepted requests for %(slots)s available slots.")
        % {"name": n.org(e["organisation"]), "n": e["requests"], "slots": e["slots"]}
    ),
    "over_capacity": lambda e, n: (
        _("%(n)s accepted requests for %(tables)s tables × %(slots)s slots.")
        % {"n": e["requests"], "tables": e["tables"], "slots": e["slots"]}
    ),
    "meeting_no_slot": lambda e, n: (
        _("%(request)s has no slot left by its session preference, fixed slot and unavailable slots.")
        % {"request": n.request(e["request"])}
    ),
    "participant_fixed_twice": lambda e, n: (
        _("%(name)s has two meetings fixed to slot %(slot)s (%(a)s and %(b)s).")
        % {
            "name": n.org(e["organisation"]),
            "slot": e["slot"],
            "a": n.request(e["requests_fixed"][0]),
            "b": n.request(e["requests_fixed"][1]),
        }
    ),
    "fixed_over_tables": lambda e, n: (
        _("%(n)s meetings are fixed to slot %(slot)s but there are %(tables)s tables.")
        % {"n": e["count"], "slot": e["slot"], "tables": e["tables"]}
    ),
    "order_impossible": lambda e, n: (
        _("%(request)s cannot follow the requests it must follow (a cycle or too few slots).")
        % {"request": n.request(e["request"])}
    ),
    "hard_conflict": lambda e, n: _(
        "The fixed slots, orders, unavailable slots and fairness bound cannot all hold together."
    ),
    "unplaceable": lambda e, n: (
        _("%(n)s request(s) could not be placed without breaking a hard constraint.") % {"n": e["count"]}
    ),
    # innocore.schedule.check: what the independent checker found wrong (a solver fault)
    "wrong_length": lambda e, n: (
        _("The schedule has %(given)s places for %(expected)s requests.")
        % {"given": e["given"], "expected": e["expected"]}
    ),
    "slot_over_tables": lambda e, n: (
        _("Slot %(slot)s has %(n)s meetings for %(tables)s tables.")
        % {"slot": e["slot"], "n": e["count"], "tables": e["tables"]}
    ),
    "not_scheduled": lambda e, n: _("%(request)s is not scheduled.") % {"request": n.request(e["request"])},
    "slot_out_of_range": lambda e, n: (
        _("%(request)s is placed in slot %(slot)s, which does not exist.")
        % {"request": n.request(e["request"]), "slot": e["slot"]}
    ),
    "morning_only": lambda e, n: (
        _("%(request)s asks for the morning but is placed in slot %(slot)s.")
        % {"request": n.request(e["request"]), "slot": e["slot"]}
    ),
    "afternoon_only": lambda e, n: (
        _("%(request)s asks for the afternoon but is placed in slot %(slot)s.")
        % {"request": n.request(e["request"]), "slot": e["slot"]}
    ),
    "fixed_moved": lambda e, n: (
        _("%(request)s is fixed to slot %(fixed)s but placed in slot %(slot)s.")
        % {"request": n.request(e["request"]), "fixed": e["fixed"], "slot": e["slot"]}
    ),
    "participant_unavailable": lambda e, n: (
        _("%(request)s is placed in slot %(slot)s, when %(name)s is unavailable.")
        % {"request": n.request(e["request"]), "slot": e["slot"], "name": n.org(e["organisation"])}
    ),
    "order_broken": lambda e, n: (
        _("%(a)s must take place before %(b)s.") % {"a": n.request(e["before"]), "b": n.request(e["after"])}
    ),
    "participant_double_booked": lambda e, n: (
        ngettext(
            "%(name)s has two meetings in slot %(slots)s.",
            "%(name)s has two meetings in each of slots %(slots)s.",
            len(e["slots"]),
        )
        % {"name": n.org(e["organisation"]), "slots": _slots(e["slots"])}
    ),
    "unfair_breaks": lambda e, n: (
        _("Breaks differ by %(spread)s between participants, more than the fairness bound %(fairness)s.")
        % {"spread": e["spread"], "fairness": e["fairness"]}
    ),
    # the product's own
    "order_ignored": lambda e, n: (
        _("The order “%(a)s before %(b)s” is ignored: the earlier request cannot be scheduled.")
        % {"a": n.short(e["before"]), "b": n.short(e["after"])}
    ),
    "do_not_meet": lambda e, n: (
        _("Not scheduled: %(a)s and %(b)s, because one of them does not want to meet the other.")
        % dict(zip(("a", "b"), n.pair(e["request"]), strict=True))
    ),
    "not_scheduled_list": lambda e, n: (
        _("Not scheduled (%(n)d): %(pairs)s.")
        % {"n": len(e["request_ids"]), "pairs": "; ".join(n.short(pk) for pk in e["request_ids"])}
    ),
    "must_not_placed": lambda e, n: (
        _("%(a)s and %(b)s must meet but could not be placed (see the reasons above).")
        % dict(zip(("a", "b"), n.pair(e["request"]), strict=True))
    ),
    "no_requests": lambda e, n: _("No accepted request to schedule."),
    "no_schedule_in_time": lambda e, n: _("No schedule was found within %(s)s seconds.") % {"s": e["seconds"]},
    "solver_failed": lambda e, n: _("The solver failed: %(error)s") % {"error": e["error"]},
    "check_failed": lambda e, n: (
        _("The schedule found failed the independent check and was not stored: %(p)s")
        % {"p": " ".join(_word(p, n) for p in e["problems"])}
    ),
}


def _word(e: dict[str, Any] | str, names: _Names) -> str:
    if isinstance(e, str):
        return e  # stored before diagnostics had codes
    wording = WORDING.get(e.get("code", ""))
    if wording is None:
        return _("Unexplained finding “%(code)s”.") % {"code": e.get("code", "")}
    try:
        return wording(e, names)
    except (KeyError, IndexError, TypeError):  # an entry written by another version, missing an argument
        return _("Unexplained finding “%(code)s”.") % {"code": e.get("code", "")}


def describe(entries: Iterable[dict[str, Any] | str]) -> list[str]:
    """The stored findings of a run as sentences in the active language."""
    entries = list(entries or ())
    names = _Names(e for e in entries if isinstance(e, dict))
    return [_word(e, names) for e in entries]
