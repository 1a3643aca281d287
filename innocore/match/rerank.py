"""A learned re-ranker on top of the engine's suggestions: what people did teaches it which factors to trust.

The engine's score stays the backbone. A linear pairwise model (RankNet with a linear scorer,
Burges et al. 2005; Joachims 2002 for learning rankings from clicks) is fitted on judged pairs of
the same query: the probability that suggestion *i* deserves to rank above *j* is
``sigmoid(a * (s_i - s_j) + w . (x_i - x_j))`` where ``s`` is the engine's score and ``x`` a few
interpretable features. ``a`` is free, ``w`` is pulled towards zero (L2), so with little evidence
the model falls back to the shipped ranking. Ranking by that logit is ranking by
``s + w . (x - mean) / a``: the second term, in score points and capped, is the *learned*
contribution shown beside the engine's own factors, so contributions still add up to the score.

Guards against feedback loops: one organisation's judgements weigh at most ``org_share`` of the
total, the learned contribution is capped at ``cap`` points, an internal split of the judged
queries must confirm the model beats the shipped ranking (else it stays inactive), and an
exploration share of the shown slots goes to new records. Reasons given for rejections adjust how
far the engine's factors are trusted for that query ("wrong sector" halves the sector factor,
"too early" strengthens maturity, "place mismatch" strengthens place), and the rate of "wrong
sector" rejections between a query's sectors and a candidate's sectors is itself a feature, so
rejections on some needs of a sector lower similar suggestions for the sector's other needs.

numpy and scipy only; never imports Django.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from scipy.optimize import minimize

FEATURES = (
    "lexical",
    "semantic",
    "sectors",
    "place",
    "maturity",
    "sector_depth",
    "no_shared_sector",
    "trl_gap",
    "place_distance",
    "cross_language",
    "chinese_english",
    "owner_response",
    "sector_rejections",
    "doc_history",
    "lexical_rank",
    "semantic_rank",
    "lexical_relative",
    "semantic_relative",
)
FACTORS = ("lexical", "semantic", "sectors", "place", "maturity")
LEARNED = "learned"

# Signals and the grade (0-3) each gives a pair; stronger evidence wins over weaker for the same pair.
GRADES = {
    "feedback_not_relevant": 0.0,
    "contact_declined": 0.0,
    "contact_sent": 1.0,
    "feedback_relevant": 2.0,
    "contact_accepted": 2.0,
    "meeting_held": 2.0,
    "agreement_signed": 2.5,
    "agreement_pilot": 2.75,
    "agreement_deployed": 3.0,
}
EVIDENCE = {
    "feedback_not_relevant": 1,
    "feedback_relevant": 1,
    "contact_sent": 1,
    "contact_declined": 2,
    "contact_accepted": 2,
    "meeting_held": 3,
    "agreement_signed": 4,
    "agreement_pilot": 5,
    "agreement_deployed": 6,
}

# Points per unit of a feature before any learning: a sector whose offers were turned down as the
# wrong sector for a need's sector loses up to this much for the sector's other needs. The model
# learns a correction on top (pulled towards zero), so evidence can overrule the prior.
PRIOR = {"sector_rejections": -20.0}

# Cross-validation before a model is used: folds of judged needs, the least number of needs with
# two different grades, and by how many standard errors the learned order must win.
FOLDS = 4
REPEATS = 3
MIN_VALIDATION_NEEDS = 8
MARGIN = 1.64

# How a rejection reason changes the trust in one factor for the query it was given on:
# (factor, multiplier per rejection, bound).
REASON_TRUST = {
    "wrong_sector": ("sectors", 0.5, 0.0),
    "too_early": ("maturity", 1.5, 3.0),
    "place_mismatch": ("place", 1.5, 3.0),
}


@dataclass(frozen=True)
class Candidate:
    """One suggestion as the engine made it, with what the re-ranker needs to know about both sides."""

    query: str
    doc: str
    score: float
    contributions: Mapping[str, float]
    query_sectors: frozenset[str] = frozenset()
    doc_sectors: frozenset[str] = frozenset()
    query_places: frozenset[str] = frozenset()
    doc_places: frozenset[str] = frozenset()
    trl: int | None = None
    query_lang: str = ""
    doc_lang: str = ""
    owner: str = ""
    new: bool = False


@dataclass(frozen=True)
class Judgement:
    """A graded verdict on a (query, doc) pair: from feedback, a contact request, a meeting, an agreement."""

    query: str
    doc: str
    signal: str
    organisation: str = ""
    at: datetime | None = None
    reason: str = ""

    @property
    def grade(self) -> float:
        return GRADES[self.signal]


@dataclass
class Reranked:
    candidate: Candidate
    score: float
    contributions: dict[str, float]
    learned: float
    explored: bool = False
    reasons: dict[str, float] = field(default_factory=dict)


def pair_grades(judgements: Iterable[Judgement]) -> dict[tuple[str, str], Judgement]:
    """The judgement that speaks for each pair: the strongest kind of evidence, then the latest."""
    best: dict[tuple[str, str], Judgement] = {}
    for j in judgements:
        key = (j.query, j.doc)
        old = best.get(key)
        rank = (EVIDENCE[j.signal], j.at or datetime.min)
        if old is None or rank >= (EVIDENCE[old.signal], old.at or datetime.min):
            best[key] = j
    return best


def query_trust(judgements: Iterable[Judgement]) -> dict[str, dict[str, float]]:
    """Per query, the multiplier on each engine factor implied by the reasons given for rejections."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for j in judgements:
        if j.grade == 0 and j.reason in REASON_TRUST:
            counts[j.query][j.reason] += 1
    out: dict[str, dict[str, float]] = {}
    for query, reasons in counts.items():
        trust: dict[str, float] = {}
        for reason, n in reasons.items():
            factor, step, bound = REASON_TRUST[reason]
            value = trust.get(factor, 1.0) * step**n
            trust[factor] = max(value, bound) if step < 1 else min(value, bound)
        out[query] = trust
    return out


