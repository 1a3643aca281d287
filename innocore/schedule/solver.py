"""The CP-SAT model: place meetings in slots, schedule as many as possible, then minimise breaks.

Hard: one meeting per participant per slot, at most ``tables`` meetings per slot, session
preferences, forbidden slots, fixed meetings, precedences. Objective, in order: scheduled
meetings weighted by priority, then the total number of breaks (a break is a run of idle slots
between two consecutive meetings of one participant), with the breaks of any two participants
differing by at most ``fairness``. Break counts are exact (reified both ways) so the fairness
bound cannot be met by pretending a participant has more breaks than it has.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from innocore.schedule.instance import Instance

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


@dataclass
class Result:
    slots: list[int | None]
    status: str
    scheduled: int
    breaks: int | None
    bound: float | None
    gap: float | None
    seconds: float
    moved: int = 0
    explanation: list[str] = field(default_factory=list)


def explain_overload(inst: Instance) -> list[str]:
    """Plain reasons why some requests cannot all be placed, checked before solving."""
    reasons = []
    for p in range(1, inst.participants + 1):
        mine = inst.meetings_of(p)
        free = inst.slots - len(inst.forbidden.get(p, ()))
        if len(mine) > free:
            reasons.append(f"participant {p} has {len(mine)} requests for {free} available slots")
    if len(inst.meetings) > inst.tables * inst.slots:
        reasons.append(f"{len(inst.meetings)} requests for {inst.tables} tables x {inst.slots} slots")
    for i, m in enumerate(inst.meetings):
        if not inst.allowed_slots(i):
            reasons.append(
                f"meeting {i + 1} ({m.a}-{m.b}) has no slot allowed by its session, fixed slot and forbidden slots"
            )
    return reasons


def _without_breaks(inst: Instance, time_limit: float, workers: int, seed: int) -> tuple[str, list | None]:
    """Look for a schedule where every participant's meetings are consecutive (zero breaks).

    Each participant gets a start slot and its meetings must fill the window that follows: a far
    tighter model than counting breaks, and zero is a lower bound, so a solution is optimal.
    """
    model = cp_model.CpModel()
    n, T = len(inst.meetings), inst.slots
    x = {(i, s): model.NewBoolVar(f"x{i}_{s}") for i in range(n) for s in inst.allowed_slots(i)}
    for i in range(n):
        model.AddExactlyOne(x[i, s] for s in inst.allowed_slots(i))
    for s in range(1, T + 1):
        here = [x[i, s] for i in range(n) if (i, s) in x]
        if len(here) > inst.tables:
            model.Add(sum(here) <= inst.tables)
    for i, m in enumerate(inst.meetings):
        for j in m.after:
            model.Add(sum(s * x[j, s] for s in inst.allowed_slots(j)) < sum(s * x[i, s] for s in inst.allowed_slots(i)))
    for p in range(1, inst.participants + 1):
        mine = inst.meetings_of(p)
        if not mine:
            continue
        k = len(mine)
        if k > T:
            return "infeasible", None
        start = model.NewIntVar(1, T - k + 1, f"start{p}")
        for s in range(1, T + 1):
            terms = [x[i, s] for i in mine if (i, s) in x]
            if not terms:
                continue
            model.AddAtMostOne(terms)
            for lit in terms:
                model.Add(start <= s).OnlyEnforceIf(lit)
                model.Add(start >= s - k + 1).OnlyEnforceIf(lit)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.Solve(model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "found", [next(s for s in inst.allowed_slots(i) if solver.Value(x[i, s])) for i in range(n)]
    return ("infeasible" if code == cp_model.INFEASIBLE else "unknown"), None


def solve(
    inst: Instance,
    *,
    time_limit: float = 60.0,
    fairness: int | None = 2,
    workers: int = 2,
    require_all: bool = False,
    previous: list[int | None] | None = None,
    seed: int = 0,
) -> Result:
    """Solve ``inst``. With ``previous`` (a schedule to repair), moving a meeting costs, so few move."""
    start = time.perf_counter()
    if require_all and previous is None and all(inst.allowed_slots(i) for i in range(len(inst.meetings))):
        state, slots = _without_breaks(inst, min(time_limit * 0.3, 20.0), workers, seed)
        if slots is not None:
            return Result(slots, "optimal", len(slots), 0, 0.0, 0.0, time.perf_counter() - start)
        time_limit = max(1.0, time_limit - (time.perf_counter() - start))
    model = cp_model.CpModel()
    n, T = len(inst.meetings), inst.slots
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    sched = []
    for i, m in enumerate(inst.meetings):
        for s in inst.allowed_slots(i):
            x[i, s] = model.NewBoolVar(f"x{i}_{s}")
        placed = model.NewBoolVar(f"placed{i}")
        model.Add(sum(x[i, s] for s in inst.allowed_slots(i)) == placed)
        if require_all or m.fixed:
            model.Add(placed == 1)
        sched.append(placed)
    for s in range(1, T + 1):
        here = [x[i, s] for i in range(n) if (i, s) in x]
        if len(here) > inst.tables:
            model.Add(sum(here) <= inst.tables)
    # Precedences: if a meeting is placed, those required before it are placed in an earlier slot.
    slot_of = {}
    for i in range(n):
        slot_of[i] = sum(s * x[i, s] for s in inst.allowed_slots(i))
    for i, m in enumerate(inst.meetings):
        for j in m.after:
            model.AddImplication(sched[i], sched[j])
            model.Add(slot_of[j] < slot_of[i]).OnlyEnforceIf(sched[i])
    participant_breaks = []
    for p in range(1, inst.participants + 1):
        mine = inst.meetings_of(p)
        if not mine:
            continue
        used = []
        for s in range(1, T + 1):
            terms = [x[i, s] for i in mine if (i, s) in x]
            u = model.NewBoolVar(f"u{p}_{s}")
            if terms:
                model.Add(sum(terms) == u)
            else:
                model.Add(u == 0)
            used.append(u)
        if len(mine) < 2:
            participant_breaks.append((p, 0))
            continue
        # Breaks = blocks of consecutive meetings - 1; a block starts where a used slot follows an idle one.
        starts = [used[0]]
        for k in range(1, T):
            b = model.NewBoolVar(f"s{p}_{k}")
            model.AddBoolAnd([used[k], used[k - 1].Not()]).OnlyEnforceIf(b)
            model.AddBoolOr([used[k].Not(), used[k - 1]]).OnlyEnforceIf(b.Not())
            starts.append(b)
        count = model.NewIntVar(0, T, f"breaks{p}")
        model.Add(count == sum(starts) - 1)
        # Redundant window: meetings lie in [first, first + k + idle - 1]; with no break, idle = 0, so a
        # participant without breaks gets the same strong propagation as in the zero-break model.
        k = len(mine)
        if require_all and k <= T:
            first = model.NewIntVar(1, T - k + 1, f"first{p}")
            idle = model.NewIntVar(0, T - k, f"idle{p}")
            model.Add(idle <= (T - k) * count)
            model.Add(count <= idle)
            for s_idx in range(T):
                for i in mine:
                    if (i, s_idx + 1) in x:
                        lit = x[i, s_idx + 1]
                        model.Add(first <= s_idx + 1).OnlyEnforceIf(lit)
                        model.Add(first + k - 1 + idle >= s_idx + 1).OnlyEnforceIf(lit)
        participant_breaks.append((p, count))
    total_breaks = sum(c for _p, c in participant_breaks)
    if fairness is not None and participant_breaks:
        hi, lo = model.NewIntVar(0, T, "hi"), model.NewIntVar(0, T, "lo")
        model.AddMaxEquality(hi, [c for _p, c in participant_breaks])
        model.AddMinEquality(lo, [c for _p, c in participant_breaks])
        model.Add(hi - lo <= fairness)
    weight = sum(m.priority for m in inst.meetings) + 1
    big = T * inst.participants + 1
    moves = 0
    if previous is not None:
        moved = []
        for i, s in enumerate(previous):
            if s is not None and (i, s) in x:
                moved.append(x[i, s].Not())
        moves = sum(moved)
        big = big * (len(previous) + 1)
    unscheduled = sum(m.priority * (1 - sched[i]) for i, m in enumerate(inst.meetings))
    # Lexicographic in one objective: every placed meeting outweighs any number of breaks (and moves).
    model.Minimize(
        unscheduled * big * weight + (total_breaks * (len(previous) + 1) + moves if previous else total_breaks)
    )
    if previous is not None:
        for i, s in enumerate(previous):
            if s is not None and (i, s) in x:
                model.AddHint(x[i, s], 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.Solve(model)
    status = STATUS.get(code, "unknown")
    elapsed = time.perf_counter() - start
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reasons = explain_overload(inst) if code == cp_model.INFEASIBLE else []
        if code == cp_model.INFEASIBLE and not reasons:
            reasons = ["the fixed meetings, precedences, forbidden slots and fairness bound cannot all hold together"]
        return Result([None] * n, status, 0, None, None, None, elapsed, explanation=reasons)
    slots = [next((s for s in inst.allowed_slots(i) if solver.Value(x[i, s])), None) for i in range(n)]
    breaks = sum(solver.Value(c) if not isinstance(c, int) else 0 for _p, c in participant_breaks)
    placed = sum(1 for s in slots if s is not None)
    bound = solver.BestObjectiveBound()
    objective = solver.ObjectiveValue()
    if placed == n and previous is None:
        bound_breaks = max(0.0, bound)
    else:
        bound_breaks = None
    gap = 0.0 if status == "optimal" else (round((objective - bound) / max(1.0, abs(objective)), 4))
    explanation = (
        []
        if placed == n
        else explain_overload(inst)
        or [f"{n - placed} request(s) could not be placed without breaking a hard constraint"]
    )
    moved_count = sum(1 for i, s in enumerate(previous or []) if s is not None and slots[i] != s)
    return Result(slots, status, placed, breaks, bound_breaks, gap, elapsed, moved=moved_count, explanation=explanation)


def slot_loads(slots: list[int | None]) -> Counter:
    return Counter(s for s in slots if s is not None)
