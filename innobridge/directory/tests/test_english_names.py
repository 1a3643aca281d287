"""The staff list of records an English reader sees only in Chinese, filled in place (issue 17)."""

import json

from innobridge.directory import services
from innobridge.directory.models import Organisation, Person, Place
from innobridge.lib.concurrency import FORM_FIELD
from innobridge.testing import BaseTestCase

URL = "/en/names-in-english/"


class EnglishNamesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.org = services.organisation_save(name_zh_hans="烟台蓝海新材料有限公司", kind="enterprise")
        cls.leader = services.person_save(name_zh_hans="周乃翔")
        services.position_save(person=cls.leader, organisation=cls.org, title_zh_hans="董事长")

    def test_outsiders_are_refused_the_page_and_the_api(self):
        self.assertIn("/accounts/login/", self.client.get(URL)["Location"])
        self.assertEqual(self.client.get("/api/names-in-english").status_code, 401)
        self.login(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(
            self.client.post(URL, {"kind": "organisation", "slug": self.org.slug, "name_en": "X"}).status_code, 403
        )
        self.assertEqual(self.client.get("/api/names-in-english").status_code, 403)
        r = self.client.post(
            f"/api/names-in-english/organisation/{self.org.slug}",
            json.dumps({"name_en": "X", "version": self.org.version}),
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 403)
        self.assertEqual(Organisation.objects.get(pk=self.org.pk).name_en, "")

    def test_staff_see_what_lacks_english_with_a_pinyin_reading_and_fill_it_in_place(self):
        self.login(self.alice)
        page = self.client.get(URL)
        self.assertContains(page, "烟台蓝海新材料有限公司".replace("烟台蓝海", "煙台藍海"))  # shown in Traditional too
        self.assertContains(page, "Zhou Naixiang")  # the pinyin reading of a person, surname first
        r = self.client.post(
            URL,
            {
                "kind": "organisation",
                "slug": self.org.slug,
                "name_en": "  Yantai Blue Sea  New Materials ",
                FORM_FIELD: 1,
            },
            follow=True,
        )
        self.assertContains(r, "English name saved: Yantai Blue Sea New Materials.")
        self.assertEqual(Organisation.objects.get(pk=self.org.pk).name_en, "Yantai Blue Sea New Materials")
        self.assertNotContains(self.client.get(URL), self.org.slug)  # done: no longer listed
        self.assertContains(self.client.get(self.org.get_absolute_url()), "Yantai Blue Sea New Materials")

    def test_a_name_saved_meanwhile_by_someone_else_is_not_overwritten(self):
        self.login(self.alice)
        seen = Person.objects.get(pk=self.leader.pk).version
        services.english_name_set(record=self.leader, name_en="Zhou Naixiang", seen_version=seen)
        r = self.client.post(
            URL, {"kind": "person", "slug": self.leader.slug, "name_en": "Naixiang Zhou", FORM_FIELD: seen}, follow=True
        )
        self.assertContains(r, "was changed by someone else meanwhile")
        self.assertEqual(Person.objects.get(pk=self.leader.pk).name_en, "Zhou Naixiang")
        api = self.client.post(
            f"/api/names-in-english/person/{self.leader.slug}",
            json.dumps({"name_en": "Naixiang Zhou", "version": seen}),
            content_type="application/json",
        )
        self.assertEqual(api.status_code, 409)
        self.assertEqual(Person.objects.get(pk=self.leader.pk).name_en, "Zhou Naixiang")

    def test_an_empty_name_or_an_unknown_record_changes_nothing(self):
        self.login(self.alice)
        r = self.client.post(URL, {"kind": "organisation", "slug": self.org.slug, "name_en": "   ", FORM_FIELD: 1})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Organisation.objects.get(pk=self.org.pk).name_en, "")
        self.assertEqual(self.client.post(URL, {"kind": "user", "slug": "alice", "name_en": "A"}).status_code, 404)
        self.assertEqual(self.client.post(URL, {"kind": "place", "slug": "nowhere", "name_en": "A"}).status_code, 404)

    def test_the_api_lists_and_fills_in_all_three_kinds(self):
        self.login(self.alice)
        listed = {k["kind"]: k for k in self.client.get("/api/names-in-english").json()}
        self.assertEqual(set(listed), {"organisation", "person", "place"})
        mine = [r for r in listed["organisation"]["records"] if r["slug"] == self.org.slug]
        self.assertEqual(mine[0]["pinyin"], "Yantai Lanhai Xincailiao Youxiangongsi")
        place = Place.objects.create(name_zh_hans="临沂市", kind="city", slug="linyi-test")
        r = self.client.post(
            f"/api/names-in-english/place/{place.slug}",
            json.dumps({"name_en": "Linyi"}),
            content_type="application/json",
        )
        self.assertEqual((r.status_code, r.json()["name_en"]), (200, "Linyi"))
