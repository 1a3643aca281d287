from innobridge.testing import BaseTestCase


class PlaceTests(BaseTestCase):
    def test_the_place_list_shows_the_hierarchy(self):
        r = self.client.get("/zh-hant/places/")
        self.assertContains(r, "山東省")
        self.assertContains(r, "青島")
        self.assertContains(r, "香港科學園")

    def test_a_zone_shows_its_ancestors_and_events(self):
        r = self.client.get("/zh-hant/places/qingdao-sco-zone/")
        self.assertEqual(r.status_code, 200)
        for ancestor in ["/zh-hant/places/china/", "/zh-hant/places/shandong/", "/zh-hant/places/qingdao/"]:
            self.assertContains(r, ancestor)
        self.assertContains(r, "/zh-hant/events/visit-qingdao-sco-zone-2023-10/")

    def test_a_city_lists_organisations_located_below_it(self):
        r = self.client.get("/en/places/sha-tin/")
        self.assertContains(r, "/en/organisations/hkstp/")

    def test_unknown_place_is_404(self):
        self.assertEqual(self.client.get("/en/places/atlantis/").status_code, 404)
