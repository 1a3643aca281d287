from innobridge.directory.models import Membership
from innobridge.matching.models import MatchFeedback
from innobridge.matching.tests.base import MatchingTestCase


class FeedbackTests(MatchingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        MatchFeedback.objects.all().delete()  # the demo's own; these tests count from none
        from django.contrib.auth.models import User

        cls.hugo = User.objects.create_user("hugo")
        Membership.objects.create(user=cls.hugo, organisation=cls.buyer)

    def url(self, offer, side="need"):
        return f"/en/feedback/{self.need.slug}/{offer.slug}/{side}/"

    def test_a_rejected_pair_is_not_suggested_again(self):
        self.login(self.hugo)
        before = [s.record.slug for s in self.client.get(f"/en/needs/{self.need.slug}/").context["suggestions"]]
        self.assertIn(self.cooling.slug, before)
        r = self.client.post(self.url(self.cooling), {"verdict": "not_relevant", "reason": "already_solved", "rank": 1})
        self.assertRedirects(r, f"/en/needs/{self.need.slug}/", fetch_redirect_response=False)
        after = [s.record.slug for s in self.client.get(f"/en/needs/{self.need.slug}/").context["suggestions"]]
        self.assertNotIn(self.cooling.slug, after)
        fb = MatchFeedback.objects.get()
        self.assertEqual((fb.reason, fb.rank, fb.user), ("already_solved", 1, self.hugo))

    def test_rejecting_without_a_reason_is_refused_and_stores_nothing(self):
        self.login(self.hugo)
        self.client.post(self.url(self.cooling), {"verdict": "not_relevant"})
        self.assertFalse(MatchFeedback.objects.exists())

    def test_marking_relevant_keeps_the_suggestion(self):
        self.login(self.hugo)
        self.client.post(self.url(self.cooling), {"verdict": "relevant", "rank": 1, "score": 55.5})
        after = [s.record.slug for s in self.client.get(f"/en/needs/{self.need.slug}/").context["suggestions"]]
        self.assertIn(self.cooling.slug, after)

    def test_outsiders_cannot_judge_someone_elses_need(self):
        self.login(self.bob)
        r = self.client.post(self.url(self.cooling), {"verdict": "not_relevant", "reason": "other"})
        self.assertEqual(r.status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.post(self.url(self.cooling), {"verdict": "relevant"}).status_code, 302)
        self.assertFalse(MatchFeedback.objects.exists())

    def test_the_offer_owner_judges_from_the_offer_side(self):
        self.login(self.bob)
        r = self.client.post(self.url(self.cooling, side="offer"), {"verdict": "relevant"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(MatchFeedback.objects.get().side, "offer")

    def test_feedback_on_a_record_the_caller_cannot_see_is_404_and_stores_nothing(self):
        # hugo owns the need; the offer is confidential to i2Cool. The answer must be the one an
        # unknown slug gets, so it neither stores the verdict nor confirms that the offer exists.
        from innobridge.matching import services

        secret = services.offer_save(
            owner=self.i2cool, title="Secret cooling coating", status="published", visibility="confidential"
        )
        self.login(self.hugo)
        unknown = self.client.post(f"/en/feedback/{self.need.slug}/offer-0000000000/need/", {"verdict": "relevant"})
        hidden = self.client.post(self.url(secret), {"verdict": "not_relevant", "reason": "other"})
        self.assertEqual((unknown.status_code, hidden.status_code), (404, 404))
        self.assertFalse(MatchFeedback.objects.exists())

    def test_a_forged_side_is_404(self):
        self.login(self.alice)
        self.assertEqual(
            self.client.post(self.url(self.cooling, side="both"), {"verdict": "relevant"}).status_code, 404
        )

    def test_match_report_summarises_feedback(self):
        import json
        from io import StringIO

        from django.core.management import call_command

        self.login(self.hugo)
        self.client.post(self.url(self.cooling), {"verdict": "relevant", "rank": 1, "score": 60})
        self.client.post(self.url(self.tower), {"verdict": "not_relevant", "reason": "wrong_sector", "rank": 2})
        out = StringIO()
        call_command("match_report", stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual((data["judged_pairs"], data["relevant"], data["precision@1"]), (2, 1, 1.0))
        self.assertEqual(data["rejection_reasons"], {"wrong_sector": 1})
