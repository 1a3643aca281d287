from innobridge.directory.models import Organisation
from innobridge.testing import BaseTestCase


class OrganisationCreateTests(BaseTestCase):
    url = "/en/organisations/new/"

    def test_staff_create_with_a_simplified_name_and_get_the_traditional_derived(self):
        self.login(self.alice)
        r = self.client.post(self.url, {"name_zh_hans": "烟台海洋装备研究院", "kind": "research_institute"})
        org = Organisation.objects.get(name_zh_hans="烟台海洋装备研究院")
        self.assertRedirects(r, org.get_absolute_url())
        self.assertEqual(org.name_zh_hant, "煙台海洋裝備研究院")
        self.assertTrue(org.name_zh_hant_derived)
        self.assertFalse(org.slug.isdigit())

    def test_english_names_give_readable_unique_slugs(self):
        self.login(self.alice)
        self.client.post(self.url, {"name_en": "Harbour Robotics", "kind": "park_company"})
        self.client.post(self.url, {"name_en": "Harbour Robotics", "kind": "park_company"})
        slugs = sorted(Organisation.objects.filter(name_en="Harbour Robotics").values_list("slug", flat=True))
        self.assertEqual(slugs, ["harbour-robotics", "harbour-robotics-2"])

    def test_partner_members_cannot_create_organisations(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        count = Organisation.objects.count()
        self.assertEqual(self.client.post(self.url, {"name_en": "X", "kind": "enterprise"}).status_code, 403)
        self.assertEqual(Organisation.objects.count(), count)

    def test_anonymous_visitors_are_sent_to_login(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_a_record_without_any_name_is_refused(self):
        self.login(self.alice)
        count = Organisation.objects.count()
        r = self.client.post(self.url, {"kind": "enterprise"})
        self.assertContains(r, "Give a name in at least one language.")
        self.assertEqual(Organisation.objects.count(), count)
