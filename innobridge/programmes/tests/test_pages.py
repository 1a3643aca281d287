from datetime import date

from innobridge.lib.models import Visibility
from innobridge.programmes.models import Agreement
from innobridge.testing import BaseTestCase


class ProgrammePagesTests(BaseTestCase):
    def test_the_programme_page_links_its_delegations_and_agreements(self):
        r = self.client.get("/en/programmes/hkstp-shandong/")
        self.assertContains(r, "/en/delegations/hkstp-to-shandong-2023-10/")
        self.assertContains(r, "/en/delegations/shandong-to-hong-kong-2023-05/")
        self.assertContains(r, "/en/agreements/datacentre-waste-heat-pilot-2026/")  # the latest of the demo's

    def test_lists_answer(self):
        for url in ["/en/programmes/", "/en/delegations/", "/en/events/", "/en/agreements/"]:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_the_event_page_shows_participants_and_the_agreement_signed(self):
        r = self.client.get("/zh-hant/events/green-community-signing-2023-10/")
        self.assertContains(r, "/zh-hant/organisations/i2cool/")
        self.assertContains(r, "/zh-hant/agreements/green-community-cooperation-2023/")

    def test_the_meeting_names_the_officials_met(self):
        r = self.client.get("/zh-hans/events/courtesy-call-shandong-leaders-2023-10/")
        for name in ["周乃翔", "宋军继", "山东省科学技术厅", "山东省商务厅"]:
            self.assertContains(r, name)

    def test_the_agreement_page_shows_its_parties_roles_and_approximate_date(self):
        r = self.client.get("/en/agreements/green-community-cooperation-2023/")
        self.assertContains(r, "technology provider", count=3)
        self.assertContains(r, "≈")
        self.assertContains(r, "/en/events/green-community-signing-2023-10/")

    def test_unknown_records_are_404(self):
        for url in ["/en/programmes/x/", "/en/delegations/x/", "/en/events/x/", "/en/agreements/x/"]:
            self.assertEqual(self.client.get(url).status_code, 404, url)


class ConfidentialAgreementTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Agreement.objects.filter(slug="green-community-cooperation-2023").update(
            visibility=Visibility.CONFIDENTIAL, signed_on=date(2023, 10, 20)
        )

    url = "/en/agreements/green-community-cooperation-2023/"

    def test_it_is_hidden_from_anonymous_visitors_everywhere(self):
        self.assertEqual(self.client.get(self.url).status_code, 404)
        for page in ["/en/", "/en/agreements/", "/en/organisations/i2cool/", "/en/programmes/hkstp-shandong/"]:
            self.assertNotContains(self.client.get(page), "green-community-cooperation-2023")

    def test_a_party_sees_it(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_staff_see_it(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 200)
