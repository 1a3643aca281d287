"""Run every benchmark and print one JSON object per benchmark on stdout."""

import importlib
import json
import sys

BENCHMARKS = ["benchmarks.directory_search"]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        result = importlib.import_module(name).run()
        print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
