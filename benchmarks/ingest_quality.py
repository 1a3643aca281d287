"""Extraction quality on press releases written for the project (gold annotations), plus the seed.

Precision, recall and F1 per field, micro-averaged over documents; names compared after
folding (script and case). Speed: one dry run of the longest release, and 100 dry runs.
"""

import json
import time

from benchmarks.common import OWN_DATA, SHARED
from innocore.ingest.pipeline import analyse
from innocore.text import fold

RELEASES = OWN_DATA / "releases"
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
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[field] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "gold": tp + fn}
    return out


def run() -> list[dict]:
    results = []
    docs = (
        sorted(p for p in RELEASES.glob("*") if p.suffix in {".pdf", ".docx", ".html", ".txt"})
        if RELEASES.exists()
        else []
    )
    pairs, timings = [], []
    for path in docs:
        gold_path = path.with_suffix(".gold.json")
        if not gold_path.exists():
            continue
        t0 = time.perf_counter()
        predicted = analyse(path.read_bytes(), path.name)
        timings.append(time.perf_counter() - t0)
        pairs.append((predicted, json.loads(gold_path.read_text(encoding="utf-8"))))
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
