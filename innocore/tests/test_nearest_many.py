"""Scoring queries in blocks (batch matching) gives the same matches as one query at a time."""

import numpy as np

from innocore.match.ann import DenseIndex
from innocore.match.engine import Document, Matcher, Query


def _unit(rng, n: int, dim: int = 32) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_block_of_queries_gets_the_matches_of_each_query_alone_with_removed_and_added_documents():
    rng = np.random.default_rng(7)
    docs = [Document(f"d{i}", f"title {i % 13}", f"word{i % 7} other{i % 5}", lang="en") for i in range(400)]
    matcher = Matcher(candidates=30).fit(docs, vectors=_unit(rng, 400))
    added = [Document(f"n{i}", f"title {i}", f"word{i}", lang="en") for i in range(20)]
    matcher = matcher.updated(added, removed=["d1", "d2", "d3"], vectors=_unit(rng, 20))
    queries = [Query(f"title {j}", f"word{j % 7}") for j in range(40)]
    vectors = _unit(rng, 40)
    nearest = matcher.nearest_many(vectors)
    assert len(nearest) == 40 and all(len(idx) == 30 for idx, _sims in nearest)
    for query, vector, near in zip(queries, vectors, nearest, strict=True):
        alone = matcher.search(query, top=10, explain=False, query_vector=vector)
        block = matcher.search(query, top=10, explain=False, query_vector=vector, nearest=near)
        assert [(m.doc_id, m.score) for m in block] == [(m.doc_id, m.score) for m in alone]
        assert not {"d1", "d2", "d3"} & {m.doc_id for m in block}


def test_an_inverted_file_index_answers_a_block_query_by_query():
    rng = np.random.default_rng(3)
    index = DenseIndex(exact_limit=100, n_lists=8, nprobe=8).fit(_unit(rng, 500))
    queries = _unit(rng, 5)
    for q, (idx, sims) in zip(queries, index.search_many(queries, 10), strict=True):
        alone_idx, alone_sims = index.search(q, 10)
        assert list(idx) == list(alone_idx)
        assert np.allclose(sims, alone_sims)
