from pathlib import Path
from typing import Any

import pytest

from innocore.schedule.check import check, count_breaks
from innocore.schedule.diagnostics import ENGLISH, Diagnostic, diag
from innocore.schedule.greedy import greedy
from innocore.schedule.instance import Instance, InstanceError, Meeting, read_dzn
from innocore.schedule.solver import (
    CONFLICT,
    MIN_CPU_SHARE,
    PROBE,
    _room,
    mirror_symmetric,
    participant_lower_bound,
    probe_seconds,
    solve,
    window_starts,
)

DZN = """nBusiness = 4;
nMeetings = 5;
nTables = 2;
nTotalSlots = 4;
nMorningSlots = 2;
requested = [|1, 2,3, |1, 3,3, |1, 4,1, |2, 3,3, |3, 4,2 |];
forbidden = [{0},{0},{0,1},{0}];
fixed = [0,0,0,0,0];
precedences = [{},{},{},{1},{}];
"""


@pytest.fixture
def instance(tmp_path: Path) -> Instance:
    path = tmp_path / "small.dzn"
    path.write_text(DZN)
    return read_dzn(path)


def test_the_reader_understands_the_benchmark_format(instance):
    assert (instance.participants, instance.slots, instance.tables, instance.morning_slots) == (4, 4, 2, 2)
    assert [(m.a, m.b, m.session) for m in instance.meetings][:3] == [(1, 2, 3), (1, 3, 3), (1, 4, 1)]
    assert instance.forbidden[3] == {1}
    assert instance.meetings[3].after == {0}


def test_malformed_files_are_refused_with_the_field_named(tmp_path):
    bad = tmp_path / "bad.dzn"
    bad.write_text(DZN.replace("nMeetings = 5", "nMeetings = 6"))
    with pytest.raises(InstanceError, match="requested has 15 numbers"):
        read_dzn(bad)


def test_breaks_are_runs_of_idle_slots_between_meetings():
    assert count_breaks([1, 2, 3]) == 0
    assert count_breaks([1, 4, 5, 8]) == 2
    assert count_breaks([5]) == 0


def test_the_solver_finds_a_valid_optimal_schedule(instance):
    result = solve(instance, time_limit=10, require_all=True)
    verdict = check(instance, result.slots, fairness=2, require_all=True)
    assert result.status == "optimal" and verdict.valid, verdict.problems
    assert result.breaks == verdict.breaks == 1  # participant 4 meets in the morning and in the afternoon


def test_the_checker_catches_every_kind_of_violation(instance):
    slots = [1, 1, 3, 1, 1]  # participant 1 twice in slot 1, 4 meetings at 2 tables, morning-only in slot 3...
    problems = " ".join(str(d) for d in check(instance, slots, require_all=True).problems)
    for expected in [
        "tables",
        "two meetings in slot",
        "morning only",
        "cannot meet in slot 1",
        "must take place before",
    ]:
        assert expected in problems


def test_impossible_requests_are_explained_not_dropped():
    crowded = Instance(
        "crowded",
        participants=4,
        slots=2,
        tables=5,
        morning_slots=2,
        meetings=[Meeting(1, 2), Meeting(1, 3), Meeting(1, 4)],
    )
    result = solve(crowded, time_limit=5, require_all=True)
    assert result.status == "infeasible"
    assert diag("participant_overbooked", participant=1, requests=3, slots=2) in result.explanation
    assert "participant 1 has 3 requests for 2 available slots" in [str(d) for d in result.explanation]
    partial = solve(crowded, time_limit=5)
    assert partial.scheduled == 2 and partial.explanation


def test_fairness_limits_the_difference_of_breaks(instance):
    strict = solve(instance, time_limit=5, require_all=True, fairness=0)
    assert strict.status == "infeasible" and strict.explanation
    loose = solve(instance, time_limit=5, require_all=True, fairness=1)
    assert check(instance, loose.slots, fairness=1, require_all=True).valid


def test_rescheduling_keeps_meetings_in_place_when_it_can(instance):
    first = solve(instance, time_limit=5, require_all=True)
    again = solve(instance, time_limit=5, previous=first.slots)
    assert again.moved == 0 and again.scheduled == len(instance.meetings)


