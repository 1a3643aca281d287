"""Multi-city, multi-day B2B planning: place each accepted request in a session (day, city) and a slot.

Plain Python; never imports Django.

Hard: both participants attend the session (and are available in the slot), a request's preferred
city / day / half-day and fixed place, at most ``tables`` meetings per session slot, no participant
in two meetings whose times overlap, a participant who meets in two cities on one day has the
travel time between the end of one meeting and the start of the next, and precedences: for each
pair ``(a, b)`` in ``PlanInstance.precedences`` (0-based request indices, as ``Meeting.after`` in the
single-session instance), request ``b`` is scheduled only if ``a`` is, and ``a`` starts strictly
earlier in absolute time (day, then minute of the day; ``PlanInstance.when``). As in
``innocore.schedule.solver``, an unscheduled predecessor keeps its successors unscheduled.
Objective, in order: the priority-weighted number of scheduled requests, then breaks (idle runs
between two meetings of one participant inside one session), with a fairness bound on the breaks
of any two participants.

The problem is decomposed. Stage 1 (CP-SAT) assigns requests to sessions under capacity rules that
every real schedule satisfies (tables x slots per session, a participant's free slots per session and
per day) plus one planning rule: a participant who changes city during a day loses the travel time,
rounded up to whole slots, per change; precedences enter it relaxed to sessions (every real plan
satisfies them too). Stage 2 (CP-SAT) places the assigned requests in slots with
the exact rules above, warm-started from a greedy placement. So "optimal" means: optimal slots for
the sessions chosen in stage 1; the stage-1 bound on scheduled requests is reported beside it
(``scheduled_bound``): no schedule places more weight than that.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from innocore.schedule.check import count_breaks
from innocore.schedule.instance import AFTERNOON, ANY, MORNING
from innocore.schedule.solver import STATUS, add_breaks


@dataclass
class Session:
    day: int
    city: str
    slots: int
    tables: int
    morning_slots: int | None = None  # slots 1..morning_slots are morning; None = no split
    start_minutes: list[int] | None = None  # start of each slot, minutes after midnight
    slot_minutes: int = 30

    def start(self, slot: int) -> int:
        if self.start_minutes:
            return self.start_minutes[slot - 1]
        return 9 * 60 + (slot - 1) * self.slot_minutes

    def end(self, slot: int) -> int:
        return self.start(slot) + self.slot_minutes


@dataclass
class PlanParticipant:
    name: str = ""
    sessions: frozenset[int] | None = None  # session indices attended; None = every session
    unavailable: frozenset[tuple[int, int]] = frozenset()  # (session index, 1-based slot)


@dataclass
class PlanRequest:
    a: int
    b: int
    priority: int = 1
    city: str | None = None  # preferred (hard) city, day and half-day
    day: int | None = None
    half: int = ANY  # MORNING / AFTERNOON / ANY, as in the single-session instance
    fixed: tuple[int, int] | None = None  # (session index, slot)


@dataclass
class PlanInstance:
    sessions: list[Session]
    participants: dict[int, PlanParticipant]
    requests: list[PlanRequest]
    travel: dict[tuple[str, str], int] = field(default_factory=dict)  # minutes, either direction
    # (a, b), 0-based request indices: a must start strictly earlier than b; b needs a scheduled.
    precedences: list[tuple[int, int]] = field(default_factory=list)

    def when(self, k: int, s: int) -> tuple[int, int]:
        """Absolute start of (session k, slot s): (day, minutes after midnight); compares across cities."""
        return self.sessions[k].day, self.sessions[k].start(s)

    def travel_minutes(self, c1: str, c2: str) -> int:
        if c1 == c2:
            return 0
        return self.travel.get((c1, c2), self.travel.get((c2, c1), 0))

    def attends(self, p: int, k: int) -> bool:
        sessions = self.participants[p].sessions
        return sessions is None or k in sessions

    def candidate_sessions(self, i: int) -> list[int]:
        r = self.requests[i]
        out = []
        for k, sess in enumerate(self.sessions):
            if r.fixed and r.fixed[0] != k:
                continue
            if r.city is not None and sess.city != r.city:
                continue
            if r.day is not None and sess.day != r.day:
                continue
            if self.attends(r.a, k) and self.attends(r.b, k) and self.allowed_slots(i, k):
                out.append(k)
        return out

    def allowed_slots(self, i: int, k: int) -> list[int]:
        r, sess = self.requests[i], self.sessions[k]
        morning = sess.morning_slots if sess.morning_slots is not None else sess.slots
        lo, hi = 1, sess.slots
        if r.half == MORNING:
            hi = morning
        elif r.half == AFTERNOON:
            lo = morning + 1
        busy = self.participants[r.a].unavailable | self.participants[r.b].unavailable
        slots = [s for s in range(lo, hi + 1) if (k, s) not in busy]
        if r.fixed:
            slots = [s for s in slots if (k, s) == r.fixed]
        return slots

    def clash(self, k1: int, s1: int, k2: int, s2: int) -> bool:
        """Can one participant not attend both (session k1, slot s1) and (k2, s2)?"""
        a, b = self.sessions[k1], self.sessions[k2]
        if (k1, s1) == (k2, s2):
            return True
        if a.day != b.day:
            return False
        gap = self.travel_minutes(a.city, b.city)
        return a.start(s1) < b.end(s2) + gap and b.start(s2) < a.end(s1) + gap


@dataclass
class PlanResult:
    placements: list[tuple[int, int] | None]  # (session index, slot) per request, None if unscheduled
    status: str  # optimal / feasible / infeasible / unknown (for stage 2, given the stage-1 sessions)
    scheduled: int
    scheduled_weight: int
    scheduled_bound: float | None  # stage 1: no schedule places more priority weight than this
    breaks: int | None
    bound: float | None  # lower bound on breaks for the chosen sessions
    gap: float | None  # on breaks, when every request of the chosen sessions is placed
    seconds: float
    moved: int = 0
    explanation: list[str] = field(default_factory=list)


def explain_plan(plan: PlanInstance) -> list[str]:
    """Plain reasons why some requests cannot all be placed."""
    reasons = []
    per_participant: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(plan.requests):
        per_participant[r.a].append(i)
        per_participant[r.b].append(i)
        if not plan.candidate_sessions(i):
            reasons.append(
                f"request {i + 1} ({_name(plan, r.a)}-{_name(plan, r.b)}) has no session that both attend "
                "and that fits its preferred city, day, half-day and fixed place"
            )
    for p, mine in sorted(per_participant.items()):
        times = _free_times(plan, p)
        if len(mine) > times:
            reasons.append(f"participant {_name(plan, p)} has {len(mine)} requests for {times} available slots")
    capacity = sum(s.slots * s.tables for s in plan.sessions)
    if len(plan.requests) > capacity:
        reasons.append(f"{len(plan.requests)} requests for {capacity} table-slots in all sessions")
    return reasons + _explain_order(plan)


def _explain_order(plan: PlanInstance) -> list[str]:
    """Precedences that make a full plan impossible: a cycle, or no time after the requests a request
    must follow and before those that must follow it (same rule and wording as the single-session solver)."""
    n = len(plan.requests)
    reasons = [
        f"precedence ({a + 1}, {b + 1}) names an unknown request"
        for a, b in plan.precedences
        if not (0 <= a < n and 0 <= b < n)
    ]
    if not _pairs(plan):
        return reasons
    domains, earliest, latest = _order_windows(plan, backward=True)
    for i, r in enumerate(plan.requests):
        if domains[i] and (earliest[i] is None or latest[i] is None or earliest[i] > latest[i]):
            reasons.append(
                f"request {i + 1} ({_name(plan, r.a)}-{_name(plan, r.b)}) cannot be placed after the requests it "
                "must follow and before those that must follow it (a cycle or too few slots)"
            )
    return reasons


def _pairs(plan: PlanInstance) -> list[tuple[int, int]]:
    n = len(plan.requests)
    return sorted({(a, b) for a, b in plan.precedences if 0 <= a < n and 0 <= b < n})


def _order_windows(
    plan: PlanInstance, *, backward: bool
) -> tuple[list[list[tuple[int, int]]], list[tuple[int, int] | None], list[tuple[int, int] | None]]:
    """Per request: its possible start times (``PlanInstance.when``), and the earliest and latest of them
    left by the precedences (None: none left), ignoring every other request's constraints.

    Forward (earliest) propagation is sound for any plan: a scheduled request has its predecessors
    scheduled strictly earlier, so a request whose earliest is None can never be scheduled (a cycle, or a
    predecessor that can never be). Backward (latest) propagation assumes the successors are scheduled too:
    it explains why not every request fits. Successors without any place are left out of it.
    """
    n = len(plan.requests)
    domains = [
        sorted({plan.when(k, s) for k in plan.candidate_sessions(i) for s in plan.allowed_slots(i, k)})
        for i in range(n)
    ]
    earliest: list[tuple[int, int] | None] = [d[0] if d else None for d in domains]
    latest: list[tuple[int, int] | None] = [d[-1] if d else None for d in domains]
    pairs = _pairs(plan)
    changed = bool(pairs)
    while changed:  # values only move inwards over finite domains, so this ends
        changed = False
        for a, b in pairs:
            if earliest[b] is not None and (earliest[a] is None or earliest[b] <= earliest[a]):
                lo = earliest[a]
                earliest[b] = None if lo is None else next((t for t in domains[b] if t > lo), None)
                changed = True
            if backward and domains[b] and latest[a] is not None and (latest[b] is None or latest[a] >= latest[b]):
                hi = latest[b]
                latest[a] = None if hi is None else next((t for t in reversed(domains[a]) if t < hi), None)
                changed = True
    return domains, earliest, latest


def _neighbours(plan: PlanInstance) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Predecessors and successors of each request."""
    before: dict[int, set[int]] = defaultdict(set)
    after: dict[int, set[int]] = defaultdict(set)
    for a, b in _pairs(plan):
        before[b].add(a)
        after[a].add(b)
    return before, after


