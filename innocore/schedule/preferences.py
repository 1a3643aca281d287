"""Participants' wishes about whom they meet, turned into rules the scheduler already understands.

Two wishes change a schedule:

- *do not want to meet* is a hard exclusion: a meeting between two participants when either side
  said so is taken out of the instance before solving, so no schedule can contain it;
- *must meet* comes first: its weight is raised above the weight of all other meetings together,
  so a schedule that leaves out a must-meet meeting to place any number of others is never better
  (lexicographic priority by weighting; see e.g. Marler & Arora, "Survey of multi-objective
  optimization methods for engineering", 2004, on weighted lexicographic objectives).

*Would like to meet* is informative only: it does not change the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from innocore.schedule.instance import Instance, Meeting

MUST, WOULD_LIKE, DO_NOT = "must", "would_like", "do_not"


@dataclass
class Applied:
    instance: Instance
    kept: list[int]  # for each meeting of ``instance``, its index in the original
    excluded: list[int]  # original indices taken out by a do-not-meet wish
    must: list[int]  # original indices of must-meet meetings


def apply_preferences(inst: Instance, wishes: Iterable[tuple[int, int, str]]) -> Applied:
    """``wishes`` are (participant, other participant, kind), 1-based participants as in ``inst``."""
    do_not, must = set(), set()
    for a, b, kind in wishes:
        pair = frozenset((a, b))
        if kind == DO_NOT:
            do_not.add(pair)
        elif kind == MUST:
            must.add(pair)
        elif kind != WOULD_LIKE:
            raise ValueError(f"unknown preference {kind!r}")
    excluded = [i for i, m in enumerate(inst.meetings) if frozenset((m.a, m.b)) in do_not]
    gone = set(excluded)
    kept = [i for i in range(len(inst.meetings)) if i not in gone]
    renumber = {old: new for new, old in enumerate(kept)}
    first = [i for i in kept if frozenset((inst.meetings[i].a, inst.meetings[i].b)) in must]
    others = sum(inst.meetings[i].priority for i in kept if i not in set(first))
    meetings: list[Meeting] = []
    for i in kept:
        m = inst.meetings[i]
        meetings.append(
            replace(
                m,
                after=frozenset(renumber[j] for j in m.after if j in renumber),
                priority=m.priority + others if i in first else m.priority,
            )
        )
    return Applied(replace(inst, meetings=meetings), kept, excluded, first)
