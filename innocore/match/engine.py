"""Hybrid matching with explanations: BM25 over folded tokens, multilingual embeddings, fusion.

Every suggestion carries its explanation: per-factor contributions that add up exactly to the
shown score (0-100), the terms that matched with their spans in both texts (across scripts,
and across languages through glossary concepts), and the shared sectors.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from innocore.match.ann import DenseIndex
from innocore.match.bm25 import BM25, top_k
from innocore.match.dense import REFERENCE_CALIBRATION, Encoder
from innocore.match.glossary import default_glossary
from innocore.match.tokens import CONCEPT_PREFIX, FILLER, Token, tokenize
from innocore.text import has_cjk

METHODS = ("bm25", "dense", "hybrid")
EXPLAIN_STOP = frozenset(
    "方案 运行 问题 项目 提高 提升 降低 减少 能力 效果 要求 希望 需求 技术 系统 产品 服务 企业 公司 应用 约 万 "
    "using based solution system project need offer technology product service company".split()
)
FIELDS = ("title", "text")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Document:
    """A record to be found: an offer, a need or an organisation profile."""

    id: str
    title: str = ""
    text: str = ""
    sectors: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    trl: int | None = None
    lang: str = ""


@dataclass(frozen=True)
class Query:
    """What to look for. ``places`` should include the ancestors of the query's place."""

    title: str = ""
    text: str = ""
    sectors: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Weights:
    """Maximum contribution of each factor; they sum to 1 and the score is shown out of 100."""

    # Chosen on the own set (benchmarks/matching_quality.py: the best nDCG@10 among settings that
    # keep every cross-language pair within 0.05 of the same-language mean); held-out figures
    # come from its 2-fold cross-validation.
    lexical: float = 0.40
    semantic: float = 0.44
    sectors: float = 0.08
    place: float = 0.04
    maturity: float = 0.04
    lexical_saturation: float = 0.7
    semantic_floor: float = 0.1
    semantic_ceiling: float = 0.7
    # Share of the semantic credit kept for cosines above the ceiling, so that close paraphrases
    # and translations still rank by similarity instead of tying at full credit.
    semantic_headroom: float = 0.1
    # Language-aware fusion, for documents written in another script than the query: of the
    # lexical weight they cannot attain (no shared words but glossary concepts, numbers and
    # borrowed terms), ``transfer`` goes to their semantic factor and the rest rescales their
    # lexical coverage by what is attainable. 0 is the previous rule (rescaling only).
    transfer: float = 0.25


@dataclass(frozen=True)
class Span:
    field: str
    start: int
    end: int


@dataclass(frozen=True)
class TermMatch:
    """A term found in both texts; ``concept`` is set when it matched across languages."""

    term: str
    query_spans: tuple[Span, ...]
    doc_spans: tuple[Span, ...]
    concept: str = ""


@dataclass
class Match:
    doc_id: str
    score: float
    contributions: dict[str, float]
    terms: list[TermMatch] = field(default_factory=list)
    shared_sectors: list[str] = field(default_factory=list)
    raw: dict[str, float | None] = field(default_factory=dict)  # "cosine" is None without vectors