def _in_order(order: list[int], before: dict[int, set[int]]) -> list[int]:
    """``order`` rearranged so that each request comes after its predecessors that are in ``order``: next is
    always the first of ``order`` whose predecessors are done. Requests on (or after) a cycle come last."""
    rank = {i: n for n, i in enumerate(order)}
    waiting = {i: sum(1 for j in before.get(i, ()) if j in rank) for i in order}
    later: dict[int, list[int]] = defaultdict(list)
    for i in order:
        for j in before.get(i, ()):
            if j in rank:
                later[j].append(i)
    ready = [(rank[i], i) for i in order if not waiting[i]]
    heapq.heapify(ready)
    out = []
    while ready:
        _rank, i = heapq.heappop(ready)
        out.append(i)
        for c in later[i]:
            waiting[c] -= 1
            if not waiting[c]:
                heapq.heappush(ready, (rank[c], c))
    return out + [i for i in order if waiting[i]]


def _time_window(
    plan: PlanInstance, i: int, out: list, before: dict[int, set[int]], after: dict[int, set[int]]
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Strict bounds on request ``i``'s start left by its placed predecessors and successors."""
    lo = max((plan.when(*out[j]) for j in before.get(i, ()) if out[j] is not None), default=None)
    hi = min((plan.when(*out[j]) for j in after.get(i, ()) if out[j] is not None), default=None)
    return lo, hi


def _keep_order(plan: PlanInstance, placements: list) -> list[tuple[int, int] | None]:
    """``placements`` without the requests that break a precedence: a successor whose predecessor is not
    scheduled, or not strictly earlier, is unscheduled (repeatedly, so chains follow)."""
    out = list(placements)
    pairs = _pairs(plan)
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            if out[b] is not None and (out[a] is None or plan.when(*out[a]) >= plan.when(*out[b])):
                out[b], changed = None, True
    return out


def _weight(plan: PlanInstance, placements: list) -> int:
    return sum(r.priority for r, p in zip(plan.requests, placements, strict=True) if p is not None)


def _fair(plan: PlanInstance, placements: list, fairness: int | None) -> bool:
    if fairness is None:
        return True
    agenda: dict[tuple[int, int], list[int]] = defaultdict(list)
    for r, place in zip(plan.requests, placements, strict=True):
        if place is not None:
            agenda[r.a, place[0]].append(place[1])
            agenda[r.b, place[0]].append(place[1])
    per: Counter = Counter()
    for (p, _k), slots in agenda.items():
        per[p] += count_breaks(slots)
    return max(per.values(), default=0) <= fairness


def _name(plan: PlanInstance, p: int) -> str:
    return plan.participants[p].name or str(p)


def _free_times(plan: PlanInstance, p: int) -> int:
    """Most meetings participant ``p`` can attend: per day, the largest set of pairwise compatible slots."""
    total = 0
    for day in sorted({s.day for s in plan.sessions}):
        spots = [
            (plan.sessions[k].start(s), plan.sessions[k].end(s))
            for k, sess in enumerate(plan.sessions)
            if sess.day == day and plan.attends(p, k)
            for s in range(1, sess.slots + 1)
            if (k, s) not in plan.participants[p].unavailable
        ]
        end = -1
        for a, b in sorted(spots, key=lambda t: t[1]):  # interval scheduling, ignoring travel
            if a >= end:
                total, end = total + 1, b
    return total


def greedy_plan(plan: PlanInstance) -> list[tuple[int, int] | None]:
    """First-come baseline: each request in arrival order takes the earliest compatible place.

    Fixed requests go first; the others in arrival order, but never before their predecessors. A request
    whose predecessor is not placed stays unplaced, as does one with no place strictly after its placed
    predecessors and before its placed successors; a fixed request left behind by its predecessors is
    unplaced at the end. So the result never breaks a precedence.
    """
    out: list[tuple[int, int] | None] = [None] * len(plan.requests)
    before, later = _neighbours(plan)
    load: Counter = Counter()
    blocked: dict[int, set[tuple[int, int]]] = defaultdict(set)  # places a participant can no longer take
    same_day = {
        k: [(k2, s2) for k2, b in enumerate(plan.sessions) if b.day == a.day for s2 in range(1, b.slots + 1)]
        for k, a in enumerate(plan.sessions)
    }
    fixed = [i for i, r in enumerate(plan.requests) if r.fixed]
    order = fixed + _in_order([i for i, r in enumerate(plan.requests) if not r.fixed], before)
    for i in order:
        r = plan.requests[i]
        if not r.fixed and any(out[j] is None for j in before.get(i, ())):
            continue
        lo, hi = _time_window(plan, i, out, before, later)
        places = sorted(
            ((k, s) for k in plan.candidate_sessions(i) for s in plan.allowed_slots(i, k)),
            key=lambda ks: (plan.sessions[ks[0]].day, plan.sessions[ks[0]].start(ks[1]), ks[0]),
        )
        for k, s in places:
            if load[k, s] >= plan.sessions[k].tables:
                continue
            if (k, s) in blocked[r.a] or (k, s) in blocked[r.b]:
                continue
            if (lo is not None and plan.when(k, s) <= lo) or (hi is not None and plan.when(k, s) >= hi):
                continue
            out[i] = (k, s)
            load[k, s] += 1
            clashing = {(k2, s2) for k2, s2 in same_day[k] if plan.clash(k, s, k2, s2)}
            blocked[r.a] |= clashing
            blocked[r.b] |= clashing
            break
    return _keep_order(plan, out)


def _compact_start(plan: PlanInstance, chosen: list[int | None], fairness: int | None) -> list[tuple[int, int] | None]:
    """A warm start in the stage-1 sessions: requests by priority, then fewest places, each in the slot
    that adds the fewest breaks (never past the fairness bound); a valid plan by construction.

    Precedences as in ``greedy_plan``: a request goes after its predecessors, strictly between its placed
    predecessors and successors, and not at all when a predecessor is unplaced."""
    out: list[tuple[int, int] | None] = [None] * len(plan.requests)
    load: Counter = Counter()
    blocked: dict[int, set[tuple[int, int]]] = defaultdict(set)
    agenda: dict[tuple[int, int], list[int]] = defaultdict(list)  # (participant, session) -> slots
    breaks: Counter = Counter()
    same_day = {
        k: [(k2, s2) for k2, b in enumerate(plan.sessions) if b.day == a.day for s2 in range(1, b.slots + 1)]
        for k, a in enumerate(plan.sessions)
    }
    places = {i: plan.allowed_slots(i, k) for i, k in enumerate(chosen) if k is not None}
    order = sorted(places, key=lambda i: (plan.requests[i].fixed is None, -plan.requests[i].priority, len(places[i])))
    before, later = _neighbours(plan)
    order = [i for i in order if plan.requests[i].fixed] + _in_order(
        [i for i in order if not plan.requests[i].fixed], before
    )
    for i in order:
        r, k = plan.requests[i], chosen[i]
        if not r.fixed and any(out[j] is None for j in before.get(i, ())):
            continue
        lo, hi = _time_window(plan, i, out, before, later)
        best = None
        for s in places[i]:
            if load[k, s] >= plan.sessions[k].tables or (k, s) in blocked[r.a] or (k, s) in blocked[r.b]:
                continue
            if (lo is not None and plan.when(k, s) <= lo) or (hi is not None and plan.when(k, s) >= hi):
                continue
            after = {p: count_breaks(agenda[p, k] + [s]) - count_breaks(agenda[p, k]) for p in (r.a, r.b)}
            if fairness is not None and any(breaks[p] + d > fairness for p, d in after.items()):
                continue
            key = (sum(after.values()), s)
            if best is None or key < best[0]:
                best = (key, s, after)
        if best is None:
            continue
        _key, s, after = best
        out[i] = (k, s)
        load[k, s] += 1
        clashing = {(k2, s2) for k2, s2 in same_day[k] if plan.clash(k, s, k2, s2)}
        for p in (r.a, r.b):
            blocked[p] |= clashing
            agenda[p, k].append(s)
            breaks[p] += after[p]
    return _keep_order(plan, out)


def _stage1(
    plan: PlanInstance, time_limit: float, workers: int, seed: int, hint: list, previous: list | None
) -> tuple[list[int | None], float | None]:
    """Requests -> sessions: maximise the scheduled weight under capacity rules, few city changes.

    Precedences, relaxed to sessions: ``b`` in session k2 needs ``a`` in a session with a place that starts
    before b's last place in k2, and no request goes where every place starts before the earliest time its
    predecessors leave (none for a request on a cycle). Every real plan satisfies these rules."""
    m = cp_model.CpModel()
    pairs = _pairs(plan)
    earliest = _order_windows(plan, backward=False)[1] if pairs else None
    span: dict[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]] = {}  # first and last start
    keys = []
    for i in range(len(plan.requests)):
        if earliest is not None and earliest[i] is None:
            continue
        for k in plan.candidate_sessions(i):
            if earliest is not None:
                times = [plan.when(k, s) for s in plan.allowed_slots(i, k)]
                if max(times) < earliest[i]:
                    continue
                span[i, k] = (min(times), max(times))
            keys.append((i, k))
    y = {(i, k): m.NewBoolVar(f"y{i}_{k}") for i, k in keys}
    by_request: dict[int, list] = defaultdict(list)
    by_session: dict[int, list] = defaultdict(list)
    by_pk: dict[tuple[int, int], list] = defaultdict(list)
    for (i, k), v in y.items():
        by_request[i].append(v)
        by_session[k].append(v)
        r = plan.requests[i]
        by_pk[r.a, k].append(v)
        by_pk[r.b, k].append(v)
    placed = {}
    for i, r in enumerate(plan.requests):
        v = placed[i] = m.NewBoolVar(f"placed{i}")
        m.Add(sum(by_request[i]) == v)
        if r.fixed and by_request[i]:  # a fixed request with no session left (e.g. on a cycle) stays out
            m.Add(v == 1)
    for a, b in pairs:
        for k2 in plan.candidate_sessions(b):
            if (b, k2) not in y:
                continue
            first = [y[a, k1] for k1 in plan.candidate_sessions(a) if (a, k1) in y and span[a, k1][0] < span[b, k2][1]]
            if first:
                m.AddBoolOr(first).OnlyEnforceIf(y[b, k2])
            else:
                m.Add(y[b, k2] == 0)
    for k, vs in by_session.items():
        sess = plan.sessions[k]
        if len(vs) > sess.slots * sess.tables:
            m.Add(sum(vs) <= sess.slots * sess.tables)
    days = sorted({s.day for s in plan.sessions})
    city_changes = []
    for p in plan.participants:
        for day in days:
            ks = [k for k, s in enumerate(plan.sessions) if s.day == day and by_pk.get((p, k))]
            if not ks:
                continue
            for k in ks:
                away = plan.participants[p].unavailable
                free = sum(1 for s in range(1, plan.sessions[k].slots + 1) if (k, s) not in away)
                if len(by_pk[p, k]) > free:
                    m.Add(sum(by_pk[p, k]) <= free)
            cities = sorted({plan.sessions[k].city for k in ks})
            day_load = sum(v for k in ks for v in by_pk[p, k])
            limits = _day_limits(plan, p, ks)
            if len(cities) == 1:
                m.Add(day_load <= limits[frozenset(cities)])
                continue
            here = {}
            for c in cities:
                vs = [v for k in ks if plan.sessions[k].city == c for v in by_pk[p, k]]
                here[c] = m.NewBoolVar(f"in{p}_{day}_{c}")
                for v in vs:
                    m.AddImplication(v, here[c])
                m.AddBoolOr(vs).OnlyEnforceIf(here[c])
            for visited, limit in limits.items():
                # Visiting exactly these cities that day: at most the longest travel-feasible chain of slots.
                enforce = [here[c] if c in visited else here[c].Not() for c in cities]
                m.Add(day_load <= limit).OnlyEnforceIf(enforce)
            city_changes.extend(here.values())
    # In order: scheduled weight, then (when repairing) meetings kept in their session, then few city changes.
    weight = sum(r.priority * placed[i] for i, r in enumerate(plan.requests))
    factor = len(city_changes) + 1
    objective = -sum(city_changes)
    if previous is not None:
        keep = [y[i, s[0]] for i, s in enumerate(previous) if s is not None and (i, s[0]) in y]
        objective += sum(keep) * factor
        factor *= len(keep) + 1
    m.Maximize(weight * factor + objective)
    for (i, k), v in y.items():
        m.AddHint(v, hint[i] is not None and hint[i][0] == k)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.Solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [None] * len(plan.requests), None
    chosen = [
        next((k for k in plan.candidate_sessions(i) if (i, k) in y and solver.BooleanValue(y[i, k])), None)
        for i in range(len(plan.requests))
    ]
    # The city-change and keep terms are worth less than one unit of weight: round the bound up to weight units.
    total = sum(r.priority for r in plan.requests)
    return chosen, float(min(total, math.ceil(solver.BestObjectiveBound() / factor - 1e-9)))


