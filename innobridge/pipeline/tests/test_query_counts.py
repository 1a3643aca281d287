"""Analytics count in the database: more agreements must not mean more queries."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from innobridge.pipeline.models import Milestone
from innobridge.pipeline.tests.base import SmallWorldTestCase
from innobridge.programmes import services as programmes

PAGES = [
    "/en/analytics/funnel/",
    "/en/analytics/agreements/",
    "/en/analytics/network/",
    "/en/analytics/agreements.xlsx",
    "/en/programmes/prog/report/",
]


class QueryCountTests(SmallWorldTestCase):
    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        return len(ctx.captured_queries)

    def test_pages_run_the_same_number_of_queries_whatever_the_number_of_agreements(self):
        self.client.force_login(self.staff)
        for url in PAGES:  # warm per-process caches (content types, places) so both counts are steady
            self.queries(url)
        before = {url: self.queries(url) for url in PAGES}
        for i in range(15):
            a = programmes.agreement_save(
                slug=f"extra-{i}",
                name_en=f"Extra {i}",
                kind="licence",
                status="deployed",
                programme=self.programme,
                signed_on=date(2025, 1 + i % 12, 1),
                parties=[(self.hk_a, "party", None), (self.sd_c if i % 2 else self.sd_b, "party", None)],
                sectors=[self.green],
            )
            a.offers.set([self.offer_in])
            Milestone.objects.create(agreement=a, title_en="m", due=date(2025, 6, 1))
        after = {url: self.queries(url) for url in PAGES}
        self.assertEqual(after, before)
