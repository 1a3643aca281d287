"""Batch scoring over blocks of documents ranks exactly as the online engine over the whole index.

The scoring function of the Spark job is run here without Spark: a broadcast is anything with a
``value``, and the blocks are the matcher's own ``parts``.
"""

import gc
import pickle
import weakref

import numpy as np
import pytest

from innocore.match.ann import DenseIndex
from innocore.match.batch import _rounds, _score_blocks_part
from innocore.match.engine import _GROUP, Document, Matcher, Query

WORDS_EN = ["solar", "battery", "hydrogen", "sensor", "robot", "water", "cooling", "grid", "carbon", "storage"]
WORDS_ZH = ["光伏", "电池", "氢能", "传感器", "机器人", "污水", "冷却", "电网", "碳捕集", "储能"]


class _Shared:
    """A stand-in for a Spark broadcast: ``value`` unpickles a copy, again after a release, and
    records how many blocks loaded this way were still in memory when another one loaded."""

    loaded: list = []  # weak references to every block loaded (class-wide: all the blocks)
    most_held = 0

    def __init__(self, value):
        self.original = pickle.dumps(value)
        self.loads = 0
        self._path = "broadcast file"  # a broadcast read from a file can be dropped and read again

    @property
    def value(self):
        if "_value" not in self.__dict__:
            gc.collect()
            held = sum(1 for ref in _Shared.loaded if ref() is not None)
            _Shared.most_held = max(_Shared.most_held, held)
            self.loads += 1
            self.__dict__["_value"] = pickle.loads(self.original)
            _Shared.loaded.append(weakref.ref(self.__dict__["_value"]))
        return self.__dict__["_value"]


def _unit(rng, n: int, dim: int = 24) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _corpus(rng, n: int) -> list[Document]:
    docs = []
    for i in range(n):
        words = WORDS_ZH if i % 3 == 0 else WORDS_EN
        picked = rng.choice(len(words), size=4)
        title = words[picked[0]] + (" " if words is WORDS_EN else "") + words[picked[1]]
        text = " ".join(words[j] for j in picked[1:]) if words is WORDS_EN else "".join(words[j] for j in picked)
        docs.append(
            Document(
                f"d{i:04d}",
                title,
                text,
                sectors=frozenset({"energy"} if i % 4 == 0 else {"water"}),
                trl=int(i % 9) + 1 if i % 5 else None,
                lang="zh-hans" if words is WORDS_ZH else "en",
            )
        )
    return docs


def _queries(rng, n: int, exclude_from: list[Document]) -> list[tuple[str, Query]]:
    out = []
    for j in range(n):
        words = WORDS_ZH if j % 2 else WORDS_EN
        picked = rng.choice(len(words), size=3)
        text = ("" if words is WORDS_ZH else " ").join(words[k] for k in picked)
        # Some queries exclude documents (pairs their owner rejected), some of them strong matches.
        exclude = frozenset(d.id for d in exclude_from[j : j + 3]) if j % 3 == 0 else frozenset()
        out.append((f"q{j}", Query(text, text, sectors=frozenset({"energy"}), exclude=exclude)))
    return out


def _matcher(inverted_file: bool) -> tuple[Matcher, list[tuple[str, Query]], np.ndarray]:
    rng = np.random.default_rng(11)
    docs = _corpus(rng, 700)
    vectors = _unit(rng, 700)
    matcher = Matcher(candidates=25).fit(docs, vectors=vectors)
    if inverted_file:  # the index of a large corpus: probe a few lists of centroids, not every vector
        groups = np.fromiter((_GROUP[c] for c in matcher.script_), dtype=np.int64)
        matcher.dense_ = DenseIndex(exact_limit=100, n_lists=16, nprobe=4).fit(vectors, groups=groups)
    queries = _queries(rng, 40, docs)
    return matcher, queries, _unit(rng, len(queries))


@pytest.mark.parametrize("inverted_file", [False, True])
@pytest.mark.parametrize("method", ["hybrid", "bm25", "dense"])
def test_blocks_of_documents_give_the_whole_index_ranking(inverted_file, method):
    matcher, queries, vectors = _matcher(inverted_file)
    shell, blocks = matcher.parts(128)
    assert len(blocks) == 6 and sum(len(b) for b in blocks) == 700
    shares = [_Shared(b) for b in blocks]
    shell_share = _Shared(shell)
    _Shared.loaded, _Shared.most_held = [], 0
    rows = [(qid, q, v.tobytes()) for (qid, q), v in zip(queries, vectors, strict=True)]
    out = list(_score_blocks_part(shell_share, shares, 10, method)(iter(rows)))
    found = {qid: ranked for qid, ranked in out if qid is not None}
    assert len(found) == len(queries)
    for (qid, query), vector in zip(queries, vectors, strict=True):
        online = matcher.search(query, top=10, method=method, explain=False, query_vector=vector)
        assert found[qid] == [(m.doc_id, m.score, m.contributions) for m in online], qid
        assert not {doc_id for doc_id, _s, _c in found[qid]} & query.exclude
    assert sum(len(r) for r in found.values()) > 200  # the queries do find something
    # Each block was read once for the whole task, and released after it but the last, which the
    # worker keeps for its next task: one block in memory at a time (the shell aside, loaded first
    # and kept).
    assert [s.loads for s in shares] == [1] * 6
    assert ["_value" in s.__dict__ for s in shares] == [False] * 5 + [True]
    assert _Shared.most_held == 1


