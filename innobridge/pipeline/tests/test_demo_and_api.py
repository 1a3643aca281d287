from innobridge.demo.loader import load_demo
from innobridge.pipeline import analytics
from innobridge.pipeline.models import Milestone, StatusChange
from innobridge.programmes.models import Agreement
from innobridge.testing import BaseTestCase


class DemoPipelineTests(BaseTestCase):
    def test_the_seed_signing_is_followed_by_milestones_and_a_pilot(self):
        seed = Agreement.objects.get(slug="green-community-cooperation-2023")
        self.assertEqual(seed.status, "pilot")
        steps = list(StatusChange.objects.filter(agreement=seed).values_list("to_status", flat=True))
        self.assertEqual(steps, ["signed", "in_execution", "pilot"])
        self.assertGreaterEqual(seed.milestones.filter(status="done").count(), 3)
        self.assertTrue(seed.offers.filter(owner=self.i2cool).exists())

    def test_loading_again_changes_nothing(self):
        counts = (Agreement.objects.count(), Milestone.objects.count(), StatusChange.objects.count())
        statuses = dict(Agreement.objects.values_list("slug", "status"))
        load_demo(seeds_dir=None)
        self.assertEqual((Agreement.objects.count(), Milestone.objects.count(), StatusChange.objects.count()), counts)
        self.assertEqual(dict(Agreement.objects.values_list("slug", "status")), statuses)

    def test_every_chart_has_substance(self):
        qs = analytics.Filters().agreements()
        self.assertGreaterEqual(len(analytics.by_sector(qs)), 5)
        self.assertGreaterEqual(len(analytics.by_place(qs)), 5)
        self.assertGreaterEqual(len(analytics.by_kind(qs)), 5)
        self.assertGreaterEqual(len([r for r in analytics.by_quarter(qs) if r.count]), 8)
        counts = analytics.pipeline_counts(qs)
        self.assertGreater(counts["agreements"], counts["pilots"])
        self.assertGreater(counts["pilots"], counts["deployments"])
        self.assertGreater(counts["deployments"], 0)
        self.assertGreaterEqual(analytics.network(analytics.Filters()).total_nodes, 20)
        programme = Agreement.objects.get(slug="green-community-cooperation-2023").programme
        _rows, brought_in = analytics.outcomes(programme, direction="bring_in", statuses=analytics.DEPLOYED_OR_LATER)
        _rows, went_out = analytics.outcomes(programme, direction="go_out", statuses=analytics.DEPLOYED_OR_LATER)
        self.assertGreater(brought_in, 3)
        self.assertGreater(went_out, 1)

    def test_open_milestones_fall_both_overdue_and_upcoming(self):
        from innobridge.pipeline.services import remind

        result = remind(days=14, dry_run=True)
        self.assertTrue(result.overdue and result.upcoming)

    def test_the_demo_report_renders_for_staff(self):
        self.login(self.alice)
        r = self.client.get("/zh-hant/programmes/hkstp-shandong/report/")
        self.assertContains(r, "創冷科技")
        self.assertContains(r, "<svg", count=5)


class PipelineApiTests(BaseTestCase):
    url = "/api/pipeline/agreements/green-community-cooperation-2023"

    def test_the_list_filters_by_status(self):
        data = self.client.get("/api/pipeline/agreements?status=pilot").json()
        self.assertTrue(data["items"])
        self.assertTrue(all(item["status"] == "pilot" for item in data["items"]))

    def test_the_detail_has_the_history_and_hides_milestones_from_outsiders(self):
        data = self.client.get(self.url).json()
        self.assertEqual([c["to_status"] for c in data["history"]], ["signed", "in_execution", "pilot"])
        self.assertEqual(data["milestones"], [])
        self.login(self.bob)  # i2Cool is a party
        self.assertGreaterEqual(len(self.client.get(self.url).json()["milestones"]), 5)

    def test_a_confidential_agreement_is_404_for_anonymous_callers(self):
        Agreement.objects.filter(slug="green-community-cooperation-2023").update(visibility="confidential")
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 200)
