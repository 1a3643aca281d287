from innobridge.directory.models import Person, Position
from innobridge.testing import BaseTestCase


class PersonDetailTests(BaseTestCase):
    def test_it_shows_positions_and_delegations_led(self):
        r = self.client.get("/zh-hant/people/albert-wong/")
        self.assertContains(r, "行政總裁")
        self.assertContains(r, "/zh-hant/organisations/hkstp/")
        self.assertContains(r, "/zh-hant/delegations/hkstp-to-shandong-2023-10/")

    def test_contact_details_only_for_staff(self):
        url = "/en/people/hkstp-media-contact/"
        self.assertNotContains(self.client.get(url), "angela.wan@hkstp.org")
        self.login(self.bob)
        self.assertNotContains(self.client.get(url), "angela.wan@hkstp.org")
        self.login(self.alice)
        self.assertContains(self.client.get(url), "angela.wan@hkstp.org")

    def test_unknown_person_is_404(self):
        self.assertEqual(self.client.get("/en/people/nobody/").status_code, 404)


class PersonEditTests(BaseTestCase):
    url = "/en/people/albert-wong/edit/"

    def test_anonymous_visitors_are_sent_to_login(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_members_of_other_organisations_are_refused(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url, {"name_en": "X"}).status_code, 403)
        self.assertEqual(Person.objects.get(slug="albert-wong").name_en, "Albert Wong")

    def test_staff_edit_names_and_contact_details(self):
        self.login(self.alice)
        r = self.client.post(
            self.url,
            {
                "name_zh_hant": "黃克強",
                "name_en": "Albert K. Wong",
                "email": "ceo@example.org",
                "phone": "",
                "notes": "",
                "edit_version": Person.objects.get(slug="albert-wong").version,
            },
        )
        self.assertRedirects(r, "/en/people/albert-wong/")
        person = Person.objects.get(slug="albert-wong")
        self.assertEqual((person.name_en, person.email), ("Albert K. Wong", "ceo@example.org"))

    def test_members_edit_their_colleagues_but_not_contact_details(self):
        person = Person.objects.create(slug="i2cool-cto", name_en="Jane Chan")
        Position.objects.create(person=person, organisation=self.i2cool, title_en="CTO")
        self.login(self.bob)
        r = self.client.get("/en/people/i2cool-cto/edit/")
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("email", r.context["form"].fields)


class PersonCreateTests(BaseTestCase):
    url = "/en/people/new/"

    def test_staff_create_a_person_with_a_position_typed_in_traditional(self):
        self.login(self.alice)
        r = self.client.post(
            self.url, {"name_zh_hant": "陳大文", "position-organisation": self.i2cool.pk, "position-title": "技術總監"}
        )
        person = Person.objects.get(name_zh_hant="陳大文")
        self.assertRedirects(r, person.get_absolute_url())
        self.assertEqual(person.name_zh_hans, "陈大文")
        position = person.positions.get()
        self.assertEqual((position.title_zh_hant, position.title_zh_hans), ("技術總監", "技术总监"))

    def test_partner_members_cannot_create_people(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url, {"name_en": "X"}).status_code, 403)
        self.assertFalse(Person.objects.filter(name_en="X").exists())