def test_a_reused_worker_starts_with_the_block_it_holds_and_ranks_the_same():
    matcher, queries, vectors = _matcher(True)
    shell, blocks = matcher.parts(128)
    shares = [_Shared(b) for b in blocks]
    shell_share = _Shared(shell)
    _Shared.loaded, _Shared.most_held = [], 0
    rows = [(qid, q, v.tobytes()) for (qid, q), v in zip(queries, vectors, strict=True)]
    found = {}
    for task in (rows[:15], rows[15:30], rows[30:]):  # three tasks in one worker, as Spark reuses it
        out = list(_score_blocks_part(shell_share, shares, 10, "hybrid")(iter(task)))
        found.update({qid: ranked for qid, ranked in out if qid is not None})
        assert sum("_value" in s.__dict__ for s in shares) == 1
    # The first task read the six blocks in order and kept the last; the second began with it and
    # kept block 5 (index 4); the third began with that one: 6 + 5 + 5 loads, never two at once.
    assert [s.loads for s in shares] == [3, 3, 3, 3, 2, 2]
    assert _Shared.most_held == 1
    for (qid, query), vector in zip(queries, vectors, strict=True):
        online = matcher.search(query, top=10, method="hybrid", explain=False, query_vector=vector)
        assert found[qid] == [(m.doc_id, m.score, m.contributions) for m in online], qid


def test_a_matcher_with_changes_since_its_fit_is_not_split():
    matcher, _queries_, _vectors = _matcher(False)
    changed = matcher.updated(removed=["d0001"])
    with pytest.raises(ValueError, match="fit the matcher again"):
        changed.parts(128)


@pytest.mark.parametrize("with_vectors", [True, False])
def test_ranking_a_pool_scores_only_the_contenders_and_keeps_the_full_ranking(with_vectors):
    rng = np.random.default_rng(5)
    matcher = Matcher()
    n = 400
    docs = [
        Document(
            f"p{i:03d}",
            sectors=frozenset(rng.choice(["energy", "water", "health"], size=int(rng.integers(0, 3)), replace=False)),
            places=frozenset({"cn-37"} if i % 3 else set()),
            trl=int(rng.integers(1, 10)) if i % 4 else None,
        )
        for i in range(n)
    ]
    scripts = ["zh" if i % 2 else "en" for i in range(n)]
    # Coarse values: many candidates tie on the shown score, which the exact sum then orders.
    lexical = [float(x) for x in rng.integers(0, 12, n) * 0.5]
    cosines = rng.integers(-4, 16, n).astype(np.float32) * 0.05 if with_vectors else None
    query = Query("储能 电池", "储能", sectors=frozenset({"energy", "water"}), places=frozenset({"cn-37"}))
    bound = 9.0
    scale, shift = matcher._cosine_scale()
    calibrated = list(cosines * scale + shift) if cosines is not None else [None] * n
    attainable = matcher._attainable(scripts, lexical, bound, query)
    every = [
        matcher._fuse(d, lex, c, bound, query, attainable.get(cls, 1.0))
        for d, cls, lex, c in zip(docs, scripts, lexical, calibrated, strict=True)
    ]
    every.sort(key=lambda m: (-m.score, -(m.raw["fused"] or 0.0), m.doc_id))
    for top in (1, 5, 10, 30):
        ranked = matcher.rank_pool(query, docs, scripts, lexical, cosines, bound, top=top)
        assert [(m.doc_id, m.score, m.contributions) for m in ranked] == [
            (m.doc_id, m.score, m.contributions) for m in every[:top]
        ]
    assert len(matcher._contenders(docs, lexical, calibrated, [1.0] * n, bound, query, 10)) < n / 2


@pytest.mark.parametrize(
    ("n", "size", "parallelism", "tasks"),
    [
        (100_000, 8192, 2, 14),  # 13 tasks would leave a core idle in the last round
        (100_000, 8192, 4, 16),
        (16_384, 8192, 2, 2),
        (10_000, 2500, 2, 4),
        (3, 8192, 2, 2),
        (1, 8192, 4, 1),  # never more tasks than queries
        (0, 8192, 2, 1),
    ],
)
def test_blocked_tasks_come_in_full_rounds(n, size, parallelism, tasks):
    assert _rounds(n, size, parallelism) == tasks
