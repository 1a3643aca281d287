"""Do-not-meet wishes are hard exclusions; must-meet meetings are placed before any other."""

import pytest

from innocore.schedule.check import check
from innocore.schedule.instance import Instance, Meeting
from innocore.schedule.preferences import DO_NOT, MUST, WOULD_LIKE, apply_preferences
from innocore.schedule.solver import solve


def overloaded() -> Instance:
    """Participant 1 has five requests for four slots; 1-6 has the lowest priority of them all."""
    meetings = [Meeting(1, b, priority=3) for b in (2, 3, 4, 5)] + [Meeting(1, 6, priority=1), Meeting(2, 3)]
    return Instance(name="t", participants=6, slots=4, tables=3, morning_slots=2, meetings=meetings)


def test_without_wishes_the_lowest_priority_meeting_is_the_one_left_out():
    result = solve(overloaded(), time_limit=10, fairness=None)
    assert result.slots[4] is None
    assert sum(s is not None for s in result.slots) == 5


def test_a_must_meet_pair_is_placed_before_higher_priorities():
    applied = apply_preferences(overloaded(), [(6, 1, MUST)])
    assert applied.must == [4]
    # One must-meet meeting outweighs every other meeting together.
    assert applied.instance.meetings[4].priority > sum(
        m.priority for i, m in enumerate(applied.instance.meetings) if i != 4
    )
    result = solve(applied.instance, time_limit=10, fairness=None)
    assert result.slots[4] is not None
    assert check(applied.instance, result.slots).valid
    assert sum(s is not None for s in result.slots[:4]) == 3  # one of the others gives way


@pytest.mark.parametrize("wish", [(1, 2, DO_NOT), (2, 1, DO_NOT)])
def test_a_do_not_meet_pair_is_never_scheduled_whichever_side_said_it(wish):
    inst = overloaded()
    applied = apply_preferences(inst, [wish, (1, 6, WOULD_LIKE)])
    assert applied.excluded == [0]
    assert all({m.a, m.b} != {1, 2} for m in applied.instance.meetings)
    assert applied.kept == [1, 2, 3, 4, 5]
    result = solve(applied.instance, time_limit=10, fairness=None)
    # Room freed by the excluded meeting: participant 1's four other meetings now all fit.
    assert all(s is not None for s in result.slots)


def test_orders_that_name_an_excluded_meeting_are_dropped_and_the_rest_renumbered():
    inst = Instance(
        name="t",
        participants=3,
        slots=3,
        tables=2,
        morning_slots=0,
        meetings=[Meeting(1, 2), Meeting(1, 3, after=frozenset({0})), Meeting(2, 3, after=frozenset({1}))],
    )
    applied = apply_preferences(inst, [(1, 2, DO_NOT)])
    assert [m.after for m in applied.instance.meetings] == [frozenset(), frozenset({0})]


def test_an_unknown_wish_is_refused():
    with pytest.raises(ValueError, match="unknown preference"):
        apply_preferences(overloaded(), [(1, 2, "maybe")])
