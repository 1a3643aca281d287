"""B2B scheduling on the published benchmark (Bofill et al., JAIR 2023, see its README): our CP-SAT
model, checked independently, beside the greedy first-come baseline and the published optimum; then
the published variants; then the generated event-scale family.

BENCH_SCHEDULE selects the parts (comma-separated):
    original    the 20 base instances (default)
    loaded      the 20 base instances again, with two CPU-bound processes keeping both cores busy
                (default; the summary is b2b_schedule_loaded_summary)
    variants    a representative subset of the 120 variants: all 7 variants of tic-12, forumt-14
                and forum-13 (default)
    allvariants all 120 variants (about an hour: 84 need a solve, 36 are refused by the pre-check)
    event       the generated event-scale family (innocore.schedule.event: 200/500/1,000 participants,
                2,000/5,000/10,000 requests): first-come, the LNS scheduler and the previous
                single-model solver, all checked independently (default)
    open        the five variants the issue names as open (forb0007 and prec15 of forum-13crafc and
                ticf-13crafc, tic-13crafc.fixed040-Forb)
    all         original + loaded + allvariants + event + open
BENCH_SCHEDULE_LIMIT is the time limit per instance in seconds (default 60).
BENCH_SCHEDULE_PEER=0 leaves out the MaxSAT peer (benchmarks.maxsat_peer, pysat's RC2), which
otherwise runs on each original right after InnoBridge, in a child process with the same limit.
BENCH_SCHEDULE_LOAD=N keeps N CPU-bound processes running for the whole benchmark (the "loaded"
condition; 2 keeps both cores of the reference machine busy). Every line reports the load average.
"""

import json
import os
import re
import subprocess
import sys
import time

from benchmarks.common import BENCH_DATA
from innocore.schedule.check import check
from innocore.schedule.event import SIZES, event_instance
from innocore.schedule.greedy import greedy
from innocore.schedule.instance import read_dzn
from innocore.schedule.lns import schedule_event
from innocore.schedule.solver import solve

FOLDER = BENCH_DATA / "b2b-scheduling"
SUBSET = ("tic-12", "forumt-14", "forum-13")
OPEN = (
    "forum-13crafc.forb0007",
    "forum-13crafc.prec15",
    "ticf-13crafc.forb0007",
    "ticf-13crafc.prec15",
    "tic-13crafc.fixed040-Forb",
)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def peer_available() -> bool:
    try:
        import pysat  # noqa: F401
    except ImportError:
        return False
    return os.environ.get("BENCH_SCHEDULE_PEER", "1") != "0"


def run_peer(path, limit: float) -> dict:
    """The MaxSAT peer in a child process: its wall time includes its own start-up, as ours does not."""
    began = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.maxsat_peer", str(path)],
            stdout=subprocess.PIPE,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "wall": round(time.perf_counter() - began, 1)}
    out = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {"status": "error"}
    out["wall"] = round(time.perf_counter() - began, 1)
    return out


class Burners:
    """N CPU-bound child processes for the loaded condition, ended by their process ids."""

    def __init__(self, n: int):
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]

    def stop(self) -> None:
        for p in self.procs:
            p.kill()
            p.wait()


def published_optima() -> dict[str, int]:
    return {name: best for name, (best, _seconds) in published_table().items()}


