"""An independent checker: validates a schedule against its instance and recounts the breaks.

Deliberately written without the solver's model so that it can catch the model's mistakes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from innocore.schedule.diagnostics import Diagnostic, diag
from innocore.schedule.instance import AFTERNOON, MORNING, Instance


@dataclass
class CheckResult:
    valid: bool
    scheduled: int
    breaks: int
    breaks_by_participant: dict[int, int] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


def count_breaks(slots: list[int]) -> int:
    """Idle runs between two consecutive meetings of one participant."""
    used = sorted(set(slots))
    return sum(1 for x, y in zip(used, used[1:], strict=False) if y > x + 1)


def check(
    inst: Instance, slots: Sequence[int | None], *, fairness: int | None = None, require_all: bool = False
) -> CheckResult:
    problems: list[Diagnostic] = []
    if len(slots) != len(inst.meetings):
        return CheckResult(False, 0, 0, problems=[diag("wrong_length", given=len(slots), expected=len(inst.meetings))])
    per_slot = Counter(s for s in slots if s is not None)
    for slot, n in per_slot.items():
        if n > inst.tables:
            problems.append(diag("slot_over_tables", slot=slot, count=n, tables=inst.tables))
    busy: dict[int, list[int]] = {p: [] for p in range(1, inst.participants + 1)}
    for i, (m, s) in enumerate(zip(inst.meetings, slots, strict=True)):
        if s is None:
            if require_all or m.fixed or m.must:
                problems.append(diag("not_scheduled", meeting=i))
            continue
        if not 1 <= s <= inst.slots:
            problems.append(diag("slot_out_of_range", meeting=i, slot=s))
        if m.session == MORNING and s > inst.morning_slots:
            problems.append(diag("morning_only", meeting=i, slot=s))
        if m.session == AFTERNOON and s <= inst.morning_slots:
            problems.append(diag("afternoon_only", meeting=i, slot=s))
        if m.fixed and s != m.fixed:
            problems.append(diag("fixed_moved", meeting=i, fixed=m.fixed, slot=s))
        for p in (m.a, m.b):
            if s in inst.forbidden.get(p, ()):
                problems.append(diag("participant_unavailable", meeting=i, participant=p, slot=s))
            busy[p].append(s)
        for j in m.after:
            before = slots[j]
            if before is None or before >= s:
                problems.append(diag("order_broken", before=j, after=i))
    for p, used in busy.items():
        dup = [s for s, n in Counter(used).items() if n > 1]
        if dup:
            problems.append(diag("participant_double_booked", participant=p, slots=sorted(dup)))
    breaks = {p: count_breaks(used) for p, used in busy.items() if used}
    if fairness is not None and breaks and max(breaks.values()) - min(breaks.values()) > fairness:
        problems.append(diag("unfair_breaks", spread=max(breaks.values()) - min(breaks.values()), fairness=fairness))
    return CheckResult(not problems, sum(1 for s in slots if s is not None), sum(breaks.values()), breaks, problems)
