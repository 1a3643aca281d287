"""Multi-city, multi-day planning: travel, cities, tables, explanations, repair, and its checker."""

import pytest

from innocore.schedule.check import check_plan
from innocore.schedule.instance import AFTERNOON, MORNING
from innocore.schedule.plan import (
    PlanInstance,
    PlanParticipant,
    PlanRequest,
    Session,
    explain_plan,
    greedy_plan,
    solve_plan,
    synthetic_plan,
)


def two_cities(travel: int = 90, slots: int = 4, tables: int = 2) -> PlanInstance:
    """Day 1 in Hong Kong and Shenzhen at the same hours, day 2 in Hong Kong; 30-minute slots from 09:00."""
    sessions = [
        Session(day=1, city="Hong Kong", slots=slots, tables=tables, morning_slots=2),
        Session(day=1, city="Shenzhen", slots=slots, tables=tables, morning_slots=2),
        Session(day=2, city="Hong Kong", slots=slots, tables=tables, morning_slots=2),
    ]
    people = {
        1: PlanParticipant("visitor"),  # goes everywhere
        2: PlanParticipant("hk-a", sessions=frozenset({0, 2})),
        3: PlanParticipant("sz-a", sessions=frozenset({1})),
        4: PlanParticipant("hk-b", sessions=frozenset({0, 2})),
        5: PlanParticipant("sz-b", sessions=frozenset({1})),
    }
    return PlanInstance(sessions=sessions, participants=people, requests=[], travel={("Hong Kong", "Shenzhen"): travel})


def test_a_visitor_meeting_in_two_cities_on_one_day_gets_the_travel_time():
    plan = two_cities(travel=60, slots=6)
    # Day 1 only: the visitor must meet both Hong Kong firms and the Shenzhen firm the same day.
    plan.requests = [PlanRequest(1, 2, day=1), PlanRequest(1, 3, day=1), PlanRequest(1, 4, day=1)]
    result = solve_plan(plan, time_limit=5)
    verdict = check_plan(plan, result.placements, fairness=2, require_all=True)
    assert verdict.valid, verdict.problems
    hk = sorted(s for (k, s) in result.placements if k == 0)
    sz = [s for (k, s) in result.placements if k == 1]
    assert len(hk) == 2 and len(sz) == 1
    # 60 minutes of travel = two 30-minute slots between the last meeting in one city and the first in the other.
    assert sz[0] >= hk[-1] + 3 or sz[0] + 3 <= hk[0]


def test_a_participant_is_never_placed_in_a_city_it_does_not_attend():
    plan = two_cities()
    plan.requests = [PlanRequest(2, 4), PlanRequest(3, 5), PlanRequest(1, 3), PlanRequest(1, 2, city="Hong Kong")]
    result = solve_plan(plan, time_limit=5)
    assert result.scheduled == 4
    assert check_plan(plan, result.placements, require_all=True).valid
    assert result.placements[1][0] == 1 and result.placements[2][0] == 1  # Shenzhen firms only meet in Shenzhen
    assert result.placements[0][0] in (0, 2) and plan.sessions[result.placements[3][0]].city == "Hong Kong"


def test_when_travel_makes_a_day_too_short_the_meetings_move_to_another_day_or_are_explained():
    plan = two_cities(travel=600, slots=2)  # ten hours: no way to meet in both cities on one day
    plan.requests = [PlanRequest(1, 3, day=1), PlanRequest(1, 2, day=1)]
    result = solve_plan(plan, time_limit=5)
    assert result.scheduled == 1 and result.explanation
    assert check_plan(plan, result.placements).valid
    plan.requests[1].day = None  # Hong Kong on day 2 is fine
    assert solve_plan(plan, time_limit=5).scheduled == 2


def test_the_plan_prefers_priority_when_not_everything_fits():
    plan = two_cities(slots=1, tables=1)
    plan.participants[1].sessions = frozenset({0})
    plan.requests = [PlanRequest(1, 2, priority=1), PlanRequest(1, 4, priority=3)]
    result = solve_plan(plan, time_limit=5)
    assert result.placements[0] is None and result.placements[1] == (0, 1)
    assert result.scheduled_bound == 3


