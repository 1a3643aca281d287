"""Run the benchmarks and print one JSON object per result on stdout.

    python -m benchmarks.run                      # everything
    python -m benchmarks.run matching_quality     # one module

Each module runs in its own process: Django-based benchmarks configure their own throwaway
database, and peak memory figures then belong to one benchmark alone.
"""

import subprocess
import sys

BENCHMARKS = [
    "directory_search",
    "matching_quality",
    "matching_feedback_replay",
    "matching_feedback_headroom",
    "ingest_quality",
    "need_page",
    "long_texts",
    "matching_speed",
    "match_batch",
    "scheduling",
    "analytics",
]


def main(names: list[str]) -> int:
    failed = 0
    for name in names or BENCHMARKS:
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        sys.stdout.flush()
        failed += proc.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