def test_the_greedy_baseline_respects_the_hard_constraints(instance):
    slots = greedy(instance)
    verdict = check(instance, slots)
    assert verdict.valid, verdict.problems


def test_the_checker_rejects_fixed_slots_unscheduled_meetings_and_unfair_breaks(instance):
    instance.meetings[0].fixed = 2
    verdict = check(instance, [1, 2, None, 3, 4], fairness=0, require_all=True)
    assert diag("not_scheduled", meeting=2) in verdict.problems  # 0-based index; worded 1-based
    problems = " ".join(str(d) for d in verdict.problems)
    assert "fixed to slot 2, placed in 1" in problems
    assert "meeting 3 is not scheduled" in problems
    assert "breaks differ by 1 > 0" in problems  # participant 1 meets in slots 1 and 4... 3 has a gap
    assert str(check(instance, [1, 2, 3]).problems[0]) == "3 slots for 5 meetings"


def test_a_participant_whose_free_slots_are_split_has_a_break_of_its_own():
    inst = Instance(
        "split",
        participants=3,
        slots=4,
        tables=2,
        morning_slots=4,
        meetings=[Meeting(1, 2), Meeting(1, 3), Meeting(1, 2)],
        forbidden={1: frozenset({3})},
    )
    assert participant_lower_bound(inst, 1) == 1 and participant_lower_bound(inst, 2) == 0
    result = solve(inst, time_limit=20, require_all=True)
    assert (result.status, result.breaks, result.lower_bound, result.phase) == ("optimal", 1, 1, "tight")
    assert check(inst, result.slots, fairness=2, require_all=True).valid


def test_a_tight_zero_break_schedule_is_proven_optimal_at_once(tmp_path):
    inst = Instance(
        "chain",
        participants=4,
        slots=3,
        tables=2,
        morning_slots=3,
        meetings=[Meeting(1, 2), Meeting(1, 3), Meeting(2, 4), Meeting(3, 4), Meeting(1, 4)],
    )
    result = solve(inst, time_limit=20, require_all=True)
    assert (result.status, result.breaks, result.bound, result.gap, result.phase) == ("optimal", 0, 0.0, 0.0, "tight")
    assert check(inst, result.slots, fairness=0, require_all=True).valid


def test_a_break_forced_only_by_the_others_is_found_by_the_linear_search_and_proven_optimal():
    # Three participants who all meet each other, one table, three slots: each can keep its own two
    # meetings together, but not all three at once, so exactly one of them must wait a slot.
    inst = Instance(
        "triangle",
        participants=3,
        slots=3,
        tables=1,
        morning_slots=3,
        meetings=[Meeting(1, 2), Meeting(1, 3), Meeting(2, 3)],
    )
    assert all(participant_lower_bound(inst, p) == 0 for p in (1, 2, 3))
    result = solve(inst, time_limit=20, require_all=True)
    assert (result.status, result.breaks, result.bound, result.lower_bound, result.phase) == (
        "optimal",
        1,
        1.0,
        0,
        "linear",
    )
    # "No break at all" was refuted first; the break offered to one participant then sufficed.
    assert [(st["breaks_at_most"], st["participants"], st["outcome"]) for st in result.steps] == [
        (0, None, "infeasible"),
        (1, 1, "optimal"),
    ]
    assert check(inst, result.slots, fairness=2, require_all=True).breaks == 1


def _triangles(count: int, slots: int, tables: int | None = None) -> Instance:
    """``count`` separate groups of three participants who all meet each other, one table per group."""
    meetings = []
    for g in range(count):
        a, b, c = 3 * g + 1, 3 * g + 2, 3 * g + 3
        meetings += [Meeting(a, b), Meeting(a, c), Meeting(b, c)]
    return Instance(
        "triangles", participants=3 * count, slots=slots, tables=tables or count, morning_slots=slots, meetings=meetings
    )


