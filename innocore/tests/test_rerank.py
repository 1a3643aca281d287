"""The learned re-ranker on small hand-made pools: what it learns, what it refuses to learn, exact sums."""

from datetime import datetime

import numpy as np

from innocore.match.rerank import FEATURES, Candidate, Judgement, Reranker, pair_grades, query_trust, shipped

GREEN, FIN = "green-tech", "fintech"


def candidate(query, doc, score, *, sectors=frozenset({GREEN}), query_sectors=frozenset({GREEN}), new=False):
    return Candidate(
        query=query,
        doc=doc,
        score=score,
        contributions={"lexical": round(score * 0.4, 1), "semantic": round(score * 0.6, 1)},
        query_sectors=query_sectors,
        doc_sectors=sectors,
        owner=doc,
        new=new,
    )


def pools(n_queries=12):
    """Per query: a relevant green offer scored a little below a fintech offer that looks alike."""
    out = {}
    for q in range(n_queries):
        out[f"n{q}"] = [
            candidate(f"n{q}", f"fin{q}", 50.0, sectors=frozenset({FIN})),
            candidate(f"n{q}", f"green{q}", 45.0),
            candidate(f"n{q}", f"other{q}", 30.0),
        ]
    return out


def judged(ps):
    out = []
    for q, cs in ps.items():
        out.append(Judgement(q, cs[0].doc, "feedback_not_relevant", organisation=q, reason="wrong_sector"))
        out.append(Judgement(q, cs[1].doc, "feedback_relevant", organisation=q))
        out.append(Judgement(q, cs[2].doc, "feedback_not_relevant", organisation=q, reason="benefit_unclear"))
    return out


def test_with_too_few_judgements_and_no_reasons_it_changes_nothing():
    ps = pools(3)
    plain = [Judgement(j.query, j.doc, j.signal, j.organisation) for j in judged(ps)]
    model = Reranker(min_judgements=30).fit(ps, plain)
    assert not model.active_
    ranked = model.rerank(pools(1)["n0"])
    assert [r.candidate.doc for r in ranked] == ["fin0", "green0", "other0"]
    assert all(r.learned == 0 for r in ranked)


def test_a_few_wrong_sector_rejections_already_act_through_the_prior():
    ps = pools(3)
    model = Reranker(min_judgements=30).fit(ps, judged(ps))
    assert not model.active_
    ranked = model.rerank([candidate("x", "fin-x", 50.0, sectors=frozenset({FIN})), candidate("x", "green-x", 45.0)])
    assert ranked[0].candidate.doc == "green-x"


def test_wrong_sector_rejections_lower_that_sector_for_another_need_of_the_sector():
    ps = pools(12)
    model = Reranker(min_judgements=10, validate=False).fit(ps, judged(ps))
    assert model.active_
    fresh = [
        candidate("new", "fin-x", 50.0, sectors=frozenset({FIN})),
        candidate("new", "green-x", 45.0),
    ]
    ranked = model.rerank(fresh)
    assert ranked[0].candidate.doc == "green-x"
    by_doc = {r.candidate.doc: r for r in ranked}
    assert by_doc["fin-x"].learned < 0


def test_contributions_add_up_to_the_score_with_the_learned_one():
    ps = pools(12)
    model = Reranker(min_judgements=10, validate=False).fit(ps, judged(ps))
    for r in model.rerank([c for cs in ps.values() for c in cs]):
        assert "learned" in r.contributions
        assert round(sum(r.contributions.values()), 1) == r.score
        assert 0 <= r.score <= 100


def test_the_learned_contribution_is_capped():
    ps = pools(12)
    model = Reranker(min_judgements=10, validate=False, cap=2.0).fit(ps, judged(ps))
    assert all(abs(r.learned) <= 2.0 for r in model.rerank([c for cs in ps.values() for c in cs]))


def test_one_organisation_weighs_at_most_its_share():
    js = [Judgement(f"n{i}", f"o{i}", "feedback_relevant", organisation="loud") for i in range(80)]
    js += [Judgement(f"m{i}", f"o{i}", "feedback_relevant", organisation=f"quiet{i}") for i in range(20)]
    model = Reranker(org_share=0.2)
    model.organisation_weight_ = model._organisation_weights(js)
    assert model.organisation_weight_["loud"] * 80 <= 0.2 * 100 + 1e-9
    assert model.organisation_weight_["quiet0"] == 1.0


def test_new_records_get_the_exploration_slot():
    cs = [candidate("n", f"o{i}", 90.0 - i) for i in range(12)] + [candidate("n", "fresh", 20.0, new=True)]
    ranked = shipped().rerank(cs, top=10)
    assert len(ranked) == 10
    assert ranked[-1].candidate.doc == "fresh" and ranked[-1].explored
    assert Reranker(exploration=0.0).fit({}, []).rerank(cs, top=10)[-1].candidate.doc == "o9"


