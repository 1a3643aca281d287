"""Batch matching on Apache Spark: every query against a whole corpus, with the online engine's scoring.

The online engine answers one query at a time from an index held in memory. A nightly batch
(every need against every offer, and the other way round) runs the same code on a Spark
cluster in three stages:

1. **encode and tokenise** the corpus (and encode the queries) on the executors, in slices
   whose boundaries are multiples of the encoder's batch, so every vector is computed from the
   same batches as in one process (bit-identical vectors, hence identical rankings);
2. **fit** the :class:`~innocore.match.engine.Matcher` once on the driver from those vectors
   and token lists: the corpus-side statistics (BM25 idf and lengths, per-script means of the
   vectors, the cosine calibration) are global, so they are computed once, not per block;
3. **score**: the fitted matcher is broadcast to every executor and the queries are split in
   blocks; each block runs ``Matcher.search`` for its queries. The cost is linear in the
   number of queries (blocks are independent) and, per query, linear in the corpus size.

pyspark is imported lazily: the rest of innocore does not need it.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from innocore.match.dense import get_encoder
from innocore.match.engine import Document, Matcher, Query, embedding_text, field_terms

DEFAULT_MASTER = "local[2]"
ENCODE_BATCH = 64  # USEEncoder and E5Encoder's batch: slices are multiples of it
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class BatchQuery:
    """A query with its id (a need's or an offer's reference)."""

    id: str
    query: Query


@dataclass
class BatchResult:
    """Top-k per query id, in the queries' order, and what the run cost."""

    matches: dict[str, list[tuple[str, float, dict[str, float]]]]
    master: str | None  # as pyspark types SparkContext.master
    app_id: str
    timings: dict[str, float] = field(default_factory=dict)
    # Pairs scored: every query is scored against every corpus document (BM25 and cosine).
    pairs: int = 0
    worker_peak_rss_mb: float = 0.0  # the largest Python worker's, broadcast index included


def spark_session(master: str = DEFAULT_MASTER, app_name: str = "innobridge-match-batch", conf: dict | None = None):
    """A Spark session bound to 127.0.0.1 with its web UI off, whose Python workers run this
    interpreter (so numpy, the encoders and innocore are importable on every executor)."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # One BLAS thread per task: Spark's cores are the parallelism (more would oversubscribe them).
    threads = {name: os.environ.get(name, "1") for name in _THREAD_VARIABLES}
    os.environ.update(threads)
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.executorEnv.PYSPARK_PYTHON", sys.executable)
        .config("spark.python.worker.reuse", "true")
        .config("spark.ui.showConsoleProgress", "false")
        # Results (top-k lists) come back to the driver; the default 1g is too tight for large runs.
        .config("spark.driver.maxResultSize", "4g")
    )
    for name, value in threads.items():
        builder = builder.config(f"spark.executorEnv.{name}", value)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spread(n: int, parallelism: int, cap: int) -> int:
    """Items per task: at most ``cap``, and small enough that every core gets two tasks."""
    return max(1, min(cap, -(-n // max(1, 2 * parallelism))))


def _slices(n: int, size: int) -> list[tuple[int, int]]:
    size = max(ENCODE_BATCH, size - size % ENCODE_BATCH)
    return [(a, min(n, a + size)) for a in range(0, n, size)]


def _encode_part(encoder_name: str | None, side: str, with_terms: bool):
    """The executor-side function of stage 1: (start, titles, texts) -> (start, vectors, terms)."""

    def run(rows: Iterator[tuple[int, list[str], list[str]]]):
        enc = get_encoder(encoder_name) if encoder_name else None
        for start, titles, texts in rows:
            vectors = None
            if enc is not None:
                joined = [embedding_text(a, b) for a, b in zip(titles, texts, strict=True)]
                if side == "documents":
                    vectors = enc.encode_documents(joined).astype(np.float32)
                else:
                    # The online engine encodes one query at a time; so do we (same vectors).
                    vectors = np.vstack([enc.encode_queries([t]) for t in joined]).astype(np.float32)
            terms = [field_terms(a, b) for a, b in zip(titles, texts, strict=True)] if with_terms else None
            yield start, None if vectors is None else vectors.tobytes(), terms

    return run


def encode(
    spark,
    items: Sequence[tuple[str, str]],
    *,
    encoder_name: str | None,
    side: str,
    slice_size: int = 512,
    with_terms: bool | None = None,
) -> tuple[np.ndarray | None, list | None]:
    """Vectors (documents or queries side) and, for documents unless ``with_terms`` is False, the
    field terms of (title, text) pairs."""
    with_terms = side == "documents" if with_terms is None else with_terms
    n = len(items)
    if n == 0:
        return (np.zeros((0, get_dim(encoder_name)), dtype=np.float32) if encoder_name else None), (
            [] if with_terms else None
        )
    size = _spread(n, spark.sparkContext.defaultParallelism, slice_size)
    parts = [(a, [t for t, _ in items[a:b]], [x for _, x in items[a:b]]) for a, b in _slices(n, size)]
    rdd = spark.sparkContext.parallelize(parts, numSlices=len(parts))
    out = sorted(rdd.mapPartitions(_encode_part(encoder_name, side, with_terms)).collect(), key=lambda r: r[0])
    vectors = None
    if encoder_name:
        vectors = np.vstack([np.frombuffer(v, dtype=np.float32).reshape(-1, get_dim(encoder_name)) for _, v, _ in out])
    terms = [t for _, _, ts in out for t in ts] if with_terms else None
    return vectors, terms


def get_dim(encoder_name: str) -> int:
    return get_encoder(encoder_name).dim


def fit_matcher(
    documents: Sequence[Document],
    *,
    vectors: np.ndarray | None,
    terms: Sequence | None,
    encoder_name: str | None,
    **matcher_options,
) -> Matcher:
    """The online engine's matcher over ``documents``, without its encoder (it is broadcast and
    never encodes: query vectors come from stage 1) but with the encoder's calibration."""
    calibration = get_encoder(encoder_name).calibration if encoder_name else None
    matcher = Matcher(encoder=None, calibration=calibration, **matcher_options)
    token_lists = [matcher.weigh(*ft) for ft in terms] if terms is not None else None
    return matcher.fit(list(documents), vectors=vectors, token_lists=token_lists)