def test_the_core_guided_phase_proves_the_optimum_when_the_linear_search_has_no_time():
    # Each triangle needs three slots, one meeting per slot, so one of its three participants waits:
    # two triangles need exactly two breaks, which no participant's own bound shows.
    inst = _triangles(2, 3)
    result = solve(inst, time_limit=10, require_all=True, search_share=0)
    assert (result.status, result.breaks, result.bound, result.gap, result.lower_bound, result.phase) == (
        "optimal",
        2,
        2.0,
        0.0,
        0,
        "core",
    )
    assert result.steps == []  # the linear search had no time at all
    verdict = check(inst, result.slots, fairness=2, require_all=True)
    assert verdict.valid and verdict.breaks == 2, verdict.problems


def test_the_core_guided_phase_proves_an_instance_infeasible():
    inst = _triangles(1, 2, tables=3)  # three meetings that pairwise share a participant, in two slots
    result = solve(inst, time_limit=10, require_all=True, search_share=0)
    assert (result.status, result.phase, result.scheduled, result.explanation) == ("infeasible", "core", 0, [CONFLICT])


def test_the_fairness_bound_caps_each_participant_only_when_someone_surely_has_no_break():
    # Participant 4 meets once, so has no break: under fairness 1 nobody may take more than 1.
    with_single = Instance(
        "single",
        participants=4,
        slots=9,
        tables=2,
        morning_slots=9,
        meetings=[Meeting(1, 2), Meeting(1, 3), Meeting(1, 2), Meeting(1, 3), Meeting(3, 4)],
    )
    assert _room(with_single, {1: 0, 2: 0, 3: 0, 4: 0}, 1, [1, 2, 3]) == {1: 1, 2: 1, 3: 1}
    assert _room(with_single, {1: 0, 2: 0, 3: 0, 4: 0}, None, [1, 2, 3]) == {1: 3, 2: 1, 3: 2}
    # Without such a participant, everyone could take breaks, so the cap is only what fits the day.
    without = Instance("pairs", participants=3, slots=9, tables=2, morning_slots=9, meetings=with_single.meetings[:4])
    assert _room(without, {1: 0, 2: 0, 3: 0}, 1, [1, 2, 3]) == {1: 3, 2: 1, 3: 1}


def test_the_mirror_symmetry_is_used_only_where_reversing_the_day_keeps_every_rule():
    base: dict[str, Any] = dict(participants=3, slots=4, tables=2, morning_slots=4)
    assert mirror_symmetric(Instance("plain", meetings=[Meeting(1, 2), Meeting(2, 3)], **base))
    assert mirror_symmetric(Instance("both ends", meetings=[Meeting(1, 2)], forbidden={1: frozenset({1, 4})}, **base))
    assert not mirror_symmetric(Instance("one end", meetings=[Meeting(1, 2)], forbidden={1: frozenset({1})}, **base))
    assert not mirror_symmetric(Instance("fixed", meetings=[Meeting(1, 2, fixed=1)], **base))
    assert not mirror_symmetric(
        Instance("order", meetings=[Meeting(1, 2), Meeting(2, 3, after=frozenset({0}))], **base)
    )
    split: dict[str, Any] = dict(base, morning_slots=2)
    assert not mirror_symmetric(Instance("morning", meetings=[Meeting(1, 2, session=1)], **split))
    assert mirror_symmetric(Instance("any session", meetings=[Meeting(1, 2)], **split))


def test_window_starts_counts_the_gap_free_windows_a_participant_could_fill():
    inst = Instance(
        "windows",
        participants=3,
        slots=5,
        tables=2,
        morning_slots=2,
        meetings=[Meeting(1, 2, session=1), Meeting(1, 3)],
        forbidden={3: frozenset({4})},
    )
    # Participant 1: one morning meeting (slot 1 or 2) next to one anywhere: windows 1-2 and 2-3.
    assert window_starts(inst, 1) == 2
    # Participant 3 has one meeting and four free slots.
    assert window_starts(inst, 3) == 4


