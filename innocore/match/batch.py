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

from innocore.match.bm25 import top_k
from innocore.match.dense import get_encoder
from innocore.match.engine import Document, Matcher, Query, embedding_text, field_terms

DEFAULT_MASTER = "local[2]"
# Above this many documents the index is scored in blocks of as many documents, so that an
# executor holds one block (about 1.3 GB at 512 dimensions) instead of the whole index.
DOCUMENT_BLOCK = 500_000
QUERIES_PER_BLOCKED_TASK = 8192
NEAREST_SLICE = 1024
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


def _rounds(n: int, size: int, parallelism: int) -> int:
    """How many tasks for ``n`` queries of at most ``size`` each: a multiple of ``parallelism``,
    so the last round keeps every core busy (13 tasks on two cores run as 7 rounds with one core
    idle in the last; 14 smaller ones fill the 7 rounds). Spark slices a list evenly."""
    tasks = -(-max(1, -(-n // size)) // parallelism) * parallelism
    return max(1, min(tasks, n))


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
        cpu, wall = time.process_time(), time.perf_counter()
        matcher = broadcast.value
        loading = time.perf_counter() - wall
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
        yield None, _TaskStats.now(cpu, wall, loading)

    return run


@dataclass(frozen=True)
class _TaskStats:
    """What one scoring task cost: the worker's peak memory (broadcast data included: the sizing
    figure for executors), the CPU time it got, its wall time and the part of it spent loading
    broadcast data."""

    rss_mb: float
    cpu_s: float
    wall_s: float
    load_s: float

    @classmethod
    def now(cls, cpu_start: float, wall_start: float, load_s: float) -> _TaskStats:
        return cls(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            time.process_time() - cpu_start,
            time.perf_counter() - wall_start,
            load_s,
        )


class _Candidates:
    """One query's candidates from the document blocks read so far: global index, BM25 score,
    similarity in the nearest-neighbour search (-inf when not among a block's nearest), cosine
    for the fusion, document and script. Only those that can still be in the final pool are kept:
    the ``k_lex`` best by BM25 and the ``k_near`` nearest, as over the whole corpus at once."""

    def __init__(self, k_lex: int, k_near: int):
        self.k_lex, self.k_near = k_lex, k_near
        self.index = np.empty(0, dtype=np.int64)
        self.lex = np.empty(0, dtype=np.float32)
        self.near = np.empty(0, dtype=np.float32)
        # float32 cosines for the hybrid fusion; for the dense method, float64 ones (its shown score)
        self.cos = np.empty(0, dtype=np.float64)
        self.docs = np.empty(0, dtype=object)
        self.scripts = np.empty(0, dtype=object)

    def add(self, block, local, lex, near, cos, scripts) -> None:
        """A block's candidates (``local``: their indices in ``block``)."""
        held = len(self.index)
        self.index = np.concatenate([self.index, block.start + local])
        self.lex = np.concatenate([self.lex, lex])
        self.near = np.concatenate([self.near, near])
        self.cos = np.concatenate([self.cos, cos])
        self.scripts = np.concatenate([self.scripts, scripts])
        keep = np.unique(np.concatenate([self.best_lexical(self.k_lex), self.nearest(self.k_near)]))
        for name in ("index", "lex", "near", "cos", "scripts"):
            setattr(self, name, getattr(self, name)[keep])
        # Documents are made for the newcomers that stay only.
        docs = np.empty(len(keep), dtype=object)
        old = keep < held
        docs[old] = self.docs[keep[old]]
        docs[~old] = [block.document(int(j)) for j in local[keep[~old] - held]]
        self.docs = docs

    def best_lexical(self, k: int) -> np.ndarray:
        """Positions of the k best BM25 scores above 0, best first (ties: lower index first)."""
        pos = np.flatnonzero(self.lex > 0)
        return pos[np.lexsort((self.index[pos], -self.lex[pos]))[:k]]

    def nearest(self, k: int) -> np.ndarray:
        pos = np.flatnonzero(np.isfinite(self.near))
        return pos[np.lexsort((self.index[pos], -self.near[pos]))[:k]]


def _release(shared) -> None:
    """Drop a broadcast's loaded value from this Python worker (it stays readable: the next
    ``.value`` loads it again). A reused worker otherwise keeps every block it has read, which is
    the whole corpus again."""
    if getattr(shared, "_path", None) is not None:  # with I/O encryption the value comes once, by socket
        shared.__dict__.pop("_value", None)


def _score_blocks_part(shell_shared, block_shares, top: int, method: str):
    """Scoring over blocks of documents: each task takes its queries through every block in turn
    (one block in memory at a time), keeps each query's candidates that can still make the pool,
    then ranks the pool with the online engine's fusion (``Matcher.rank_pool``)."""

    def run(rows):
        cpu, wall = time.process_time(), time.perf_counter()
        shell: Matcher = shell_shared.value
        loading = time.perf_counter() - wall
        rows = list(rows)
        if not rows:
            return
        terms = [shell.query_terms(query) for _qid, query, _qv in rows]
        term_ids = [shell.bm25_.term_ids(t) for t in terms]
        vectors = None
        if method != "bm25" and all(qv is not None for _qid, _q, qv in rows):
            vectors = np.vstack([np.frombuffer(qv, dtype=np.float32) for _qid, _q, qv in rows])
        if method == "dense" and vectors is None:
            raise ValueError("the dense method needs an encoder and document vectors")
        # As Matcher.search: the pool's two lists of ``candidates``, or ``top`` plus room for the
        # excluded documents for the one-factor methods.
        k = [shell.candidates if method == "hybrid" else top + len(q.exclude) for _qid, q, _qv in rows]
        found = [_Candidates(k_i, k_i) for k_i in k]
        # A reused worker still holds the block its previous task read last: read that one first
        # and keep the last one for the next task, so a task loads one block fewer (the order of
        # the blocks does not change the ranking: candidates tie by their global index).
        order = sorted(block_shares, key=lambda s: "_value" not in s.__dict__)
        for n_read, shared in enumerate(order, start=1):
            t = time.perf_counter()
            block = shared.value
            loading += time.perf_counter() - t
            near = None
            if vectors is not None and block.dense is not None:
                # In slices of queries: the inverted-file search holds the cosines of every probed
                # list for the queries it answers at once (about 48 KB per query at 500k documents).
                near = [
                    pair
                    for a in range(0, len(vectors), NEAREST_SLICE)
                    for pair in block.dense.search_many(vectors[a : a + NEAREST_SLICE], max(k))
                ]
            scripts = np.asarray(block.scripts, dtype=object)
            for i, ids in enumerate(term_ids):
                if method == "dense":  # the nearest only, as Matcher.search
                    lex = np.zeros(len(block), dtype=np.float32)
                    local = np.empty(0, dtype=np.int64)
                else:
                    lex = block.bm25.scores_of_ids(ids)
                    local = top_k(lex, k[i])
                    local = local[lex[local] > 0]
                near_sims = np.full(len(local), -np.inf, dtype=np.float32)
                if near is not None:
                    n_idx, n_sims = near[i][0][: k[i]], near[i][1][: k[i]]
                    local = np.union1d(local, n_idx)
                    near_sims = np.full(len(local), -np.inf, dtype=np.float32)
                    near_sims[np.searchsorted(local, n_idx)] = n_sims
                cos = np.full(len(local), np.nan, dtype=np.float64)
                if near is not None and vectors is not None and method == "hybrid":
                    cos = block.dense.similarity(local, vectors[i])
                elif near is not None and vectors is not None and method == "dense":
                    cos = block.dense.similarity64(local, vectors[i])
                found[i].add(block, local, lex[local], near_sims, cos, scripts[local])
            # Let the block go before the next one loads: one block in memory at a time.
            if n_read < len(order):
                _release(shared)
            block = near = None
        for (qid, query, _qv), got, q_terms in zip(rows, found, terms, strict=True):
            yield qid, [(m.doc_id, m.score, m.contributions) for m in _ranked(shell, query, got, q_terms, top, method)]
        yield None, _TaskStats.now(cpu, wall, loading)

    return run


def _ranked(shell: Matcher, query: Query, got: _Candidates, q_terms: list[str], top: int, method: str):
    """The final ranking of one query from its merged candidates, as ``Matcher.search`` ranks."""
    excluded = np.asarray([d.id in query.exclude for d in got.docs], dtype=bool)
    if method == "bm25":
        order = got.best_lexical(len(got.index))
        order = order[~excluded[order]][:top]
        return [shell.single(method, got.docs[p], float(got.lex[p]), query) for p in order]
    if method == "dense":
        # The nearest, ordered and shown by their float64 cosine, as ``Matcher.search``.
        order = got.nearest(len(got.index))
        order = order[np.lexsort((got.index[order], -got.cos[order]))]
        order = order[~excluded[order]][:top]
        return [shell.single(method, got.docs[p], float(got.cos[p]), query) for p in order]
    pool = np.unique(np.concatenate([got.best_lexical(shell.candidates), got.nearest(shell.candidates)]))
    pool = pool[~excluded[pool]]
    if not len(pool):
        return []
    vectors = not np.isnan(got.cos[pool]).any()
    return shell.rank_pool(
        query,
        list(got.docs[pool]),
        list(got.scripts[pool]),
        [float(x) for x in got.lex[pool]],
        got.cos[pool] if vectors else None,
        shell.bm25_.max_score(q_terms),
        top=top,
    )


def score(
    spark,
    matcher: Matcher,
    queries: Sequence[BatchQuery],
    query_vectors,
    *,
    top: int,
    method: str,
    block: int,
    document_block: int = DOCUMENT_BLOCK,
):
    """Top ``top`` matches per query, scored on the executors in blocks of ``block`` queries
    against the whole index, or, when it has more than ``document_block`` documents, in blocks
    of queries taken through blocks of documents (each executor holds one block at a time)."""
    sc = spark.sparkContext
    t0 = time.perf_counter()
    rows = [
        (q.id, q.query, None if query_vectors is None else query_vectors[i].tobytes()) for i, q in enumerate(queries)
    ]
    if len(matcher.documents_) > document_block:
        shell, blocks = matcher.parts(document_block)
        shares = [sc.broadcast(shell)] + [sc.broadcast(b) for b in blocks]
        del blocks
        # Every task reads every document block: fewer, larger tasks than with one broadcast index.
        per_task = max(block, min(QUERIES_PER_BLOCKED_TASK, -(-len(rows) // (2 * sc.defaultParallelism))))
        n_tasks = _rounds(len(rows), per_task, sc.defaultParallelism)
        part = _score_blocks_part(shares[0], shares[1:], top, method)
    else:
        shares = [sc.broadcast(matcher)]
        per_task = _spread(len(rows), sc.defaultParallelism, block)
        n_tasks = max(1, -(-len(rows) // per_task))
        part = _score_part(shares[0], top, method)
    phases = {"prepare_s": time.perf_counter() - t0}
    t0 = time.perf_counter()
    try:
        out = sc.parallelize(rows, numSlices=n_tasks).mapPartitions(part).collect()
    finally:
        for shared in shares:
            shared.unpersist()
    phases["tasks_s"] = time.perf_counter() - t0
    found = {qid: value for qid, value in out if qid is not None}
    stats: list[_TaskStats] = [value for qid, value in out if qid is None]
    phases.update(
        tasks=len(stats),
        task_wall_s=sum(s.wall_s for s in stats),
        task_load_s=sum(s.load_s for s in stats),
        score_cpu_s=sum(s.cpu_s for s in stats),
    )
    return {q.id: found.get(q.id, []) for q in queries}, max((s.rss_mb for s in stats), default=0.0), phases


def batch_match(
    spark,
    corpus: Sequence[Document],
    queries: Sequence[BatchQuery],
    *,
    encoder_name: str | None = "use",
    method: str = "hybrid",
    top: int = 20,
    block: int = 256,
    document_block: int = DOCUMENT_BLOCK,
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
    matches, worker_rss, phases = score(
        spark, matcher, queries, query_vectors, top=top, method=method, block=block, document_block=document_block
    )
    timings["score_s"] = time.perf_counter() - t0
    # Where the scoring time went: the driver preparing (splitting, pickling and broadcasting the
    # index), the tasks (wall time on the driver; summed over tasks: wall, loading broadcast data,
    # CPU), so a speed-up below the number of cores can be traced to its serial or idle part.
    timings.update(phases)
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
