"""A seeded generator of brokerage events at real size, for the benchmark and the tests.

The published instances have at most 78 participants and 302 meetings; b2match and Grip events run
to hundreds of companies and thousands of requests. This family keeps what makes those hard and
is absent from the published set: demand above capacity (popular participants are asked far more
often than they have slots, and tables are fewer than the requests), request priorities,
participants who arrive late or leave early (forbidden slots), morning-only and afternoon-only
requests, and a few must-meet pairs. Deterministic for a given seed.
"""

from __future__ import annotations

import math
import random

from innocore.schedule.instance import AFTERNOON, ANY, MORNING, Instance, Meeting

SIZES = ((200, 2000), (500, 5000), (1000, 10000))


def event_instance(participants: int, requests: int, *, seed: int = 0, slots: int = 24) -> Instance:
    """``participants`` companies, ``requests`` distinct pairs; a day of ``slots`` slots, half morning.

    Who is asked follows a skewed popularity (rank ** -0.8), so the most popular participants have
    two to four times more requests than slots. Tables serve 85 % of the requests at most. Priorities
    1 / 2 / 3 for 60 / 30 / 10 % of the requests; 15 % morning only, 15 % afternoon only; a quarter
    of the participants arrive late or leave early (2 to 8 slots); 1 % of the requests are must-meet,
    at most one per participant, with priority 3.
    """
    rng = random.Random(seed)
    morning = slots // 2
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(participants)]
    rng.shuffle(popularity)
    people = list(range(1, participants + 1))
    pairs: set[tuple[int, int]] = set()
    meetings: list[Meeting] = []
    while len(meetings) < requests:
        a = rng.randint(1, participants)
        b = rng.choices(people, weights=popularity)[0]
        if a == b or (min(a, b), max(a, b)) in pairs:
            continue
        pairs.add((min(a, b), max(a, b)))
        u, v = rng.random(), rng.random()
        session = MORNING if v < 0.15 else AFTERNOON if v < 0.3 else ANY
        meetings.append(Meeting(a, b, session=session, priority=1 if u < 0.6 else 2 if u < 0.9 else 3))
    forbidden: dict[int, frozenset[int]] = {}
    for p in people:
        if rng.random() < 0.25:
            k = rng.randint(2, 8)
            late = rng.random() < 0.5
            forbidden[p] = frozenset(range(1, k + 1)) if late else frozenset(range(slots - k + 1, slots + 1))
    inst = Instance(
        name=f"event-{participants}x{requests}-s{seed}",
        participants=participants,
        slots=slots,
        tables=math.ceil(0.85 * requests / slots),
        morning_slots=morning,
        meetings=meetings,
        forbidden=forbidden,
    )
    has_must: set[int] = set()
    for i in rng.sample(range(requests), requests // 100):
        m = meetings[i]
        if m.a in has_must or m.b in has_must or len(inst.allowed_slots(i)) < slots // 3:
            continue
        has_must |= {m.a, m.b}
        m.must, m.priority = True, 3
    return inst
