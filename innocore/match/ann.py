"""Nearest-neighbour search over normalised vectors: exact for small corpora, IVF for large ones.

The inverted-file index (Jégou, Douze & Schmid, "Product quantization for nearest neighbor
search", 2011, section 4) clusters vectors with k-means and scans only the lists of the
``nprobe`` closest centroids, so a query reads a few per cent of a million vectors.
Vectors are stored sorted by list, so each probed list is one contiguous slice.
"""

from __future__ import annotations

import numpy as np

EXACT_LIMIT = 150_000


class DenseIndex:
    def __init__(
        self,
        *,
        n_lists: int | None = None,
        nprobe: int = 24,
        exact_limit: int = EXACT_LIMIT,
        seed: int = 0,
        train_size: int = 60_000,
        iterations: int = 8,
    ):
        self.n_lists = n_lists
        self.nprobe = nprobe
        self.exact_limit = exact_limit
        self.seed = seed
        self.train_size = train_size
        self.iterations = iterations

    def fit(self, vectors: np.ndarray) -> DenseIndex:
        self.vectors_ = np.ascontiguousarray(vectors, dtype=np.float32)
        n = len(self.vectors_)
        self.exact_ = n <= self.exact_limit
        if self.exact_:
            return self
        k = self.n_lists or int(max(64, round(np.sqrt(n))))
        rng = np.random.default_rng(self.seed)
        sample = self.vectors_[rng.choice(n, size=min(n, self.train_size), replace=False)]
        centroids = sample[rng.choice(len(sample), size=k, replace=False)].copy()
        for _ in range(self.iterations):
            assign = _nearest(sample, centroids)
            for c in range(k):
                members = sample[assign == c]
                if len(members):
                    v = members.sum(axis=0)
                    centroids[c] = v / max(np.linalg.norm(v), 1e-12)
        assign = _nearest(self.vectors_, centroids)
        order = np.argsort(assign, kind="stable")
        self.ids_ = order
        # Keep one copy only, sorted by list; positions map document indices into it.
        self.vectors_ = self.vectors_[order]
        self.position_ = np.empty(n, dtype=np.int64)
        self.position_[order] = np.arange(n)
        self.offsets_ = np.searchsorted(assign[order], np.arange(k + 1))
        self.centroids_ = centroids
        return self

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and cosines of (approximately) the k nearest vectors, best first."""
        if self.exact_:
            sims = self.vectors_ @ query
            idx = _top(sims, k)
            return idx, sims[idx]
        lists = _top(self.centroids_ @ query, self.nprobe)
        ids, sims = [], []
        for c in lists:
            a, b = self.offsets_[c], self.offsets_[c + 1]
            if b > a:
                sims.append(self.vectors_[a:b] @ query)
                ids.append(self.ids_[a:b])
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        all_ids, all_sims = np.concatenate(ids), np.concatenate(sims)
        best = _top(all_sims, k)
        return all_ids[best], all_sims[best]

    def similarity(self, indices, query: np.ndarray) -> np.ndarray:
        rows = np.asarray(indices, dtype=np.int64)
        return self.vectors_[rows if self.exact_ else self.position_[rows]] @ query


def _top(values: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(values))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")]


def _nearest(vectors: np.ndarray, centroids: np.ndarray, batch: int = 65_536) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), batch):
        out[start : start + batch] = (vectors[start : start + batch] @ centroids.T).argmax(axis=1)
    return out