def _day_limits(plan: PlanInstance, p: int, ks: list[int]) -> dict[frozenset[str], int]:
    """Per set of cities visited on one day: the most meetings ``p`` can attend there, travel included.

    Longest chain of pairwise compatible slots that visits exactly those cities (a small DP over slots
    sorted by start time; travel times are assumed to satisfy the triangle inequality).
    """
    away = plan.participants[p].unavailable
    spots = sorted(
        (plan.sessions[k].start(s), k, s)
        for k in ks
        for s in range(1, plan.sessions[k].slots + 1)
        if (k, s) not in away
    )
    cities = sorted({plan.sessions[k].city for k in ks})
    bit = {c: 1 << n for n, c in enumerate(cities)}
    best: list[dict[int, int]] = []
    for j, (_t, kj, sj) in enumerate(spots):
        here = bit[plan.sessions[kj].city]
        row = {here: 1}
        for i in range(j):
            _ti, ki, si = spots[i]
            if plan.clash(ki, si, kj, sj):
                continue
            for mask, length in best[i].items():
                if row.get(mask | here, 0) < length + 1:
                    row[mask | here] = length + 1
        best.append(row)
    out: dict[frozenset[str], int] = {}
    for row in best:
        for mask, length in row.items():
            key = frozenset(c for c in cities if mask & bit[c])
            out[key] = max(out.get(key, 0), length)
    for n in range(1, 1 << len(cities)):
        out.setdefault(frozenset(c for c in cities if n & bit[c]), 0)
    return out