def _sector_key(a: str, b: str) -> str:
    return f"{a}>{b}"


class Reranker:
    """Constructor stores parameters; ``fit`` learns from judgements; ``rerank`` is read-only.

    ``l2``: pull of the feature weights towards zero; ``min_judgements``: fewer judged pairs leave
    the model inactive (shipped ranking); ``cap``: largest learned contribution, in points;
    ``org_share``: most weight one judging organisation may have; ``exploration``: share of the
    shown slots kept for new records; ``validate``: check on held-back queries before activating.
    """

    def __init__(
        self,
        *,
        l2: float = 3.0,
        min_judgements: int = 30,
        cap: float = 15.0,
        org_share: float = 0.2,
        exploration: float = 0.1,
        validate: bool = True,
        seed: int = 0,
    ):
        self.l2 = l2
        self.min_judgements = min_judgements
        self.cap = cap
        self.org_share = org_share
        self.exploration = exploration
        self.validate = validate
        self.seed = seed

    # -- features ---------------------------------------------------------------------------
    @staticmethod
    def context(pool: Sequence[Candidate]) -> dict[str, tuple[float, float, float, float]]:
        """Per doc, how it stands among the query's candidates: rank gains and share of the best, per factor."""
        out: dict[str, list[float]] = {c.doc: [] for c in pool}
        for factor in ("lexical", "semantic"):
            values = [c.contributions.get(factor, 0.0) for c in pool]
            order = sorted(range(len(pool)), key=lambda i: -values[i])
            for rank, i in enumerate(order, start=1):
                out[pool[i].doc].append(1 / math.log2(rank + 1) if values[i] > 0 else 0.0)
        for factor in ("lexical", "semantic"):
            best = max((c.contributions.get(factor, 0.0) for c in pool), default=0.0)
            for c in pool:
                out[c.doc].append(c.contributions.get(factor, 0.0) / best if best > 0 else 0.0)
        return {d: (v[0], v[1], v[2], v[3]) for d, v in out.items()}

    def features(
        self,
        c: Candidate,
        response_rates: Mapping[str, float] | None = None,
        context: Mapping[str, tuple[float, float, float, float]] | None = None,
    ) -> np.ndarray:
        """The candidate's feature vector (order of ``FEATURES``), each roughly within 0-1."""
        parts = c.contributions
        shared = c.query_sectors & c.doc_sectors
        depth = len(shared) / len(c.query_sectors) if c.query_sectors else 0.0
        if c.query_places and c.doc_places:
            distance = 0.0 if c.query_places & c.doc_places else 1.0
        else:
            distance = 0.5
        rates = response_rates if response_rates is not None else getattr(self, "response_rates_", {})
        rate = rates.get(c.owner)
        table = getattr(self, "sector_rejections_", {})
        # Only an offer that shares no sector with the need is "the wrong sector" for it: an offer
        # that also serves the need's sector stays untouched by its other sectors' rejections.
        pairs = [] if shared else [_sector_key(a, b) for a in c.query_sectors for b in c.doc_sectors]
        rejections = max((table.get(p, 0.0) for p in pairs), default=0.0)
        history = self._history(c)
        ctx = (context or {}).get(c.doc, (0.0, 0.0, 0.0, 0.0))
        return np.array(
            [
                parts.get("lexical", 0.0) / 100,
                parts.get("semantic", 0.0) / 100,
                parts.get("sectors", 0.0) / 100,
                parts.get("place", 0.0) / 100,
                parts.get("maturity", 0.0) / 100,
                depth,
                0.0 if shared or not c.query_sectors else 1.0,
                (9 - min(max(c.trl, 1), 9)) / 8 if c.trl else 0.5,
                distance,
                0.0 if _script(c.query_lang) == _script(c.doc_lang) else 1.0,
                1.0 if {_script(c.query_lang), _script(c.doc_lang)} in _CHINESE_ENGLISH else 0.0,
                0.0 if rate is None else rate - 0.5,
                rejections,
                history,
                *ctx,
            ]
        )

    # -- fitting ----------------------------------------------------------------------------
    def fit(
        self,
        candidates: Mapping[str, Sequence[Candidate]],
        judgements: Sequence[Judgement],
        response_rates: Mapping[str, float] | None = None,
    ) -> Reranker:
        """Learn from ``judgements`` on pairs found among ``candidates`` (query id -> engine suggestions)."""
        self.response_rates_ = dict(response_rates or {})
        chosen = pair_grades(judgements)
        self.trust_ = query_trust(chosen.values())
        self.sector_rejections_ = self._sector_rejections(candidates, chosen)
        self._fit_history(chosen)
        self.organisation_weight_ = self._organisation_weights(chosen.values())
        self.n_judgements_ = len(chosen)
        self.n_queries_ = len({q for q, _d in chosen})
        self.coef_ = self.prior()
        self.offset_ = np.zeros(len(FEATURES))
        self.temperature_ = 0.0
        self.metrics_: dict[str, float | int | str | None] = {"judgements": self.n_judgements_}
        self.active_ = False
        if self.n_judgements_ < self.min_judgements:
            self.metrics_["status"] = "too_few_judgements"
            return self
        rows = self._rows(candidates, chosen)
        if not rows:
            self.metrics_["status"] = "no_pairs"
            return self
        queries = sorted({r[0] for r in rows})
        self.offset_ = np.mean([r[3] for r in rows], axis=0)
        self.metrics_["pairs"] = self._count_pairs(rows, queries)
        if self.validate and not self._validated(rows, queries):
            return self
        a, w = self._solve(rows)
        if a <= 0:
            self.metrics_["status"] = "degenerate"
            return self
        self.temperature_ = float(a)
        self.coef_ = self.prior() + w / a
        self.active_ = True
        self.metrics_["status"] = "active"
        base, learned = self._pair_accuracy(rows, a, w)
        self.metrics_["train_pair_accuracy_shipped"] = base
        self.metrics_["train_pair_accuracy_learned"] = learned
        return self

    def _validated(self, rows, queries) -> bool:
        """Cross-validation over the judged needs: is the learned order better than the shipped one?

        The judged needs that tell anything (two different grades at least) are split in ``FOLDS``
        folds; each fold is ranked by a model fitted on the others, and by the shipped ranking. The
        measure is nDCG@10 of the judged suggestions only (a condensed list, Sakai 2007, since most
        suggestions carry no judgement). The model is used only if it wins on average by more than
        ``MARGIN`` standard errors of the per-need differences: a model that merely fits noise in a
        few judgements stays off, so learning never costs users more than noise.
        """
        grades: dict[str, set[float]] = defaultdict(set)
        for r in rows:
            grades[r[0]].add(r[1])
        informative = [q for q in queries if len(grades[q]) > 1]
        self.metrics_["validation_needs"] = len(informative)
        if len(informative) < MIN_VALIDATION_NEEDS:
            self.metrics_["status"] = "too_few_informative_needs"
            return False
        rng = np.random.default_rng(self.seed)
        folds = []
        for _repeat in range(REPEATS):
            order = rng.permutation(informative).tolist()
            folds += [set(order[i::FOLDS]) for i in range(FOLDS)]
        shipped_scores: dict[str, list[float]] = defaultdict(list)
        learned_scores: dict[str, list[float]] = defaultdict(list)
        accuracy = []
        for fold in folds:
            a, w = self._solve([r for r in rows if r[0] not in fold])
            held = [r for r in rows if r[0] in fold]
            accuracy.append(self._pair_accuracy(held, a, w))
            by_query: dict[str, list] = defaultdict(list)
            for r in held:
                by_query[r[0]].append(r)
            for query, group in by_query.items():
                shipped_scores[query].append(_condensed_ndcg(group, [r[2] for r in group]))
                scores = [r[2] + float(r[3] @ w) / a if a > 0 else r[2] for r in group]
                learned_scores[query].append(_condensed_ndcg(group, scores))
        # One difference per need (its mean over the repeats), so the error counts needs, not folds.
        shipped = np.array([np.mean(v) for _q, v in sorted(shipped_scores.items())])
        learned = np.array([np.mean(v) for _q, v in sorted(learned_scores.items())])
        diff = learned - shipped
        error = float(diff.std(ddof=1) / math.sqrt(len(diff))) if len(diff) > 1 else 0.0
        self.metrics_["held_out_ndcg_shipped"] = round(float(shipped.mean()), 4)
        self.metrics_["held_out_ndcg_learned"] = round(float(learned.mean()), 4)
        pairs = [p for p in accuracy if p[0] is not None]
        if pairs:
            self.metrics_["held_out_pair_accuracy_shipped"] = round(float(np.mean([p[0] for p in pairs])), 4)
            self.metrics_["held_out_pair_accuracy_learned"] = round(float(np.mean([p[1] for p in pairs])), 4)
        if not diff.mean() > MARGIN * error:
            self.metrics_["status"] = "no_better_than_shipped"
            return False
        return True

    def _sector_rejections(self, candidates, chosen) -> dict[str, float]:
        """Smoothed share of "wrong sector" rejections per (query sector, doc sector).

        Counted among judged pairs that share no sector."""
        doc_sectors: dict[tuple[str, str], Candidate] = {(c.query, c.doc): c for cs in candidates.values() for c in cs}
        wrong: dict[str, float] = defaultdict(float)
        seen: dict[str, float] = defaultdict(float)
        for key, j in chosen.items():
            c = doc_sectors.get(key)
            if c is None or c.query_sectors & c.doc_sectors:
                continue
            for a in c.query_sectors:
                for b in c.doc_sectors:
                    seen[_sector_key(a, b)] += 1
                    if j.grade == 0 and j.reason == "wrong_sector":
                        wrong[_sector_key(a, b)] += 1
        return {k: round(wrong[k] / (seen[k] + 2.0), 4) for k in seen if wrong[k]}

    def _fit_history(self, chosen: Mapping[tuple[str, str], Judgement]) -> None:
        """Per doc, the grades other queries gave it: "organisations like yours accepted similar offers"."""
        grades = [j.grade for j in chosen.values()]
        self.mean_grade_ = float(np.mean(grades)) if grades else 0.0
        self.doc_grades_: dict[str, list[float]] = {}
        by_doc: dict[str, dict[str, float]] = defaultdict(dict)
        for (query, doc), j in chosen.items():
            by_doc[doc][query] = j.grade
        self.doc_judged_ = {doc: dict(v) for doc, v in by_doc.items()}

    def _history(self, c: Candidate) -> float:
        """Smoothed mean grade of the doc from other queries, minus the mean grade (leave-one-out)."""
        judged = getattr(self, "doc_judged_", {}).get(c.doc)
        if not judged:
            return 0.0
        others = [g for q, g in judged.items() if q != c.query]
        prior = getattr(self, "mean_grade_", 0.0)
        m = 2.0
        return (sum(others) + m * prior) / (len(others) + m) - prior

    def _organisation_weights(self, chosen: Iterable[Judgement]) -> dict[str, float]:
        """Weight per judging organisation, so that none carries more than ``org_share`` of the total."""
        counts: dict[str, int] = defaultdict(int)
        for j in chosen:
            counts[j.organisation] += 1
        total = sum(counts.values())
        limit = max(1.0, self.org_share * total)
        return {org: min(1.0, limit / n) for org, n in counts.items() if org}

    @staticmethod
    def prior() -> np.ndarray:
        return np.array([PRIOR.get(name, 0.0) for name in FEATURES])

    def _rows(self, candidates, chosen):
        rows = []
        for query, cs in candidates.items():
            context = self.context(cs)
            ranks = {c.doc: r for r, c in enumerate(sorted(cs, key=lambda c: (-c.score, c.doc)), start=1)}
            for c in cs:
                j = chosen.get((query, c.doc))
                if j is None:
                    continue
                weight = self.organisation_weight_.get(j.organisation, 1.0)
                x = self.features(c, context=context)
                score = c.score + float(self.prior() @ x)  # the prior is the starting point
                rows.append((query, j.grade, score, x, weight, ranks[c.doc]))
        return rows

    @staticmethod
    def _pairs(rows):
        by_query: dict[str, list] = defaultdict(list)
        for r in rows:
            by_query[r[0]].append(r)
        ds, dx, wt = [], [], []
        for group in by_query.values():
            for i, ri in enumerate(group):
                for rj in group[i + 1 :]:
                    if ri[1] == rj[1]:
                        continue
                    hi, lo = (ri, rj) if ri[1] > rj[1] else (rj, ri)
                    ds.append(hi[2] - lo[2])
                    dx.append(hi[3] - lo[3])
                    # LambdaRank-like: pairs whose swap moves nDCG most weigh most.
                    swap = abs(1 / math.log2(hi[5] + 1) - 1 / math.log2(lo[5] + 1))
                    wt.append(min(hi[4], lo[4]) * (2 ** hi[1] - 2 ** lo[1]) * swap)
        if not ds:
            return None
        return np.asarray(ds) / 10.0, np.asarray(dx), np.asarray(wt)

    def _count_pairs(self, rows, queries) -> int:
        pairs = self._pairs(rows)
        return 0 if pairs is None else len(pairs[0])

    def _solve(self, rows) -> tuple[float, np.ndarray]:
        """Weighted pairwise logistic loss, L2 on the feature weights only; returns (a per point, w)."""
        pairs = self._pairs(rows)
        k = len(FEATURES)
        if pairs is None:
            return 0.0, np.zeros(k)
        ds, dx, wt = pairs
        z = np.column_stack([ds, dx])
        norm = wt.sum()

        def loss(theta):
            m = z @ theta
            value = np.sum(wt * np.logaddexp(0.0, -m)) / norm + self.l2 * np.sum(theta[1:] ** 2) / max(norm, 1.0)
            p = 0.5 * (1 - np.tanh(m / 2))  # sigmoid(-m), stable
            grad = -(z.T @ (wt * p)) / norm
            grad[1:] += 2 * self.l2 * theta[1:] / max(norm, 1.0)
            return value, grad

        theta0 = np.zeros(k + 1)
        theta0[0] = 1.0
        result = minimize(loss, theta0, jac=True, method="L-BFGS-B")
        theta = result.x
        return float(theta[0]) / 10.0, theta[1:]

    def _pair_accuracy(self, rows, a, w) -> tuple[float | None, float | None]:
        pairs = self._pairs(rows)
        if pairs is None:
            return None, None
        ds, dx, wt = pairs
        base = float(np.sum(wt * ((ds > 0) + 0.5 * (ds == 0))) / wt.sum())
        m = a * 10 * ds + dx @ w
        learned = float(np.sum(wt * ((m > 0) + 0.5 * (m == 0))) / wt.sum())
        return round(base, 4), round(learned, 4)

    # -- scoring ----------------------------------------------------------------------------
    def adjustment(self, c: Candidate, context=None) -> tuple[float, dict[str, float]]:
        """The learned contribution for ``c`` in score points (capped), and its parts by feature or reason."""
        parts: dict[str, float] = {}
        trust = getattr(self, "trust_", {}).get(c.query, {})
        for factor, multiplier in trust.items():
            delta = (multiplier - 1.0) * c.contributions.get(factor, 0.0)
            if delta:
                parts[f"trust:{factor}"] = delta
        coef = getattr(self, "coef_", None)
        if coef is not None and (getattr(self, "active_", False) or coef.any()):
            x = self.features(c, context=context)
            prior = self.prior()
            values = (x - self.offset_) * (coef - prior) + x * prior
            for name, value in zip(FEATURES, values, strict=True):
                if value:
                    parts[name] = float(value)
        total = sum(parts.values())
        if abs(total) > self.cap:
            scale = self.cap / abs(total)
            parts = {k: v * scale for k, v in parts.items()}
            total = math.copysign(self.cap, total)
        return total, parts

    def rerank(self, candidates: Sequence[Candidate], *, top: int | None = None) -> list[Reranked]:
        """Candidates in learned order, each with a ``learned`` contribution; new records get explored slots.

        The learned contribution is rounded to 0.1 like the engine's factors and the score is their
        exact sum, clipped to 0-100 by adjusting the learned contribution.
        """
        out = []
        exact = []
        context = self.context(candidates)
        for i, c in enumerate(candidates):
            total, parts = self.adjustment(c, context)
            contributions = {k: float(v) for k, v in c.contributions.items()}
            base = round(sum(contributions.values()), 1)
            learned = round(min(max(total, -base), 100 - base), 1)
            contributions[LEARNED] = learned
            out.append(Reranked(c, round(base + learned, 1), contributions, learned, reasons=parts))
            # Order by the unrounded sum, then by the engine's own order: with nothing learned the
            # engine's ranking comes back unchanged, not re-sorted among scores equal to 0.1.
            exact.append((-(c.score + min(max(total, -c.score), 100 - c.score)), i))
        out = [out[i] for _key, i in sorted(exact)]
        if top is None:
            return out
        return self.explore(out, top)

    def explore(self, ranked: list[Reranked], top: int) -> list[Reranked]:
        """The first ``top``, with the last ``exploration`` share of slots given to the best new records below."""
        slots = int(math.floor(top * self.exploration + 1e-9))
        shown = ranked[:top]
        if not slots:
            return shown
        newcomers = [r for r in ranked[top:] if r.candidate.new][:slots]
        if not newcomers:
            return shown
        keep = shown[: top - len(newcomers)]
        return keep + [replace(r, explored=True) for r in newcomers]

    # -- storage ----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Everything needed to rebuild the fitted model: JSON-ready, for the versioned model table."""
        return {
            "params": {
                "l2": self.l2,
                "min_judgements": self.min_judgements,
                "cap": self.cap,
                "org_share": self.org_share,
                "exploration": self.exploration,
            },
            "features": list(FEATURES),
            "coefficients": [round(float(v), 6) for v in getattr(self, "coef_", np.zeros(len(FEATURES)))],
            "offsets": [round(float(v), 6) for v in getattr(self, "offset_", np.zeros(len(FEATURES)))],
            "temperature": getattr(self, "temperature_", 0.0),
            "active": bool(getattr(self, "active_", False)),
            "trust": getattr(self, "trust_", {}),
            "sector_rejections": getattr(self, "sector_rejections_", {}),
            "response_rates": getattr(self, "response_rates_", {}),
            "judgements": getattr(self, "n_judgements_", 0),
            "metrics": getattr(self, "metrics_", {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Reranker:
        model = cls(**{k: v for k, v in data.get("params", {}).items()})
        names = list(data.get("features", FEATURES))
        coefs = dict(zip(names, data.get("coefficients", []), strict=False))
        offsets = dict(zip(names, data.get("offsets", []), strict=False))
        model.coef_ = np.array([coefs.get(n, 0.0) for n in FEATURES])
        model.offset_ = np.array([offsets.get(n, 0.0) for n in FEATURES])
        model.temperature_ = float(data.get("temperature", 0.0))
        model.active_ = bool(data.get("active", False))
        model.trust_ = {q: dict(t) for q, t in data.get("trust", {}).items()}
        model.sector_rejections_ = dict(data.get("sector_rejections", {}))
        model.response_rates_ = dict(data.get("response_rates", {}))
        model.n_judgements_ = int(data.get("judgements", 0))
        model.metrics_ = dict(data.get("metrics", {}))
        return model

    def weights_in_points(self) -> dict[str, float]:
        """Points added per unit of each feature: the model, readable."""
        return {n: round(float(v), 2) for n, v in zip(FEATURES, getattr(self, "coef_", []), strict=False)}


def _condensed_ndcg(group, scores, k: int = 10) -> float:
    """nDCG@k of the judged rows of one need ordered by ``scores`` (ties: the engine's order)."""
    order = sorted(range(len(group)), key=lambda i: (-scores[i], group[i][5]))
    gains = [group[i][1] for i in order]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(sorted(gains, reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def shipped() -> Reranker:
    """The unlearned re-ranker: adds nothing, so the shipped fusion weights decide."""
    return Reranker().fit({}, [])


_CHINESE_ENGLISH = ({"hant", "en"}, {"hans", "en"})


def _script(lang: str) -> str:
    return {"zh-Hant": "hant", "zh-Hans": "hans", "zh": "hans"}.get(lang, "en" if lang else "")


__all__ = ["Candidate", "FEATURES", "Judgement", "LEARNED", "Reranked", "Reranker", "pair_grades", "shipped"]