@dataclass
class DocumentBlock:
    """Documents ``start:start + len(ids)`` of a fitted matcher (see ``Matcher.parts``), with what
    ranking needs of each (id, sectors, places, maturity, script) in columns: a block is shipped
    to every executor, and a quarter of a million dataclass instances take seconds to unpickle."""

    start: int
    ids: list[str]
    sectors: list[frozenset]
    places: list[frozenset]
    trl: list[int | None]
    scripts: list[str]
    bm25: BM25
    dense: DenseIndex | None

    @classmethod
    def of(cls, start: int, documents: Sequence[Document], scripts: list[str], bm25: BM25, dense) -> DocumentBlock:
        return cls(
            start,
            [d.id for d in documents],
            [d.sectors for d in documents],
            [d.places for d in documents],
            [d.trl for d in documents],
            scripts,
            bm25,
            dense,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def document(self, i: int) -> Document:
        """Document ``i`` of the block as ranking sees it (without its title and text)."""
        return Document(self.ids[i], sectors=self.sectors[i], places=self.places[i], trl=self.trl[i])


class Matcher:
    """Constructor stores parameters; ``fit`` builds the indexes; ``search`` is read-only."""

    def __init__(
        self,
        *,
        encoder: Encoder | None = None,
        weights: Weights | None = None,
        k1: float = 1.2,
        b: float = 0.75,
        title_weight: float = 2.0,
        candidates: int = 100,
        calibration: tuple[float, float] | None = None,
    ):
        self.encoder = encoder
        # (unrelated, translation) cosines of the vectors' encoder; by default the encoder's own.
        self.calibration = calibration
        self.weights = weights or Weights()
        self.k1 = k1
        self.b = b
        self.title_weight = title_weight
        self.candidates = candidates

    # -- indexing ---------------------------------------------------------------------------
    def weighted_terms(self, title: str, text: str) -> list[tuple[str, float]]:
        return self.weigh(*field_terms(title, text))

    def weigh(self, title_terms, text_terms) -> list[tuple[str, float]]:
        return [(t, self.title_weight) for t in title_terms] + [(t, 1.0) for t in text_terms]

    def fit(
        self,
        documents: Sequence[Document],
        vectors: np.ndarray | None = None,
        token_lists: Sequence[Sequence[tuple[str, float]]] | None = None,
    ) -> Matcher:
        self.documents_ = list(documents)
        self.index_of_ = {d.id: i for i, d in enumerate(self.documents_)}
        self.script_ = [_script_class(d.lang or (d.title + d.text[:80])) for d in self.documents_]
        terms = (
            token_lists if token_lists is not None else (self.weighted_terms(d.title, d.text) for d in self.documents_)
        )
        self.bm25_ = BM25(self.k1, self.b).fit(terms)
        if vectors is None and self.encoder is not None:
            vectors = self.encoder.encode_documents([embedding_text(d.title, d.text) for d in self.documents_])
        if vectors is not None and len(vectors) != len(self.documents_):
            raise ValueError(f"{len(vectors)} vectors for {len(self.documents_)} documents")
        # Vectors are centred per script: multilingual encoders (e5 markedly) place texts of one
        # language closer together whatever they say, which would rank any same-language text
        # above a cross-language one with the same meaning.
        groups = np.fromiter((_GROUP[c] for c in self.script_), dtype=np.int64, count=len(self.script_))
        self.dense_ = None if vectors is None else DenseIndex().fit(vectors, groups=groups)
        # The documents indexed above are the main segment; ``updated`` adds a small delta segment
        # and tombstones for main documents that were removed or replaced.
        self.n_main_ = len(self.documents_)
        self.dead_ = np.zeros(self.n_main_, dtype=bool)
        self.n_dead_ = 0
        self.delta_ = _Delta()
        return self

    def updated(
        self,
        documents: Sequence[Document] = (),
        removed: Iterable[str] = (),
        vectors: np.ndarray | None = None,
        token_lists: Sequence[Sequence[tuple[str, float]]] | None = None,
    ) -> Matcher:
        """A new matcher with ``documents`` added (or replaced, by id) and ``removed`` ids gone.

        This one is left untouched, so searches running on it meanwhile stay consistent. The
        main segment's arrays are shared; only the delta segment (every document added since
        the last ``fit``) is re-indexed, with BM25 statistics joined to the main segment's.
        Call ``fit`` again when ``delta_size`` grows large (search slows by the delta's size).
        """
        documents = list(documents)
        if vectors is not None and len(vectors) != len(documents):
            raise ValueError(f"{len(vectors)} vectors for {len(documents)} documents")
        if self.dense_ is None:
            vectors = None
        elif vectors is None and documents:
            if self.encoder is None:
                raise ValueError("this matcher has a dense index: give the new documents' vectors")
            vectors = self.encoder.encode_documents([embedding_text(d.title, d.text) for d in documents])
        terms: list[Sequence[tuple[str, float]]] = (
            list(token_lists) if token_lists is not None else [self.weighted_terms(d.title, d.text) for d in documents]
        )
        gone = set(removed) | {d.id for d in documents}
        dead = self.dead_.copy()
        for doc_id in gone:
            i = self.index_of_.get(doc_id)
            if i is not None and i < self.n_main_:
                dead[i] = True
        old = self.delta_
        keep = [k for k, d in enumerate(old.documents) if d.id not in gone]
        delta = _Delta(
            documents=[old.documents[k] for k in keep] + documents,
            terms=[old.terms[k] for k in keep] + terms,
        )
        if self.dense_ is not None:
            parts = [old.vectors[keep]] if old.vectors is not None else []
            if documents:
                fresh = np.asarray(vectors, dtype=np.float32)
                means = self.dense_.means_
                if means is not None:
                    # Centred with the main segment's means (a script it lacks is left as is).
                    fresh = fresh.copy()
                    for k, d in enumerate(documents):
                        g = _GROUP[_script_class(d.lang or (d.title + d.text[:80]))]
                        if g < len(means):
                            fresh[k] -= means[g]
                parts.append(fresh)
            delta.vectors = np.vstack(parts) if parts else None
        delta.fit(self.bm25_, self.k1, self.b)
        new = copy.copy(self)
        new.dead_ = dead
        new.n_dead_ = int(dead.sum())
        new.delta_ = delta
        main = self.documents_[: self.n_main_]
        new.documents_ = main + delta.documents
        new.index_of_ = {d.id: i for i, d in enumerate(main) if not dead[i]}
        new.index_of_.update({d.id: self.n_main_ + k for k, d in enumerate(delta.documents)})
        new.script_ = self.script_[: self.n_main_] + [
            _script_class(d.lang or (d.title + d.text[:80])) for d in delta.documents
        ]
        return new

    @property
    def delta_size(self) -> int:
        """Documents changed since the last full ``fit``: added or replaced, plus removed."""
        return len(self.delta_.documents) + self.n_dead_

    def query_terms(self, query: Query) -> list[str]:
        """The query's weighted field terms without filler words: what ``search`` scores."""
        return [term for term, _w in self.weighted_terms(query.title, query.text) if term not in FILLER]

    def parts(self, size: int) -> tuple[Matcher, list[DocumentBlock]]:
        """This fitted matcher split for batch scoring over blocks of documents: a shell without
        documents (weights, calibration, the BM25 vocabulary and statistics, to weigh a query and
        rank a pool) and the documents in blocks of ``size``, each with its rows of the BM25
        matrix and of the dense index. Scores computed in the blocks are the whole index's."""
        if self.delta_size:
            raise ValueError("fit the matcher again before splitting it: it has a delta segment")
        shell = copy.copy(self)
        shell.documents_, shell.index_of_, shell.script_ = [], {}, []
        shell.dense_ = None
        shell.bm25_ = copy.copy(self.bm25_)
        del shell.bm25_.matrix_
        blocks = [
            DocumentBlock.of(
                start,
                self.documents_[start : start + size],
                self.script_[start : start + size],
                self.bm25_.rows(start, start + size),
                None if self.dense_ is None else self.dense_.rows(start, min(start + size, self.n_main_)),
            )
            for start in range(0, self.n_main_, size)
        ]
        return shell, blocks

    def __len__(self) -> int:
        return len(self.index_of_)

    def _lexical(self, q_terms: list[str]) -> np.ndarray:
        """BM25 of every document slot (main then delta); removed ones score 0."""
        scores = self.bm25_.scores(q_terms)
        if self.delta_.bm25 is not None:
            scores = np.concatenate([scores, self.delta_.bm25.scores(q_terms)])
        if self.n_dead_:
            scores[: self.n_main_][self.dead_] = 0.0
        return scores

    def nearest_many(self, query_vectors: np.ndarray, k: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`_nearest` for a block of query vectors (the main segment read once for all), to
        pass to :meth:`search` as ``nearest``: what batch scoring does for each block of queries."""
        assert self.dense_ is not None, "called only when the matcher has a dense index"
        k = self.candidates if k is None else k
        main = self.dense_.search_many(np.asarray(query_vectors, dtype=np.float32), k + self.n_dead_)
        return [self._nearest(qv, k, main=m) for qv, m in zip(query_vectors, main, strict=True)]

    def _nearest(
        self, qv: np.ndarray, k: int, main: tuple[np.ndarray, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest live documents of both segments, best first (``main``: the main segment's
        k + removed nearest, when already computed)."""
        assert self.dense_ is not None, "called only when the matcher has a dense index"
        idx, sims = main if main is not None else self.dense_.search(qv, k + self.n_dead_)
        if self.n_dead_:
            live = ~self.dead_[idx]
            idx, sims = idx[live], sims[live]
        if self.delta_.vectors is not None and len(self.delta_.vectors):
            d_sims = self.delta_.vectors @ qv
            idx = np.concatenate([idx, self.n_main_ + np.arange(len(d_sims))])
            sims = np.concatenate([sims, d_sims])
        order = np.argsort(-sims, kind="stable")[:k]
        return idx[order], sims[order]

    def _similarity(self, indices, qv: np.ndarray, *, wide: bool = False) -> np.ndarray:
        """Cosines of the rows ``indices`` (main then delta segment) with ``qv``; ``wide``: summed in
        float64 (see ``DenseIndex.similarity64``), else in float32 as the fusion takes them."""
        rows = np.asarray(indices, dtype=np.int64)
        dtype = np.float64 if wide else np.float32
        out = np.empty(len(rows), dtype=dtype)
        main = rows < self.n_main_
        if main.any():
            assert self.dense_ is not None, "called only when the matcher has a dense index"
            read = self.dense_.similarity64 if wide else self.dense_.similarity
            out[main] = read(rows[main], qv)
        if (~main).any():
            assert self.delta_.vectors is not None, "delta rows of a dense matcher have vectors"
            delta = self.delta_.vectors[rows[~main] - self.n_main_]
            out[~main] = delta.astype(dtype) @ np.asarray(qv, dtype=dtype)
        return out

    # -- scoring ----------------------------------------------------------------------------
    def query_vector(self, query: Query) -> np.ndarray | None:
        if self.encoder is None or self.dense_ is None:
            return None
        return self.encoder.encode_queries([embedding_text(query.title, query.text)])[0]

    def search(
        self,
        query: Query,
        *,
        top: int = 10,
        method: str = "hybrid",
        explain: bool = True,
        query_vector: np.ndarray | None = None,
        nearest: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[Match]:
        """The ``top`` matches of ``query``. ``nearest`` is the query vector's nearest documents from
        :meth:`nearest_many` (``candidates`` of them), when a caller scores queries in blocks."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}")
        if not self.documents_:
            return []
        q_terms = self.query_terms(query)
        excluded = {self.index_of_[i] for i in query.exclude if i in self.index_of_}
        qv = None
        if method != "bm25":
            qv = query_vector if query_vector is not None else self.query_vector(query)
            if qv is None and method == "dense":
                raise ValueError("the dense method needs an encoder and document vectors")
        want = top + len(excluded)

        if method == "dense":
            assert qv is not None  # checked above
            idx, _sims = self._nearest(qv, want)
            # Shown and ordered by the float64 cosine, which batch scoring reproduces to the digit.
            exact = self._similarity(idx, qv, wide=True)
            order = np.lexsort((idx, -exact))
            keep = [(int(idx[o]), float(exact[o])) for o in order if int(idx[o]) not in excluded][:top]
            return [self._single(method, i, s, query, explain) for i, s in keep]
        lexical = self._lexical(q_terms)
        if method == "bm25":
            hits = [int(i) for i in top_k(lexical, want) if lexical[i] > 0 and int(i) not in excluded][:top]
            return [self._single(method, i, float(lexical[i]), query, explain) for i in hits]

        pool = {int(i) for i in top_k(lexical, self.candidates) if lexical[i] > 0}
        if qv is not None:
            near = nearest if nearest is not None else self._nearest(qv, self.candidates)
            pool |= {int(i) for i in near[0]}
        pool -= excluded
        if not pool:
            return []
        pool_list = sorted(pool)
        cosines = self._similarity(pool_list, qv) if qv is not None else None
        return self.rank_pool(
            query,
            [self.documents_[i] for i in pool_list],
            [self.script_[i] for i in pool_list],
            [float(lexical[i]) for i in pool_list],
            cosines,
            self.bm25_.max_score(q_terms),
            top=top,
            explain=explain,
        )

    def rank_pool(
        self,
        query: Query,
        docs: Sequence[Document],
        scripts: Sequence[str],
        lexical: Sequence[float],
        cosines: Sequence[float] | np.ndarray | None,
        bound: float,
        *,
        top: int,
        explain: bool = False,
    ) -> list[Match]:
        """The hybrid ranking of a candidate pool: each candidate's document, script class, BM25
        score and raw cosine (``None`` without vectors), and the query's BM25 bound. ``search``
        ranks its pool with it, and batch scoring over blocks of documents ranks the pool it
        merged from the blocks with it, so both give the same scores."""
        fused: list[Match] = []
        if cosines is not None:
            scale, shift = self._cosine_scale()
            # float32 arithmetic, as the cosines come (the shown scores depend on the last bit).
            calibrated: Sequence[float | None] = list(np.asarray(cosines, dtype=np.float32) * scale + shift)
        else:
            calibrated = [None] * len(docs)
        attainable = self._attainable(scripts, lexical, bound, query)
        shares = [attainable.get(cls, 1.0) for cls in scripts]
        for k in self._contenders(docs, lexical, calibrated, shares, bound, query, top):
            fused.append(self._fuse(docs[k], lexical[k], calibrated[k], bound, query, shares[k]))
        # Ties in the shown (rounded) score are broken by the exact one, then by id.
        fused.sort(key=lambda m: (-m.score, -(m.raw["fused"] or 0.0), m.doc_id))
        best = fused[:top]
        if explain:
            by_id = {d.id: d for d in docs}
            for m in best:
                m.terms = self.explain_terms(query, by_id[m.doc_id])
        return best

    def _contenders(
        self,
        docs: Sequence[Document],
        lexical: Sequence[float],
        calibrated: Sequence[float | None],
        shares: Sequence[float],
        bound: float,
        query: Query,
        top: int,
    ) -> Sequence[int]:
        """The candidates that can be among the ``top`` best: ``_fuse``'s sum computed for the
        whole pool at once, keeping those within a point of the ``top``-th best. A shown score is
        its exact sum to within 0.3 (five contributions and the total rounded to 0.1), so any
        candidate left out is beaten by ``top`` others whatever the rounding; only the
        contenders are scored one by one (the pool is about 200 candidates for 10 or 20 shown)."""
        n = len(docs)
        if top <= 0 or n <= 2 * top:
            return range(n)
        w = self.weights
        lex = np.asarray(lexical, dtype=np.float64)
        share = np.asarray(shares, dtype=np.float64)
        norm = np.minimum(1.0, lex / (w.lexical_saturation * bound)) if bound > 0 else np.zeros(n)
        with_cos = calibrated[0] is not None
        t = w.transfer if with_cos else 0.0
        rescaled = np.where(share > 0, np.minimum(1.0, norm / np.where(share > 0, share, 1.0)), 0.0)
        total = w.lexical * ((1.0 - t) * rescaled + t * np.minimum(norm, share))
        if with_cos:
            cos = np.asarray(calibrated, dtype=np.float64)
            sem = (cos - w.semantic_floor) / (w.semantic_ceiling - w.semantic_floor)
            above = (cos - w.semantic_ceiling) / max(1e-9, 1.0 - w.semantic_ceiling)
            h = w.semantic_headroom
            credit = (1.0 - h) * np.clip(sem, 0.0, 1.0) + h * np.clip(above, 0.0, 1.0)
            total += (w.semantic + t * w.lexical * (1.0 - share)) * credit
        if query.sectors:
            total += (
                w.sectors * np.fromiter((len(query.sectors & d.sectors) for d in docs), float, n) / len(query.sectors)
            )
        if query.places:
            total += w.place * np.fromiter((bool(query.places & d.places) for d in docs), float, n)
        total += w.maturity * np.fromiter((min(max(d.trl, 1), 9) / 9 if d.trl else 0.0 for d in docs), float, n)
        total *= 100
        cut = np.partition(total, n - top)[n - top]
        return np.flatnonzero(total >= cut - 1.0).tolist()

    def _attainable(
        self, scripts: Sequence[str], lexical: Sequence[float], bound: float, query: Query
    ) -> dict[str, float]:
        """The share of the lexical factor that documents of each script can earn, for this query.

        Documents in the query's script can earn all of it. In another script only glossary
        concepts, numbers and the odd borrowed word can match, so the attainable share is
        measured: the best lexical coverage reached by a candidate of that script, relative to
        the best one in the query's script (or in any script when the query's has none).
        """
        if bound <= 0:
            return {}
        sat = self.weights.lexical_saturation * bound
        best: dict[str, float] = {}
        for cls, lex in zip(scripts, lexical, strict=True):
            best[cls] = max(best.get(cls, 0.0), min(1.0, float(lex) / sat))
        q_cls = _script_class(query.title + query.text)
        # Without candidates in the query's script all compete on the same footing.
        reference = best.get(q_cls) or max(best.values(), default=0.0) or 1.0
        return {cls: 1.0 if cls == q_cls else min(1.0, value / reference) for cls, value in best.items()}

    def _single(self, method: str, i: int, value: float, query: Query, explain: bool) -> Match:
        return self.single(method, self.documents_[i], value, query, explain)

    def single(self, method: str, doc: Document, value: float, query: Query, explain: bool = False) -> Match:
        """A match of the one-factor methods (``bm25``: its BM25 score; ``dense``: its cosine)."""
        name = "lexical" if method == "bm25" else "semantic"
        m = Match(doc.id, round(value, 4), {name: round(value, 4)}, raw={name: value})
        if explain:
            m.terms = self.explain_terms(query, doc)
        m.shared_sectors = sorted(query.sectors & doc.sectors)
        return m

    def _cosine_scale(self) -> tuple[float, float]:
        """(scale, shift) mapping this index's cosines onto the reference encoder's scale."""
        lo, hi = self.calibration or getattr(self.encoder, "calibration", None) or REFERENCE_CALIBRATION
        ref_lo, ref_hi = REFERENCE_CALIBRATION
        scale = (ref_hi - ref_lo) / (hi - lo)
        return scale, ref_lo - lo * scale

    def _fuse(
        self, doc: Document, lex: float, cos: float | None, bound: float, query: Query, attainable: float = 1.0
    ) -> Match:
        """Score one candidate. ``attainable`` is the share of the lexical factor its script can
        earn (1.0 in the query's script): lexical credit stops there, and the weight beyond it
        goes to the semantic factor, so every document can reach the same total."""
        w = self.weights
        lex_norm = min(1.0, float(lex) / (w.lexical_saturation * bound)) if bound > 0 else 0.0
        t = w.transfer if cos is not None else 0.0
        rescaled = min(1.0, lex_norm / attainable) if attainable > 0 else 0.0
        parts = {"lexical": w.lexical * ((1.0 - t) * rescaled + t * min(lex_norm, attainable))}
        if cos is not None:
            sem = (float(cos) - w.semantic_floor) / (w.semantic_ceiling - w.semantic_floor)
            above = (float(cos) - w.semantic_ceiling) / max(1e-9, 1.0 - w.semantic_ceiling)
            h = w.semantic_headroom
            credit = (1.0 - h) * min(1.0, max(0.0, sem)) + h * min(1.0, max(0.0, above))
            parts["semantic"] = (w.semantic + t * w.lexical * (1.0 - attainable)) * credit
        shared = sorted(query.sectors & doc.sectors)
        parts["sectors"] = w.sectors * (len(shared) / len(query.sectors)) if query.sectors and shared else 0.0
        parts["place"] = w.place if query.places and doc.places and (query.places & doc.places) else 0.0
        parts["maturity"] = w.maturity * (min(max(doc.trl, 1), 9) / 9) if doc.trl else 0.0
        # Contributions are rounded first so that they add up exactly to the score shown.
        shown = {k: round(100 * v, 1) for k, v in parts.items()}
        return Match(
            doc.id,
            round(sum(shown.values()), 1),
            shown,
            shared_sectors=shared,
            raw={"bm25": float(lex), "cosine": None if cos is None else float(cos), "fused": 100 * sum(parts.values())},
        )

    # -- explanation ------------------------------------------------------------------------
    def explain_terms(self, query: Query, doc: Document) -> list[TermMatch]:
        """Terms present in both texts with their spans, concepts (cross-language) first."""
        q = _field_tokens(query.title, query.text)
        d = _field_tokens(doc.title, doc.text)
        common = [t for t in q if t in d and t not in FILLER]
        matches = [
            TermMatch(
                term=_label(term, q[term], query, d[term], doc),
                query_spans=tuple(q[term]),
                doc_spans=tuple(d[term]),
                concept=term[len(CONCEPT_PREFIX) :] if term.startswith(CONCEPT_PREFIX) else "",
            )
            for term in common
        ]
        # A word inside a matched concept phrase adds nothing to the explanation.
        covered = {(s.field, s.start, s.end) for m in matches if m.concept for s in m.doc_spans}
        inside = _coverage(covered)
        # Single characters, numbers and filler words match everywhere and explain nothing.
        keep = [
            (m, term)
            for m, term in zip(matches, common, strict=True)
            if m.concept
            or (len(term) > 1 and not term.isdigit() and term not in EXPLAIN_STOP and not inside(m.doc_spans))
        ]
        idf = self.bm25_.idf_ if getattr(self, "bm25_", None) is not None else None
        vocab = self.bm25_.vocab_ if idf is not None else {}

        def weight(term: str) -> float:
            # Without an index (suggestions read from the nightly batch) longer terms, which are
            # rarer, come first.
            if idf is None:
                return float(len(term))
            return float(idf[vocab[term]]) if term in vocab else 0.0

        keep.sort(key=lambda mt: (not mt[0].concept, -weight(mt[1]), mt[0].term))
        return [m for m, _term in keep]


@dataclass
class _Delta:
    """Documents added since the last full fit, indexed with the main segment's statistics."""

    documents: list[Document] = field(default_factory=list)
    terms: list[Sequence[tuple[str, float]]] = field(default_factory=list)
    vectors: np.ndarray | None = None
    bm25: BM25 | None = None

    def fit(self, main: BM25, k1: float, b: float) -> None:
        self.bm25 = BM25(k1, b).fit(self.terms, reference=main) if self.documents else None


def embedding_text(title: str, text: str) -> str:
    """The text a record is embedded as: title and text joined by ". ", without a stray ". " when
    one of them is empty (a lone sentence is then encoded as itself)."""
    return f"{title}. {text}" if title and text else title or text


def field_terms(title: str, text: str) -> tuple[list[str], list[str]]:
    """The terms of a title and of a text, kept apart so the title can weigh more."""
    return [t.term for t in tokenize(title)], [t.term for t in tokenize(text)]


_GROUP = {"zh": 0, "en": 1}


def _script_class(text_or_lang: str) -> str:
    """``zh`` or ``en``: the script a record is mostly written in (Traditional and Simplified are
    one class, as tokens are folded). An English text quoting a Chinese term stays ``en``."""
    if text_or_lang in ("zh-Hant", "zh-Hans", "zh"):
        return "zh"
    if text_or_lang == "en":
        return "en"
    if not has_cjk(text_or_lang):
        return "en"
    cjk = len(_CJK_CHAR.findall(text_or_lang))
    latin = len(_LATIN_LETTER.findall(text_or_lang))
    return "zh" if 3 * cjk >= latin else "en"


@lru_cache(maxsize=4096)
def _field_tokens(title: str, text: str) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    for name, value in zip(FIELDS, (title, text), strict=True):
        for tok in tokenize(value):
            out.setdefault(tok.term, []).append(Span(name, tok.start, tok.end))
    return out


def _inside(spans: Sequence[Span], covered: set[tuple[str, int, int]]) -> bool:
    """Whether every span lies within one of the ``covered`` (field, start, end) intervals."""
    return _coverage(covered)(spans)


def _coverage(covered: Iterable[tuple[str, int, int]]):
    """A test ``spans -> bool`` equal to :func:`_inside` for these intervals, in O(log n) per span.

    Comparing every span with every interval was quadratic in the length of the text (a long
    description has thousands of both). Per field, the intervals sorted by start with the
    running maximum of their ends tell at once whether one that starts at or before a span's
    start also ends at or after its end.
    """
    starts: dict[str, list[int]] = {}
    reach: dict[str, list[int]] = {}
    for f, a, b in sorted(covered, key=lambda c: (c[0], c[1])):
        starts.setdefault(f, []).append(a)
        ends = reach.setdefault(f, [])
        ends.append(max(b, ends[-1]) if ends else b)

    def within(s: Span) -> bool:
        i = bisect_right(starts.get(s.field, ()), s.start) - 1
        return i >= 0 and reach[s.field][i] >= s.end

    return lambda spans: all(within(s) for s in spans)


def _label(term: str, q_spans, query: Query, d_spans, doc: Document) -> str:
    if not term.startswith(CONCEPT_PREFIX):
        first = q_spans[0]
        return _text_of(query, first)
    concept = term[len(CONCEPT_PREFIX) :]
    q_text, d_text = _text_of(query, q_spans[0]), _text_of(doc, d_spans[0])
    return q_text if q_text.casefold() == d_text.casefold() else f"{q_text} ≈ {d_text}" or concept


def _text_of(obj, span: Span) -> str:
    return getattr(obj, span.field)[span.start : span.end]


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Split ``text`` into (piece, highlighted) runs for the given spans (merged when overlapping)."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < len(text):
        out.append((text[pos:], False))
    return out


__all__ = [
    "Document",
    "Match",
    "Matcher",
    "Query",
    "Span",
    "TermMatch",
    "Weights",
    "default_glossary",
    "highlight",
    "Token",
]
