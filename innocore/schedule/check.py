"""An independent checker: validates a schedule against its instance and recounts the breaks.

Deliberately written without the solver's model so that it can catch the model's mistakes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from innocore.schedule.instance import AFTERNOON, MORNING, Instance


@dataclass
class CheckResult:
    valid: bool
    scheduled: int
    breaks: int
    breaks_by_participant: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def count_breaks(slots: list[int]) -> int:
    """Idle runs between two consecutive meetings of one participant."""
    used = sorted(set(slots))
    return sum(1 for x, y in zip(used, used[1:], strict=False) if y > x + 1)


def check(
    inst: Instance, slots: list[int | None], *, fairness: int | None = None, require_all: bool = False
) -> CheckResult:
    problems: list[str] = []
    if len(slots) != len(inst.meetings):
        return CheckResult(False, 0, 0, problems=[f"{len(slots)} slots for {len(inst.meetings)} meetings"])
    per_slot = Counter(s for s in slots if s is not None)
    for s, n in per_slot.items():
        if n > inst.tables:
            problems.append(f"slot {s}: {n} meetings for {inst.tables} tables")
    busy: dict[int, list[int]] = {p: [] for p in range(1, inst.participants + 1)}
    for i, (m, s) in enumerate(zip(inst.meetings, slots, strict=True)):
        if s is None:
            if require_all or m.fixed or m.must:
                problems.append(f"meeting {i + 1} ({m.a}-{m.b}) is not scheduled")
            continue
        if not 1 <= s <= inst.slots:
            problems.append(f"meeting {i + 1}: slot {s} out of range")
        if m.session == MORNING and s > inst.morning_slots:
            problems.append(f"meeting {i + 1}: morning only, placed in slot {s}")
        if m.session == AFTERNOON and s <= inst.morning_slots:
            problems.append(f"meeting {i + 1}: afternoon only, placed in slot {s}")
        if m.fixed and s != m.fixed:
            problems.append(f"meeting {i + 1}: fixed to slot {m.fixed}, placed in {s}")
        for p in (m.a, m.b):
            if s in inst.forbidden.get(p, ()):
                problems.append(f"meeting {i + 1}: participant {p} cannot meet in slot {s}")
            busy[p].append(s)
        for j in m.after:
            if slots[j] is None or slots[j] >= s:
                problems.append(f"meeting {j + 1} must take place before meeting {i + 1}")
    for p, used in busy.items():
        dup = [s for s, n in Counter(used).items() if n > 1]
        if dup:
            problems.append(f"participant {p} has two meetings in slot(s) {sorted(dup)}")
    breaks = {p: count_breaks(used) for p, used in busy.items() if used}
    if fairness is not None and breaks and max(breaks.values()) - min(breaks.values()) > fairness:
        problems.append(
            f"breaks differ by {max(breaks.values()) - min(breaks.values())} > {fairness} between participants"
        )
    return CheckResult(not problems, sum(1 for s in slots if s is not None), sum(breaks.values()), breaks, problems)
