"""The MaxSAT peer: the B2B model of Bofill et al. (JAIR 2023) as weighted partial MaxSAT, solved by
pysat's RC2 (core-guided, the family of the paper's best approach). Benchmark-only: python-sat is
installed by ``make bench`` and never by the product.

Written from the paper, not from our CP-SAT model: x[m, s] "meeting m in slot s" (exactly one per
meeting, among its allowed slots), at most one meeting per participant and slot, at most nTables
meetings per slot (totalizer), precedences; u[p, s] "p busy in s"; order literals "a meeting of p at
or after s"; a break-start literal b[p, s] <-> u[p, s-1] & ~u[p, s] & "a meeting at or after s+1",
soft clause ~b[p, s] of weight 1. Fairness d: a unary counter per participant ("at least k breaks",
both directions) and, for every level L, "someone has at least L + d + 1 breaks" implies "everyone has
at least L + 1". Implied (from the paper): a participant is busy in exactly as many slots as it has
meetings.

Run as ``python -m benchmarks.maxsat_peer FILE.dzn`` it prints one JSON line (breaks, slots, seconds);
the benchmark runs it in a child process with a wall-clock limit, since RC2 cannot be interrupted.
"""

from __future__ import annotations

import json
import sys
import time

from pysat.card import CardEnc, EncType
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF, IDPool

from innocore.schedule.instance import Instance, read_dzn


def encode(inst: Instance, fairness: int | None = 2) -> tuple[WCNF, dict[tuple[int, int], int]]:
    pool = IDPool()
    w = WCNF()
    true = pool.id("true")
    w.append([true])
    n, T = len(inst.meetings), inst.slots
    allowed = [inst.allowed_slots(i) for i in range(n)]
    x = {(i, s): pool.id(("x", i, s)) for i in range(n) for s in allowed[i]}
    for i in range(n):
        lits = [x[i, s] for s in allowed[i]]
        w.extend(CardEnc.equals(lits, 1, vpool=pool, encoding=EncType.ladder).clauses)
    for s in range(1, T + 1):
        lits = [x[i, s] for i in range(n) if (i, s) in x]
        if len(lits) > inst.tables:
            w.extend(CardEnc.atmost(lits, inst.tables, vpool=pool, encoding=EncType.kmtotalizer).clauses)
    for i, m in enumerate(inst.meetings):
        for j in m.after:
            for s in allowed[i]:
                w.append([-x[i, s]] + [x[j, t] for t in allowed[j] if t < s])
    ge: dict[int, list[int]] = {}  # ge[p][k]: p has at least k breaks (k = 0 .. K)
    for p in range(1, inst.participants + 1):
        mine = [i for i, m in enumerate(inst.meetings) if p in (m.a, m.b)]
        if not mine:
            continue
        used = []
        for s in range(1, T + 1):
            lits = [x[i, s] for i in mine if (i, s) in x]
            if not lits:
                used.append(-true)
                continue
            u = pool.id(("u", p, s))
            if len(lits) > 1:
                w.extend(CardEnc.atmost(lits, 1, vpool=pool, encoding=EncType.pairwise).clauses)
            w.append([-u] + lits)
            for v in lits:
                w.append([-v, u])
            used.append(u)
        # Implied: busy in exactly as many slots as meetings.
        busy = [u for u in used if u != -true]
        if len(busy) > len(mine):
            w.extend(CardEnc.atmost(busy, len(mine), vpool=pool, encoding=EncType.kmtotalizer).clauses)
        breaks = []
        if len(mine) >= 2:
            post = [0] * (T + 1)  # post[s-1]: a meeting at or after slot s
            post[T] = -true
            for s in range(T, 0, -1):
                v = pool.id(("post", p, s))
                w.extend([[-v, used[s - 1], post[s]], [v, -used[s - 1]], [v, -post[s]]])
                post[s - 1] = v
            for s in range(2, T):
                b = pool.id(("brk", p, s))
                prev, cur, after = used[s - 2], used[s - 1], post[s]
                w.extend([[-b, prev], [-b, -cur], [-b, after], [b, -prev, cur, -after]])
                w.append([-b], weight=1)
                breaks.append(b)
        ge[p] = _counter(w, pool, breaks, true, p)
    if fairness is not None:
        top = max(len(c) for c in ge.values())
        for level in range(top):
            hi = [c[level + fairness + 1] for c in ge.values() if level + fairness + 1 < len(c)]
            if not hi:
                break
            someone = pool.id(("hi", level))
            for h in hi:
                w.append([-h, someone])
            for c in ge.values():
                w.append([-someone, c[level + 1] if level + 1 < len(c) else -true])
    return w, x


def _counter(w: WCNF, pool: IDPool, lits: list[int], true: int, tag: int) -> list[int]:
    """Sequential counter with both directions: out[k] <-> at least k of ``lits`` (out[0] is true)."""
    row = [true]  # row[k] over the literals seen so far
    for j, lit in enumerate(lits):
        new = [true]
        for k in range(1, j + 2):
            r = pool.id(("cnt", tag, j, k))
            before = row[k] if k < len(row) else -true
            w.extend(
                [
                    [-before, r],
                    [-row[k - 1], -lit, r],
                    [-r, before, row[k - 1]],
                    [-r, before, lit],
                ]
            )
            new.append(r)
        row = new
    return row


def solve(inst: Instance, fairness: int | None = 2) -> dict:
    began = time.perf_counter()
    w, x = encode(inst, fairness)
    encoded = time.perf_counter()
    with RC2(w, solver="g3", adapt=True, exhaust=True, minz=True) as rc2:
        model = rc2.compute()
        cost = rc2.cost
    if model is None:
        return {"status": "infeasible", "seconds": round(time.perf_counter() - began, 2)}
    true = {v for v in model if v > 0}
    slots = [next((s for s in inst.allowed_slots(i) if x[i, s] in true), None) for i in range(len(inst.meetings))]
    return {
        "status": "optimal",
        "breaks": cost,
        "slots": slots,
        "variables": w.nv,
        "clauses": len(w.hard) + len(w.soft),
        "encode_seconds": round(encoded - began, 2),
        "seconds": round(time.perf_counter() - began, 2),
    }


if __name__ == "__main__":
    print(json.dumps(solve(read_dzn(sys.argv[1]))), flush=True)
