"""Large-neighbourhood search around CP-SAT, for events too big for one model.

One CP-SAT model of a 1,000-participant, 10,000-request day has a quarter of a million placement
literals and, in 60 s on two cores, returns the plan it was started from or none at all. Here the
search starts from first-come (made fair: meetings are taken away from the edges of the days of
participants above the fairness bound) and repeatedly frees every request of a small group of
participants, keeping all other meetings where they are, and lets CP-SAT re-place the freed ones
optimally: most priority weight first, then fewest breaks of everyone touched, every touched
participant within the fairness bound. A neighbourhood is kept only when it is strictly better, so
the plan never gets worse and stays fair. Each step has a deterministic budget
(``max_deterministic_time``) as well as a wall-clock one, so a quiet run is reproducible.

Groups are grown around unplaced requests (both sides and some of their partners) or drawn at
random; their size adapts to how quickly steps are solved. The upper bound on placed weight comes
from a relaxation every plan satisfies (a participant meets at most once per free slot, per half day
and in total; tables x slots per half day); it is a proof, not an estimate. No bound on breaks is
claimed beyond zero.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from innocore.schedule.check import count_breaks
from innocore.schedule.diagnostics import Diagnostic
from innocore.schedule.greedy import greedy
from innocore.schedule.instance import AFTERNOON, MORNING, Instance


@dataclass
class EventResult:
    slots: list[int | None]
    status: str  # "feasible"; "optimal" only for placed weight equal to its bound (breaks not proven)
    scheduled: int
    weight: int
    breaks: int
    max_breaks: int
    weight_bound: int | None
    start_weight: int  # first-come, made fair: where the search starts
    start_breaks: int
    seconds: float
    steps: int = 0
    improving_steps: int = 0
    explanation: list[Diagnostic] = field(default_factory=list)


class _State:
    """The current plan with the indexes a neighbourhood needs: per slot load, per participant busy slots."""

    def __init__(self, inst: Instance, slots: list[int | None]):
        self.inst = inst
        self.allowed = [inst.allowed_slots(i) for i in range(len(inst.meetings))]
        self.mine: dict[int, list[int]] = {p: [] for p in range(1, inst.participants + 1)}
        for i, m in enumerate(inst.meetings):
            self.mine[m.a].append(i)
            self.mine[m.b].append(i)
        self.load: Counter = Counter()
        self.busy: dict[int, dict[int, int]] = {p: {} for p in self.mine}
        self.slots: list[int | None] = [None] * len(slots)
        for i, s in enumerate(slots):
            self.place(i, s)

    def place(self, i: int, s: int | None) -> None:
        m = self.inst.meetings[i]
        old = self.slots[i]
        if old is not None and self.busy[m.a].get(old) == i:
            self.load[old] -= 1
            del self.busy[m.a][old]
            del self.busy[m.b][old]
        self.slots[i] = s
        if s is not None:
            self.load[s] += 1
            self.busy[m.a][s] = i
            self.busy[m.b][s] = i

    def breaks(self, p: int) -> int:
        return count_breaks(list(self.busy[p]))

    def weight(self, meetings) -> int:
        return sum(self.inst.meetings[i].priority for i in meetings if self.slots[i] is not None)


def fair_start(inst: Instance, slots: list[int | None], fairness: int | None) -> list[int | None]:
    """Take meetings away until nobody has more than ``fairness`` breaks.

    Only the first or the last meeting of a participant's day is taken (that never adds a break for
    that participant), the one next to a gap first, then the lower priority; never a must-meet or
    fixed meeting. A partner pushed above the bound by a removal is repaired in turn.
    """
    state = _State(inst, slots)
    if fairness is None:
        return state.slots
    queue = [p for p in state.mine if state.breaks(p) > fairness]
    while queue:
        p = queue.pop()
        while state.breaks(p) > fairness:
            used = sorted(state.busy[p])
            ends = [(used[0], used[1] > used[0] + 1), (used[-1], used[-2] < used[-1] - 1)]
            options = []
            for s, gap in ends:
                i = state.busy[p][s]
                m = inst.meetings[i]
                if not (m.must or m.fixed):
                    options.append((not gap, m.priority, s, i))
            if not options:
                break
            *_, i = min(options)
            state.place(i, None)
            m = inst.meetings[i]
            other = m.b if m.a == p else m.a
            if state.breaks(other) > fairness:
                queue.append(other)
    return state.slots


def compact_start(inst: Instance, fairness: int | None) -> list[int | None]:
    """A fair greedy: must-meet and fixed requests first, then by priority and arrival, each in the
    allowed slot that adds the fewest breaks to its two participants (the earliest among equals),
    never taking anyone above ``fairness`` breaks. A second start beside first-come made fair."""
    state = _State(inst, [None] * len(inst.meetings))
    meetings = inst.meetings
    first = [not (m.must or m.fixed) for m in meetings]
    order = sorted(range(len(meetings)), key=lambda i: (first[i], -meetings[i].priority, i))
    for i in order:
        m = meetings[i]
        base = state.breaks(m.a) + state.breaks(m.b)
        best = None
        for s in state.allowed[i]:
            if state.load[s] >= inst.tables or s in state.busy[m.a] or s in state.busy[m.b]:
                continue
            ba = count_breaks([*state.busy[m.a], s])
            bb = count_breaks([*state.busy[m.b], s])
            if fairness is not None and max(ba, bb) > fairness and not (m.must or m.fixed):
                continue
            key = (ba + bb - base, s)
            if best is None or key < best:
                best = key
        if best is not None:
            state.place(i, best[1])
    return state.slots


def weight_bound(inst: Instance, time_limit: float, seed: int = 0) -> int | None:
    """An upper bound on the priority weight of any plan, from a relaxation (see the module docstring)."""
    model = cp_model.CpModel()
    n, T, half = len(inst.meetings), inst.slots, inst.morning_slots
    allowed = [inst.allowed_slots(i) for i in range(n)]
    y = [model.new_bool_var(f"y{i}") if allowed[i] else 0 for i in range(n)]
    for i, m in enumerate(inst.meetings):
        if m.must or m.fixed:
            model.add(y[i] == 1)
    mine: dict[int, list[int]] = {}
    for i, m in enumerate(inst.meetings):
        mine.setdefault(m.a, []).append(i)
        mine.setdefault(m.b, []).append(i)
    for p, meetings in mine.items():
        free = set(range(1, T + 1)) - inst.forbidden.get(p, frozenset())
        model.add(sum(y[i] for i in meetings) <= len(free))
        am = sum(1 for s in free if s <= half)
        for session, room in ((MORNING, am), (AFTERNOON, len(free) - am)):
            model.add(sum(y[i] for i in meetings if inst.meetings[i].session == session) <= room)
        for s in range(1, T + 1):
            # Meetings that can only take place in the same single slot meet one at a time.
            alone = [y[i] for i in meetings if allowed[i] == [s]]
            if len(alone) > 1:
                model.add(sum(alone) <= 1)
    model.add(sum(y) <= inst.tables * T)
    for session, room in ((MORNING, half), (AFTERNOON, T - half)):
        model.add(sum(y[i] for i in range(n) if inst.meetings[i].session == session) <= inst.tables * room)
    model.maximize(sum(m.priority * y[i] for i, m in enumerate(inst.meetings)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    code = solver.Solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return int(solver.BestObjectiveBound() + 1e-6)


def _step(
    state: _State, free: set[int], fairness: int | None, wall: float, dtime: float, seed: int
) -> tuple[bool, bool]:
    """Re-place the ``free`` meetings optimally around all others. Returns (improved, solved to optimality)."""
    inst, T = state.inst, state.inst.slots
    meetings = inst.meetings
    touched = {p for i in free for p in (meetings[i].a, meetings[i].b)}
    fixed_busy = {p: {s for s, i in state.busy[p].items() if i not in free} for p in touched}
    room = {s: inst.tables - state.load[s] for s in range(1, T + 1)}
    for i in free:
        was = state.slots[i]
        if was is not None:
            room[was] += 1
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in sorted(free):
        m = meetings[i]
        terms = []
        for s in state.allowed[i]:
            if room[s] > 0 and s not in fixed_busy[m.a] and s not in fixed_busy[m.b]:
                x[i, s] = v = model.new_bool_var("")
                terms.append(v)
        if m.must or m.fixed:
            model.add_exactly_one(terms)
        elif len(terms) > 1:
            model.add_at_most_one(terms)
    by_slot: dict[int, list] = {}
    for (_i, s), v in x.items():
        by_slot.setdefault(s, []).append(v)
    for s, vs in by_slot.items():
        if len(vs) > room[s]:
            model.add(sum(vs) <= room[s])
    breaks = []
    for p in sorted(touched):
        mine = [i for i in state.mine[p] if i in free]
        used: list = []
        own = []
        for s in range(1, T + 1):
            vs = [x[i, s] for i in mine if (i, s) in x]
            own += vs
            if s in fixed_busy[p]:
                used.append(1)
            elif vs:
                if len(vs) > 1:
                    model.add_at_most_one(vs)
                used.append(sum(vs))
            else:
                used.append(0)
        if not own and not fixed_busy[p]:
            continue
        starts: list = []
        prev = 0
        for cur in used:
            if isinstance(cur, int) and isinstance(prev, int):
                starts.append(int(cur == 1 and prev == 0))
            elif not (isinstance(cur, int) and cur == 0):
                b = model.new_bool_var("")
                model.add(b >= cur - prev)
                starts.append(b)
            prev = cur
        anyone: Any
        if fixed_busy[p]:
            anyone = 1
        else:
            anyone = model.new_bool_var("")
            model.add(anyone <= sum(own))
        count = sum(starts) - anyone  # at least the true number of breaks; equal when minimised
        if fairness is not None:
            model.add(count <= fairness)
        breaks.append(count)
    big = len(touched) * T + 1
    placed = sum(meetings[i].priority * v for (i, s), v in x.items())
    model.maximize(big * placed - sum(breaks))
    for (i, s), v in x.items():
        model.add_hint(v, state.slots[i] == s)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, wall)
    solver.parameters.max_deterministic_time = dtime
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    code = solver.Solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False, False
    new = {i: next((s for s in state.allowed[i] if (i, s) in x and solver.BooleanValue(x[i, s])), None) for i in free}
    before = (state.weight(free), -sum(state.breaks(p) for p in touched))
    old = {i: state.slots[i] for i in free}
    for i in free:
        state.place(i, None)
    for i, slot in new.items():
        state.place(i, slot)
    after = (state.weight(free), -sum(state.breaks(p) for p in touched))
    fair = fairness is None or all(state.breaks(p) <= fairness for p in touched)
    if after > before and fair:
        return True, code == cp_model.OPTIMAL
    for i in free:
        state.place(i, None)
    for i, slot in old.items():
        state.place(i, slot)
    return False, code == cp_model.OPTIMAL


def _neighbourhood(state: _State, rng: random.Random, target: int, unplaced: list[int]) -> set[int]:
    """Requests to free: those of a group of participants grown around an unplaced request (both
    sides, then their partners) or around a random participant, until about ``target`` requests."""
    meetings = state.inst.meetings
    if unplaced and rng.random() < 0.7:
        i = rng.choice(unplaced)
        seeds = [meetings[i].a, meetings[i].b]
    else:
        seeds = [rng.randint(1, state.inst.participants)]
    group: set[int] = set()
    free: set[int] = set()
    frontier = list(seeds)
    while frontier and len(free) < target:
        p = frontier.pop(rng.randrange(len(frontier))) if len(group) >= len(seeds) else frontier.pop(0)
        if p in group:
            continue
        group.add(p)
        free.update(state.mine[p])
        partners = [meetings[i].a + meetings[i].b - p for i in state.mine[p] if state.slots[i] is not None]
        frontier += rng.sample(partners, min(3, len(partners)))
    return free


def schedule_event(
    inst: Instance,
    *,
    time_limit: float = 60.0,
    fairness: int | None = 2,
    seed: int = 0,
    start: list[int | None] | None = None,
    bound_share: float = 0.1,
    step_dtime: float = 1.0,
    step_seconds: float = 1.0,
) -> EventResult:
    """Plan a whole event: most priority weight, then fewest breaks, nobody above ``fairness`` breaks.

    ``start`` defaults to first-come; it is made fair before the search. Uses one CP-SAT worker.
    """
    began = time.perf_counter()
    deadline = began + time_limit
    first = fair_start(inst, start if start is not None else greedy(inst), fairness)
    n = len(inst.meetings)
    if start is None:
        other = fair_start(inst, compact_start(inst, fairness), fairness)
        if _State(inst, other).weight(range(n)) > _State(inst, first).weight(range(n)):
            first = other
    state = _State(inst, first)
    start_weight = state.weight(range(n))
    start_breaks = sum(state.breaks(p) for p in state.mine)
    bound = weight_bound(inst, min(time_limit * bound_share, deadline - time.perf_counter()), seed)
    rng = random.Random(seed)
    target, steps, improving = 40, 0, 0
    unplaced = [i for i in range(n) if state.slots[i] is None and state.allowed[i]]
    while True:
        left = deadline - time.perf_counter()
        done = bound is not None and state.weight(range(n)) >= bound
        if left < 0.2 or (done and not any(state.breaks(p) for p in state.mine)):
            break
        free = _neighbourhood(state, rng, target, unplaced)
        better, optimal = _step(state, free, fairness, min(left, step_seconds), step_dtime, rng.randrange(1 << 30))
        steps += 1
        improving += better
        if better:
            unplaced = [i for i in range(n) if state.slots[i] is None and state.allowed[i]]
        # Grow while steps are solved to optimality, shrink when they are not.
        target = min(400, target + 5) if optimal else max(10, target - 5)
    weight = state.weight(range(n))
    per = {p: state.breaks(p) for p in state.mine if state.busy[p]}
    status = "optimal" if bound is not None and weight >= bound and not sum(per.values()) else "feasible"
    return EventResult(
        slots=state.slots,
        status=status,
        scheduled=sum(1 for s in state.slots if s is not None),
        weight=weight,
        breaks=sum(per.values()),
        max_breaks=max(per.values(), default=0),
        weight_bound=bound,
        start_weight=start_weight,
        start_breaks=start_breaks,
        seconds=time.perf_counter() - began,
        steps=steps,
        improving_steps=improving,
    )
