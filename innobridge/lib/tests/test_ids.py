"""Long id lists go to the database as one parameter and select exactly the same rows."""

from unittest import mock

from innobridge.directory.models import Organisation
from innobridge.lib.ids import filter_ids
from innobridge.testing import BaseTestCase


class FilterIdsTests(BaseTestCase):
    def test_a_long_list_selects_what_a_plain_in_list_selects(self):
        existing = list(Organisation.objects.values_list("pk", flat=True))
        ids = existing[::2] + [10**9 + i for i in range(300)]  # over the short-list threshold, with misses
        with mock.patch("innobridge.lib.ids.SQLITE_MAX_PARAMS", 10):  # the subquery on both databases
            got = filter_ids(Organisation.objects.all(), ids)
        self.assertIn("SELECT", str(got.query).split("IN", 1)[1])  # a subquery, not 300 parameters
        self.assertEqual(sorted(got.values_list("pk", flat=True)), sorted(existing[::2]))
        self.assertEqual(got.count(), len(existing[::2]))
        self.assertEqual(
            list(got.order_by("slug")[:3]), list(Organisation.objects.filter(pk__in=existing[::2]).order_by("slug")[:3])
        )

    def test_a_short_list_stays_a_plain_in_list(self):
        pks = list(Organisation.objects.values_list("pk", flat=True)[:3])
        got = filter_ids(Organisation.objects.all(), pks)
        self.assertEqual(sorted(got.values_list("pk", flat=True)), sorted(pks))
        self.assertEqual(filter_ids(Organisation.objects.all(), []).count(), 0)
