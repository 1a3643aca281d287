"""An inverted index of character bigrams, for substring search over many short texts.

Search on record lists is substring search over folded keys (a two-character Chinese stem such
as 智能 has no word boundary to index), and a scan of every key costs the same for a rare term
as for a common one: about 80 ms for 200,000 offer texts. This index answers "which records
hold this two-character sequence" from a posting list, and for a longer term intersects the
lists of its bigrams, which leaves candidates that hold every bigram of the term; the caller
checks those for the whole term. A one-character term is not served (the caller scans).

The texts arrive as one UTF-8 byte string with the records separated by a NUL byte, as the
search copies keep them. The index is built in segments of consecutive records (a few million
characters each), so that building needs memory proportional to one segment beside the
postings, and a lookup concatenates the segments' answers, which are already in record order.

Building sorts one 64-bit key per character: (first character, second character, record),
so that deduplicating and grouping by bigram are one sort and one comparison of neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEP = 0  # the record separator (NUL), never inside a record
_CHAR_BITS = 21  # Unicode code points are below 2**21
SEGMENT_CHARS = 4_000_000  # characters per segment: about 32 MB of keys to sort while building
_MAX_RECORD_BITS = 64 - 2 * _CHAR_BITS  # record numbers within a segment must fit beside a bigram


@dataclass(frozen=True)
class _Segment:
    grams: np.ndarray  # sorted distinct bigram codes (uint64)
    offsets: np.ndarray  # postings of grams[i] are postings[offsets[i]:offsets[i + 1]]
    postings: np.ndarray  # record numbers (int32, whole-index numbering), ascending per bigram

    def records(self, gram: int) -> np.ndarray:
        i = int(np.searchsorted(self.grams, np.uint64(gram)))
        if i >= len(self.grams) or int(self.grams[i]) != gram:
            return self.postings[:0]
        return self.postings[self.offsets[i] : self.offsets[i + 1]]


def bigrams(term: str) -> list[int]:
    """The distinct bigram codes of a term, in order of first appearance."""
    codes = [(ord(a) << _CHAR_BITS) | ord(b) for a, b in zip(term, term[1:], strict=False)]
    return list(dict.fromkeys(codes))


@dataclass(frozen=True)
class BigramIndex:
    """Record-level postings of every bigram in a set of texts.

    ``candidates(term)`` gives, in ascending order, the records holding every bigram of ``term``:
    exactly the records that contain a two-character term, and a superset of those containing a
    longer one. Terms shorter than two characters are not served: it returns None.
    """

    size: int  # number of records
    segments: tuple[_Segment, ...]

    @classmethod
    def build(cls, haystack: bytes, starts: np.ndarray, segment_chars: int = SEGMENT_CHARS) -> BigramIndex:
        """Index ``len(starts)`` records: record i is ``haystack[starts[i]:starts[i + 1] - 1]``
        (UTF-8, NUL-separated, the last one running to the end)."""
        n = len(starts)
        segments = []
        lo = 0
        # Cut by bytes as an estimate of characters: a UTF-8 character takes one to four bytes.
        while lo < n:
            budget = int(starts[lo]) + segment_chars
            hi = int(np.searchsorted(starts, budget, side="right"))
            hi = min(n, max(hi, lo + 1), lo + (1 << _MAX_RECORD_BITS))
            end = int(starts[hi]) - 1 if hi < n else len(haystack)
            segments.append(_build_segment(haystack[int(starts[lo]) : end], lo, hi - lo))
            lo = hi
        return cls(n, tuple(segments))

    def candidates(self, term: str) -> np.ndarray | None:
        codes = bigrams(term)
        if not codes:
            return None
        found = []
        for segment in self.segments:
            lists = sorted((segment.records(code) for code in codes), key=len)
            result = lists[0]
            for other in lists[1:]:
                if not len(result):
                    break
                result = _intersect(result, other)
            if len(result):
                found.append(result)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int32)

    @property
    def nbytes(self) -> int:
        return sum(s.grams.nbytes + s.offsets.nbytes + s.postings.nbytes for s in self.segments)


def _intersect(small: np.ndarray, large: np.ndarray) -> np.ndarray:
    """Values of the sorted ``small`` present in the sorted ``large``: a binary search per value."""
    at = np.searchsorted(large, small)
    at[at >= len(large)] = 0
    return small[large[at] == small] if len(large) else small[:0]


def _build_segment(chunk: bytes, first: int, count: int) -> _Segment:
    chars = np.frombuffer(chunk.decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
    if len(chars) < 2:
        empty = np.zeros(0, dtype=np.uint64)
        return _Segment(empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    record_bits = max(1, (count - 1).bit_length())
    # Each separator starts the next record; a bigram touching a separator is dropped below.
    record = np.cumsum(chars == SEP, dtype=np.uint64)
    left, right = chars[:-1].astype(np.uint64), chars[1:].astype(np.uint64)
    keys = (left << np.uint64(_CHAR_BITS + record_bits)) | (right << np.uint64(record_bits)) | record[:-1]
    keys = keys[(chars[:-1] != SEP) & (chars[1:] != SEP)]
    del left, right, record
    keys.sort()
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    grams = keys >> np.uint64(record_bits)
    postings = (keys & np.uint64((1 << record_bits) - 1)).astype(np.int32) + np.int32(first)
    starts = np.flatnonzero(np.concatenate(([True], grams[1:] != grams[:-1]))) if len(grams) else np.zeros(0, np.int64)
    return _Segment(grams[starts], np.concatenate([starts, [len(grams)]]).astype(np.int64), postings)
