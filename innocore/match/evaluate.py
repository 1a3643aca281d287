"""Offline evaluation of the matcher on any corpus: JSONL records, TREC qrels, TREC run output.

Metrics follow the usual IR definitions (Järvelin & Kekäläinen 2002 for nDCG with graded gains
2^g - 1; MRR over the first relevant document; Recall@k over all judged relevant documents).
"""

from __future__ import annotations

import json
import math
import resource
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from innocore.match.engine import Document, Matcher, Query


class EvalInputError(ValueError):
    """A malformed input file; the message names the file and line."""


@dataclass(frozen=True)
class Record:
    id: str
    lang: str
    title: str
    text: str
    sectors: frozenset[str]


def read_jsonl(path: Path) -> list[Record]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise EvalInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc

    def objects():
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{n}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc

    return records_from(objects(), path, "line")


def records_from(objects: Iterable[tuple[str, object]], path: Path, unit: str = "row") -> list[Record]:
    """Records from (where, object) pairs: the lines of a JSONL file, or the rows of a Parquet file
    (``innobridge match-batch`` reads those on Spark), checked alike; errors name ``where``."""
    records: list[Record] = []
    seen: set[str] = set()
    for where, obj in objects:
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str | int) or str(obj.get("id")).strip() == "":
            raise EvalInputError(f'{where}: each {unit} needs an "id"')
        if not isinstance(obj.get("title") or "", str) or not isinstance(obj.get("text") or "", str):
            raise EvalInputError(f'{where}: "title" and "text" must be strings')
        if not (obj.get("title") or obj.get("text")):
            raise EvalInputError(f'{where}: needs a "title" or a "text"')
        rid = str(obj["id"])
        if rid in seen:
            raise EvalInputError(f"{where}: duplicate id {rid!r}")
        seen.add(rid)
        sectors = obj.get("sectors") or []
        if not isinstance(sectors, list):
            raise EvalInputError(f'{where}: "sectors" must be a list')
        records.append(
            Record(
                rid,
                str(obj.get("lang") or ""),
                obj.get("title") or "",
                obj.get("text") or "",
                frozenset(map(str, sectors)),
            )
        )
    if not records:
        raise EvalInputError(f"{path}: empty file")
    return records


def read_qrels(path: Path, queries: set[str], docs: set[str]) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: no such file") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4:
            raise EvalInputError(f"{path}:{n}: expected 'query_id 0 doc_id grade'")
        qid, _zero, did, grade = parts
        if qid not in queries:
            raise EvalInputError(f"{path}:{n}: unknown query id {qid!r}")
        if did not in docs:
            raise EvalInputError(f"{path}:{n}: unknown document id {did!r}")
        try:
            g = int(grade)
        except ValueError as exc:
            raise EvalInputError(f"{path}:{n}: grade must be an integer") from exc
        if g > 0:
            qrels.setdefault(qid, {})[did] = g
    if not qrels:
        raise EvalInputError(f"{path}: no positive judgement")
    return qrels


def ndcg_at(ranked: Sequence[str], rels: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** rels.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], rels: dict[str, int], k: int = 10) -> float:
    return len(set(ranked[:k]) & set(rels)) / len(rels) if rels else 0.0


def reciprocal_rank(ranked: Sequence[str], rels: dict[str, int]) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranked) if d in rels), 0.0)


def summarise(runs: dict[str, list[str]], qrels: dict[str, dict[str, int]], k: int = 10) -> dict[str, float]:
    judged = [q for q in runs if q in qrels]
    if not judged:
        return {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0, "acc@1": 0.0, "queries": 0}
    return {
        f"ndcg@{k}": round(float(np.mean([ndcg_at(runs[q], qrels[q], k) for q in judged])), 4),
        f"recall@{k}": round(float(np.mean([recall_at(runs[q], qrels[q], k) for q in judged])), 4),
        "mrr": round(float(np.mean([reciprocal_rank(runs[q], qrels[q]) for q in judged])), 4),
        "acc@1": round(float(np.mean([1.0 if runs[q][:1] and runs[q][0] in qrels[q] else 0.0 for q in judged])), 4),
        "queries": len(judged),
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_eval(
    *,
    corpus: Iterable[Record],
    queries: Iterable[Record],
    qrels_path: Path | None,
    method: str,
    top: int = 10,
    encoder=None,
    run_path: Path | None = None,
    matcher: Matcher | None = None,
) -> dict:
    corpus, queries = list(corpus), list(queries)
    qrels = read_qrels(qrels_path, {q.id for q in queries}, {d.id for d in corpus}) if qrels_path else {}
    t0 = time.perf_counter()
    matcher = matcher or Matcher(encoder=encoder if method != "bm25" else None)
    matcher.fit([Document(r.id, r.title, r.text, r.sectors, lang=r.lang) for r in corpus])
    index_s = time.perf_counter() - t0
    runs: dict[str, list[str]] = {}
    timings: list[float] = []
    lines: list[str] = []
    for q in queries:
        start = time.perf_counter()
        found = matcher.search(Query(q.title, q.text, q.sectors), top=top, method=method, explain=False)
        timings.append((time.perf_counter() - start) * 1000)
        runs[q.id] = [m.doc_id for m in found]
        lines += [f"{q.id} Q0 {m.doc_id} {rank} {m.score:.4f} {method}" for rank, m in enumerate(found, start=1)]
    if run_path:
        Path(run_path).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    result: dict[str, float | str] = {**summarise(runs, qrels, 10)} if qrels else {"queries": len(queries)}
    result.update(
        {
            "index_s": round(index_s, 3),
            "query_ms_p50": round(float(np.percentile(timings, 50)), 2) if timings else 0.0,
            "query_ms_p95": round(float(np.percentile(timings, 95)), 2) if timings else 0.0,
            "peak_rss_mb": peak_rss_mb(),
            "method": method,
        }
    )
    return result
