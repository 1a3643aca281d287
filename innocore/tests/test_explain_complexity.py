"""The explanation of a match costs time linear in the length of the texts, with the same results.

A 320 KB description once took 80 s to explain: every word span was compared with every
matched concept span. The cost is measured by counting the Python operations (trace events:
calls and lines) the explanation executes, which, unlike a wall-clock time on a shared machine,
is the same on every run.
"""

import random
import sys

import pytest

from innocore.match import engine
from innocore.match.engine import Document, Matcher, Query, Span, _field_tokens

UNIT = "建築物被動輻射製冷薄膜，貼於屋頂，把熱量以紅外線輻射到太空，無需電力，冷鏈倉庫降溫 radiative cooling film. "
QUERY = Query("冷链仓库屋顶降温", "青岛港区的冷链仓库夏季屋顶温度过高，希望采用被动辐射制冷材料 radiative cooling。")


def naive_inside(spans, covered) -> bool:
    """The reference: every span inside one covered interval, checked pair by pair."""
    return all(any(f == s.field and a <= s.start and s.end <= b for f, a, b in covered) for s in spans)


class _TooMuch(Exception):
    pass


def operations(doc: Document, limit: int) -> int:
    """Trace events while explaining ``doc`` (tokens cached beforehand); stops past ``limit``."""
    _field_tokens(doc.title, doc.text)
    _field_tokens(QUERY.title, QUERY.text)
    matcher = Matcher()
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        if count > limit:
            raise _TooMuch
        return tracer

    sys.settrace(tracer)
    try:
        matcher.explain_terms(QUERY, doc)
    except _TooMuch:
        pass
    finally:
        sys.settrace(None)
    return count


def test_a_50_times_longer_description_costs_at_most_60_times_more():
    small = Document("d", "輻射製冷薄膜", UNIT * 20)
    large = Document("d", "輻射製冷薄膜", UNIT * 20 * 50)
    base = operations(small, limit=10**9)
    grown = operations(large, limit=60 * base + 1)
    assert grown <= 60 * base, f"{grown / base:.0f} times the operations for 50 times the text"


def test_inside_agrees_with_the_pairwise_reference():
    rng = random.Random(7)
    for _ in range(300):
        covered = set()
        for _ in range(rng.randint(0, 12)):
            a = rng.randint(0, 60)
            covered.add((rng.choice(["title", "text"]), a, a + rng.randint(1, 15)))
        spans = []
        for _ in range(rng.randint(0, 6)):
            a = rng.randint(0, 70)
            spans.append(Span(rng.choice(["title", "text"]), a, a + rng.randint(1, 8)))
        assert engine._inside(spans, covered) == naive_inside(spans, covered), (spans, covered)


@pytest.mark.parametrize(
    "title,text",
    [
        ("建築物被動輻射製冷薄膜", "貼於屋頂的薄膜，把熱量以紅外線輻射到太空，無需電力。已在冷鏈倉庫試點。"),
        ("Radiative cooling film for roofs", "Passive radiative cooling lowers roof temperature in warehouses."),
        ("冷链仓库屋顶降温", UNIT * 3),
    ],
)
def test_explanations_are_unchanged_on_ordinary_texts(title, text, monkeypatch):
    doc = Document("d", title, text)
    fast = Matcher().explain_terms(QUERY, doc)
    monkeypatch.setattr(engine, "_coverage", lambda covered: lambda spans: naive_inside(spans, covered))
    assert Matcher().explain_terms(QUERY, doc) == fast
    assert fast  # the texts do share terms
