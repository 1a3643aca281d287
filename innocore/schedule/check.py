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


def check_plan(plan, placements: list, *, fairness: int | None = None, require_all: bool = False) -> CheckResult:
    """Validate a multi-city plan (``innocore.schedule.plan``): places, tables, clashes, travel,
    precedences, breaks.

    Written from the rules, not from the plan solver's model. ``placements`` holds one
    ``(session index, slot)`` or None per request. A precedence ``(a, b)`` in ``plan.precedences``
    (0-based) holds when ``b`` is unscheduled, or ``a`` is scheduled and starts strictly earlier:
    an earlier day, or the same day at an earlier minute (whatever the cities).
    """
    problems: list[str] = []
    if len(placements) != len(plan.requests):
        return CheckResult(False, 0, 0, problems=[f"{len(placements)} places for {len(plan.requests)} requests"])
    load = Counter(tuple(p) for p in placements if p is not None)
    for (k, s), n in sorted(load.items()):
        if 0 <= k < len(plan.sessions) and n > plan.sessions[k].tables:
            problems.append(f"session {k} slot {s}: {n} meetings for {plan.sessions[k].tables} tables")
    agenda: dict[int, list[tuple[int, int, int]]] = {p: [] for p in plan.participants}
    for i, (r, place) in enumerate(zip(plan.requests, placements, strict=True)):
        if place is None:
            if require_all or r.fixed:
                problems.append(f"request {i + 1} ({r.a}-{r.b}) is not scheduled")
            continue
        k, s = place
        if not 0 <= k < len(plan.sessions) or not 1 <= s <= plan.sessions[k].slots:
            problems.append(f"request {i + 1}: session {k} slot {s} does not exist")
            continue
        sess = plan.sessions[k]
        morning = sess.morning_slots if sess.morning_slots is not None else sess.slots
        if r.half == MORNING and s > morning:
            problems.append(f"request {i + 1}: morning only, placed in slot {s}")
        if r.half == AFTERNOON and s <= morning:
            problems.append(f"request {i + 1}: afternoon only, placed in slot {s}")
        if r.city is not None and sess.city != r.city:
            problems.append(f"request {i + 1}: wants city {r.city}, placed in {sess.city}")
        if r.day is not None and sess.day != r.day:
            problems.append(f"request {i + 1}: wants day {r.day}, placed on day {sess.day}")
        if r.fixed and tuple(r.fixed) != (k, s):
            problems.append(f"request {i + 1}: fixed to {tuple(r.fixed)}, placed in {(k, s)}")
        for p in (r.a, r.b):
            who = plan.participants[p]
            if who.sessions is not None and k not in who.sessions:
                problems.append(f"request {i + 1}: participant {p} does not attend session {k}")
            if (k, s) in who.unavailable:
                problems.append(f"request {i + 1}: participant {p} is not available in session {k} slot {s}")
            agenda[p].append((sess.start(s), sess.end(s), k))

    def start(place) -> tuple[int, int] | None:
        if place is None:
            return None
        k, s = place
        if not 0 <= k < len(plan.sessions) or not 1 <= s <= plan.sessions[k].slots:
            return None
        return plan.sessions[k].day, plan.sessions[k].start(s)

    n = len(plan.requests)
    for a, b in getattr(plan, "precedences", ()):
        if not (0 <= a < n and 0 <= b < n):
            problems.append(f"precedence ({a + 1}, {b + 1}) names an unknown request")
            continue
        if placements[b] is None or start(placements[b]) is None:
            continue  # unscheduled, or its place is already reported as non-existent
        first = start(placements[a])
        if first is None or first >= start(placements[b]):
            problems.append(f"request {a + 1} must take place before request {b + 1}")
    breaks: dict[int, int] = {}
    for p, items in agenda.items():
        items.sort()
        pairs = [(one, two) for n, one in enumerate(items) for two in items[n + 1 :]]
        for (_a1, e1, k1), (a2, _e2, k2) in pairs:
            s1, s2 = plan.sessions[k1], plan.sessions[k2]
            if s1.day != s2.day:
                continue
            if a2 < e1:
                problems.append(f"participant {p} has two meetings at once (day {s1.day}, minute {a2})")
            elif s1.city != s2.city and a2 < e1 + plan.travel_minutes(s1.city, s2.city):
                problems.append(
                    f"participant {p} cannot travel from {s1.city} to {s2.city} in {a2 - e1} minutes on day {s1.day}"
                )
        if items:
            per_session: dict[int, list[int]] = {}
            for start, _end, k in items:
                slot = next(s for s in range(1, plan.sessions[k].slots + 1) if plan.sessions[k].start(s) == start)
                per_session.setdefault(k, []).append(slot)
            breaks[p] = sum(count_breaks(v) for v in per_session.values())
    if fairness is not None and breaks and max(breaks.values()) - min(breaks.values()) > fairness:
        problems.append(
            f"breaks differ by {max(breaks.values()) - min(breaks.values())} > {fairness} between participants"
        )
    scheduled = sum(1 for p in placements if p is not None)
    return CheckResult(not problems, scheduled, sum(breaks.values()), breaks, problems)
