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

    def fit(self, vectors: np.ndarray, groups: np.ndarray | None = None) -> DenseIndex:
        """Index ``vectors``. With ``groups`` (a small integer per vector, e.g. its language),
        each group's mean vector is subtracted from its members, so a query's score for a
        document is its cosine minus the query's mean cosine with that document's group
        (``means_`` keeps the means, to centre vectors added later the same way)."""
        self.vectors_ = np.ascontiguousarray(vectors, dtype=np.float32)
        n = len(self.vectors_)
        self.exact_ = n <= self.exact_limit
        self.means_ = None
        group_of: np.ndarray | None = None  # set together with means_
        if groups is not None and n:
            group_of = np.asarray(groups, dtype=np.int64)
            size = int(group_of.max()) + 1
            sums = np.zeros((size, self.vectors_.shape[1]), dtype=np.float64)
            for start in range(0, n, 65_536):  # in batches: no copy of a whole group
                chunk, labels = self.vectors_[start : start + 65_536], group_of[start : start + 65_536]
                sums += np.eye(size, dtype=np.float32)[labels].T @ chunk
            counts = np.bincount(group_of, minlength=size)
            self.means_ = (sums / np.maximum(counts, 1)[:, None]).astype(np.float32)
        if self.exact_:
            if self.means_ is not None and group_of is not None:
                self.vectors_ = self.vectors_ - self.means_[group_of]
            return self
        k = self.n_lists or int(max(64, round(np.sqrt(n))))
        rng = np.random.default_rng(self.seed)
        picked = rng.choice(n, size=min(n, self.train_size), replace=False)
        sample = self.vectors_[picked]
        if self.means_ is not None and group_of is not None:
            sample -= self.means_[group_of[picked]]
            sample /= np.maximum(np.linalg.norm(sample, axis=1, keepdims=True), 1e-12)
        centroids = sample[rng.choice(len(sample), size=k, replace=False)].copy()
        for _ in range(self.iterations):
            assign = _nearest(sample, centroids)
            for c in range(k):
                members = sample[assign == c]
                if len(members):
                    v = members.sum(axis=0)
                    centroids[c] = v / max(np.linalg.norm(v), 1e-12)
        shift = None if self.means_ is None or group_of is None else (self.means_, group_of)
        assign = _nearest(self.vectors_, centroids, shift=shift)
        order = np.argsort(assign, kind="stable")
        self.ids_ = order
        # Keep one copy only, sorted by list (and centred in place, in batches, so the peak stays
        # at input plus one copy); positions map document indices into it.
        self.vectors_ = self.vectors_[order]
        if self.means_ is not None and group_of is not None:
            for start in range(0, n, 65_536):
                self.vectors_[start : start + 65_536] -= self.means_[group_of[order[start : start + 65_536]]]
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
        best = _top(all_sims, k, all_ids)
        return all_ids[best], all_sims[best]

    def search_many(self, queries: np.ndarray, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`search` for a block of queries at once. An exact index reads its vectors once for
        the whole block (one matrix product) instead of once per query: a scan of a large index is
        bound by memory bandwidth, a matrix product by arithmetic, so a block is several times
        faster and two cores no longer share one memory bus for the same work. The neighbours are
        the same as :meth:`search`'s; their cosines may differ in the last float32 bit."""
        if len(queries) == 0:
            return []
        if not self.exact_:
            return self._search_lists(np.ascontiguousarray(queries, dtype=np.float32), k)
        sims = self.vectors_ @ np.ascontiguousarray(queries, dtype=np.float32).T
        out = []
        for j in range(sims.shape[1]):
            column = np.ascontiguousarray(sims[:, j])
            idx = _top(column, k)
            out.append((idx, column[idx]))
        return out

    def _search_lists(self, queries: np.ndarray, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The inverted-file search of a block: each list probed by any query of the block is read
        once, in one matrix product with all the queries that probe it, instead of once per query
        (a block of 256 queries probing 24 of 1,000 lists reads each probed list about six times
        less often). Each query then ranks its own lists' cosines exactly as :meth:`search` does."""
        probed = [_top(row, self.nprobe) for row in queries @ self.centroids_.T]
        askers: dict[int, list[int]] = {}
        for q, lists in enumerate(probed):
            for c in lists:
                askers.setdefault(int(c), []).append(q)
        sims_of: dict[tuple[int, int], np.ndarray] = {}
        for c, qs in askers.items():
            a, b = self.offsets_[c], self.offsets_[c + 1]
            if b > a:
                block = self.vectors_[a:b] @ queries[qs].T
                for col, q in enumerate(qs):
                    sims_of[(q, c)] = block[:, col]
        out = []
        for q, lists in enumerate(probed):
            present = [int(c) for c in lists if self.offsets_[c + 1] > self.offsets_[c]]
            if not present:
                out.append((np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)))
                continue
            all_ids = np.concatenate([self.ids_[self.offsets_[c] : self.offsets_[c + 1]] for c in present])
            all_sims = np.concatenate([sims_of[(q, c)] for c in present])
            best = _top(all_sims, k, all_ids)
            out.append((all_ids[best], all_sims[best]))
        return out

    def rows(self, start: int, stop: int) -> DenseIndex:
        """The vectors of documents ``start:stop``, with this index's centring and lists (the
        same centroids): a query probes the same lists and finds, among these documents, the
        ones the whole index would. Indices in the part count from ``start``."""
        part = DenseIndex(n_lists=self.n_lists, nprobe=self.nprobe, exact_limit=self.exact_limit, seed=self.seed)
        part.means_ = self.means_
        part.exact_ = self.exact_
        if self.exact_:
            part.vectors_ = np.ascontiguousarray(self.vectors_[start:stop])
            return part
        inside = (self.ids_ >= start) & (self.ids_ < stop)
        lists = np.repeat(np.arange(len(self.offsets_) - 1), np.diff(self.offsets_))
        part.ids_ = self.ids_[inside] - start
        part.vectors_ = self.vectors_[inside]
        part.position_ = np.empty(stop - start, dtype=np.int64)
        part.position_[part.ids_] = np.arange(len(part.ids_))
        part.offsets_ = np.searchsorted(lists[inside], np.arange(len(self.offsets_)))
        part.centroids_ = self.centroids_
        return part

    def similarity(self, indices, query: np.ndarray) -> np.ndarray:
        rows = np.asarray(indices, dtype=np.int64)
        return self.vectors_[rows if self.exact_ else self.position_[rows]] @ query

    def similarity64(self, indices, query: np.ndarray) -> np.ndarray:
        """``similarity`` summed in float64: the same value to the last shown digit however the rows
        are gathered (a float32 product depends on the shape BLAS gets, by an ulp, enough to turn
        a cosine shown to four places)."""
        rows = np.asarray(indices, dtype=np.int64)
        picked = self.vectors_[rows if self.exact_ else self.position_[rows]]
        return picked.astype(np.float64) @ np.asarray(query, dtype=np.float64)


def _top(values: np.ndarray, k: int, ids: np.ndarray | None = None) -> np.ndarray:
    """Positions of the k largest values, best first; equal values by ``ids`` (by position
    without), also at the cut: the same documents whichever part of an index holds them."""
    k = min(k, len(values))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    m = len(values)
    if k < m:
        kth = values[np.argpartition(values, m - k)[m - k :]].min()
        greater = np.flatnonzero(values > kth)
        tied = np.flatnonzero(values == kth)
        if ids is not None:
            tied = tied[np.argsort(ids[tied], kind="stable")]
        part = np.concatenate([greater, tied[: k - len(greater)]])
    else:
        part = np.arange(m)
    return part[np.lexsort((part if ids is None else ids[part], -values[part]))]


def _nearest(vectors: np.ndarray, centroids: np.ndarray, batch: int = 65_536, shift=None) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), batch):
        chunk = vectors[start : start + batch]
        if shift is not None:
            chunk = chunk - shift[0][shift[1][start : start + batch]]
        out[start : start + batch] = (chunk @ centroids.T).argmax(axis=1)
    return out
