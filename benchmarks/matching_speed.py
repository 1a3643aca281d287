"""Speed and memory of the matcher on seeded synthetic corpora of 10k, 100k and 1M offers.

Documents are token lists drawn (Zipf-like) from a real vocabulary (jieba tokens of the CSL
abstracts), about 60 tokens each, with stored random unit vectors standing in for
embeddings (the 1M run may use stored vectors, the issue says). BM25 alone and hybrid are
timed beside bm25s indexing the very same tokens. Each size runs in a fresh process so
peak RSS is per size. Embedding throughput is measured separately on real texts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from benchmarks.common import BENCH_DATA, Timer, peak_rss_mb, percentile_ms

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]
QUERIES = 200
DIM = 512


def vocabulary() -> list[str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    words: dict[str, int] = {}
    for line in (BENCH_DATA / "csl" / "kg_dev.tsv").open(encoding="utf-8"):
        for w in jieba.lcut(line.split("\t")[1]):
            if w.strip() and len(w) > 1:
                words[w] = words.get(w, 0) + 1
    return [w for w, _ in sorted(words.items(), key=lambda kv: -kv[1])]


def one_size(n: int) -> dict:
    # Imported here: heavy libraries (Spark, encoders) load only when this benchmark runs.
    import bm25s

    from innocore.match.engine import Document, Matcher, Query

    rng = np.random.default_rng(n)
    vocab = vocabulary()
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    weights /= weights.sum()
    lengths = rng.integers(30, 90, n)
    flat = rng.choice(len(vocab), size=int(lengths.sum()), p=weights)
    splits = np.cumsum(lengths)[:-1]
    docs_ids = np.split(flat, splits)
    out: dict = {
        "benchmark": "matching_speed",
        "offers": n,
        "vocabulary": len(vocab),
        "mean_tokens": round(float(lengths.mean()), 1),
    }

    with Timer() as t:
        peer = bm25s.BM25()
        peer.index(
            bm25s.tokenization.Tokenized(ids=[d.tolist() for d in docs_ids], vocab={w: i for i, w in enumerate(vocab)}),
            show_progress=False,
        )
    out["bm25s_index_s"] = round(t.seconds, 2)
    queries = [docs_ids[i][rng.integers(0, len(docs_ids[i]), 8)] for i in rng.integers(0, n, QUERIES)]
    samples = []
    for q in queries:
        with Timer() as t:
            peer.retrieve([q.tolist()], k=10, show_progress=False, n_threads=1)
        samples.append(t.seconds)
    out["bm25s_query_ms_p50"], out["bm25s_query_ms_p95"] = percentile_ms(samples, 50), percentile_ms(samples, 95)
    rss_after_peer = peak_rss_mb()
    del peer

    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with Timer() as t:
        matcher = Matcher(candidates=100)
        matcher.fit(
            [Document(str(i)) for i in range(n)],
            vectors=vectors,
            token_lists=([(vocab[j], 1.0) for j in d] for d in docs_ids),
        )
    del vectors
    out["index_s"] = round(t.seconds, 2)
    # Imported here: heavy libraries (Spark, encoders) load only when this benchmark runs.
    from innocore.match.bm25 import top_k

    samples = []
    for q in queries:
        terms = [vocab[j] for j in q]
        with Timer() as t:
            top_k(matcher.bm25_.scores(terms), 10)
        samples.append(t.seconds)
    # The same work bm25s does: score the given tokens and take the top 10.
    out["bm25_core_query_ms_p50"], out["bm25_core_query_ms_p95"] = (
        percentile_ms(samples, 50),
        percentile_ms(samples, 95),
    )
    texts = [" ".join(vocab[j] for j in q) for q in queries]
    matcher.search(Query(texts[0]), top=10, method="bm25", explain=False)  # load jieba and the glossary once
    for method in ("bm25", "hybrid"):
        samples = []
        for text in texts:
            qv = rng.standard_normal(DIM).astype(np.float32)
            qv /= np.linalg.norm(qv)
            with Timer() as t:
                matcher.search(Query(text), top=10, method=method, explain=False, query_vector=qv)
            samples.append(t.seconds)
        out[f"{method}_query_ms_p50"] = percentile_ms(samples, 50)
        out[f"{method}_query_ms_p95"] = percentile_ms(samples, 95)
    out["peak_rss_mb"] = peak_rss_mb()
    out["peer_peak_rss_mb"] = rss_after_peer
    return out


def embedding_throughput() -> dict:
    """Texts encoded per second on one core (run with one BLAS / OpenMP thread)."""
    # Imported here: heavy libraries (Spark, encoders) load only when this benchmark runs.
    from innocore.match.dense import get_encoder

    lines = [line.split("\t")[1][:300] for line in (BENCH_DATA / "csl" / "kg_dev.tsv").open(encoding="utf-8")]
    out: dict = {
        "benchmark": "embedding_throughput",
        "texts": len(lines),
        "mean_chars": round(float(np.mean([len(x) for x in lines])), 1),
    }
    seconds = {}
    for name in ("use", "e5"):
        enc = get_encoder(name)
        enc.encode_documents(lines[:8])
        with Timer() as t:
            enc.encode_documents(lines)
        seconds[name] = t.seconds
        out[f"{name}_texts_per_s"] = round(len(lines) / t.seconds, 1)
    out["use+e5_texts_per_s"] = round(len(lines) / (seconds["use"] + seconds["e5"]), 1)
    out["threads"] = os.environ.get("OMP_NUM_THREADS", "")
    return out


def run() -> list[dict]:
    results = []
    for n in SIZES:
        # One process per size: peak RSS then belongs to that size alone; one core as the target says.
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.matching_speed", str(n)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            results.append({"benchmark": "matching_speed", "offers": n, "error": proc.stderr.strip()[-2000:]})
        else:
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.matching_speed", "embedding"], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        results.append({"benchmark": "embedding_throughput", "error": proc.stderr.strip()[-2000:]})
    else:
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "embedding":
        print(json.dumps(embedding_throughput(), ensure_ascii=False))
    elif len(sys.argv) > 1:
        print(json.dumps(one_size(int(sys.argv[1])), ensure_ascii=False))
    else:
        for result in run():
            print(json.dumps(result, ensure_ascii=False), flush=True)