def published_table() -> dict[str, tuple[int, float]]:
    """Instance -> (published optimum, seconds of the published MaxSAT approach), from the README."""
    out = {}
    for line in (FOLDER / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| ([a-z0-9\-]+) \|.*\| (\d+) \| ([\d.]+) \|$", line)
        if m:
            out[m.group(1)] = (int(m.group(2)), float(m.group(3)))
    return out


def run_instances(paths, limit: float, optima: dict[str, int], peer: bool = False) -> list[dict]:
    results = []
    for path in paths:
        inst = read_dzn(path)
        began = time.perf_counter()
        r = solve(inst, time_limit=limit, fairness=2, require_all=True)
        wall = time.perf_counter() - began
        verdict = check(inst, r.slots, fairness=2, require_all=True) if r.scheduled == len(inst.meetings) else None
        g = check(inst, greedy(inst))
        base, variant = inst.name.split(".")
        results.append(
            {
                "benchmark": "b2b_schedule",
                "instance": inst.name,
                "variant": variant,
                "meetings": len(inst.meetings),
                "scheduled": r.scheduled,
                "breaks": r.breaks,
                "status": r.status,
                "phase": r.phase,
                "bound": r.bound,
                "gap": r.gap,
                "seconds": round(r.seconds, 1),
                "valid": verdict.valid if verdict else None,
                "checked_breaks": verdict.breaks if verdict else None,
                "published_optimum": optima.get(base) if variant == "original" else None,
                "greedy_scheduled": g.scheduled,
                "greedy_breaks": g.breaks,
                "explanation": [str(d) for d in r.explanation[:2]],
                "steps": [
                    f"<={st['breaks_at_most'] if st['breaks_at_most'] is not None else 'any'}"
                    f"{'' if st['participants'] is None else '/' + str(st['participants'])}"
                    f":{st['outcome']}:{st['seconds']}"
                    for st in r.steps
                ],
                "load": load(),
            }
        )
        if peer:
            # Same instance, right after ours: both columns see the same machine state.
            results[-1]["solve_wall"] = round(wall, 1)
            q = run_peer(path, limit)
            ok = check(inst, q["slots"], fairness=2, require_all=True) if q.get("slots") else None
            results[-1].update(
                {
                    "peer_status": q["status"],
                    "peer_breaks": q.get("breaks"),
                    "peer_valid": ok.valid if ok else None,
                    "peer_seconds": q.get("seconds"),
                    "peer_wall": q["wall"],
                    "peer_load": load(),
                }
            )
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    return results


def summarise(name: str, results: list[dict], note: str = "") -> None:
    summary = {
        "benchmark": name,
        "instances": len(results),
        "scheduled_and_valid": sum(1 for r in results if r["valid"]),
        "proven_optimal": sum(1 for r in results if r["status"] == "optimal"),
        "infeasible": sum(1 for r in results if r["status"] == "infeasible"),
        "other": sum(1 for r in results if r["status"] not in ("optimal", "feasible", "infeasible")),
        "total_seconds": round(sum(r["seconds"] for r in results), 1),
    }
    done = [r for r in results if r["published_optimum"] is not None]
    if done:
        summary["equal_to_published_optimum"] = sum(1 for r in done if r["breaks"] == r["published_optimum"])
        summary["breaks_ours"] = sum(r["breaks"] or 0 for r in done)
        summary["breaks_published"] = sum(r["published_optimum"] for r in done)
        summary["breaks_greedy"] = sum(r["greedy_breaks"] for r in done)
        maxsat = published_table()
        summary["published_maxsat_seconds"] = round(
            sum(maxsat[r["instance"].split(".")[0]][1] for r in done if r["instance"].split(".")[0] in maxsat), 1
        )
        at_optimum = [r for r in done if r["status"] == "optimal" and r["breaks"] == r["published_optimum"]]
        summary["optimal_at_published_optimum"] = len(at_optimum)
    if any("peer_status" in r for r in results):
        summary["peer"] = "MaxSAT (pysat RC2, benchmarks.maxsat_peer)"
        summary["peer_optimal"] = sum(1 for r in results if r["peer_status"] == "optimal" and r["peer_valid"])
        summary["peer_at_published_optimum"] = sum(
            1 for r in results if r["peer_status"] == "optimal" and r["peer_breaks"] == r["published_optimum"]
        )
        summary["peer_total_wall"] = round(sum(r["peer_wall"] for r in results), 1)
        summary["ours_total_wall"] = round(sum(r["solve_wall"] for r in results), 1)
        summary["ours_over_peer"] = round(summary["ours_total_wall"] / max(0.1, summary["peer_total_wall"]), 3)
    summary["load_end"] = load()
    if note:
        summary["note"] = note
    print(json.dumps(summary), flush=True)


def run_event(limit: float, previous: bool = True) -> None:
    """The event-scale family: first-come, the LNS scheduler (fairness bound 2 for everyone), and
    the previous single-model solver with the same limit; every plan checked independently."""
    for participants, requests in SIZES:
        inst = event_instance(participants, requests, seed=0)
        g = greedy(inst)
        gv = check(inst, g)
        gw = sum(m.priority for m, s in zip(inst.meetings, g, strict=True) if s is not None)
        r = schedule_event(inst, time_limit=limit, fairness=2)
        v = check(inst, r.slots, fairness=2)
        line = {
            "benchmark": "b2b_event",
            "instance": inst.name,
            "participants": participants,
            "requests": requests,
            "tables": inst.tables,
            "slots": inst.slots,
            "must_meet": sum(m.must for m in inst.meetings),
            "total_weight": sum(m.priority for m in inst.meetings),
            "limit": limit,
            "greedy_scheduled": gv.scheduled,
            "greedy_weight": gw,
            "greedy_breaks": gv.breaks,
            "greedy_max_breaks": max(gv.breaks_by_participant.values(), default=0),
            "lns_scheduled": r.scheduled,
            "lns_weight": r.weight,
            "lns_breaks": r.breaks,
            "lns_max_breaks": max(v.breaks_by_participant.values(), default=0),
            "lns_valid": v.valid,
            "lns_start_weight": r.start_weight,
            "lns_steps": r.steps,
            "lns_improving_steps": r.improving_steps,
            "weight_bound": r.weight_bound,
            "lns_vs_greedy": round((r.weight - gw) / gw, 4),
            "greedy_within_of_bound": round((r.weight_bound - gw) / r.weight_bound, 4) if r.weight_bound else None,
            "lns_gap_to_bound": round((r.weight_bound - r.weight) / r.weight_bound, 4) if r.weight_bound else None,
            "breaks_bound": 0,
            "lns_seconds": round(r.seconds, 1),
            "load": load(),
        }
        if previous:
            began = time.perf_counter()
            p = solve(inst, time_limit=limit, fairness=2)
            pv = check(inst, p.slots, fairness=2)
            pw = sum(m.priority for m, s in zip(inst.meetings, p.slots, strict=True) if s is not None)
            line.update(
                {
                    "previous_status": p.status,
                    "previous_scheduled": p.scheduled,
                    "previous_weight": pw,
                    "previous_breaks": p.breaks,
                    "previous_max_breaks": max(pv.breaks_by_participant.values(), default=0),
                    "previous_valid": pv.valid if p.scheduled else None,
                    "previous_seconds": round(time.perf_counter() - began, 1),
                    "previous_load": load(),
                }
            )
        print(json.dumps(line), flush=True)


def run() -> list[dict]:
    parts = set(os.environ.get("BENCH_SCHEDULE", "original,loaded,variants,event,open").split(","))
    if "all" in parts:
        parts |= {"original", "loaded", "allvariants", "event", "open"}
    limit = float(os.environ.get("BENCH_SCHEDULE_LIMIT", "60"))
    burners = Burners(int(os.environ.get("BENCH_SCHEDULE_LOAD", "0")))
    print(json.dumps({"benchmark": "b2b_conditions", "burners": len(burners.procs), "limit": limit, "load": load()}))
    try:
        _run(parts, limit)
    finally:
        burners.stop()
    return []


LOADED_BURNERS = 2


def originals_paths() -> list:
    return sorted(FOLDER.glob("*.original.dzn"))


def _run(parts: set[str], limit: float) -> None:
    optima = published_optima()
    if "original" in parts:
        summarise("b2b_schedule_summary", run_instances(originals_paths(), limit, optima, peer=peer_available()))
    if "loaded" in parts:
        # The same run with both cores of the reference machine kept busy, the peer beside it again.
        burners = Burners(LOADED_BURNERS)
        try:
            conditions = {"benchmark": "b2b_conditions", "burners": len(burners.procs), "limit": limit, "load": load()}
            print(json.dumps(conditions))
            results = run_instances(originals_paths(), limit, optima, peer=peer_available())
        finally:
            burners.stop()
        summarise("b2b_schedule_loaded_summary", results, f"{LOADED_BURNERS} CPU-bound processes running")
    if parts & {"variants", "allvariants"}:
        paths = sorted(p for p in FOLDER.glob("*.dzn") if not p.name.endswith(".original.dzn"))
        note = "all 120 variants"
        if "allvariants" not in parts:
            paths = [p for p in paths if p.name.split(".")[0] in SUBSET]
            note = f"subset: the variants of {', '.join(SUBSET)}; BENCH_SCHEDULE=allvariants runs all 120"
        summarise("b2b_variants_summary", run_instances(paths, limit, optima), note)
    if "open" in parts:
        paths = [FOLDER / f"{name}.dzn" for name in OPEN]
        summarise("b2b_open_variants_summary", run_instances(paths, limit, optima), "the five open variants")
    if "event" in parts:
        run_event(limit, previous=os.environ.get("BENCH_SCHEDULE_PREVIOUS", "1") != "0")


if __name__ == "__main__":
    run()
