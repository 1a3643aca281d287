"""Run the benchmarks and print one JSON object per result on stdout.

python -m benchmarks.run                      # everything
python -m benchmarks.run matching_quality     # one module
"""

import importlib
import json
import sys

BENCHMARKS = ["directory_search", "matching_quality", "matching_speed"]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        results = importlib.import_module(f"benchmarks.{name}").run()
        for result in results if isinstance(results, list) else [results]:
            print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
