import pytest

from innocore.schedule.check import check
from innocore.schedule.instance import Instance, Meeting, read_dzn
from innocore.schedule.solver import solve

pytest.importorskip("pysat", reason="the MaxSAT peer is installed by make bench only")
peer = pytest.importorskip("benchmarks.maxsat_peer")


def test_the_peer_agrees_with_cp_sat_on_a_small_session():
    # Person 1 meets everyone; 2 and 3 cannot meet in the middle slot: breaks are forced.
    meetings = [Meeting(1, 2), Meeting(1, 3), Meeting(2, 3), Meeting(1, 4), Meeting(4, 2)]
    inst = Instance("tiny", 4, 4, 2, 4, meetings, forbidden={2: frozenset({2}), 3: frozenset({3})})
    ours = solve(inst, time_limit=10, fairness=2, require_all=True)
    theirs = peer.solve(inst, fairness=2)
    assert ours.status == theirs["status"] == "optimal"
    assert ours.breaks == theirs["breaks"]
    assert check(inst, theirs["slots"], fairness=2, require_all=True).valid


def test_the_peer_respects_the_fairness_bound_without_a_single_meeting_participant():
    # Everyone has two meetings or more, so the rule is "max - min <= d", not "at most d each".
    meetings = [Meeting(1, 2), Meeting(1, 3), Meeting(2, 3), Meeting(3, 4), Meeting(1, 4)]
    inst = Instance("fair", 4, 6, 1, 6, meetings)
    for d in (0, 1):
        ours = solve(inst, time_limit=10, fairness=d, require_all=True)
        theirs = peer.solve(inst, fairness=d)
        assert ours.status == theirs["status"]
        assert ours.breaks == theirs.get("breaks")


def test_the_peer_reads_the_benchmark_format(tmp_path):
    dzn = tmp_path / "t.dzn"
    dzn.write_text(
        "nBusiness = 3;\nnMeetings = 2;\nnTables = 1;\nnTotalSlots = 3;\nnMorningSlots = 3;\n"
        "requested = [|1, 2, 3, |2, 3, 3 |];\nforbidden = [{0},{0},{0}];\nfixed = [0,0];\n"
        "precedences = [{},{}];\n"
    )
    assert peer.solve(read_dzn(dzn))["breaks"] == 0
