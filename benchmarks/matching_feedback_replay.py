"""Replay: does the learned re-ranker improve suggestions for needs nobody has judged yet?

For each seed the own set's needs are split at random into two halves. Judgements are revealed
for pairs shown on the first half (the engine's top 20 per need), drawn at random and simulated
from the qrels: grade 3 -> an agreement signed, 2 -> "relevant", 1 -> a contact request sent,
unjudged -> "not relevant" (reason "wrong sector" when the pair shares no sector, else "benefit
unclear"). Each need is its own organisation. The re-ranker is fitted on them, and nDCG@10 is
measured on the other half, with and without it. One JSON line per number of judgements.
"""

from __future__ import annotations

import json
import os

import numpy as np

from benchmarks.common import OWN_DATA
from innocore.match.dense import get_encoder
from innocore.match.engine import Document, Matcher, Query
from innocore.match.evaluate import ndcg_at, read_jsonl, read_qrels
from innocore.match.rerank import Candidate, Judgement, Reranker

STEPS = (0, 50, 200, 1000)
SEEDS = int(os.environ.get("REPLAY_SEEDS", "5"))
SHOWN = 20
POOL = 50
SIGNAL_OF_GRADE = {3: "agreement_signed", 2: "feedback_relevant", 1: "contact_sent"}


def candidates(encoder_name: str = "use"):
    base = OWN_DATA / "matching"
    offers, needs = read_jsonl(base / "offers.jsonl"), read_jsonl(base / "needs.jsonl")
    qrels = read_qrels(base / "qrels.tsv", {n.id for n in needs}, {o.id for o in offers})
    needs = [n for n in needs if n.id in qrels]
    by_id = {o.id: o for o in offers}
    matcher = Matcher(encoder=get_encoder(encoder_name)).fit(
        [Document(o.id, o.title, o.text, o.sectors, lang=o.lang) for o in offers]
    )
    pools = {}
    for n in needs:
        found = matcher.search(Query(n.title, n.text, n.sectors), top=POOL, explain=False)
        pools[n.id] = [
            Candidate(
                query=n.id,
                doc=m.doc_id,
                score=m.score,
                contributions=dict(m.contributions),
                query_sectors=n.sectors,
                doc_sectors=by_id[m.doc_id].sectors,
                query_lang=n.lang,
                doc_lang=by_id[m.doc_id].lang,
                owner=m.doc_id,
            )
            for m in found
        ]
    return needs, qrels, pools


def simulate(pair: Candidate, grade: int) -> Judgement:
    if grade in SIGNAL_OF_GRADE:
        return Judgement(pair.query, pair.doc, SIGNAL_OF_GRADE[grade], organisation=pair.query)
    reason = "benefit_unclear" if pair.query_sectors & pair.doc_sectors else "wrong_sector"
    return Judgement(pair.query, pair.doc, "feedback_not_relevant", organisation=pair.query, reason=reason)


def readers_of_their_own_language(needs, qrels, pools):
    """A programme whose users read only their own language: Chinese-speaking partners take an
    English offer at most as "related" (grade 1), English-speaking ones a Chinese offer likewise.
    The same users judge and are measured, so the shipped weights (tuned for users who read every
    language) are wrong for this programme in one learnable way."""
    lang = {c.doc: c.doc_lang for cs in pools.values() for c in cs}
    need_lang = {n.id: n.lang for n in needs}

    def chinese(code: str) -> bool:
        return code.startswith("zh")

    shifted = {}
    for q, rels in qrels.items():
        shifted[q] = {
            d: (min(g, 1) if chinese(need_lang[q]) != chinese(lang.get(d, need_lang[q])) else g)
            for d, g in rels.items()
        }
    return shifted


def split(needs, pools, seed: int):
    """The seed's random halves of the needs, and the pairs shown for the revealed half."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(needs))
    half = len(needs) // 2
    revealed = [needs[i].id for i in order[:half]]
    held_out = [needs[i].id for i in order[half:]]
    return rng, revealed, held_out, [c for q in revealed for c in pools[q][:SHOWN]]


def replay(needs, qrels, pools, seeds: int = SEEDS, steps=STEPS, params=None, name: str = "own") -> list[dict]:
    results = {n: ([], []) for n in steps}
    for seed in range(seeds):
        rng, revealed, held_out, shown = split(needs, pools, seed)
        picks = rng.permutation(len(shown))
        unlearned = float(np.mean([ndcg_at([c.doc for c in pools[q]], qrels[q]) for q in held_out]))
        for n in steps:
            chosen = [shown[i] for i in picks[:n]]
            judgements = [simulate(c, qrels[c.query].get(c.doc, 0)) for c in chosen]
            model = Reranker(seed=seed, **(params or {})).fit({q: pools[q] for q in revealed}, judgements)
            learned = float(
                np.mean([ndcg_at([r.candidate.doc for r in model.rerank(pools[q])], qrels[q]) for q in held_out])
            )
            results[n][0].append(unlearned)
            results[n][1].append(learned)
    return [
        {
            "benchmark": "matching_feedback_replay",
            "set": name,
            "judgements": n,
            "seeds": seeds,
            "ndcg_unlearned": round(float(np.mean(results[n][0])), 4),
            "ndcg_learned": round(float(np.mean(results[n][1])), 4),
        }
        for n in steps
    ]


def run() -> list[dict]:
    if not (OWN_DATA / "matching" / "offers.jsonl").exists():
        return []
    needs, qrels, pools = candidates()
    shifted = readers_of_their_own_language(needs, qrels, pools)
    return replay(needs, qrels, pools) + replay(needs, shifted, pools, name="own-readers-of-their-own-language")


if __name__ == "__main__":
    for result in run():
        print(json.dumps(result, ensure_ascii=False), flush=True)
