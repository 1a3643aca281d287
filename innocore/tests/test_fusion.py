"""Language-aware fusion, filler words and the explanation contract (stored vectors, no model)."""

from dataclasses import replace

import numpy as np
import pytest

from innocore.match.dense import EnsembleEncoder
from innocore.match.engine import Document, Matcher, Query, Weights

V = np.eye(4, dtype=np.float32)


def _matcher(docs, vectors, weights=None):
    return Matcher(weights=weights, calibration=(0.056, 0.724)).fit(docs, vectors=np.asarray(vectors, np.float32))


# Two scripts, each with a document along the query's direction and one opposite it, so that the
# per-script mean vectors are zero and the centred cosines are exactly +1 and -1.
DOCS = [
    Document("en-match", "Cooling tower water treatment", "Scale and corrosion control for cooling towers.", lang="en"),
    Document("en-other", "Bakery ovens", "Industrial ovens for bread.", lang="en"),
    Document("zh-match", "廠房循環水藥劑", "防止結垢和鏽蝕的藥劑。", lang="zh-Hant"),
    Document("zh-other", "烘焙爐", "麵包烤爐。", lang="zh-Hant"),
]
VECTORS = [V[0], -V[0], V[0], -V[0]]
QUERY = Query("Cooling tower water treatment", "Scale and corrosion control for cooling towers.")


def test_a_cross_language_match_is_not_penalised_for_sharing_no_words():
    weights = replace(Weights(), transfer=1.0)
    by_id = {m.doc_id: m for m in _matcher(DOCS, VECTORS, weights).search(QUERY, query_vector=V[0])}
    same, cross = by_id["en-match"], by_id["zh-match"]
    assert same.contributions["lexical"] > 0 and cross.contributions["lexical"] == 0
    # Same meaning, no lower score: the lexical share the Chinese text cannot attain went to its
    # semantic factor, so it reaches the full lexical + semantic weight.
    assert cross.score == round(100 * (weights.lexical + weights.semantic), 1) >= same.score


def test_the_previous_rule_left_that_lexical_share_unearned():
    weights = replace(Weights(), transfer=0.0)
    by_id = {m.doc_id: m for m in _matcher(DOCS, VECTORS, weights).search(QUERY, query_vector=V[0])}
    assert by_id["zh-match"].score == round(100 * weights.semantic, 1) < by_id["en-match"].score


def test_the_shipped_weights_move_part_of_the_unattainable_lexical_share():
    weights = Weights()
    assert 0 < weights.transfer <= 1
    by_id = {m.doc_id: m for m in _matcher(DOCS, VECTORS).search(QUERY, query_vector=V[0])}
    assert by_id["zh-match"].contributions["semantic"] == round(
        100 * (weights.semantic + weights.transfer * weights.lexical), 1
    )
    assert by_id["zh-match"].score > by_id["en-other"].score


def test_a_language_offset_in_the_embeddings_does_not_change_the_ranking():
    # Multilingual encoders pull texts of one language together whatever they say; the matcher
    # centres each script, so adding a common offset to every Chinese vector changes nothing.
    rng = np.random.default_rng(3)
    docs = [Document(f"e{i}", lang="en") for i in range(20)] + [Document(f"z{i}", lang="zh-Hans") for i in range(20)]
    vectors = rng.normal(size=(40, 16)).astype(np.float32)
    shifted = vectors.copy()
    shifted[20:] += 2.0 * rng.normal(size=16).astype(np.float32)
    q = rng.normal(size=16).astype(np.float32)
    for method in ("dense", "hybrid"):
        a = [(m.doc_id, m.score) for m in _matcher(docs, vectors).search(Query("x"), method=method, query_vector=q)]
        b = [(m.doc_id, m.score) for m in _matcher(docs, shifted).search(Query("x"), method=method, query_vector=q)]
        assert a == b


def test_close_matches_above_the_semantic_ceiling_still_rank_by_similarity():
    docs = [Document(f"d{i}", "", f"句子{i}", lang="zh") for i in range(4)] + [Document("far", lang="zh")]
    vectors = np.array([[1, 0.0], [0.95, 0.31], [0.9, 0.44], [0.8, 0.6], [-3.65, -1.35]], np.float32)
    found = _matcher(docs, vectors).search(Query("", "a sentence"), query_vector=np.array([1, 0], np.float32))
    assert [m.doc_id for m in found][:4] == ["d0", "d1", "d2", "d3"]
    assert found[0].score > found[1].score > found[2].score


