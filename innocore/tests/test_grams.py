"""The bigram index answers exactly what a scan of the texts answers."""

from __future__ import annotations

import random

import numpy as np
import pytest

from innocore.grams import BigramIndex


def found(index: BigramIndex, term: str) -> list[int]:
    result = index.candidates(term)
    assert result is not None
    return result.tolist()


def _haystack(texts: list[str]) -> tuple[bytes, np.ndarray]:
    encoded = [t.encode() for t in texts]
    lengths = np.array([len(e) + 1 for e in encoded], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return b"\x00".join(encoded), starts


def _texts(rng: random.Random, n: int) -> list[str]:
    alphabet = "智能海洋绿色材料氢能源ab c𠀋é"  # CJK, Latin, a space, a supplementary-plane character
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(n)]


@pytest.mark.parametrize("segment_chars", [7, 50, 10_000])
def test_candidates_are_the_scan_for_two_characters_and_a_superset_for_longer(segment_chars):
    rng = random.Random(segment_chars)
    texts = _texts(rng, 400)
    haystack, starts = _haystack(texts)
    index = BigramIndex.build(haystack, starts, segment_chars=segment_chars)
    if segment_chars < 100:
        assert len(index.segments) > 1  # the test crosses segment boundaries
    for _ in range(300):
        term = "".join(rng.choice("智能海洋绿色材料氢ab c𠀋é") for _ in range(rng.randint(2, 4)))
        holding = [i for i, text in enumerate(texts) if term in text]
        found = index.candidates(term)
        assert found is not None and list(found) == sorted(set(found.tolist()))  # ascending, once each
        if len(term) == 2:
            assert found.tolist() == holding, term
        else:
            assert set(holding) <= set(found.tolist()), term
            bigram_holders = [i for i, t in enumerate(texts) if all(term[k : k + 2] in t for k in range(len(term) - 1))]
            assert found.tolist() == bigram_holders, term


def test_no_bigram_spans_two_records_and_short_terms_are_not_served():
    haystack, starts = _haystack(["ab", "cd", "", "智能"])
    index = BigramIndex.build(haystack, starts)
    assert found(index, "bc") == []  # "b" ends one record and "c" starts the next
    assert found(index, "cd") == [1]
    assert found(index, "智能") == [3]
    assert index.candidates("智") is None and index.candidates("") is None


def test_empty_and_single_record_sets():
    index = BigramIndex.build(b"", np.zeros(0, dtype=np.int64))
    assert index.size == 0 and found(index, "ab") == []
    haystack, starts = _haystack(["x"])
    assert found(BigramIndex.build(haystack, starts), "xx") == []
