"""Extraction quality on press releases written for the project (gold annotations), plus the seed.

Precision, recall and F1 per field, micro-averaged over documents; names compared after
folding (script and case). Events are compared as (kind) and (kind, date) multisets per document.
Held-out releases (benchmarks/data/releases-heldout/, same layout), when present, are scored
separately: the rules were not tuned on them. Speed: one dry run of the longest release, and 100
dry runs.
"""

import json
import time
from collections import Counter
from pathlib import Path

from benchmarks.common import OWN_DATA, SHARED
from innocore.ingest.pipeline import analyse
from innocore.text import fold

RELEASES = OWN_DATA / "releases"
HELDOUT = OWN_DATA / "releases-heldout"
FORMATS = {".pdf", ".docx", ".html", ".htm", ".txt"}
SEED = SHARED / "seeds" / "hkstp-shandong-press-release.txt"


def keys(result: dict, field: str) -> set:
    if field == "organizations":
        return {fold(o["name"]) for o in result["organizations"]}
    if field == "people_with_titles":
        return {(fold(p["name"]), fold(p.get("title") or "")) for p in result["people"]}
    if field == "places":
        return {fold(p["name"]) for p in result["places"]}
    if field == "signing_parties":
        return {fold(x) for a in result["agreements"] for x in a["parties"]}
    if field == "delegation_members":
        return {fold(x) for x in result["delegation_members"]}
    if field == "contacts":
        return {fold(c["name"]) for c in result["contacts"]}
    raise KeyError(field)


FIELDS = ["organizations", "people_with_titles", "places", "signing_parties", "delegation_members", "contacts"]
EVENT_FIELDS = {"event_kinds": lambda e: e["kind"], "event_kinds_dates": lambda e: (e["kind"], e["date"])}


def _figures(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "gold": tp + fn}


def score(pairs: list[tuple[dict, dict]]) -> dict:
    out = {}
    for field in FIELDS:
        tp = fp = fn = 0
        for predicted, gold in pairs:
            p, g = keys(predicted, field), keys(gold, field)
            if field == "people_with_titles":
                # A title counts when one contains the other ("行政總裁" within "科技園公司行政總裁").
                matched = {x for x in p if any(x[0] == y[0] and (x[1] in y[1] or y[1] in x[1]) for y in g)}
                tp += len(matched)
                fp += len(p) - len(matched)
                fn += len([y for y in g if not any(y[0] == x[0] and (x[1] in y[1] or y[1] in x[1]) for x in p)])
            else:
                tp += len(p & g)
                fp += len(p - g)
                fn += len(g - p)
        out[field] = _figures(tp, fp, fn)
    for field, key in EVENT_FIELDS.items():
        tp = fp = fn = 0
        for predicted, gold in pairs:
            p, g = Counter(map(key, predicted["events"])), Counter(map(key, gold["events"]))
            matched = sum((p & g).values())
            tp, fp, fn = tp + matched, fp + sum(p.values()) - matched, fn + sum(g.values()) - matched
        out[field] = _figures(tp, fp, fn)
    return out


def documents(folder: Path) -> list[Path]:
    """The releases in ``folder`` that have a gold annotation beside them."""
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in FORMATS and gold_path(p).exists())


def gold_path(path: Path) -> Path:
    return path.with_name(path.stem + ".gold.json")


def evaluate(docs: list[Path]) -> tuple[list[tuple[dict, dict]], list[float]]:
    pairs, timings = [], []
    for path in docs:
        t0 = time.perf_counter()
        predicted = analyse(path.read_bytes(), path.name)
        timings.append(time.perf_counter() - t0)
        pairs.append((predicted, json.loads(gold_path(path).read_text(encoding="utf-8"))))
    return pairs, timings


def run(*, heldout: Path | None = HELDOUT) -> list[dict]:
    results = []
    docs = documents(RELEASES)
    pairs, timings = evaluate(docs)
    if pairs:
        results.append(
            {
                "benchmark": "ingest_own_releases",
                "documents": len(pairs),
                **score(pairs),
                "max_dry_run_s": round(max(timings), 3),
            }
        )
    seed_gold = RELEASES / "seed.gold.json"
    if SEED.exists() and seed_gold.exists():
        predicted = analyse(SEED.read_bytes(), SEED.name)
        results.append({"benchmark": "ingest_seed_release", **score([(predicted, json.loads(seed_gold.read_text()))])})
    held_docs = documents(heldout) if heldout else []
    if held_docs:
        held_pairs, held_timings = evaluate(held_docs)
        results.append(
            {
                "benchmark": "ingest_heldout_releases",
                "documents": len(held_pairs),
                **score(held_pairs),
                "max_dry_run_s": round(max(held_timings), 3),
            }
        )
    if docs:
        blobs = [(p.read_bytes(), p.name) for p in docs]
        t0 = time.perf_counter()
        for i in range(100):
            analyse(*blobs[i % len(blobs)])
        results.append({"benchmark": "ingest_speed", "releases": 100, "total_s": round(time.perf_counter() - t0, 2)})
    return results


if __name__ == "__main__":
    for result in run():
        print(json.dumps(result, ensure_ascii=False), flush=True)
