"""B2B scheduling on the published benchmark (JAIR 2023, see its README): our CP-SAT model, checked
independently, beside the greedy first-come baseline and the published optimum.

BENCH_SCHEDULE=original (default) runs the 20 base instances; =all adds the 120 variants.
"""

import json
import os
import re

from benchmarks.common import BENCH_DATA
from innocore.schedule.check import check
from innocore.schedule.greedy import greedy
from innocore.schedule.instance import read_dzn
from innocore.schedule.solver import solve

FOLDER = BENCH_DATA / "b2b-scheduling"


def published_optima() -> dict[str, int]:
    out = {}
    for line in (FOLDER / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| ([a-z0-9\-]+) \|.*\| (\d+) \| [\d.]+ \|$", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def run() -> list[dict]:
    which = os.environ.get("BENCH_SCHEDULE", "original")
    limit = float(os.environ.get("BENCH_SCHEDULE_LIMIT", "60"))
    files = sorted(FOLDER.glob("*.original.dzn" if which == "original" else "*.dzn"))
    optima = published_optima()
    results = []
    for path in files:
        inst = read_dzn(path)
        r = solve(inst, time_limit=limit, fairness=2, require_all=True)
        verdict = check(inst, r.slots, fairness=2, require_all=True) if r.scheduled == len(inst.meetings) else None
        g = check(inst, greedy(inst))
        base = inst.name.split(".")[0]
        results.append(
            {
                "benchmark": "b2b_schedule",
                "instance": inst.name,
                "meetings": len(inst.meetings),
                "scheduled": r.scheduled,
                "breaks": r.breaks,
                "status": r.status,
                "bound": r.bound,
                "seconds": round(r.seconds, 1),
                "valid": verdict.valid if verdict else None,
                "published_optimum": optima.get(base) if inst.name.endswith("original") else None,
                "greedy_scheduled": g.scheduled,
                "greedy_breaks": g.breaks,
            }
        )
        print(json.dumps(results[-1]), flush=True)
    done = [r for r in results if r["published_optimum"] is not None]
    summary = {
        "benchmark": "b2b_schedule_summary",
        "instances": len(results),
        "all_scheduled_and_valid": sum(1 for r in results if r["valid"]),
        "proven_optimal": sum(1 for r in results if r["status"] == "optimal"),
        "equal_to_published_optimum": sum(1 for r in done if r["breaks"] == r["published_optimum"]),
        "total_seconds": round(sum(r["seconds"] for r in results), 1),
    }
    print(json.dumps(summary), flush=True)
    return []


if __name__ == "__main__":
    run()
