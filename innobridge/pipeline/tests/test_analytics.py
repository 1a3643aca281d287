import csv
import io
from datetime import date

from openpyxl import load_workbook

from innobridge.pipeline import analytics
from innobridge.pipeline.tests.base import SmallWorldTestCase


class AnalyticsNumbersTests(SmallWorldTestCase):
    def test_the_funnel_starts_from_reviewed_pairs_and_stops_where_no_meeting_followed(self):
        # Three pairs reviewed (n-1 × o-in judged from both sides counts once); two led to a contact
        # request; nobody met, so a1's deployment is not part of this cohort.
        stages, _quarters = analytics.funnel(analytics.Filters())
        self.assertEqual([s.total for s in stages], [3, 2, 0, 0, 0, 0, 0])
        self.assertAlmostEqual(stages[1].rate, 2 / 3)
        self.assertEqual(stages[2].rate, 0.0)
        self.assertIsNone(stages[3].rate)

    def test_an_agreement_that_lapsed_after_its_pilot_still_counts_as_a_pilot(self):
        from innobridge.pipeline.models import StatusChange

        StatusChange.objects.create(
            agreement=self.a3, from_status="in_execution", to_status="pilot", on=date(2025, 1, 2)
        )
        self.a3.status = "lapsed"
        self.a3.save(update_fields=["status"])
        self.assertEqual(analytics.pipeline_counts(analytics.Filters().agreements())["pilots"], 3)

    def test_the_status_table_counts_each_status_in_its_own_columns(self):
        rows = analytics.by_status(analytics.Filters().agreements())
        self.assertEqual(
            [(r.slug, r.count, r.pilots, r.deployments) for r in rows],
            [
                ("signed", 1, 0, 0),
                ("in_execution", 0, 0, 0),
                ("pilot", 1, 1, 0),
                ("deployed", 1, 1, 1),
                ("scaled", 0, 0, 0),
                ("lapsed", 1, 0, 0),
                ("terminated", 0, 0, 0),
            ],
        )

    def test_breakdowns_by_sector_place_kind_and_quarter(self):
        qs = analytics.Filters().agreements()
        self.assertEqual(
            [(r.label, r.count, r.pilots, r.deployments) for r in analytics.by_sector(qs)],
            [("Green", 2, 2, 1), ("Robots", 2, 1, 0), ("no sector recorded", 1, 0, 0)],
        )
        # The Jinan campus site rolls up to Jinan.
        self.assertEqual(
            [(r.label, r.count) for r in analytics.by_place(qs)],
            [("Jinan", 2), ("Qingdao", 1), ("place not recorded", 1)],
        )
        self.assertEqual({r.slug: r.count for r in analytics.by_kind(qs)}, {"pilot": 2, "mou": 2})
        self.assertEqual(
            [(r.label, r.count) for r in analytics.by_quarter(qs)],
            [("2024-Q1", 1), ("2024-Q2", 1), ("2024-Q3", 0), ("2024-Q4", 2)],
        )

    def test_filters_narrow_the_agreements(self):
        self.assertEqual(analytics.Filters(sector=self.green).agreements().count(), 2)
        self.assertEqual(analytics.Filters(kind="mou").agreements().count(), 2)
        self.assertEqual(analytics.Filters(sector=self.robots, kind="pilot").agreements().count(), 1)

    def test_the_network_joins_organisations_that_signed_together(self):
        net = analytics.network(analytics.Filters(edges="agreements"))
        edges = {(a, b, k): n for a, b, n, k in net.edges}
        pair = tuple(sorted([self.hk_a.pk, self.sd_b.pk]))
        self.assertEqual(edges[(*pair, "agreement")], 2)
        self.assertEqual(len(edges), 3)  # a5 is a draft and links nothing
        self.assertEqual(net.groups[self.hk_a.pk], "Hong Kong")
        self.assertEqual(net.groups[self.sd_c.pk], "Shandong")

    def test_outcomes_list_technologies_brought_in_and_enterprises_gone_out(self):
        rows, total = analytics.outcomes(self.programme, direction="bring_in", statuses=analytics.DEPLOYED_OR_LATER)
        self.assertEqual((total, rows[0].offer, rows[0].agreement), (1, self.offer_in, self.a1))
        self.assertEqual(rows[0].partners, [self.sd_b])
        rows, total = analytics.outcomes(self.programme, direction="go_out", statuses=analytics.DEPLOYED_OR_LATER)
        self.assertEqual((total, rows[0].offer.owner), (1, self.sd_b))