def test_reasons_change_the_trust_in_a_factor_for_that_need():
    js = [Judgement("n", "a", "feedback_not_relevant", reason="wrong_sector")] * 2
    js.append(Judgement("n", "b", "feedback_not_relevant", reason="too_early"))
    trust = query_trust(js)
    assert trust["n"]["sectors"] == 0.25
    assert trust["n"]["maturity"] == 1.5


def test_the_strongest_evidence_speaks_for_a_pair():
    early, late = datetime(2026, 1, 1), datetime(2026, 6, 1)
    chosen = pair_grades(
        [
            Judgement("n", "o", "agreement_deployed", at=early),
            Judgement("n", "o", "feedback_not_relevant", at=late, reason="other"),
        ]
    )
    assert chosen[("n", "o")].grade == 3.0


def test_a_model_survives_its_round_trip_through_json():
    ps = pools(12)
    model = Reranker(min_judgements=10, validate=False).fit(ps, judged(ps))
    again = Reranker.from_dict(model.to_dict())
    cs = [c for c in ps["n0"]]
    assert [r.score for r in model.rerank(cs)] == [r.score for r in again.rerank(cs)]
    assert len(model.to_dict()["coefficients"]) == len(FEATURES)
    assert np.isfinite(model.coef_).all()


def test_with_nothing_learned_the_engine_order_comes_back_unchanged():
    # Scores that round to the same tenth keep the engine's order (not the order of their ids).
    cs = [candidate("n", "z", 50.04), candidate("n", "a", 50.01), candidate("n", "m", 49.99)]
    assert [r.candidate.doc for r in shipped().rerank(cs)] == ["z", "a", "m"]


def test_cross_validation_turns_on_a_model_that_generalises():
    # Users keep preferring the offer written in the other language, which the engine puts second.
    from dataclasses import replace

    ps, js = {}, []
    for q in range(48):
        same = replace(candidate(f"n{q}", f"same{q}", 50.0), query_lang="en", doc_lang="en")
        other = replace(candidate(f"n{q}", f"other{q}", 48.0), query_lang="en", doc_lang="zh-Hans")
        best = replace(candidate(f"n{q}", f"best{q}", 60.0), query_lang="en", doc_lang="en")
        weak = replace(candidate(f"n{q}", f"weak{q}", 20.0), query_lang="en", doc_lang="en")
        ps[f"n{q}"] = [best, same, other, weak]
        js += [
            Judgement(f"n{q}", best.doc, "agreement_deployed"),
            Judgement(f"n{q}", weak.doc, "feedback_not_relevant"),
        ]
        js += [
            Judgement(f"n{q}", same.doc, "feedback_not_relevant"),
            Judgement(f"n{q}", other.doc, "feedback_relevant"),
        ]
    model = Reranker(min_judgements=10).fit(ps, js)
    assert model.active_, model.metrics_
    learned, shipped_ndcg = model.metrics_["held_out_ndcg_learned"], model.metrics_["held_out_ndcg_shipped"]
    assert isinstance(learned, float) and isinstance(shipped_ndcg, float) and learned > shipped_ndcg


def test_cross_validation_keeps_a_model_off_when_judgements_are_noise():
    rng = np.random.default_rng(1)
    ps = {}
    js = []
    for q in range(24):
        cs = [candidate(f"n{q}", f"o{q}-{i}", float(60 - 3 * i), sectors=frozenset({GREEN})) for i in range(6)]
        # A feature that the noise can latch onto: half of the offers are fintech as well.
        cs = [replace_sectors(c, {GREEN, FIN}) if i % 2 else c for i, c in enumerate(cs)]
        ps[f"n{q}"] = cs
        for c in cs:
            js.append(Judgement(c.query, c.doc, "feedback_relevant" if rng.random() < 0.3 else "feedback_not_relevant"))
    model = Reranker(min_judgements=10).fit(ps, js)
    assert not model.active_, model.metrics_
    assert model.metrics_["status"] == "no_better_than_shipped"
    assert all(r.learned == 0 for r in model.rerank(ps["n0"]))


def test_too_few_needs_with_two_grades_keep_the_model_off():
    ps = pools(5)
    model = Reranker(min_judgements=10).fit(ps, judged(ps))
    assert not model.active_
    assert model.metrics_["status"] == "too_few_informative_needs"


def replace_sectors(c, sectors):
    from dataclasses import replace

    return replace(c, doc_sectors=frozenset(sectors))
