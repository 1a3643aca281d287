"""What the scheduler and the checker report, as codes with arguments, never as sentences.

Each interface words them in its reader's language (the product in ``innobridge.meetings.diagnostics``,
the command line and benchmarks with ``str()``, which gives the English below). A new code needs a
wording here and one there; ``innobridge``'s tests fail on a code it cannot word.

Arguments use the instance's own numbering: ``participant`` is the participant number of
``Instance`` (1-based, as in ``Meeting.a`` / ``Meeting.b``), ``meeting`` (and ``before`` / ``after``,
``meetings``) index ``Instance.meetings`` (0-based). Slots are 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# code -> English wording; meeting indices are shown 1-based, like the published instances.
ENGLISH: dict[str, str] = {
    # Why not every request fits (solver.explain_overload, solver results).
    "participant_overbooked": "participant {participant} has {requests} requests for {slots} available slots",
    "over_capacity": "{requests} requests for {tables} tables x {slots} slots",
    "meeting_no_slot": "meeting {meeting_no} has no slot allowed by its session, fixed slot and forbidden slots",
    "participant_fixed_twice": "participant {participant} has two meetings fixed to slot {slot} "
    "(meetings {meetings_no})",
    "fixed_over_tables": "{count} meetings are fixed to slot {slot} but there are {tables} tables",
    "order_impossible": "meeting {meeting_no} cannot be placed after the meetings it must follow and before "
    "those that must follow it (a cycle or too few slots)",
    "hard_conflict": "the fixed meetings, precedences, forbidden slots and fairness bound cannot all hold together",
    "unplaceable": "{count} request(s) could not be placed without breaking a hard constraint",
    # What the independent checker finds wrong with a schedule (check.check).
    "wrong_length": "{given} slots for {expected} meetings",
    "slot_over_tables": "slot {slot}: {count} meetings for {tables} tables",
    "not_scheduled": "meeting {meeting_no} is not scheduled",
    "slot_out_of_range": "meeting {meeting_no}: slot {slot} out of range",
    "morning_only": "meeting {meeting_no}: morning only, placed in slot {slot}",
    "afternoon_only": "meeting {meeting_no}: afternoon only, placed in slot {slot}",
    "fixed_moved": "meeting {meeting_no}: fixed to slot {fixed}, placed in {slot}",
    "participant_unavailable": "meeting {meeting_no}: participant {participant} cannot meet in slot {slot}",
    "order_broken": "meeting {before_no} must take place before meeting {after_no}",
    "participant_double_booked": "participant {participant} has two meetings in slot(s) {slots}",
    "unfair_breaks": "breaks differ by {spread} > {fairness} between participants",
}


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a code from ``ENGLISH`` and its arguments (ints, or lists of ints)."""

    code: str
    args: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in ENGLISH:
            raise ValueError(f"unknown diagnostic code {self.code!r}")

    def __str__(self) -> str:
        shown: dict[str, Any] = dict(self.args)
        for key, value in self.args.items():
            if key in ("meeting", "before", "after"):
                shown[f"{key}_no"] = value + 1
            elif key == "meetings":
                shown["meetings_no"] = " and ".join(str(i + 1) for i in value)
        return ENGLISH[self.code].format(**shown)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"code": ..., **args}``."""
        return {"code": self.code, **self.args}


def diag(code: str, **args: Any) -> Diagnostic:
    return Diagnostic(code, args)
