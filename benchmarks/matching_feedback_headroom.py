"""How much could *any* learned re-ranker gain on needs nobody judged, on the own set?

An upper bound for the replay (``matching_feedback_replay``): for each seed, every one of the
engine's top 20 suggestions for a random half of the needs is judged (the qrels, unjudged = 0:
1,120 judgements, more than a year of a programme's feedback), a pairwise logistic ranker is
fitted on the engine's score plus one family of extra features, and nDCG@10 is measured on the
other half. The families are what a learner could use to carry evidence from judged needs to new
ones: the language pair, the need's sectors, the texts themselves (a second encoder, titles,
sentence against sentence) and what other needs said of the same offer. One JSON line per family.

The fit is deliberately generous (all shown pairs judged, no gate, a light L2): if even this
gains little, the replay's modest figures are a property of the set, not of the product's learner.
"""

from __future__ import annotations

import itertools
import json
import os
import re

import numpy as np
from scipy.optimize import minimize

from benchmarks.common import OWN_DATA
from benchmarks.matching_feedback_replay import SHOWN, candidates, split
from innocore.match.dense import get_encoder
from innocore.match.evaluate import ndcg_at, read_jsonl
from innocore.match.rerank import _script

SEEDS = int(os.environ.get("REPLAY_SEEDS", "5"))
SCRIPTS = ("hant", "hans", "en")
SECTORS = (
    "ai-robotics",
    "green-tech",
    "biomedicine",
    "fintech",
    "smart-city",
    "advanced-manufacturing",
    "microelectronics",
    "new-materials",
)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？；.!?;])\s*", text) if s.strip()] or [text]


def text_features(needs, pools) -> dict[tuple[str, str], dict[str, float]]:
    """Per shown pair: e5 and USE cosines of whole texts and titles, and sentence-against-sentence USE."""
    offers = {o.id: o for o in read_jsonl(OWN_DATA / "matching" / "offers.jsonl")}
    by_id = {n.id: n for n in needs}
    use, e5 = get_encoder("use"), get_encoder("e5")
    vectors = {}
    for name, enc in (("use", use), ("e5", e5)):
        for side, records, encode in (("n", by_id, enc.encode_queries), ("o", offers, enc.encode_documents)):
            ids = list(records)
            vectors[name, side, "title"] = dict(zip(ids, encode([records[i].title for i in ids]), strict=True))
            full = [records[i].title + "\n" + records[i].text for i in ids]
            vectors[name, side, "full"] = dict(zip(ids, encode(full), strict=True))
    need_sentences = {i: use.encode_queries(_sentences(n.text)) for i, n in by_id.items()}
    offer_sentences = {i: use.encode_documents(_sentences(o.text)) for i, o in offers.items()}
    out = {}
    for q, cs in pools.items():
        for c in cs:
            f = {}
            for name in ("use", "e5"):
                for part in ("title", "full"):
                    f[f"{name}_{part}"] = float(vectors[name, "n", part][q] @ vectors[name, "o", part][c.doc])
            grid = need_sentences[q] @ offer_sentences[c.doc].T
            f["sentence_max"] = float(grid.max())
            f["sentence_mean_max"] = float(grid.max(axis=1).mean())
            out[q, c.doc] = f
    return out


def family_features(c, text, others) -> dict[str, dict[str, float]]:
    p = c.contributions
    lexical, semantic = p.get("lexical", 0.0) / 100, p.get("semantic", 0.0) / 100
    pair = _script(c.query_lang) + _script(c.doc_lang)
    language = {}
    for a, b in itertools.product(SCRIPTS, SCRIPTS):
        language[f"semantic_{a}_{b}"] = semantic if pair == a + b else 0.0
        language[f"lexical_{a}_{b}"] = lexical if pair == a + b else 0.0
    sector = {}
    for s in SECTORS:
        sector[f"semantic_{s}"] = semantic if s in c.query_sectors else 0.0
        sector[f"lexical_{s}"] = lexical if s in c.query_sectors else 0.0
    judged = {q: g for q, g in others.get(c.doc, {}).items() if q != c.query}
    history = {
        "rejected_elsewhere": sum(1 for g in judged.values() if g == 0) / 3,
        "accepted_elsewhere": float(sum(1 for g in judged.values() if g > 0)),
        "judged_elsewhere": 1.0 if judged else 0.0,
        "best_grade_elsewhere": max(judged.values(), default=0) / 3,
    }
    return {"language_pair": language, "need_sector": sector, "texts": text[c.query, c.doc], "offer_history": history}


def fit(rows, l2: float = 1.0) -> np.ndarray:
    """Pairwise logistic loss over same-need pairs of different grades, weighted by gain difference."""
    by_query: dict[str, list] = {}
    for r in rows:
        by_query.setdefault(r[0], []).append(r)
    dx, wt = [], []
    for group in by_query.values():
        for a, b in itertools.combinations(group, 2):
            if a[1] != b[1]:
                hi, lo = (a, b) if a[1] > b[1] else (b, a)
                dx.append(hi[2] - lo[2])
                wt.append(2 ** hi[1] - 2 ** lo[1])
    x, w = np.array(dx), np.array(wt, dtype=float)

    def loss(t):
        m = x @ t
        p = 0.5 * (1 - np.tanh(m / 2))
        grad = -(x.T @ (w * p)) / w.sum()
        grad[1:] += 2 * l2 * t[1:] / len(w)
        return np.sum(w * np.logaddexp(0, -m)) / w.sum() + l2 * np.sum(t[1:] ** 2) / len(w), grad

    start = np.zeros(x.shape[1])
    start[0] = 10.0
    return minimize(loss, start, jac=True, method="L-BFGS-B").x


def run() -> list[dict]:
    if not (OWN_DATA / "matching" / "offers.jsonl").exists():
        return []
    needs, qrels, pools = candidates()
    text = text_features(needs, pools)
    families = ("none", "language_pair", "need_sector", "texts", "offer_history", "all")
    gains: dict[str, list[tuple[float, float]]] = {f: [] for f in families}
    for seed in range(SEEDS):
        _rng, _revealed, held_out, shown = split(needs, pools, seed)
        others: dict[str, dict[str, int]] = {}
        for c in shown:
            others.setdefault(c.doc, {})[c.query] = qrels[c.query].get(c.doc, 0)
        unlearned = float(np.mean([ndcg_at([c.doc for c in pools[q]], qrels[q]) for q in held_out]))
        for family in families:

            def vector(c, family=family, others=others):
                parts = family_features(c, text, others)
                chosen = parts.values() if family == "all" else ([] if family == "none" else [parts[family]])
                return np.array([c.score / 100] + [v for part in chosen for v in part.values()])

            weights = fit([(c.query, qrels[c.query].get(c.doc, 0), vector(c)) for c in shown])
            learned = float(
                np.mean(
                    [
                        ndcg_at([c.doc for c in sorted(pools[q], key=lambda c: -(vector(c) @ weights))], qrels[q])
                        for q in held_out
                    ]
                )
            )
            gains[family].append((unlearned, learned))
    return [
        {
            "benchmark": "matching_feedback_headroom",
            "set": "own",
            "features": family,
            "judgements": f"all {SHOWN} shown for {len(needs) // 2} needs",
            "seeds": SEEDS,
            "ndcg_unlearned": round(float(np.mean([u for u, _l in gains[family]])), 4),
            "ndcg_learned": round(float(np.mean([lv for _u, lv in gains[family]])), 4),
        }
        for family in families
    ]


if __name__ == "__main__":
    for result in run():
        print(json.dumps(result, ensure_ascii=False), flush=True)
