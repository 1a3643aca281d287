import pytest

from innocore.match.dense import get_encoder
from innocore.match.engine import Document, Matcher, Query, highlight

DOCS = [
    Document(
        "cooling",
        "建築物被動輻射製冷塗層",
        "無需電力，令屋頂表面溫度下降攝氏十度，空調能耗減少三成。",
        frozenset({"green-tech"}),
        frozenset({"shandong"}),
        trl=7,
        lang="zh-Hant",
    ),
    Document(
        "tower",
        "Cooling tower water treatment",
        "Chemicals that stop scale and corrosion in industrial cooling towers.",
        frozenset({"green-tech"}),
        lang="en",
    ),
    Document(
        "picking",
        "仓储拣选机器人",
        "基于机器视觉的自动拣选机器人，提升仓库拣货效率。",
        frozenset({"ai-robotics"}),
        lang="zh-Hans",
    ),
    Document(
        "targets",
        "高純金屬濺射靶材",
        "用於半導體晶圓製造的5N高純銅及鈦靶材。",
        frozenset({"new-materials"}),
        trl=9,
        lang="zh-Hant",
    ),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(encoder=get_encoder("use")).fit(DOCS)


def test_contributions_add_up_exactly_to_the_score(matcher):
    for m in matcher.search(Query("辐射制冷", "屋顶降温，减少空调用电", frozenset({"green-tech"}))):
        assert round(sum(m.contributions.values()), 1) == m.score
        assert set(m.contributions) == {"lexical", "semantic", "sectors", "place", "maturity"}


def test_traditional_simplified_and_mixed_queries_rank_the_same(matcher):
    rankings = []
    for title in ["倉庫揀選機械人與機器視覺", "仓库拣选机械人与机器视觉", "倉庫拣选机械人與機器視覺"]:
        rankings.append([(m.doc_id, m.score) for m in matcher.search(Query(title))])
    assert rankings[0] == rankings[1] == rankings[2]
    assert rankings[0][0][0] == "picking"


def test_an_english_need_finds_the_traditional_chinese_offer_first(matcher):
    q = Query(
        "Cut the cooling energy of our warehouse roof",
        "We want a passive coating that keeps the roof cool without electricity.",
        frozenset({"green-tech"}),
    )
    assert matcher.search(q)[0].doc_id == "cooling"


def test_matching_terms_are_highlighted_in_both_scripts(matcher):
    q = Query("辐射制冷涂层")
    top = matcher.search(q)[0]
    assert top.doc_id == "cooling"
    doc = DOCS[0]
    highlighted = {doc.title[s.start : s.end] for t in top.terms for s in t.doc_spans if s.field == "title"}
    assert "輻射" in "".join(highlighted) and "製冷" in "".join(highlighted)
    query_side = {q.title[s.start : s.end] for t in top.terms for s in t.query_spans}
    assert any("辐射" in x for x in query_side)


def test_excluded_documents_are_never_suggested(matcher):
    q = Query("辐射制冷涂层", exclude=frozenset({"cooling"}))
    assert "cooling" not in [m.doc_id for m in matcher.search(q)]


def test_bm25_method_returns_only_documents_sharing_a_term(matcher):
    found = [m.doc_id for m in matcher.search(Query("cooling tower"), method="bm25")]
    assert found == ["tower"]


def test_shared_sectors_and_place_add_to_the_score(matcher):
    base = Query("roof coating that keeps buildings cool")
    richer = Query(base.title, sectors=frozenset({"green-tech"}), places=frozenset({"shandong"}))
    a = next(m for m in matcher.search(base) if m.doc_id == "cooling")
    b = next(m for m in matcher.search(richer) if m.doc_id == "cooling")
    assert b.contributions["sectors"] > 0 and b.contributions["place"] > 0
    assert b.score > a.score
    assert b.shared_sectors == ["green-tech"]


def test_unknown_method_is_refused(matcher):
    with pytest.raises(ValueError):
        matcher.search(Query("x"), method="magic")


def test_an_empty_index_suggests_nothing():
    assert Matcher().fit([]).search(Query("anything")) == []


def test_highlight_merges_overlapping_spans():
    assert highlight("abcdef", [(1, 3), (2, 4)]) == [("a", False), ("bcd", True), ("ef", False)]


def test_the_ivf_index_finds_the_same_neighbours_as_an_exact_scan_on_clustered_data():
    import numpy as np

    from innocore.match.ann import DenseIndex

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(40, 32))
    vectors = centres[rng.integers(0, 40, 20_000)] + 0.3 * rng.normal(size=(20_000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    exact = DenseIndex().fit(vectors)
    ivf = DenseIndex(exact_limit=1000, n_lists=64, nprobe=16).fit(vectors)
    hits = 0
    for q in vectors[:50]:
        a, _ = exact.search(q, 10)
        b, sims = ivf.search(q, 10)
        hits += len(set(a) & set(b))
        np.testing.assert_allclose(ivf.similarity(b, q), sims, rtol=1e-5)
    assert hits / 500 > 0.9