FILLER_DOC = Document("filler", "同時提升運營方法", "Meanwhile, an operation method.", lang="zh-Hant")
REAL_DOC = Document("real", "冷卻塔阻垢", "同時降低運營成本。", lang="zh-Hant")


@pytest.mark.parametrize(
    "query",
    [Query("同时优化运营方法"), Query("同時優化營運方法"), Query("Meanwhile, operations methods")],
)
def test_filler_words_never_count_as_matching_terms(query):
    matcher = _matcher([FILLER_DOC, REAL_DOC], [V[0], V[1]])
    assert matcher.search(query, method="bm25") == []
    for m in matcher.search(query, query_vector=V[2]):
        assert m.contributions["lexical"] == 0
        assert m.terms == []


def test_real_terms_still_match_beside_filler_words():
    matcher = _matcher([FILLER_DOC, REAL_DOC], [V[0], V[1]])
    top = matcher.search(Query("冷却塔阻垢，同时降低运营成本"), query_vector=V[1])[0]
    assert top.doc_id == "real" and top.contributions["lexical"] > 0
    labels = {t.term for t in top.terms}
    assert "冷却塔" in labels or any("冷却塔" in label for label in labels)
    assert not labels & {"同时", "运营"}


def test_contributions_add_up_to_the_score_and_order_the_suggestions():
    rng = np.random.default_rng(7)
    texts = [
        ("en", "Radiative cooling coating", "Passive daytime cooling paint for roofs, no electricity."),
        ("zh-Hant", "輻射製冷塗層", "無需電力，令屋頂表面溫度下降，同時減少運營成本。"),
        ("zh-Hans", "仓储拣选机器人", "基于机器视觉的自动拣选机器人，提升仓库效率的方法。"),
        ("en", "Warehouse picking robots", "Vision-guided picking arms for cold-chain warehouses."),
        ("zh-Hans", "海水淡化反渗透膜", "低能耗膜组件，用于沿海工业园区。"),
    ]
    docs = [
        Document(f"d{i}", t, x, frozenset({"green-tech"}) if i % 2 else frozenset(), trl=i + 3, lang=lang)
        for i, (lang, t, x) in enumerate(texts)
    ]
    matcher = _matcher(docs, rng.normal(size=(len(docs), 8)))
    for title in ("辐射制冷涂层", "Warehouse robot", "海水淡化", "cooling roofs 屋顶降温"):
        found = matcher.search(Query(title, sectors=frozenset({"green-tech"})), query_vector=rng.normal(size=8))
        assert found
        for m in found:
            assert round(sum(m.contributions.values()), 1) == m.score
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


class _Fixed:
    def __init__(self, name, calibration, vectors):
        self.name, self.calibration, self.dim, self.vectors = name, calibration, vectors.shape[1], vectors

    def encode_queries(self, texts):
        return self.vectors[: len(texts)]

    encode_documents = encode_queries


def test_an_ensemble_weighs_each_encoder_by_its_calibrated_share():
    # Member b spreads its cosines over a span 4 times narrower than a: for equal calibrated
    # shares its raw weight must be 4 times larger, and the joined vectors stay unit length.
    a = _Fixed("a", (0.0, 0.8), np.eye(3, dtype=np.float32))
    b = _Fixed("b", (0.6, 0.8), np.eye(3, dtype=np.float32)[::-1].copy())
    ens = EnsembleEncoder([a, b], [0.5, 0.5])
    assert ens.weights == pytest.approx([0.2, 0.8])
    joined = ens.encode_documents(["x", "y", "z"])
    np.testing.assert_allclose(np.linalg.norm(joined, axis=1), 1.0, rtol=1e-6)
    cos_a, cos_b = a.vectors @ a.vectors.T, b.vectors @ b.vectors.T
    np.testing.assert_allclose(joined @ joined.T, 0.2 * cos_a + 0.8 * cos_b, atol=1e-6)
    assert ens.calibration == pytest.approx((0.48, 0.8))
    assert ens.name != EnsembleEncoder([a, b], [0.7, 0.3]).name  # stored vectors are keyed by it