def solve_plan(
    plan: PlanInstance,
    *,
    time_limit: float = 60.0,
    fairness: int | None = 2,
    workers: int = 2,
    previous: list[tuple[int, int] | None] | None = None,
    seed: int = 0,
    stage1_share: float = 0.25,
) -> PlanResult:
    """Plan every request it can; ``previous`` (a plan to repair) makes moving a meeting cost.

    Precedences ``(a, b)`` are hard in both stages, as in ``innocore.schedule.solver``: ``b`` is scheduled
    only if ``a`` is scheduled and starts strictly earlier (``PlanInstance.when``: day, then minute).
    When ``a`` is not scheduled, ``b`` is left unscheduled too (a fixed ``b`` included: the checker then
    reports it); an unscheduled ``b`` puts no constraint on ``a``. Requests on a precedence cycle are never
    scheduled and ``explain_plan`` names them. Warm starts (the greedy and compact plans, or ``previous``
    with the requests that break a precedence unscheduled) respect the precedences, so a returned plan
    does too.
    """
    start = time.perf_counter()
    n = len(plan.requests)
    for i, r in enumerate(plan.requests):
        if r.a not in plan.participants or r.b not in plan.participants or r.a == r.b:
            raise ValueError(f"request {i + 1} names an unknown participant or the same one twice")
    for a, b in plan.precedences:
        if not (0 <= a < n and 0 <= b < n):
            raise ValueError(f"precedence ({a + 1}, {b + 1}) names an unknown request")
    base = greedy_plan(plan) if previous is None else _keep_order(plan, previous)
    chosen, weight_bound = _stage1(plan, time_limit * stage1_share, workers, seed, base, previous)
    warm = base
    if previous is None:
        # Warm start: a compact greedy plan in the stage-1 sessions, or the first-come plan when that is
        # better and within the fairness bound (its sessions are then used).
        warm = _compact_start(plan, chosen, fairness)
        if _weight(plan, base) > _weight(plan, warm) and _fair(plan, base, fairness):
            warm = base
            chosen = [p[0] if p is not None else k for p, k in zip(base, chosen, strict=True)]
    m = cp_model.CpModel()
    x = {}
    placed = []
    for i, k in enumerate(chosen):
        if k is None:
            placed.append(0)
            continue
        vs = []
        for s in plan.allowed_slots(i, k):
            x[i, k, s] = m.NewBoolVar(f"x{i}_{k}_{s}")
            vs.append(x[i, k, s])
        v = m.NewBoolVar(f"placed{i}")
        m.Add(sum(vs) == v)
        if plan.requests[i].fixed:
            m.Add(v == 1)
        placed.append(v)
    by_ks: dict[tuple[int, int], list] = defaultdict(list)
    by_pks: dict[tuple[int, int, int], list] = defaultdict(list)
    for (i, k, s), v in x.items():
        by_ks[k, s].append(v)
        by_pks[plan.requests[i].a, k, s].append(v)
        by_pks[plan.requests[i].b, k, s].append(v)
    for (k, _s), vs in by_ks.items():
        if len(vs) > plan.sessions[k].tables:
            m.Add(sum(vs) <= plan.sessions[k].tables)
    for a, b in _pairs(plan):
        # b in slot s of its session needs a placed in its session at a strictly earlier start.
        if chosen[b] is None:
            continue
        ka, kb = chosen[a], chosen[b]
        for s in plan.allowed_slots(b, kb):
            first = []
            if ka is not None:
                first = [x[a, ka, t] for t in plan.allowed_slots(a, ka) if plan.when(ka, t) < plan.when(kb, s)]
            if first:
                m.AddBoolOr(first).OnlyEnforceIf(x[b, kb, s])
            else:
                m.Add(x[b, kb, s] == 0)
    used: dict[tuple[int, int, int], object] = {}
    for key, vs in by_pks.items():
        if len(vs) == 1:
            used[key] = vs[0]
        else:
            u = used[key] = m.NewBoolVar(f"u{key}")
            m.Add(sum(vs) == u)
    per_p: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p, k, s in used:
        per_p[p].append((k, s))
    breaks: dict[int, list] = {}
    for p, spots in per_p.items():
        spots.sort()
        # Travel and overlapping sessions: two clashing places, at most one is used.
        for a_idx, (k1, s1) in enumerate(spots):
            for k2, s2 in spots[a_idx + 1 :]:
                if k2 != k1 and plan.clash(k1, s1, k2, s2):
                    m.AddBoolOr([used[p, k1, s1].Not(), used[p, k2, s2].Not()])
        breaks[p] = []
        for k in sorted({k for k, _s in spots}):
            row = [used.get((p, k, s)) for s in range(1, plan.sessions[k].slots + 1)]
            if sum(1 for u in row if u is not None) >= 2:
                b, _free = add_breaks(m, row, f"{p}_{k}")
                breaks[p].extend(b)
    total_breaks = sum(sum(b) for b in breaks.values())
    if fairness is not None:
        for b in breaks.values():
            if len(b) > fairness:
                m.Add(sum(b) <= fairness)  # fairness against participants without break (one meeting at least)
    big = sum(len(b) for b in breaks.values()) + 1
    unscheduled = sum(r.priority * (1 - placed[i]) for i, r in enumerate(plan.requests))
    moves = 0
    if previous is not None:
        # Repair: scheduled weight first, then few moves, then breaks.
        stay = [x[i, p[0], p[1]] for i, p in enumerate(previous) if p is not None and (i, p[0], p[1]) in x]
        moves = len(stay) - sum(stay)
        big *= len(stay) + 1
        m.Minimize(unscheduled * big + moves * (big // (len(stay) + 1)) + total_breaks)
    else:
        m.Minimize(unscheduled * big + total_breaks)
    # Warm start: a compact greedy plan in the chosen sessions (or the previous plan when repairing).
    for (i, k, s), v in x.items():
        m.AddHint(v, warm[i] == (k, s))
    for i, v in enumerate(placed):
        if not isinstance(v, int):
            m.AddHint(v, warm[i] is not None and warm[i][0] == chosen[i])
    at = {(who, place) for r, place in zip(plan.requests, warm, strict=True) if place for who in (r.a, r.b)}
    for (p, k, s), u in used.items():
        if len(by_pks[p, k, s]) > 1:  # otherwise ``u`` is the meeting's own literal, hinted above
            m.AddHint(u, (p, (k, s)) in at)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit - (time.perf_counter() - start))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.Solve(m)
    status = STATUS.get(code, "unknown")
    elapsed = time.perf_counter() - start
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if not found and (previous is not None or not any(warm)):
        reasons = explain_plan(plan)
        return PlanResult([None] * n, status, 0, 0, weight_bound, None, None, None, elapsed, explanation=reasons)
    placements: list[tuple[int, int] | None] = [None] * n
    for (i, k, s), v in x.items():
        if found and solver.BooleanValue(v):
            placements[i] = (k, s)
    nbreaks = sum(solver.Value(sum(b)) for b in breaks.values() if b) if found else 0
    scheduled = sum(1 for p in placements if p is not None)
    sched_weight = _weight(plan, placements)
    bound = solver.BestObjectiveBound()
    bound_breaks = None
    if found and previous is None and scheduled == sum(1 for k in chosen if k is not None):
        dropped = sum(r.priority for r, k in zip(plan.requests, chosen, strict=True) if k is None) * big
        bound_breaks = float(max(0, min(nbreaks, math.ceil(bound - dropped - 1e-9))))
    gap = None
    if status == "optimal":
        gap = 0.0
    elif bound_breaks is not None:
        gap = round((nbreaks - bound_breaks) / max(1, nbreaks), 4)
    if previous is None and _weight(plan, warm) > sched_weight and _fair(plan, warm, fairness):
        # The search did not reach its warm start in time (a large plan on a busy machine): keep the start.
        placements, status, bound_breaks, gap = warm, "feasible", None, None
        scheduled, sched_weight = sum(1 for p in warm if p is not None), _weight(plan, warm)
        agenda: dict[tuple[int, int], list[int]] = defaultdict(list)
        for r, place in zip(plan.requests, warm, strict=True):
            if place is not None:
                agenda[r.a, place[0]].append(place[1])
                agenda[r.b, place[0]].append(place[1])
        nbreaks = sum(count_breaks(v) for v in agenda.values())
    explanation = []
    if scheduled < n:
        explanation = explain_plan(plan) or [
            f"{n - scheduled} request(s) could not be placed: the sessions both participants attend are full "
            "at the times they are free"
        ]
    moved = sum(1 for i, p in enumerate(previous or []) if p is not None and placements[i] != p)
    return PlanResult(
        placements,
        status,
        scheduled,
        sched_weight,
        weight_bound,
        nbreaks,
        bound_breaks,
        gap,
        elapsed,
        moved=moved,
        explanation=explanation,
    )


CITIES = ("Hong Kong", "Jinan", "Qingdao")
TRAVEL = {("Hong Kong", "Jinan"): 210, ("Hong Kong", "Qingdao"): 210, ("Jinan", "Qingdao"): 120}


def synthetic_plan(
    *,
    seed: int = 0,
    participants: int = 300,
    requests: int = 3000,
    days: int = 2,
    slots: int = 12,
    tables: int = 45,
    visitors: int = 30,
    max_requests: int = 22,
) -> PlanInstance:
    """A seeded delegation: ``visitors`` travel between the three cities, the others meet in their home city.

    Sessions run 09:00-12:00 and 13:30-16:30 in 30-minute slots (``slots`` = 12). Visitors ask mostly
    for enterprises in two of the cities; a tenth of the requests want a given day or half-day, a few
    participants are away for some slots.
    """
    import random

    rnd = random.Random(seed)
    half = slots // 2
    times = [9 * 60 + 30 * s for s in range(half)] + [13 * 60 + 30 + 30 * s for s in range(slots - half)]
    sessions = [
        Session(day=d, city=c, slots=slots, tables=tables, morning_slots=half, start_minutes=times)
        for d in range(1, days + 1)
        for c in CITIES
    ]
    people: dict[int, PlanParticipant] = {}
    home: dict[int, str] = {}
    for p in range(1, participants + 1):
        if p <= visitors:
            people[p] = PlanParticipant(name=f"V{p}")
        else:
            city = CITIES[p % len(CITIES)]
            home[p] = city
            people[p] = PlanParticipant(
                name=f"L{p}", sessions=frozenset(k for k, s in enumerate(sessions) if s.city == city)
            )
        if rnd.random() < 0.1:
            mine = sorted(people[p].sessions) if people[p].sessions is not None else list(range(len(sessions)))
            k = rnd.choice(mine)
            people[p].unavailable = frozenset((k, s) for s in rnd.sample(range(1, slots + 1), 2))
    locals_by_city = {c: [p for p, h in home.items() if h == c] for c in CITIES}
    degree: Counter = Counter()
    pairs: set[tuple[int, int]] = set()
    out: list[PlanRequest] = []

    def add(a: int, b: int) -> None:
        key = (min(a, b), max(a, b))
        if a == b or key in pairs or degree[a] >= max_requests or degree[b] >= max_requests:
            return
        pairs.add(key)
        degree[a] += 1
        degree[b] += 1
        u = rnd.random()
        out.append(
            PlanRequest(
                a,
                b,
                priority=1 if u < 0.7 else 2 if u < 0.9 else 3,
                day=rnd.randint(1, days) if rnd.random() < 0.05 else None,
                half=rnd.choice((MORNING, AFTERNOON)) if rnd.random() < 0.05 else ANY,
            )
        )

    targets = {v: rnd.sample(CITIES, 2) for v in range(1, visitors + 1)}
    share, attempts = min(requests, visitors * 20), 0
    while len(out) < share and attempts < 50 * requests:
        attempts += 1
        v = rnd.randint(1, visitors)
        city = rnd.choice(targets[v]) if rnd.random() < 0.9 else rnd.choice(CITIES)
        add(v, rnd.choice(locals_by_city[city]))
    while len(out) < requests and attempts < 50 * requests:
        attempts += 1
        city = rnd.choice(CITIES)
        a, b = rnd.sample(locals_by_city[city], 2)
        add(a, b)
    return PlanInstance(sessions=sessions, participants=people, requests=out, travel=dict(TRAVEL))
