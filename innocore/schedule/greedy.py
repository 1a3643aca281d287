"""First-come baseline: requests in arrival order take the earliest slot that is still free.

This is what event tools do when participants grab slots; it shows what optimisation buys.
"""

from __future__ import annotations

from innocore.schedule.instance import Instance


def greedy(inst: Instance) -> list[int | None]:
    slots: list[int | None] = [None] * len(inst.meetings)
    load = [0] * (inst.slots + 1)
    busy: dict[int, set[int]] = {}
    order = sorted(range(len(inst.meetings)), key=lambda i: (inst.meetings[i].fixed == 0, not inst.meetings[i].must, i))
    for i in order:
        m = inst.meetings[i]
        earliest = max((s for j in m.after if (s := slots[j]) is not None), default=0)
        for s in inst.allowed_slots(i):
            if s <= earliest or load[s] >= inst.tables:
                continue
            if s in busy.get(m.a, set()) or s in busy.get(m.b, set()):
                continue
            slots[i] = s
            load[s] += 1
            busy.setdefault(m.a, set()).add(s)
            busy.setdefault(m.b, set()).add(s)
            break
    return slots