def test_explanations_name_the_overloaded_participant_and_the_impossible_request():
    plan = two_cities(slots=2)
    plan.participants[3].sessions = frozenset({1})
    plan.requests = [PlanRequest(3, 2), PlanRequest(3, 5), PlanRequest(3, 5, half=MORNING), PlanRequest(1, 5)]
    reasons = " ".join(explain_plan(plan))
    assert "request 1 (sz-a-hk-a) has no session that both attend" in reasons
    assert "participant sz-a has 3 requests for 2 available slots" in reasons
    result = solve_plan(plan, time_limit=5)
    assert result.scheduled == 2 and "sz-a" in " ".join(result.explanation)


def test_replanning_after_a_late_request_moves_few_meetings():
    plan = synthetic_plan(seed=3, participants=30, requests=80, slots=6, tables=6, visitors=4, max_requests=8)
    first = solve_plan(plan, time_limit=5)
    assert check_plan(plan, first.placements, fairness=2).valid
    plan.requests.append(PlanRequest(1, 2))
    again = solve_plan(plan, time_limit=5, previous=first.placements + [None])
    assert check_plan(plan, again.placements, fairness=2).valid
    assert again.scheduled >= first.scheduled
    assert again.moved <= 3


def test_the_synthetic_plan_and_its_greedy_baseline_pass_the_checker():
    plan = synthetic_plan(seed=1, participants=40, requests=150, slots=6, tables=8, visitors=5, max_requests=9)
    greedy = greedy_plan(plan)
    assert check_plan(plan, greedy).valid
    result = solve_plan(plan, time_limit=4)
    verdict = check_plan(plan, result.placements, fairness=2)
    assert verdict.valid, verdict.problems
    assert verdict.breaks == result.breaks and verdict.scheduled == result.scheduled
    assert result.scheduled >= check_plan(plan, greedy).scheduled


@pytest.mark.parametrize(
    ("placements", "expected"),
    [
        ([(0, 1), (1, 1), None], "two meetings at once"),  # visitor in Hong Kong and Shenzhen at 09:00
        ([(0, 1), (1, 2), None], "cannot travel from Hong Kong to Shenzhen"),
        ([(1, 1), (1, 4), None], "does not attend session 1"),
        ([(0, 1), (2, 1), (0, 2)], "afternoon only"),
        ([(0, 9), (1, 4), None], "does not exist"),
        ([(0, 1), (1, 4), (2, 1)], "wants day 1"),
    ],
)
def test_the_plan_checker_rejects_each_kind_of_violation(placements, expected):
    plan = two_cities(travel=60)
    plan.requests = [PlanRequest(1, 2), PlanRequest(1, 3), PlanRequest(1, 4, half=AFTERNOON, day=1)]
    problems = check_plan(plan, placements).problems
    assert any(expected in p for p in problems), problems


def test_the_plan_checker_counts_tables_unavailability_and_fairness():
    plan = two_cities(tables=1)
    plan.participants[2].unavailable = frozenset({(0, 3)})
    plan.requests = [PlanRequest(2, 4), PlanRequest(1, 2), PlanRequest(1, 4), PlanRequest(3, 5)]
    problems = " ".join(check_plan(plan, [(0, 1), (0, 3), (0, 1), (1, 1)]).problems)
    assert "2 meetings for 1 tables" in problems and "not available in session 0 slot 3" in problems
    gappy = check_plan(plan, [(0, 1), (0, 4), (2, 1), (1, 1)], fairness=0)
    assert gappy.breaks == 1 and any("breaks differ" in p for p in gappy.problems)


def ordered_plan() -> PlanInstance:
    """Two orders whose natural placement is the wrong way round.

    Request 1 (hk-a-hk-b) fits only at 10:00 or 10:30 on day 1 in Hong Kong; request 2 (sz-a-sz-b) only in
    Shenzhen on day 1 at 09:00, 09:30 or 10:30. Request 3 (two late firms) fits only on day 2 at 10:00 or
    10:30; request 4 (visitor-hk-b) anywhere in Hong Kong on either day.
    """
    plan = two_cities(slots=4, tables=2)
    plan.participants[2].unavailable = frozenset({(0, 1), (0, 2), (2, 1), (2, 2), (2, 3), (2, 4)})
    plan.participants[3].unavailable = frozenset({(1, 3)})
    plan.participants[6] = PlanParticipant("late-a", sessions=frozenset({2}), unavailable=frozenset({(2, 1), (2, 2)}))
    plan.participants[7] = PlanParticipant("late-b", sessions=frozenset({2}))
    plan.requests = [PlanRequest(2, 4), PlanRequest(3, 5), PlanRequest(6, 7), PlanRequest(1, 4)]
    plan.precedences = [(0, 1), (2, 3)]  # 1 before 2 (across cities), 3 before 4 (across days)
    return plan