def _score_part(broadcast, top: int, method: str):
    def run(rows):
        cpu = time.process_time()
        matcher = broadcast.value
        rows = list(rows)
        vectors = [None if qv is None else np.frombuffer(qv, dtype=np.float32) for _qid, _q, qv in rows]
        # The block's nearest documents in one matrix product (the index is read once, not once per
        # query); the rest of the scoring is the online engine's, query by query.
        nearest: list = [None] * len(rows)
        present = [v for v in vectors if v is not None]
        if method == "hybrid" and matcher.dense_ is not None and rows and len(present) == len(rows):
            nearest = matcher.nearest_many(np.vstack(present))
        for (qid, query, _qv), vec, near in zip(rows, vectors, nearest, strict=True):
            found = matcher.search(query, top=top, method=method, explain=False, query_vector=vec, nearest=near)
            yield qid, [(m.doc_id, m.score, m.contributions) for m in found]
        # The worker's peak memory, with the broadcast index: sizing figures for executors.
        # and the CPU time this task got (on a shared machine, less than its wall time).
        yield None, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.process_time() - cpu)

    return run


def score(spark, matcher: Matcher, queries: Sequence[BatchQuery], query_vectors, *, top: int, method: str, block: int):
    """Top ``top`` matches per query, scored on the executors in blocks of ``block`` queries."""
    sc = spark.sparkContext
    rows = [
        (q.id, q.query, None if query_vectors is None else query_vectors[i].tobytes()) for i, q in enumerate(queries)
    ]
    n_blocks = max(1, -(-len(rows) // _spread(len(rows), sc.defaultParallelism, block)))
    shared = sc.broadcast(matcher)
    try:
        out = sc.parallelize(rows, numSlices=n_blocks).mapPartitions(_score_part(shared, top, method)).collect()
    finally:
        shared.unpersist()
    found = {qid: value for qid, value in out if qid is not None}
    stats = [value for qid, value in out if qid is None]
    return (
        {q.id: found.get(q.id, []) for q in queries},
        max((r for r, _c in stats), default=0.0),
        sum(c for _r, c in stats),
    )


def batch_match(
    spark,
    corpus: Sequence[Document],
    queries: Sequence[BatchQuery],
    *,
    encoder_name: str | None = "use",
    method: str = "hybrid",
    top: int = 20,
    block: int = 256,
    corpus_vectors: np.ndarray | None = None,
    query_vectors: np.ndarray | None = None,
    corpus_terms: Sequence | None = None,
    **matcher_options,
) -> BatchResult:
    """Encode, fit, broadcast and score. Vectors or terms given are used as they are (stored
    vectors of unchanged texts need no encoding)."""
    if method == "bm25":
        encoder_name = None
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if corpus_vectors is None or corpus_terms is None:
        vectors, terms = encode(
            spark,
            [(d.title, d.text) for d in corpus],
            encoder_name=encoder_name if corpus_vectors is None else None,
            side="documents",
        )
        corpus_vectors = corpus_vectors if corpus_vectors is not None else vectors
        corpus_terms = corpus_terms if corpus_terms is not None else terms
    if query_vectors is None and encoder_name:
        query_vectors, _ = encode(
            spark, [(q.query.title, q.query.text) for q in queries], encoder_name=encoder_name, side="queries"
        )
    timings["encode_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    matcher = fit_matcher(
        corpus, vectors=corpus_vectors, terms=corpus_terms, encoder_name=encoder_name, **matcher_options
    )
    timings["fit_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    matches, worker_rss, cpu_s = score(spark, matcher, queries, query_vectors, top=top, method=method, block=block)
    timings["score_s"] = time.perf_counter() - t0
    timings["score_cpu_s"] = cpu_s
    sc = spark.sparkContext
    return BatchResult(
        matches,
        sc.master,
        sc.applicationId,
        {k: round(v, 3) for k, v in timings.items()},
        len(corpus) * len(queries),
        round(worker_rss, 1),
    )


def trec_lines(result: BatchResult, method: str = "hybrid", top: int | None = None) -> list[str]:
    """The run in TREC format, exactly as ``match-eval --run`` writes it."""
    return [
        f"{qid} Q0 {doc_id} {rank} {score_:.4f} {method}"
        for qid, found in result.matches.items()
        for rank, (doc_id, score_, _c) in enumerate(found[:top] if top else found, start=1)
    ]