class AnalyticsPagesTests(SmallWorldTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.staff)

    def test_the_pages_show_charts_and_tables(self):
        for url in ["/en/analytics/funnel/", "/en/analytics/agreements/", "/en/analytics/network/"]:
            r = self.client.get(url)
            self.assertContains(r, "<svg", msg_prefix=url)
            self.assertContains(r, '<table class="data">', msg_prefix=url)
        self.assertContains(self.client.get("/en/analytics/funnel/"), "Suggestions reviewed")

    def test_hostile_names_are_escaped_in_charts_and_tables(self):
        r = self.client.get("/en/analytics/network/?edges=agreements")
        self.assertNotContains(r, "<script>alert")
        self.assertContains(r, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons")

    def test_csv_exports_parse_back_to_the_numbers_shown(self):
        r = self.client.get("/en/analytics/agreements/by-sector.csv")
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], ["Sector", "Agreements", "Now at pilot or beyond", "Now deployed or scaled"])
        self.assertEqual(
            rows[1:], [["Green", "2", "2", "1"], ["Robots", "2", "1", "0"], ["no sector recorded", "1", "0", "0"]]
        )

    def test_csv_export_follows_the_filters(self):
        r = self.client.get("/en/analytics/agreements/by-kind.csv?kind=mou")
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        self.assertEqual(rows[1:], [["memorandum of understanding", "2", "0", "0"]])

    def test_a_name_that_looks_like_a_formula_is_defused_in_exports(self):
        self.evil.name_en = '=HYPERLINK("http://x")'
        self.evil.save()
        r = self.client.get("/en/analytics/network/nodes.csv?edges=agreements")
        self.assertIn("'=HYPERLINK", r.content.decode("utf-8-sig"))
        wb = load_workbook(io.BytesIO(self.client.get("/en/analytics/network.xlsx?edges=agreements").content))
        values = [c.value for row in wb.worksheets[1].iter_rows() for c in row]
        self.assertIn('\'=HYPERLINK("http://x")', values)

    def test_the_xlsx_export_holds_every_table_as_a_sheet(self):
        r = self.client.get("/en/analytics/funnel.xlsx")
        wb = load_workbook(io.BytesIO(r.content))
        self.assertEqual(len(wb.worksheets), 3)  # counts, by quarter, conversion by quarter
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[0], ("Stage", "Count", "Conversion from the stage before"))
        self.assertEqual(rows[1][:2], ("Suggestions reviewed", 3))
        self.assertEqual(rows[2], ("Contact requests", 2, "66.7%"))

    def test_the_status_table_on_the_page_fills_the_pilot_and_deployed_columns(self):
        r = self.client.get("/en/analytics/agreements/by-status.csv")
        rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig")))}
        self.assertEqual(rows["pilot"], ["1", "1", "0"])
        self.assertEqual(rows["deployed"], ["1", "1", "1"])
        self.assertEqual(rows["signed"], ["1", "0", "0"])

    def test_unknown_exports_are_404(self):
        for url in ["/en/analytics/funnel/nothing.csv", "/en/analytics/nothing.xlsx", "/en/analytics/funnel.pdf"]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_the_programme_report_has_every_part(self):
        r = self.client.get("/en/programmes/prog/report/")
        for text in [
            "Key figures",
            "Delegations",
            "Signings",
            "Pipeline",
            "Outcomes",
            "Cooling film",
            "Steel recycling",
        ]:
            self.assertContains(r, text, msg_prefix=text)
        self.assertContains(r, "@media print")
        self.assertNotContains(r, "<script>alert")
