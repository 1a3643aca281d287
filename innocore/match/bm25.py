"""Okapi BM25 over pre-tokenised documents, as a sparse matrix of per-term document scores.

Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond" (2009),
with the Lucene idf ``log(1 + (N - df + 0.5) / (df + 0.5))``. As in bm25s, every
(document, term) score is computed once at fit time, so a query is a sum of a few
sparse columns: fast enough for a million documents on one core.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse


class BM25:
    """Fit on weighted term counts; score queries by summing their terms' columns.

    Each document is a mapping or list of (term, weight) pairs, so a field can weigh more
    (a title term counts twice) without building a separate index per field.
    """

    # Set by fit; declared here because fit reads them from ``reference`` before setting its own.
    vocab_: dict[str, int]
    n_docs_: int

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1 = k1
        self.b = b

    def fit(self, documents: Iterable[Sequence[tuple[str, float]]], reference: BM25 | None = None) -> BM25:
        """Index ``documents``. With ``reference`` (a larger index these documents join), the
        statistics are the union's: document frequencies add up, and lengths are normalised by
        the reference's average, so scores from both indexes can be compared and merged.
        """
        vocab: dict[str, int] = {}
        indptr = array("q", [0])
        cols = array("q")
        vals = array("f")
        lengths = array("f")
        for doc in documents:
            counts: dict[int, float] = {}
            length = 0.0
            for term, weight in doc:
                j = vocab.get(term)
                if j is None:
                    j = vocab[term] = len(vocab)
                counts[j] = counts.get(j, 0.0) + weight
                length += weight
            lengths.append(length)
            cols.extend(counts.keys())
            vals.extend(counts.values())
            indptr.append(len(cols))
        n_docs = len(lengths)
        tf = sparse.csr_matrix(
            (
                np.frombuffer(vals, dtype=np.float32).copy(),
                np.frombuffer(cols, dtype=np.int64),
                np.frombuffer(indptr, dtype=np.int64),
            ),
            shape=(n_docs, len(vocab)),
        )
        dl = np.frombuffer(lengths, dtype=np.float32)
        df = np.bincount(tf.indices, minlength=len(vocab)).astype(np.float32)
        self.df_ = df.copy()
        self.avgdl_ = float(dl.mean()) if n_docs else 1.0
        total = n_docs
        avgdl = self.avgdl_
        if reference is not None:
            total = n_docs + reference.n_docs_
            avgdl = reference.avgdl_
            for term, j in vocab.items():
                k = reference.vocab_.get(term)
                if k is not None:
                    df[j] += reference.df_[k]
        self.idf_ = np.log1p((total - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = self.k1 * (1 - self.b + self.b * dl / max(avgdl, 1e-9))
        row_of = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
        data = tf.data
        data = data * (self.k1 + 1) / (data + norm[row_of])
        tf.data = (data * self.idf_[tf.indices]).astype(np.float32)
        # int64 row indices: numpy's fancy-index add is twice as fast without an int32 -> intp copy.
        self.matrix_ = tf.tocsc()
        self.matrix_.indices = self.matrix_.indices.astype(np.int64)
        self.vocab_ = vocab
        self.n_docs_ = n_docs
        return self

    def term_ids(self, terms: Iterable[str]) -> list[int]:
        seen: dict[int, None] = {}
        for term in terms:
            j = self.vocab_.get(term)
            if j is not None:
                seen[j] = None
        return list(seen)

    def scores(self, terms: Iterable[str]) -> np.ndarray:
        """BM25 score of every document for the query's distinct terms."""
        return self.scores_of_ids(self.term_ids(terms))

    def rows(self, start: int, stop: int) -> BM25:
        """The documents ``start:stop`` of this index, scored with its statistics (idf and average
        length of the whole index): their scores are the whole index's, bit for bit. For batch
        scoring in blocks of documents; term ids are this index's (``term_ids``)."""
        part = BM25(self.k1, self.b)
        part.matrix_ = self.matrix_[start:stop]
        part.matrix_.indices = part.matrix_.indices.astype(np.int64)
        part.n_docs_ = part.matrix_.shape[0]
        return part

    def scores_of_ids(self, ids: Sequence[int]) -> np.ndarray:
        """``scores`` of distinct term ids, in that order (the order of the additions)."""
        out = np.zeros(self.n_docs_, dtype=np.float32)
        m = self.matrix_
        for j in ids:
            start, end = m.indptr[j], m.indptr[j + 1]
            out[m.indices[start:end]] += m.data[start:end]
        return out

    def max_score(self, terms: Iterable[str]) -> float:
        """The score of a document saturated with every distinct query term.

        Terms the corpus has never seen count with the idf of an unseen term, so a query
        that matches one word of twenty is not mistaken for a full match.
        """
        unseen = float(np.log1p((self.n_docs_ + 0.5) / 0.5))
        distinct = set(terms)
        total = sum(float(self.idf_[self.vocab_[t]]) if t in self.vocab_ else unseen for t in distinct)
        return total * (self.k1 + 1)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first; among equal scores the lower index first, also
    at the cut (so a corpus scored in blocks selects exactly what it selects scored whole)."""
    n = scores.shape[0]
    k = min(k, n)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k < n and n >= _SAMPLED_FROM and n > 64 * k:
        # A strided sample's k-th best score is at most the whole array's, so every one of the k
        # best is at or above it: select among those (a few thousand of a million scores), one
        # comparison pass instead of a partition of the whole array.
        floor = np.partition(scores[:: max(1, n // (_SAMPLE_SHARE * k))], -k)[-k]
        above = np.flatnonzero(scores >= floor)
        if len(above) <= n // 8:
            return _ordered(scores, above[_best(scores[above], k)])
    return _ordered(scores, _best(scores, k))


def _best(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest values, in no order; of equal values at the cut, the first."""
    m = len(values)
    if k >= m:
        return np.arange(m)
    kth = values[np.argpartition(values, m - k)[m - k :]].min()
    greater = np.flatnonzero(values > kth)
    return np.concatenate([greater, np.flatnonzero(values == kth)[: k - len(greater)]])


def _ordered(scores: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    return chosen[np.lexsort((chosen, -scores[chosen]))]


_SAMPLED_FROM = 65_536  # below this, one partition of the whole array is as fast
_SAMPLE_SHARE = 300  # sample size in multiples of k: its k-th best leaves about n/300 scores above it
