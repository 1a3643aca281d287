from innobridge.lib.models import Visibility
from innobridge.programmes.models import Delegation
from innobridge.testing import BaseTestCase


class ApiTests(BaseTestCase):
    def test_the_openapi_schema_is_served(self):
        r = self.client.get("/api/openapi.json")
        self.assertEqual(r.status_code, 200)
        self.assertIn("/api/organisations", r.json()["paths"])

    def test_the_documentation_page_uses_local_assets_only(self):
        html = self.client.get("/api/docs").content.decode()
        self.assertNotIn("cdn.jsdelivr", html)
        self.assertIn("/static/ninja/", html)

    def test_search_in_either_script_finds_the_same_organisation(self):
        for q in ["创冷", "創冷", "i2cool"]:
            items = self.client.get("/api/organisations", {"q": q}).json()["items"]
            self.assertEqual([i["slug"] for i in items], ["i2cool"], q)

    def test_an_organisation_carries_its_three_names_and_aliases(self):
        data = self.client.get("/api/organisations/hualu-holdings").json()
        self.assertEqual(data["names"]["zh_hans"], "华鲁控股集团有限公司")
        self.assertTrue(data["names"]["zh_hans_derived"])
        self.assertIn("華魯集團", data["aliases"])

    def test_unknown_organisation_is_404(self):
        self.assertEqual(self.client.get("/api/organisations/nope").status_code, 404)

    def test_delegations_list_cities_in_order(self):
        data = self.client.get("/api/delegations/hkstp-to-shandong-2023-10").json()
        self.assertEqual(data["cities"], ["yantai", "qingdao", "jinan"])
        self.assertEqual(len([m for m in data["members"] if m != "hualu-holdings"]), 7)

    def test_confidential_delegations_are_not_served_to_anonymous_callers(self):
        Delegation.objects.filter(slug="hkstp-to-shandong-2023-10").update(visibility=Visibility.CONFIDENTIAL)
        self.assertEqual(self.client.get("/api/delegations/hkstp-to-shandong-2023-10").status_code, 404)
        slugs = [d["slug"] for d in self.client.get("/api/delegations").json()["items"]]
        self.assertNotIn("hkstp-to-shandong-2023-10", slugs)
