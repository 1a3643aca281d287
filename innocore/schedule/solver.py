"""The CP-SAT model: place meetings in slots, schedule as many as possible, then minimise breaks.

Hard: one meeting per participant per slot, at most ``tables`` meetings per slot, session
preferences, forbidden slots, fixed meetings, precedences. Objective, in order: scheduled
meetings weighted by priority, then the total number of breaks (a break is a run of idle slots
between two consecutive meetings of one participant), with the breaks of any two participants
differing by at most ``fairness``.

For a full schedule (``require_all``), lower bounds come first, from each participant alone: one
whose meetings cannot fill a single window of slots without a gap (sessions, forbidden and fixed
slots) must take a break. Then three phases, in the encoding of Bofill et al. (JAIR 2023: order
literals "a meeting at or before / after slot s" and one Boolean per break start) plus, for
participants without a break, an exact window (their k meetings fill k consecutive slots):

- a linear search upward (``_ladder``, the first quarter of the time): "is there a schedule with at
  most k breaks?" for k = the sum of the own bounds, then k + 1, ... The first success is optimal.
  Phase "tight" when everyone stays at its own bound, "linear" for a later step.
- a core-guided minimisation (``_descend``, up to 80 % of the time): CP-SAT's core worker raises
  the bound the way a MaxSAT solver does while another worker finds schedules. Phase "core".
- a break-count model (``_minimise_counts``, the rest), warm-started from the best schedule so far,
  with the proven bound as a constraint. Phase "minimise", status "feasible" with the gap.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from innocore.schedule.diagnostics import Diagnostic, diag
from innocore.schedule.instance import ANY, Instance

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
    explanation: list[Diagnostic] = field(default_factory=list)  # why not every request is placed
    lower_bound: int | None = None  # breaks: the sum of the participants' own bounds (before search)
    phase: str = ""  # which phase decided: "precheck", "tight", "linear", "core" or "minimise"
    steps: list[dict] = field(default_factory=list)  # the linear search: total tried, outcome, seconds


def explain_overload(inst: Instance) -> list[Diagnostic]:
    """Reasons why some requests cannot all be placed, checked before solving."""
    reasons = []
    for p in range(1, inst.participants + 1):
        mine = inst.meetings_of(p)
        free = inst.slots - len(inst.forbidden.get(p, ()))
        if len(mine) > free:
            reasons.append(diag("participant_overbooked", participant=p, requests=len(mine), slots=free))
    if len(inst.meetings) > inst.tables * inst.slots:
        reasons.append(diag("over_capacity", requests=len(inst.meetings), tables=inst.tables, slots=inst.slots))
    for i in range(len(inst.meetings)):
        if not inst.allowed_slots(i):
            reasons.append(diag("meeting_no_slot", meeting=i))
    return reasons + _explain_fixed_and_order(inst)


def _explain_fixed_and_order(inst: Instance) -> list[Diagnostic]:
    """Conflicts among fixed meetings and precedences that make a full schedule impossible."""
    reasons = []
    fixed_load: Counter = Counter()
    seen: dict[tuple[int, int], int] = {}
    for i, m in enumerate(inst.meetings):
        if not m.fixed:
            continue
        fixed_load[m.fixed] += 1
        for p in (m.a, m.b):
            if (p, m.fixed) in seen:
                reasons.append(
                    diag("participant_fixed_twice", participant=p, slot=m.fixed, meetings=[seen[p, m.fixed], i])
                )
            seen[p, m.fixed] = i
    for s, k in sorted(fixed_load.items()):
        if k > inst.tables:
            reasons.append(diag("fixed_over_tables", count=k, slot=s, tables=inst.tables))
    # Earliest / latest slot through the precedence graph; a cycle or an empty range is impossible.
    n = len(inst.meetings)
    allowed = [inst.allowed_slots(i) for i in range(n)]
    if not all(allowed):
        return reasons
    earliest = [a[0] for a in allowed]
    latest = [a[-1] for a in allowed]
    successors: dict[int, list[int]] = {}
    for i, m in enumerate(inst.meetings):
        for j in m.after:
            successors.setdefault(j, []).append(i)
    for _ in range(n + 1):
        changed = False
        for i, m in enumerate(inst.meetings):
            lo = max([earliest[i]] + [earliest[j] + 1 for j in m.after])
            lo = next((s for s in allowed[i] if s >= lo), inst.slots + 1)
            if lo != earliest[i]:
                earliest[i], changed = lo, True
            hi = min([latest[i]] + [latest[k] - 1 for k in successors.get(i, [])])
            hi = next((s for s in reversed(allowed[i]) if s <= hi), 0)
            if hi != latest[i]:
                latest[i], changed = hi, True
        if not changed:
            break
        if any(earliest[i] > latest[i] for i in range(n)):
            break
    for i in range(n):
        if earliest[i] > latest[i]:
            reasons.append(diag("order_impossible", meeting=i))
    return reasons


def _window_fits(inst: Instance, mine: list[int], blocks: list[tuple[int, int]]) -> bool:
    """Can ``mine`` fill exactly the slots of ``blocks`` (a perfect matching meetings -> slots)?"""
    inside = {s for lo, hi in blocks for s in range(lo, hi + 1)}
    match: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for s in inst.allowed_slots(i):
            if s in inside and s not in seen:
                seen.add(s)
                if s not in match or augment(match[s], seen):
                    match[s] = i
                    return True
        return False

    return all(augment(i, set()) for i in mine)


def participant_lower_bound(inst: Instance, participant: int) -> int:
    """Breaks this participant must take whatever the others do: 0, 1, or 2 meaning "2 or more"."""
    mine = inst.meetings_of(participant)
    k, T = len(mine), inst.slots
    if k < 2 or k > T:
        return 0
    if any(_window_fits(inst, mine, [(f, f + k - 1)]) for f in range(1, T - k + 2)):
        return 0
    for f1 in range(1, T + 1):
        for n1 in range(1, k):
            l1 = f1 + n1 - 1
            for f2 in range(l1 + 2, T - (k - n1) + 2):
                if _window_fits(inst, mine, [(f1, l1), (f2, f2 + k - n1 - 1)]):
                    return 1
    return 2


def add_breaks(m: cp_model.CpModel, used: list[Any], tag: str) -> tuple[list, cp_model.IntVar]:
    """Order literals and break-start literals of one participant's slots.

    ``used[s]`` is the literal "busy in slot s" (None: never busy). Returns the break-start literals
    and the literal "no break", which also forces every slot between the first and last meeting busy.
    """
    T = len(used)
    # pre[s]: a meeting at or before s; post[s]: a meeting at or after s (index 0 .. T-1).
    pre: list[Any] = [None] * T
    post: list[Any] = [None] * T
    for s in range(T):
        prev = pre[s - 1] if s else None
        if prev is None and used[s] is None:
            continue
        if prev is None:
            pre[s] = used[s]
        elif used[s] is None:
            pre[s] = prev
        else:
            v = m.new_bool_var(f"pre{tag}_{s}")
            m.add_bool_or([prev, used[s]]).OnlyEnforceIf(v)
            m.add_implication(prev, v)
            m.add_implication(used[s], v)
            pre[s] = v
    for s in reversed(range(T)):
        nxt = post[s + 1] if s + 1 < T else None
        if nxt is None and used[s] is None:
            continue
        if nxt is None:
            post[s] = used[s]
        elif used[s] is None:
            post[s] = nxt
        else:
            v = m.new_bool_var(f"post{tag}_{s}")
            m.add_bool_or([nxt, used[s]]).OnlyEnforceIf(v)
            m.add_implication(nxt, v)
            m.add_implication(used[s], v)
            post[s] = v
    breaks = []
    free = m.new_bool_var(f"nobreak{tag}")
    for s in range(1, T - 1):
        # A break starts at s: busy at s-1, idle at s, a meeting after s.
        if used[s - 1] is None or post[s + 1] is None:
            continue
        b = m.new_bool_var(f"brk{tag}_{s}")
        m.add_implication(b, used[s - 1])
        m.add_implication(b, post[s + 1])
        if used[s] is not None:
            m.add_implication(b, used[s].Not())
            m.add_bool_or([used[s - 1].Not(), used[s], post[s + 1].Not(), b])
        else:
            m.add_bool_or([used[s - 1].Not(), post[s + 1].Not(), b])
        m.add_implication(b, free.Not())
        breaks.append(b)
    # Redundant: without a break, every slot between the first and the last meeting is busy.
    for s in range(1, T - 1):
        if pre[s - 1] is None or post[s + 1] is None:
            continue
        if used[s] is None:
            m.add_bool_or([free.Not(), pre[s - 1].Not(), post[s + 1].Not()])
        else:
            m.add_bool_or([free.Not(), pre[s - 1].Not(), post[s + 1].Not(), used[s]])
    if breaks:
        m.add_bool_or(breaks + [free])
    else:
        m.add(free == 1)
    return breaks, free


class _Model:
    """One CP-SAT model of ``inst``; ``caps`` bounds each participant's breaks (search and core phases)."""

    def __init__(
        self,
        inst: Instance,
        *,
        require_all: bool,
        fairness: int | None,
        lower: dict[int, int],
        caps: dict[int, int] | None = None,
        total_floor: int = 0,
        count_breaks: bool = True,
    ):
        self.inst = inst
        m = self.model = cp_model.CpModel()
        n, T = len(inst.meetings), inst.slots
        self.allowed = [inst.allowed_slots(i) for i in range(n)]
        x = self.x = {(i, s): m.new_bool_var(f"x{i}_{s}") for i in range(n) for s in self.allowed[i]}
        self.placed: list[Any] = []  # 1 where the meeting must be placed, else its Boolean
        for i, meeting in enumerate(inst.meetings):
            terms = [x[i, s] for s in self.allowed[i]]
            if require_all or meeting.fixed or meeting.must:
                m.add_exactly_one(terms)
                self.placed.append(1)
            else:
                placed = m.new_bool_var(f"placed{i}")
                m.add(sum(terms) == placed)
                self.placed.append(placed)
        for s in range(1, T + 1):
            here = [x[i, s] for i in range(n) if (i, s) in x]
            if len(here) > inst.tables:
                m.add(sum(here) <= inst.tables)
        for i, meeting in enumerate(inst.meetings):
            for j in meeting.after:
                # x[i, s] needs j placed strictly before s.
                for s in self.allowed[i]:
                    before = [x[j, t] for t in self.allowed[j] if t < s]
                    if before:
                        m.add_bool_or(before).OnlyEnforceIf(x[i, s])
                    else:
                        m.add(x[i, s] == 0)
        self.breaks: dict[int, list] = {}
        self.free: dict[int, cp_model.IntVar] = {}
        self.used: dict[int, list] = {}
        for p in range(1, inst.participants + 1):
            mine = inst.meetings_of(p)
            if not mine:
                continue
            used: list[Any] = []  # per slot: the participant's busy literal, None where it cannot meet
            for s in range(1, T + 1):
                terms = [x[i, s] for i in mine if (i, s) in x]
                if not terms:
                    used.append(None)
                    continue
                if len(terms) == 1:
                    used.append(terms[0])
                    continue
                u = m.new_bool_var(f"u{p}_{s}")
                m.add(sum(terms) == u)
                used.append(u)
            self.used[p] = used
            if require_all:
                # Implied (Bofill et al.): a participant is busy in exactly as many slots as it has meetings.
                m.add(sum(u for u in used if u is not None) == len(mine))
            if len(mine) < 2 or not count_breaks:
                self.breaks[p] = []
                continue
            self.breaks[p], self.free[p] = add_breaks(m, used, str(p))
            cap = None if caps is None else caps.get(p)
            if cap is not None:
                m.add(sum(self.breaks[p]) <= cap)
            if require_all and not lower.get(p) and len(mine) <= T and cap is not None:
                self._window(p, mine, used, T, None if cap == 0 else self.free[p])
            if require_all and lower.get(p):
                m.add(sum(self.breaks[p]) >= lower[p])
        # Implied: at most two participants per meeting table in a slot.
        for s in range(T):
            busy = [u[s] for u in self.used.values() if u[s] is not None]
            if len(busy) > 2 * inst.tables:
                m.add(sum(busy) <= 2 * inst.tables)
        counts = {p: sum(b) if b else 0 for p, b in self.breaks.items()}
        self.total = sum(sum(b) for b in self.breaks.values())
        if total_floor:
            m.add(self.total >= total_floor)
        if fairness is not None and counts:
            # A participant with one meeting placed for sure has no break, so the minimum is 0.
            zero = any(
                len(inst.meetings_of(p)) == 1 and (require_all or inst.meetings[inst.meetings_of(p)[0]].fixed)
                for p in counts
            )
            if zero:
                for b in self.breaks.values():
                    if len(b) > fairness:
                        m.add(sum(b) <= fairness)
            else:
                hi, lo = m.new_int_var(0, T, "hi"), m.new_int_var(0, T, "lo")
                m.add_max_equality(hi, list(counts.values()))
                m.add_min_equality(lo, list(counts.values()))
                m.add(hi - lo <= fairness)

    def _window(self, p: int, mine: list[int], used: list, T: int, when=None) -> None:
        """Redundant for a participant without breaks: its k meetings fill one window of k slots exactly.

        ``when`` (the participant's "no break" literal) makes it conditional; None means always.
        """
        m, k = self.model, len(mine)
        starts = {f: m.new_bool_var(f"win{p}_{f}") for f in range(1, T - k + 2)}
        for f, v in starts.items():
            if any(used[s - 1] is None for s in range(f, f + k)) or not _window_fits(self.inst, mine, [(f, f + k - 1)]):
                m.add(v == 0)
        m.add_exactly_one(list(starts.values()) + ([] if when is None else [when.Not()]))
        for s in range(1, T + 1):
            if used[s - 1] is not None:
                same = m.add(used[s - 1] == sum(v for f, v in starts.items() if f <= s <= f + k - 1))
                if when is not None:
                    same.OnlyEnforceIf(when)

    def slots_from(self, solver: cp_model.CpSolver) -> list[int | None]:
        return [
            next((s for s in self.allowed[i] if solver.BooleanValue(self.x[i, s])), None)
            for i in range(len(self.inst.meetings))
        ]

    def hint(self, slots: list[int | None]) -> None:
        for (i, s), v in self.x.items():
            self.model.add_hint(v, slots[i] == s)


