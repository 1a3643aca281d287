import json
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from innobridge.accounts.tokens import token_create
from innobridge.directory.models import Membership, Sector
from innobridge.matching import learning, selectors, services
from innobridge.matching.models import ContactRequest, MatchFeedback, RankerVersion
from innobridge.matching.tests.base import MatchingTestCase
from innobridge.programmes.models import Programme

COLD_STORES = [
    ("冷库节能改造", "烟台一家冷链物流企业的冷库制冷能耗高，希望降低空调和制冷机组耗电，投资两年回本。"),
    ("Cold store energy saving", "A Rizhao cold-chain warehouse wants to cut the electricity its refrigeration uses."),
    ("冷鏈倉庫降溫節能", "濰坊冷鏈倉庫夏季屋頂過熱，製冷機組耗電大，希望降低能耗。"),
    ("冷藏库屋顶隔热降温", "济南冷藏库屋顶夏季温度高，制冷耗电大，希望用节能材料降温。"),
]


class LearningTestCase(MatchingTestCase):
    """Four cold-store needs of the programme's partner turn down a green-finance offer as the wrong sector."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The demo's own verdicts and contact requests: these tests count judgements from none.
        MatchFeedback.objects.all().delete()
        ContactRequest.objects.all().delete()
        green = Sector.objects.get(slug="green-tech")
        fintech = Sector.objects.get(slug="fintech")
        cls.programme = Programme.objects.get(slug="hkstp-shandong")
        cls.finance = services.offer_save(
            owner=cls.zehao,
            title="冷链仓库节能改造的绿色融资",
            description="为冷链仓库和冷库的节能降温改造提供绿色贷款与碳减排核算，降低制冷能耗的投资门槛。",
            status="published",
            sectors=[fintech],
        )
        cls.others = [
            services.need_save(owner=cls.buyer, title=t, description=d, status="published", sectors=[green])
            for t, d in COLD_STORES
        ]
        cls.hugo = User.objects.create_user("hugo")
        Membership.objects.create(user=cls.hugo, organisation=cls.buyer)

    @classmethod
    def turn_down_finance(cls):
        for need in cls.others:
            services.feedback_record(
                need=need, offer=cls.finance, side="need", verdict="not_relevant", reason="wrong_sector", user=cls.hugo
            )
            services.feedback_record(need=need, offer=cls.cooling, side="need", verdict="relevant", user=cls.hugo)

    def suggestion(self, offer):
        found = {s.record.slug: s for s in selectors.offers_for_need(need=self.need, user=self.alice, top=20)}
        return found.get(offer.slug)


class WrongSectorTests(LearningTestCase):
    def test_wrong_sector_feedback_lowers_similar_suggestions_for_another_need_of_the_sector(self):
        before = self.suggestion(self.finance)
        self.assertIsNotNone(before, "the finance offer is suggested before any feedback")
        self.assertNotIn("learned", before.match.contributions)
        self.turn_down_finance()
        version = learning.ranker_train(programme=self.programme)
        self.assertTrue(version.usable)
        after = self.suggestion(self.finance)
        self.assertIsNotNone(after)
        self.assertLess(after.match.score, before.match.score - 1)
        self.assertLess(after.match.contributions["learned"], 0)
        self.assertEqual(round(sum(after.match.contributions.values()), 1), after.match.score)
        self.assertIn("wrong sector", after.learned)

    def test_the_learned_adjustment_is_named_on_the_page_and_in_the_api(self):
        self.turn_down_finance()
        learning.ranker_train(programme=self.programme)
        self.login(self.alice)
        page = self.client.get(f"/zh-hans/needs/{self.need.slug}/")
        self.assertContains(page, "根据大家的做法调整")
        secret = token_create(user=self.alice, name="api")[1]
        rows = self.client.get(
            f"/api/needs/{self.need.slug}/suggestions?top=20", headers={"Authorization": f"Bearer {secret}"}
        ).json()
        finance = next(r for r in rows if r["offer"]["slug"] == self.finance.slug)
        self.assertLess(finance["learned"], 0)
        self.assertEqual(finance["learned"], finance["contributions"]["learned"])
        self.assertTrue(finance["learned_explanation"])

    def test_a_programme_without_judgements_keeps_the_shipped_ranking(self):
        version = learning.ranker_train(programme=self.programme)
        self.assertFalse(version.usable)
        self.assertIsNone(learning.active_version(self.programme))
        self.assertNotIn("learned", self.suggestion(self.finance).match.contributions)


class VersionTests(LearningTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.turn_down_finance()
        cls.v1 = learning.ranker_train(programme=cls.programme)
        cls.v2 = learning.ranker_train(programme=cls.programme)

    def url(self):
        return f"/en/rankers/{self.programme.slug}/"

    def test_staff_see_each_programmes_model_and_its_data(self):
        self.login(self.alice)
        r = self.client.get("/en/rankers/")
        self.assertContains(r, self.programme.name)
        r = self.client.get(self.url())
        self.assertContains(r, "Version 2 is in use.")
        self.assertContains(r, "turned down as the wrong sector elsewhere")

    def test_staff_pin_a_version_and_roll_back(self):
        self.login(self.alice)
        self.client.post(self.url(), {"action": "pin", "version": 1})
        self.assertEqual(learning.active_version(self.programme).version, 1)
        self.client.post(self.url(), {"action": "roll_back"})
        self.assertTrue(RankerVersion.objects.get(pk=self.v1.pk).withdrawn)
        self.assertEqual(learning.active_version(self.programme).version, 2)
        self.client.post(self.url(), {"action": "roll_back"})
        self.assertIsNone(learning.active_version(self.programme), "the shipped weights again")
        self.assertNotIn("learned", self.suggestion(self.finance).match.contributions)

    def test_partners_cannot_pin_or_roll_back(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url(), {"action": "pin", "version": 1}).status_code, 403)
        self.assertEqual(self.client.post(self.url(), {"action": "roll_back"}).status_code, 403)
        self.assertEqual(learning.active_version(self.programme).version, 2)

    def test_the_api_pins_and_rolls_back_for_staff_only(self):
        staff = {"Authorization": f"Bearer {token_create(user=self.alice, name='a')[1]}"}
        partner = {"Authorization": f"Bearer {token_create(user=self.bob, name='b')[1]}"}
        base = f"/api/rankers/{self.programme.slug}"
        refused = self.client.post(f"{base}/pin", {"version": 1}, content_type="application/json", headers=partner)
        self.assertEqual(refused.status_code, 403)
        pinned = self.client.post(f"{base}/pin", {"version": 1}, content_type="application/json", headers=staff)
        self.assertEqual((pinned.json()["active_version"], pinned.json()["pinned"]), (1, True))
        self.assertEqual(self.client.post(f"{base}/roll-back", headers=partner).status_code, 403)
        back = self.client.post(f"{base}/roll-back", headers=staff).json()
        self.assertEqual(back["active_version"], 2)
        self.assertEqual(len(self.client.get(base, headers=staff).json()["versions"]), 2)

    def test_match_report_shows_the_model_its_data_and_its_effect(self):
        out = StringIO()
        call_command("match_report", stdout=out)
        rankers = json.loads(out.getvalue())["learned_rankers"]
        mine = next(r for r in rankers if r["programme"] == self.programme.slug)
        self.assertEqual(mine["active_version"], 2)
        self.assertEqual(mine["judgements_by_signal"]["feedback_not_relevant"], 4)
        self.assertLess(mine["versions"][0]["points_per_unit"]["sector_rejections"], 0)
        self.assertIn("status", mine["versions"][0]["metrics"])

    def test_the_background_job_trains_a_new_version(self):
        from innobridge.jobs.services import job_enqueue

        job = job_enqueue(kind="matching.ranker_train", arguments={"programme": self.programme.slug})
        self.assertEqual(job.result["trained"][self.programme.slug]["version"], 3)
        self.assertEqual(learning.active_version(self.programme).version, 3)
        self.login(self.alice)  # staff: job_enqueue without a user leaves the job to staff
        page = self.client.get(f"/zh-hant/jobs/{job.key}/").content.decode()
        self.assertNotIn("{'", page)  # no raw Python data on the status page
        self.assertIn(f'href="/zh-hant/rankers/{self.programme.slug}/"', page)
        self.assertContains(self.client.get("/en/needs/"), 'href="/en/rankers/"')  # staff find the page
