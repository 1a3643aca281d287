import re

from innobridge.lib.models import Visibility
from innobridge.programmes.models import Delegation
from innobridge.testing import BaseTestCase

MEMBERS = {
    "cas-cair": "中國科學院香港創新研究院人工智慧與機器人創新中心",
    "jiazhao-group": "佳兆集團有限公司",
    "zehao-high-purity-metals": "澤浩高純金屬有限公司",
    "aotaier-technology": "奧泰爾科技有限公司",
    "i2cool": "創冷科技有限公司",
    "xinshan-industrial": "信山實業有限公司",
    "weidu-holdings": "香港葦渡控股有限公司",
}
PARTIES = ["zehao-high-purity-metals", "i2cool", "xinshan-industrial", "green-safety-community"]


class DelegationDetailTests(BaseTestCase):
    url = "/zh-hant/delegations/hkstp-to-shandong-2023-10/"

    def test_it_shows_the_three_cities_in_travel_order_with_links(self):
        r = self.client.get(self.url)
        html = r.content.decode()
        route = re.search(r'<dd class="route">(.*?)</dd>', html, re.S).group(1)
        positions = [route.index(city) for city in ["煙台", "青島", "濟南"]]
        self.assertEqual(positions, sorted(positions))
        for slug in ["yantai", "qingdao", "jinan"]:
            self.assertIn(f'href="/zh-hant/places/{slug}/"', route)

    def test_it_lists_the_seven_member_organisations_with_links(self):
        r = self.client.get(self.url)
        self.assertEqual(len(r.context["members"]), 7)
        html = r.content.decode()
        members = re.search(r'<ol class="members">(.*?)</ol>', html, re.S).group(1)
        for slug, name in MEMBERS.items():
            self.assertIn(f'href="/zh-hant/organisations/{slug}/"', members)
            self.assertIn(name, members)

    def test_the_accompanying_holding_group_is_not_counted_as_a_member(self):
        r = self.client.get(self.url)
        self.assertEqual([m.organisation.slug for m in r.context["accompanying"]], ["hualu-holdings"])

    def test_it_shows_the_signing_and_its_four_parties_with_links(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'href="/zh-hant/events/green-community-signing-2023-10/"')
        self.assertContains(r, 'href="/zh-hant/agreements/green-community-cooperation-2023/"')
        agreement = r.context["agreements"].get()
        self.assertEqual(sorted(p.organisation.slug for p in agreement.parties.all()), sorted(PARTIES))
        for slug in PARTIES:
            self.assertContains(r, f'href="/zh-hant/organisations/{slug}/"')

    def test_it_shows_leaders_meetings_and_site_visits(self):
        r = self.client.get(self.url)
        for leader in ["黃克強", "黃家裕", "柯志成"]:
            self.assertContains(r, leader)
        self.assertContains(r, "周乃翔")
        self.assertEqual(len(r.context["site_visits"]), 3)
        self.assertEqual(len(r.context["meetings"]), 1)

    def test_the_itinerary_groups_site_visits_under_their_city(self):
        r = self.client.get(self.url)
        by_city = {g["stop"].place.slug if g["stop"] else None: g for g in r.context["itinerary"]}
        qingdao_events = [e.slug for _day, events in by_city["qingdao"]["days"] for e in events]
        jinan_events = [e.slug for _day, events in by_city["jinan"]["days"] for e in events]
        self.assertEqual(qingdao_events, ["visit-qingdao-sco-zone-2023-10"])
        self.assertEqual(
            sorted(jinan_events), ["visit-jinan-hi-tech-zone-2023-10", "visit-qilu-university-of-technology-2023-10"]
        )
        # The release does not say where the signing and the courtesy call took place.
        self.assertIn(None, by_city)

    def test_it_renders_in_every_language(self):
        for lang, name in [("en", "return visit to Shandong"), ("zh-hans", "香港科学园代表团回访山东省")]:
            self.assertContains(self.client.get(f"/{lang}/delegations/hkstp-to-shandong-2023-10/"), name)

    def test_query_count_is_bounded(self):
        with self.assertNumQueries(14):
            self.client.get(self.url)


class ConfidentialDelegationTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Delegation.objects.filter(slug="hkstp-to-shandong-2023-10").update(visibility=Visibility.CONFIDENTIAL)

    url = "/en/delegations/hkstp-to-shandong-2023-10/"

    def test_anonymous_visitors_get_404(self):
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertNotContains(self.client.get("/en/delegations/"), "return visit")

    def test_members_of_a_participating_organisation_see_it(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_partners_not_involved_do_not_see_it(self):
        from django.contrib.auth.models import User

        from innobridge.directory.models import Membership, Organisation

        dave = User.objects.create_user("dave")
        Membership.objects.create(user=dave, organisation=Organisation.objects.get(slug="hku"))
        self.login(dave)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_staff_see_it(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 200)
