from innobridge.directory.models import Organisation
from innobridge.testing import BaseTestCase


class OrganisationEditTests(BaseTestCase):
    url = "/en/organisations/i2cool/edit/"

    def form_data(self, **overrides):
        org = Organisation.objects.get(slug="i2cool")
        data = {
            "name_zh_hant": org.name_zh_hant,
            "name_zh_hans": "",
            "name_en": org.name_en,
            "website": "",
            "founded": "",
            "description": "Passive cooling films.",
            "sectors": [s.pk for s in org.sectors.all()],
            "places": [p.pk for p in org.places.all()],
            "aliases": "創冷科技\ni2Cool",
            "edit_version": org.version,  # the form as just opened (see lib.concurrency)
        }
        data.update(overrides)
        return data

    def test_anonymous_visitors_are_sent_to_login(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 302)
        self.assertIn("/accounts/login/", r["Location"])

    def test_a_member_of_another_organisation_is_refused(self):
        self.login(self.carol)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        r = self.client.post(self.url, self.form_data(name_en="Hijacked"))
        self.assertEqual(r.status_code, 403)
        self.assertEqual(Organisation.objects.get(slug="i2cool").name_en, "i2Cool Technology Limited")

    def test_a_member_edits_their_own_organisation(self):
        self.login(self.bob)
        r = self.client.post(self.url, self.form_data(description="Radiative cooling coatings."))
        self.assertRedirects(r, "/en/organisations/i2cool/")
        self.assertEqual(Organisation.objects.get(slug="i2cool").description, "Radiative cooling coatings.")

    def test_a_member_cannot_reclassify_or_move_their_organisation(self):
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertNotIn("kind", r.context["form"].fields)
        self.client.post(self.url, self.form_data(kind="government"))
        self.assertEqual(Organisation.objects.get(slug="i2cool").kind, "park_company")

    def test_a_derived_form_left_blank_stays_derived(self):
        self.login(self.bob)
        self.client.post(self.url, self.form_data(name_zh_hant="創冷科技（香港）有限公司"))
        org = Organisation.objects.get(slug="i2cool")
        self.assertEqual(org.name_zh_hans, "创冷科技（香港）有限公司")
        self.assertTrue(org.name_zh_hans_derived)

    def test_a_typed_simplified_form_replaces_the_derived_one(self):
        self.login(self.bob)
        self.client.post(self.url, self.form_data(name_zh_hans="创冷科技"))
        org = Organisation.objects.get(slug="i2cool")
        self.assertEqual(org.name_zh_hans, "创冷科技")
        self.assertFalse(org.name_zh_hans_derived)

    def test_aliases_are_replaced_and_searchable(self):
        self.login(self.bob)
        self.client.post(self.url, self.form_data(aliases="冷卻膜公司"))
        org = Organisation.objects.get(slug="i2cool")
        self.assertEqual([a.text for a in org.aliases.all()], ["冷卻膜公司"])
        r = self.client.get("/en/organisations/", {"q": "冷却膜"})
        self.assertEqual([o.slug for o in r.context["page"]], ["i2cool"])

    def test_removing_every_name_is_refused_and_changes_nothing(self):
        self.login(self.bob)
        r = self.client.post(self.url, self.form_data(name_zh_hant="", name_zh_hans="", name_en=""))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Give a name in at least one language.")
        self.assertEqual(Organisation.objects.get(slug="i2cool").name_zh_hant, "創冷科技有限公司")

    def test_staff_may_edit_any_organisation_including_its_kind(self):
        self.login(self.alice)
        self.client.post(self.url, self.form_data(kind="enterprise", parent=""))
        self.assertEqual(Organisation.objects.get(slug="i2cool").kind, "enterprise")