def test_precedences_hold_across_cities_and_days():
    plan = ordered_plan()
    unordered = greedy_plan(PlanInstance(plan.sessions, plan.participants, plan.requests, plan.travel))
    assert unordered[1] == (1, 1) and unordered[3] == (0, 1)  # without the orders, 2 and 4 come first
    result = solve_plan(plan, time_limit=3)
    verdict = check_plan(plan, result.placements, fairness=2, require_all=True)
    assert verdict.valid, verdict.problems
    # The only plan with every order kept: 10:00 Hong Kong then 10:30 Shenzhen; day 2 at 10:00 then 10:30.
    assert result.placements == [(0, 3), (1, 4), (2, 3), (2, 4)]
    # Repairing from a plan that breaks both orders neither fails nor returns the broken plan.
    repaired = solve_plan(plan, time_limit=3, previous=unordered)
    assert check_plan(plan, repaired.placements, fairness=2).valid
    assert repaired.placements == [(0, 3), (1, 4), (2, 3), (2, 4)]


def test_a_request_whose_predecessor_cannot_be_placed_is_left_out():
    plan = ordered_plan()
    plan.participants[4].unavailable = frozenset({(0, 3), (0, 4)})  # request 1 now has no place at all
    result = solve_plan(plan, time_limit=3)
    assert result.placements[0] is None and result.placements[1] is None
    assert result.placements[2:] == [(2, 3), (2, 4)]
    assert check_plan(plan, result.placements, fairness=2).valid
    assert greedy_plan(plan)[:2] == [None, None]


def test_greedy_keeps_the_orders_even_against_arrival_order():
    plan = ordered_plan()
    assert greedy_plan(plan) == [(0, 3), (1, 4), (2, 3), (2, 4)]
    plan.requests.reverse()  # the successors now arrive first
    plan.precedences = [(3, 2), (1, 0)]
    placements = greedy_plan(plan)
    assert placements == [(2, 4), (2, 3), (1, 4), (0, 3)]
    assert check_plan(plan, placements, require_all=True).valid


@pytest.mark.parametrize(
    ("placements", "broken"),
    [
        ([(0, 2), (1, 1), None, None], True),  # Shenzhen 09:00 before Hong Kong 09:30
        ([(0, 1), (1, 1), None, None], True),  # same minute in two cities is not "before"
        ([(2, 1), (1, 4), None, None], True),  # slot 1 of day 2 is after slot 4 of day 1
        ([None, (1, 1), None, None], True),  # the predecessor is not scheduled
        ([(0, 1), (1, 2), None, None], False),
        ([(0, 1), None, None, None], False),
    ],
)
def test_the_plan_checker_reports_a_broken_precedence(placements, broken):
    plan = ordered_plan()
    plan.participants[2].unavailable = frozenset()
    plan.participants[3].unavailable = frozenset()
    problems = check_plan(plan, placements).problems
    assert ("request 1 must take place before request 2" in problems) is broken, problems
    assert problems == (["request 1 must take place before request 2"] if broken else [])


def test_a_precedence_cycle_is_explained_and_left_unscheduled():
    plan = ordered_plan()
    plan.precedences = [(0, 1), (1, 0), (1, 2)]  # 1 and 2 wait for each other; 3 waits for 2
    reasons = explain_plan(plan)
    for i, who in ((1, "hk-a-hk-b"), (2, "sz-a-sz-b"), (3, "late-a-late-b")):
        assert (
            f"request {i} ({who}) cannot be placed after the requests it must follow and before those that "
            "must follow it (a cycle or too few slots)"
        ) in reasons
    assert not any("request 4 " in r for r in reasons)
    assert greedy_plan(plan) == [None, None, None, (0, 1)]
    result = solve_plan(plan, time_limit=3)
    assert result.status == "optimal" and result.scheduled_bound == 1
    assert result.placements[:3] == [None, None, None] and result.placements[3] is not None
    assert check_plan(plan, result.placements, fairness=2).valid
    assert any("a cycle" in r for r in result.explanation)
    # A fixed request on a cycle cannot be honoured either, but nothing else is lost.
    plan.requests[0].fixed = (0, 3)
    result = solve_plan(plan, time_limit=3)
    assert result.placements[:3] == [None, None, None] and result.placements[3] is not None
    assert check_plan(plan, result.placements).problems == ["request 1 (2-4) is not scheduled"]
