from innobridge.testing import BaseTestCase


class OrganisationDetailTests(BaseTestCase):
    url = "/en/organisations/hkstp/"

    def test_it_shows_names_in_all_scripts_and_aliases(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        for text in ["Hong Kong Science and Technology Parks Corporation", "香港科技園公司", "香港科技园公司", "HKSTP"]:
            self.assertContains(r, text)

    def test_it_marks_derived_forms(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'class="derived"', count=1)

    def test_it_shows_key_figures_and_people(self):
        r = self.client.get(self.url)
        self.assertContains(r, "13,000")
        self.assertContains(r, "/en/people/albert-wong/")

    def test_contact_details_are_hidden_from_anonymous_visitors_and_partners(self):
        self.assertNotContains(self.client.get(self.url), "angela.wan@hkstp.org")
        self.login(self.bob)
        self.assertNotContains(self.client.get(self.url), "angela.wan@hkstp.org")

    def test_staff_see_contact_details(self):
        self.login(self.alice)
        self.assertContains(self.client.get(self.url), "angela.wan@hkstp.org")

    def test_the_page_uses_the_active_language(self):
        r = self.client.get("/zh-hans/organisations/hkstp/")
        self.assertContains(r, "<title>香港科技园公司")
        r = self.client.get("/zh-hant/organisations/hkstp/")
        self.assertContains(r, "<title>香港科技園公司")

    def test_an_english_page_without_an_english_name_gives_pinyin_beside_the_chinese(self):
        r = self.client.get("/en/organisations/xinshan-industrial/")
        self.assertContains(r, "<title>Xinshan Shiye Youxiangongsi (信山實業有限公司, pinyin)")

    def test_it_links_the_parent_and_the_units(self):
        r = self.client.get("/en/organisations/sdaes/")
        self.assertContains(r, "/en/organisations/hualu-holdings/")
        self.assertContains(r, "/en/organisations/green-safety-community/")

    def test_edit_link_only_for_those_who_may_edit(self):
        edit = "/en/organisations/i2cool/edit/"
        self.assertNotContains(self.client.get("/en/organisations/i2cool/"), edit)
        self.login(self.carol)
        self.assertNotContains(self.client.get("/en/organisations/i2cool/"), edit)
        self.login(self.bob)
        self.assertContains(self.client.get("/en/organisations/i2cool/"), edit)

    def test_unknown_slug_is_404(self):
        self.assertEqual(self.client.get("/en/organisations/no-such-org/").status_code, 404)

    def test_numeric_ids_do_not_resolve(self):
        self.assertEqual(self.client.get("/en/organisations/1/").status_code, 404)
