import math

import numpy as np
import pytest

from innocore.match.bm25 import BM25, top_k

CORPUS = [
    ["radiative", "cooling", "coating", "building"],
    ["cooling", "tower", "water", "treatment", "chemical", "cooling"],
    ["warehouse", "robot", "picking", "vision"],
    ["high", "purity", "metal", "sputtering", "target"],
    ["building", "energy", "saving", "hvac", "control"],
]


def reference_scores(corpus, query, k1=1.2, b=0.75):
    """Textbook BM25, term by term (slow, obviously right)."""
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    out = []
    for doc in corpus:
        score = 0.0
        for term in set(query):
            df = sum(1 for d in corpus if term in d)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = doc.count(term)
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        out.append(score)
    return np.array(out)


@pytest.mark.parametrize("query", [["cooling"], ["cooling", "building"], ["robot", "metal", "unknown"], ["zzz"]])
def test_scores_equal_the_reference_implementation(query):
    model = BM25().fit([[(t, 1.0) for t in d] for d in CORPUS])
    np.testing.assert_allclose(model.scores(query), reference_scores(CORPUS, query), rtol=1e-5, atol=1e-6)


def test_a_weighted_field_counts_like_repeated_terms():
    weighted = BM25().fit([[("cooling", 2.0), ("film", 1.0)], [("film", 1.0)]])
    repeated = BM25().fit([[("cooling", 1.0), ("cooling", 1.0), ("film", 1.0)], [("film", 1.0)]])
    np.testing.assert_allclose(weighted.scores(["cooling"]), repeated.scores(["cooling"]))


def test_max_score_counts_unseen_query_terms():
    model = BM25().fit([[(t, 1.0) for t in d] for d in CORPUS])
    assert model.max_score(["cooling", "never-seen"]) > model.max_score(["cooling"])


def test_top_k_orders_best_first_and_breaks_ties_by_index():
    assert top_k(np.array([0.1, 0.5, 0.5, 0.9]), 3).tolist() == [3, 1, 2]
    assert top_k(np.array([1.0]), 5).tolist() == [0]