@pytest.mark.parametrize(
    ("meetings", "expected"),
    [
        # A precedence cycle: 1 before 2 before 1.
        ([Meeting(1, 2, after=frozenset({1})), Meeting(3, 4, after=frozenset({0}))], "order_impossible"),
        # A chain of three meetings that must follow each other in two slots.
        (
            [Meeting(1, 2), Meeting(3, 4, after=frozenset({0})), Meeting(1, 3, after=frozenset({1}))],
            "order_impossible",
        ),
        ([Meeting(1, 2, fixed=1), Meeting(1, 3, fixed=1)], "participant_fixed_twice"),
        ([Meeting(1, 2, fixed=1), Meeting(3, 4, fixed=1), Meeting(5, 6, fixed=1)], "fixed_over_tables"),
    ],
)
def test_impossible_variants_are_refused_by_the_pre_check(meetings, expected):
    inst = Instance("bad", participants=6, slots=2, tables=2, morning_slots=2, meetings=meetings)
    result = solve(inst, time_limit=5, require_all=True)
    assert (result.status, result.phase, result.scheduled) == ("infeasible", "precheck", 0)
    assert any(d.code == expected for d in result.explanation), result.explanation


def test_an_infeasibility_no_simple_rule_sees_is_proven_by_the_solver():
    # Three participants who all meet each other need three slots; each has only two meetings.
    triangle = Instance(
        "triangle",
        participants=3,
        slots=2,
        tables=3,
        morning_slots=2,
        meetings=[Meeting(1, 2), Meeting(1, 3), Meeting(2, 3)],
    )
    result = solve(triangle, time_limit=20, require_all=True)
    assert result.status == "infeasible" and result.phase == "tight" and result.explanation
    # The search proved it: no schedule with the participants' own bounds, then none at all.
    assert [step["outcome"] for step in result.steps] == ["infeasible", "infeasible"]
    partial = solve(triangle, time_limit=5)
    assert partial.scheduled == 2 and check(triangle, partial.slots).valid


def test_a_cancellation_moves_nothing_and_a_late_request_few_meetings(instance):
    first = solve(instance, time_limit=5, require_all=True)
    cancelled = Instance(
        instance.name,
        instance.participants,
        instance.slots,
        instance.tables,
        instance.morning_slots,
        [Meeting(m.a, m.b, m.session, m.fixed, frozenset()) for m in instance.meetings[1:]],
        instance.forbidden,
    )
    again = solve(cancelled, time_limit=5, previous=first.slots[1:])
    assert again.moved == 0 and again.scheduled == 4
    late = Instance(
        instance.name,
        instance.participants,
        instance.slots,
        instance.tables,
        instance.morning_slots,
        instance.meetings + [Meeting(2, 4)],
        instance.forbidden,
    )
    repaired = solve(late, time_limit=5, previous=first.slots + [None])
    assert repaired.scheduled == 6 and repaired.moved <= 2
    assert check(late, repaired.slots, fairness=2, require_all=True).valid


def test_every_diagnostic_is_worded_in_english_and_unknown_codes_are_refused():
    args = {"participant": 1, "requests": 3, "slots": 2, "tables": 1, "meeting": 0, "meetings": [0, 1], "slot": 1}
    args |= {"count": 2, "given": 1, "expected": 2, "fixed": 1, "before": 0, "after": 1, "spread": 2, "fairness": 1}
    for code in ENGLISH:
        text = str(Diagnostic(code, args))
        assert "{" not in text and text, code
    assert str(diag("participant_fixed_twice", participant=2, slot=3, meetings=[0, 4])) == (
        "participant 2 has two meetings fixed to slot 3 (meetings 1 and 5)"
    )
    with pytest.raises(ValueError, match="unknown diagnostic"):
        diag("made_up")


@pytest.mark.parametrize(
    ("cpu", "wall", "threads", "expected"),
    [
        (0.0, 0.0, 2, PROBE),  # nothing measured yet
        (4.0, 2.0, 2, PROBE),  # both workers had a whole core each
        (2.0, 2.0, 2, 2 * PROBE),  # half the CPU: twice the wall time for the same work
        (1.0, 2.0, 1, 2 * PROBE),
        (0.1, 10.0, 2, PROBE / MIN_CPU_SHARE),  # starved: capped
        (9.0, 2.0, 2, PROBE),  # more CPU than the workers (start-up threads) never shortens a probe
    ],
)
def test_a_probe_gets_the_same_cpu_time_whatever_the_load(cpu, wall, threads, expected):
    assert probe_seconds(cpu, wall, threads) == pytest.approx(expected)