def _solver(
    time_limit: float, workers: int, seed: int, *, search: bool = False, core: bool = False
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if core:
        # Core-guided minimisation (the MaxSAT approach of the published paper): one worker raises
        # the bound by refuting sets of break literals, the other finds schedules without the LP.
        for name in CORE_WORKERS:
            solver.parameters.subsolvers.append(name)
        solver.parameters.num_full_subsolvers = max(1, min(workers, len(CORE_WORKERS)))
    elif search:
        # Satisfaction steps: one worker searches by clause learning without the LP relaxation, the
        # other with the full LP relaxation and its cuts, which proves impossible totals. Measured on
        # the published instances: the default portfolio found no zero-break schedule for
        # tic-14crafc in 60 s (0.2-10 s without LP), and without LP, "at most 3 breaks" for
        # tic-13crafc was not refuted in 40 s (0.5 s with the LP worker).
        for name in SEARCH_WORKERS:
            solver.parameters.subsolvers.append(name)
        # Otherwise CP-SAT gives one of two workers to local search, and only "no_lp" would run.
        solver.parameters.num_full_subsolvers = max(1, min(workers, len(SEARCH_WORKERS)))
    return solver


CONFLICT = diag("hard_conflict")
PROBE = 3.0  # CPU seconds per worker for one restricted attempt of the linear search
MIN_CPU_SHARE = 0.25  # a probe takes at most 4 × PROBE of wall time
SEARCH_WORKERS = ("no_lp", "max_lp", "quick_restart_no_lp", "default_lp")
CORE_WORKERS = ("core", "no_lp", "max_lp", "quick_restart_no_lp")


def mirror_symmetric(inst: Instance) -> bool:
    """True when reversing the order of the slots maps every schedule onto another valid one.

    Breaks, table loads and caps are unchanged by the reversal, so the search may keep only the
    schedules whose first meeting lies in the first half of the day.
    """
    T = inst.slots
    if any(m.fixed or m.after for m in inst.meetings):
        return False
    if inst.morning_slots < T and any(m.session != ANY for m in inst.meetings):
        return False
    return all(frozenset(T + 1 - s for s in slots) == slots for slots in inst.forbidden.values())


def _first_half(mod: _Model) -> None:
    """Keep only the schedules whose first meeting lies in the first half (see ``mirror_symmetric``)."""
    T = mod.inst.slots
    for s in range(1, T + 1):
        if 2 * s > T + 1 and (0, s) in mod.x:
            mod.model.add(mod.x[0, s] == 0)


def window_starts(inst: Instance, participant: int) -> int:
    """How many windows of consecutive slots this participant's meetings could fill without a gap."""
    mine = inst.meetings_of(participant)
    k = len(mine)
    return sum(1 for f in range(1, inst.slots - k + 2) if _window_fits(inst, mine, [(f, f + k - 1)]))


def _room(inst: Instance, lower: dict[int, int], fairness: int | None, busy: list[int]) -> dict[int, int]:
    """How many breaks above its own bound each participant could ever take in a full schedule.

    A participant with k meetings has at most k - 1 breaks, and at most (T - 1) // 2 in T slots.
    Under a fairness bound d, when some participant has a single meeting (and so no break), nobody
    can have more than d breaks.
    """
    room = {p: max(0, min(len(inst.meetings_of(p)) - 1, (inst.slots - 1) // 2) - lower[p]) for p in busy}
    if fairness is not None and any(len(inst.meetings_of(p)) == 1 for p in lower):
        room = {p: max(0, min(r, fairness - lower[p])) for p, r in room.items()}
    return room


def probe_seconds(cpu: float, wall: float, threads: int) -> float:
    """Wall seconds for one restricted attempt of the linear search, given the CPU time and wall
    time the solver's ``threads`` workers have had so far: ``PROBE`` seconds of CPU per worker at
    the share of the CPU they have been getting. Feasible probes succeed in 1-3 s on a quiet
    machine; when other processes keep the cores busy, the same work takes twice the wall time or
    more, and a fixed 3 s made ticf-13crafc miss its one-break schedule in 2 of 3 runs."""
    if wall < 0.05:
        return PROBE
    share = cpu / (wall * max(1, threads))
    return PROBE / min(1.0, max(MIN_CPU_SHARE, share))


def _ladder(
    inst: Instance,
    fairness: int | None,
    lower: dict[int, int],
    deadline: float,
    workers: int,
    seed: int,
) -> tuple[Result | None, int, list[dict], list[int | None] | None]:
    """Linear search upward from the participants' own bounds: is there a schedule with at most k breaks?

    Each step is a satisfaction problem in which every participant keeps its own bound except for
    k - floor extra breaks in total; participants without a break fill an exact window. The first
    step that has a solution is optimal, since every smaller total was proven impossible. Before the
    whole step, the extra breaks are offered to small sets of participants first (those with the
    fewest possible windows), which finds such schedules in a fraction of the time. Returns the
    optimal (or infeasible) result, or None with the proven bound when the time is up, and any
    schedule met on the way.
    """
    n = len(inst.meetings)
    floor = sum(lower.values())
    steps: list[dict] = []
    busy = [p for p in lower if len(inst.meetings_of(p)) >= 2]
    # How many breaks above its own bound a participant could ever take.
    room = _room(inst, lower, fairness, busy)
    order = sorted((p for p in busy if room[p]), key=lambda p: (window_starts(inst, p), -len(inst.meetings_of(p)), p))
    mirror = mirror_symmetric(inst)
    # CPU time and wall time the solver has had so far, for the probes' budget (``probe``).
    used = {"cpu": 0.0, "wall": 0.0}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    threads = max(1, min(workers, cores))

    def probe() -> float:
        return probe_seconds(used["cpu"], used["wall"], threads)

    def attempt(extra: int | None, chosen: set[int] | None, limit: float):
        if extra is None:  # no cap at all: the plain problem, to tell "infeasible" from "more breaks"
            mod = _Model(inst, require_all=True, fairness=fairness, lower=lower)
        else:
            caps = {p: lower[p] + (min(extra, room.get(p, 0)) if chosen is None or p in chosen else 0) for p in lower}
            mod = _Model(inst, require_all=True, fairness=fairness, lower=lower, caps=caps)
            if extra:
                mod.model.add(mod.total <= floor + extra)
        if mirror:
            _first_half(mod)
        solver = _solver(limit, workers, seed, search=True)
        began, cpu = time.perf_counter(), time.process_time()
        code = solver.Solve(mod.model)
        used["cpu"] += time.process_time() - cpu
        used["wall"] += time.perf_counter() - began
        steps.append(
            {
                "breaks_at_most": None if extra is None else floor + extra,
                "participants": None if chosen is None else len(chosen),
                "outcome": STATUS.get(code, "unknown"),
                "seconds": round(time.perf_counter() - began, 2),
            }
        )
        return code, mod, solver

    def found(mod: _Model, solver: cp_model.CpSolver, extra: int, proven: int) -> Result:
        slots = mod.slots_from(solver)
        breaks = sum(solver.Value(sum(b)) for b in mod.breaks.values() if b)
        status = "optimal" if breaks <= proven else "feasible"
        gap = 0.0 if status == "optimal" else round((breaks - proven) / max(1, breaks), 4)
        return Result(slots, status, n, breaks, float(proven), gap, 0.0, phase="tight" if extra == 0 else "linear")

    if not lower:
        return None, floor, steps, None

    extra, plain_checked, incumbent = 0, False, None
    while time.perf_counter() < deadline:
        if extra:
            size, stalled = max(1, min(extra, len(order))), False
            while size < len(order) and time.perf_counter() < deadline:
                code, mod, solver = attempt(extra, set(order[:size]), min(probe(), deadline - time.perf_counter()))
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    return found(mod, solver, extra, floor + extra), floor + extra, steps, None
                if code != cp_model.INFEASIBLE:
                    stalled = True
                    break
                size *= 2
            if stalled:
                # A restricted attempt ran out of time: on the published instances the whole step then
                # never settled before the deadline either (forum-13crafb, ticf-13crafb: 6-11 s spent
                # for nothing), so the time goes to the core-guided phase at once.
                break
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        code, mod, solver = attempt(extra, None, left)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return found(mod, solver, extra, floor + extra), floor + extra, steps, None
        if code != cp_model.INFEASIBLE:
            break
        # Every total up to floor + extra is impossible. Once no participant's cap binds any more, ask
        # once whether any schedule exists at all, so that an infeasible instance ends here.
        if not plain_checked and extra >= max(room.values(), default=0):
            plain_checked = True
            left = deadline - time.perf_counter()
            code, plain, plain_solver = attempt(None, None, left) if left > 0 else (cp_model.UNKNOWN, None, None)
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                assert plain is not None  # attempt() returns its model whenever it solved
                incumbent = plain.slots_from(plain_solver)
            if code == cp_model.INFEASIBLE:
                phase = "tight" if extra == 0 else "linear"
                result = Result([None] * n, "infeasible", 0, None, None, None, 0.0, explanation=[CONFLICT], phase=phase)
                return result, floor, steps, None
        extra += 1
    return None, floor + extra, steps, incumbent


def solve(
    inst: Instance,
    *,
    time_limit: float = 60.0,
    fairness: int | None = 2,
    workers: int = 2,
    require_all: bool = False,
    previous: list[int | None] | None = None,
    seed: int = 0,
    search_share: float = 0.25,
    core_share: float = 0.8,
) -> Result:
    """Solve ``inst``. With ``previous`` (a schedule to repair), moving a meeting costs, so few move."""
    start = time.perf_counter()
    n = len(inst.meetings)

    def left() -> float:
        return time_limit - (time.perf_counter() - start)

    if require_all:
        reasons = explain_overload(inst)
        if reasons:
            elapsed = time.perf_counter() - start
            return Result([None] * n, "infeasible", 0, None, None, None, elapsed, explanation=reasons, phase="precheck")
    lower = {p: participant_lower_bound(inst, p) for p in range(1, inst.participants + 1)} if require_all else {}
    floor = sum(lower.values())
    if require_all and previous is None:
        deadline = start + time_limit * search_share
        found, floor, steps, incumbent = _ladder(inst, fairness, lower, deadline, workers, seed)
        if found is None:
            limit = time_limit * max(core_share, search_share) - (time.perf_counter() - start)
            found, floor, incumbent = _descend(inst, fairness, lower, floor, limit, workers, seed, hint=incumbent)
        if found is None:
            found = _minimise_counts(inst, fairness, lower, floor, left(), workers, seed, start, hint=incumbent)
        found.seconds = time.perf_counter() - start
        found.lower_bound = sum(lower.values())
        found.steps = steps
        return found
    full = _Model(inst, require_all=require_all, fairness=fairness, lower=lower, total_floor=floor)
    model = full.model
    weight = sum(m.priority for m in inst.meetings) + 1
    big = inst.slots * inst.participants + 1
    unscheduled = sum(m.priority * (1 - full.placed[i]) for i, m in enumerate(inst.meetings))
    if previous is not None:
        # Repair: scheduled weight first, then few moves, then breaks.
        stay = [full.x[i, s] for i, s in enumerate(previous) if s is not None and (i, s) in full.x]
        moves = len(stay) - sum(stay)
        scale = len(previous) + 1
        model.minimize(unscheduled * big * scale * weight + moves * big + full.total)
        full.hint(previous)
    else:
        model.minimize(unscheduled * big * weight + full.total)
    solver = _solver(left(), workers, seed)
    code = solver.Solve(model)
    status = STATUS.get(code, "unknown")
    elapsed = time.perf_counter() - start
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reasons = explain_overload(inst) if code == cp_model.INFEASIBLE else []
        if code == cp_model.INFEASIBLE and not reasons:
            reasons = [CONFLICT]
        return Result([None] * n, status, 0, None, None, None, elapsed, explanation=reasons, lower_bound=floor)
    slots = full.slots_from(solver)
    breaks = sum(solver.Value(sum(b)) for b in full.breaks.values() if b)
    placed = sum(1 for s in slots if s is not None)
    bound = solver.BestObjectiveBound()
    objective = solver.ObjectiveValue()
    bound_breaks = max(float(floor), bound) if placed == n and previous is None else None
    if bound_breaks is not None and breaks <= bound_breaks:
        status = "optimal"
    gap = 0.0 if status == "optimal" else round((objective - bound) / max(1.0, abs(objective)), 4)
    explanation = [] if placed == n else explain_overload(inst) or [diag("unplaceable", count=n - placed)]
    moved_count = sum(1 for i, s in enumerate(previous or []) if s is not None and slots[i] != s)
    return Result(
        slots,
        status,
        placed,
        breaks,
        bound_breaks,
        gap,
        elapsed,
        moved=moved_count,
        explanation=explanation,
        lower_bound=floor if require_all else None,
        phase="minimise",
    )


def _descend(
    inst: Instance,
    fairness: int | None,
    lower: dict[int, int],
    floor: int,
    time_limit: float,
    workers: int,
    seed: int,
    hint: list[int | None] | None = None,
) -> tuple[Result | None, int, list[int | None] | None]:
    """Minimise the total of the break literals with CP-SAT's core-guided search, from the bound ``floor``.

    This is the model of the satisfaction steps (order literals, break starts, implied constraints,
    conditional windows) with every participant capped only by what it could ever take. The core
    worker refutes sets of break literals and raises the bound the way a MaxSAT solver does; the
    other worker finds schedules. Measured on forum-13crafb (published optimum 6): the linear search
    neither found nor refuted "at most 5 breaks" in 150 s, this proves 6 and finds it in 6-10 s.
    Returns the optimal or infeasible result, or None with the bound proven and the best schedule.
    """
    n = len(inst.meetings)
    if time_limit <= 0:
        return None, floor, hint
    busy = [p for p in lower if len(inst.meetings_of(p)) >= 2]
    room = _room(inst, lower, fairness, busy)
    caps = {p: lower[p] + room.get(p, 0) for p in lower}
    mod = _Model(inst, require_all=True, fairness=fairness, lower=lower, caps=caps, total_floor=floor)
    if mirror_symmetric(inst):
        _first_half(mod)
    mod.model.minimize(mod.total)
    if hint:
        mod.hint(hint)
    solver = _solver(time_limit, workers, seed, core=True)
    code = solver.Solve(mod.model)
    if code == cp_model.INFEASIBLE:
        infeasible = Result([None] * n, "infeasible", 0, None, None, None, 0.0, explanation=[CONFLICT], phase="core")
        return infeasible, floor, None
    bound = max(floor, math.ceil(solver.BestObjectiveBound() - 1e-6)) if code != cp_model.UNKNOWN else floor
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, bound, hint
    slots = mod.slots_from(solver)
    breaks = round(solver.ObjectiveValue())
    if code == cp_model.OPTIMAL or breaks <= bound:
        return Result(slots, "optimal", n, breaks, float(breaks), 0.0, 0.0, phase="core"), breaks, None
    return None, bound, slots


def _minimise_counts(
    inst: Instance,
    fairness: int | None,
    lower: dict[int, int],
    floor: int,
    time_limit: float,
    workers: int,
    seed: int,
    start: float,
    hint: list[int | None] | None = None,
) -> Result:
    """Every meeting placed: minimise breaks counted per participant as blocks of busy slots minus one.

    Measured on the benchmark, this integer-count model finds better schedules within the time limit
    than the Boolean break-start model when no proof comes (the literal model's strength is in
    proofs), so it is the last phase, warm-started from the best schedule met so far. Each
    participant's own bound and the bound proven before are added as constraints.
    """
    model = cp_model.CpModel()
    n, T = len(inst.meetings), inst.slots
    allowed = [inst.allowed_slots(i) for i in range(n)]
    x = {(i, s): model.new_bool_var(f"x{i}_{s}") for i in range(n) for s in allowed[i]}
    for i in range(n):
        model.add_exactly_one(x[i, s] for s in allowed[i])
    for s in range(1, T + 1):
        here = [x[i, s] for i in range(n) if (i, s) in x]
        if len(here) > inst.tables:
            model.add(sum(here) <= inst.tables)
    slot_of = [sum(s * x[i, s] for s in allowed[i]) for i in range(n)]
    for i, m in enumerate(inst.meetings):
        for j in m.after:
            model.add(slot_of[j] < slot_of[i])
    counts: list[Any] = []
    for p in range(1, inst.participants + 1):
        mine = inst.meetings_of(p)
        if not mine:
            continue
        if len(mine) < 2:
            counts.append(0)
            continue
        used = []
        for s in range(1, T + 1):
            terms = [x[i, s] for i in mine if (i, s) in x]
            u = model.new_bool_var(f"u{p}_{s}")
            model.add(sum(terms) == u) if terms else model.add(u == 0)
            used.append(u)
        # Breaks = blocks of consecutive meetings - 1; a block starts where a used slot follows an idle one.
        starts = [used[0]]
        for k in range(1, T):
            b = model.new_bool_var(f"s{p}_{k}")
            model.add_bool_and([used[k], used[k - 1].Not()]).OnlyEnforceIf(b)
            model.add_bool_or([used[k].Not(), used[k - 1]]).OnlyEnforceIf(b.Not())
            starts.append(b)
        count = model.new_int_var(lower.get(p, 0), T, f"breaks{p}")
        model.add(count == sum(starts) - 1)
        # Redundant window: meetings lie in [first, first + k + idle - 1]; without a break idle = 0.
        k = len(mine)
        if k <= T:
            first = model.new_int_var(1, T - k + 1, f"first{p}")
            idle = model.new_int_var(0, T - k, f"idle{p}")
            model.add(idle <= (T - k) * count)
            model.add(count <= idle)
            for (i, s), lit in x.items():
                if i in mine:
                    model.add(first <= s).OnlyEnforceIf(lit)
                    model.add(first + k - 1 + idle >= s).OnlyEnforceIf(lit)
        counts.append(count)
    total = sum(counts)
    model.add(total >= floor)
    if fairness is not None and counts:
        hi, lo = model.new_int_var(0, T, "hi"), model.new_int_var(0, T, "lo")
        model.add_max_equality(hi, counts)
        model.add_min_equality(lo, counts)
        model.add(hi - lo <= fairness)
    model.minimize(total)
    if hint:
        for (i, s), lit in x.items():
            model.add_hint(lit, hint[i] == s)
    solver = _solver(time_limit, workers, seed)
    code = solver.Solve(model)
    status = STATUS.get(code, "unknown")
    elapsed = time.perf_counter() - start
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reasons = []
        if code == cp_model.INFEASIBLE:
            reasons = [CONFLICT]
        return Result(
            [None] * n, status, 0, None, None, None, elapsed, explanation=reasons, lower_bound=floor, phase="minimise"
        )
    slots: list[int | None] = [next(s for s in allowed[i] if solver.BooleanValue(x[i, s])) for i in range(n)]
    breaks = round(solver.ObjectiveValue())
    bound = max(float(floor), solver.BestObjectiveBound())
    if breaks <= bound:
        status = "optimal"
    gap = 0.0 if status == "optimal" else round((breaks - bound) / max(1.0, breaks), 4)
    return Result(slots, status, n, breaks, bound, gap, elapsed, lower_bound=floor, phase="minimise")


def slot_loads(slots: list[int | None]) -> Counter:
    return Counter(s for s in slots if s is not None)
