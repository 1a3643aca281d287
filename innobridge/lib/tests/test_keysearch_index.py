"""The search copy answers from its bigram index exactly what a scan of the keys answers,
through edits, removals, re-entries and rebuilds of the index."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from unittest import mock

import numpy as np
from django.test import SimpleTestCase

from innobridge.lib import keysearch
from innobridge.lib.keysearch import _Keys

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
ALPHABET = "智能海洋绿色材料氢ab c|"


def _key(rng: random.Random) -> bytes:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 10))).encode()


def _build(rows, previous=None, changed=frozenset()) -> _Keys:
    return _Keys.build(rows, 1, (len(rows), None), 0.0, WHEN, (), previous, frozenset(changed))


def _expected(rows, terms) -> list[int]:
    return [pk for pk, (key, _) in rows.items() if all(t.encode() in key for t in terms)]


class IndexedSearchTests(SimpleTestCase):
    def assert_same_as_scan(self, entry: _Keys, rows, rng: random.Random) -> None:
        for _ in range(120):
            terms = ["".join(rng.choice(ALPHABET.replace(" ", "")) for _ in range(rng.randint(1, 3)))]
            if rng.random() < 0.3:
                terms.append(rng.choice(ALPHABET.replace(" ", "")) * rng.randint(1, 2))
            found = keysearch._search(entry, terms)
            self.assertEqual(entry.pks[found].tolist(), _expected(rows, terms), terms)

    def test_edits_removals_and_returns_between_rebuilds(self):
        rng = random.Random(7)
        rows = {pk: (_key(rng), ()) for pk in range(1, 301)}
        entry = _build(rows)
        self.assertIsNotNone(entry.grams)
        self.assert_same_as_scan(entry, rows, rng)
        base = entry.grams
        for round_ in range(4):
            changed = set()
            for pk in rng.sample(sorted(rows), 15):  # edits keep their place in the copy
                rows[pk] = (_key(rng), ())
                changed.add(pk)
            for pk in rng.sample(sorted(rows), 10):  # removals (withdrawn, expired)
                del rows[pk]
            for pk in range(1000 + 10 * round_, 1005 + 10 * round_):  # new records, at the end
                rows[pk] = (_key(rng), ())
                changed.add(pk)
            entry = _build(rows, entry, changed)
            self.assertIs(entry.grams, base)  # few changes: the index is kept, the changes checked apart
            self.assertTrue(len(entry.fresh))
            self.assert_same_as_scan(entry, rows, rng)
        for pk in rng.sample(removed := [pk for pk in range(1, 301) if pk not in rows], 5):
            rows[pk] = (_key(rng), ())  # back (live again), with a key changed while it was away
        entry = _build(rows, entry, set(removed) & set(rows))
        self.assertIs(entry.grams, base)
        self.assert_same_as_scan(entry, rows, rng)
        with mock.patch.object(keysearch, "REINDEX_MIN", 10):
            entry = _build(rows, entry, {next(iter(rows))})
        self.assertIsNot(entry.grams, base)  # over a twentieth changed: built again
        self.assertEqual(len(entry.fresh), 0)
        self.assert_same_as_scan(entry, rows, rng)

    def test_an_edited_record_is_not_found_by_its_old_words(self):
        rows = {1: ("海洋材料".encode(), ()), 2: (b"green", ())}
        entry = _build(rows)
        rows[1] = ("氢能".encode(), ())
        entry = _build(rows, entry, {1})
        self.assertEqual(keysearch._search(entry, ["海洋"]).tolist(), [])
        self.assertEqual(entry.pks[keysearch._search(entry, ["氢能"])].tolist(), [1])

    def test_field_ranks_without_a_scan(self):
        rows = {
            1: (b"greenhouse | green", ("b",)),  # an alias is the whole phrase
            2: (b"green tech", ("a",)),  # a name starting with it
            3: (b"evergreen", ("c",)),  # the phrase inside a word
            4: (b"blue | greenfield", ("d",)),  # an alias starting with it
        }
        entry = _Keys.build(rows, 1, (4, None), 0.0, WHEN, ("name",))
        found = keysearch._search(entry, ["green"])
        ranks = keysearch._field_ranks(entry, b"green", found)
        self.assertEqual(ranks[found].tolist(), [0, 1, 2, 1])
        order = np.lexsort((entry.order[found], ranks[found]))
        self.assertEqual(entry.pks[found[order]].tolist(), [1, 2, 4, 3])
