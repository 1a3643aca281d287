"""Helpers shared by the benchmarks: data locations, timing, memory."""

import os
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("INNOBRIDGE_SHARED_DIR", ROOT.parent / "shared"))
BENCH_DATA = SHARED / "benchmarks"
OWN_DATA = ROOT / "benchmarks" / "data"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def percentile_ms(samples: list[float], p: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return round(1000 * ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 2)
