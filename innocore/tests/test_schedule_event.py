import pytest

from innocore.schedule.check import check
from innocore.schedule.event import event_instance
from innocore.schedule.greedy import greedy
from innocore.schedule.instance import Instance, Meeting
from innocore.schedule.lns import compact_start, fair_start, schedule_event, weight_bound
from innocore.schedule.solver import solve


@pytest.fixture(scope="module")
def event() -> Instance:
    return event_instance(40, 300, seed=3, slots=10)


def weight(inst: Instance, slots) -> int:
    return sum(m.priority for m, s in zip(inst.meetings, slots, strict=True) if s is not None)


def test_the_generated_event_is_the_same_for_the_same_seed():
    a, b = event_instance(40, 300, seed=1), event_instance(40, 300, seed=1)
    assert [(m.a, m.b, m.session, m.priority, m.must) for m in a.meetings] == [
        (m.a, m.b, m.session, m.priority, m.must) for m in b.meetings
    ]
    assert a.forbidden == b.forbidden
    assert a.tables * a.slots < len(a.meetings)  # demand above capacity


def test_the_generated_event_has_distinct_pairs_and_at_most_one_must_meet_each(event):
    pairs = [(min(m.a, m.b), max(m.a, m.b)) for m in event.meetings]
    assert len(set(pairs)) == len(pairs)
    musts = [p for m in event.meetings if m.must for p in (m.a, m.b)]
    assert musts and len(musts) == len(set(musts))


def test_first_come_places_must_meet_requests_before_the_others():
    inst = Instance("m", 3, 1, 1, 1, [Meeting(1, 2), Meeting(2, 3, must=True)])
    assert greedy(inst) == [None, 1]


def test_the_checker_refuses_a_plan_without_a_must_meet_request():
    inst = Instance("m", 3, 1, 1, 1, [Meeting(1, 2), Meeting(2, 3, must=True)])
    verdict = check(inst, [1, None])
    assert not verdict.valid and verdict.problems[0].as_dict() == {"code": "not_scheduled", "meeting": 1}


def test_the_previous_solver_places_must_meet_requests():
    inst = Instance("m", 3, 1, 1, 1, [Meeting(1, 2, priority=5), Meeting(2, 3, must=True)])
    assert solve(inst, time_limit=5).slots == [None, 1]


def test_first_come_made_fair_keeps_everyone_within_the_bound(event):
    start = greedy(event)
    fair = fair_start(event, start, 1)
    verdict = check(event, fair)
    assert verdict.valid and max(verdict.breaks_by_participant.values()) <= 1
    assert all(f is None or f == s for f, s in zip(fair, start, strict=True))


def test_the_compact_start_is_fair_and_places_every_must_meet(event):
    verdict = check(event, compact_start(event, 1))
    assert verdict.valid and max(verdict.breaks_by_participant.values()) <= 1


def test_the_search_never_loses_weight_stays_fair_and_below_the_bound(event):
    r = schedule_event(event, time_limit=3, fairness=2, seed=1)
    verdict = check(event, r.slots, fairness=2)
    assert verdict.valid, verdict.problems
    assert max(verdict.breaks_by_participant.values()) == r.max_breaks <= 2
    assert (r.weight, r.breaks, r.scheduled) == (weight(event, r.slots), verdict.breaks, verdict.scheduled)
    assert r.weight_bound is not None and r.start_weight <= r.weight <= r.weight_bound


def test_the_weight_bound_is_exact_when_capacity_is_the_only_limit():
    # 2 tables x 2 slots for 6 requests among 6 people: the 4 heaviest fit.
    meetings = [Meeting(1, 2, priority=3), Meeting(3, 4, priority=2), Meeting(5, 6, priority=2)]
    meetings += [Meeting(1, 3), Meeting(2, 4), Meeting(4, 6)]
    inst = Instance("cap", 6, 2, 2, 2, meetings)
    assert weight_bound(inst, 5) == 3 + 2 + 2 + 1
    r = schedule_event(inst, time_limit=2, fairness=None)
    assert r.weight == 8
