"""People (contact details), documents (staff only) and escaping of HTML payloads in the API."""

from innobridge.api.tests.base import ApiTestCase
from innobridge.directory import services as directory
from innobridge.documents.models import SourceDocument


class PeopleTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = directory.person_save(
            name_en="Wong Ka Yan", email="ky.wong@i2cool.example", phone="+852 5555 0101"
        )
        directory.position_save(person=cls.person, organisation=cls.i2cool, title_en="Business development")

    def test_contact_details_go_to_staff_and_the_persons_own_organisation_only(self):
        for user, shown in ((None, False), (self.carol, False), (self.bob, True), (self.alice, True)):
            with self.subTest(user=user):
                data = self.api(f"/people/{self.person.slug}", user).json()
                self.assertEqual(data.get("email"), self.person.email if shown else None)
                self.assertEqual("phone" in data, shown)
                listed = self.api("/people", user, data={"q": "wong ka yan"}).json()["items"]
                self.assertEqual([p["slug"] for p in listed], [self.person.slug])
                self.assertEqual("email" in listed[0], shown)

    def test_a_former_organisation_no_longer_sees_contact_details(self):
        directory.position_save(
            person=self.person, organisation=self.i2cool, title_en="Business development", end="2025-01-01"
        )
        self.assertNotIn("email", self.api(f"/people/{self.person.slug}", self.bob).json())

    def test_people_are_filtered_by_organisation(self):
        slugs = {p["slug"] for p in self.api("/people", data={"organisation": "i2cool"}).json()["items"]}
        self.assertIn(self.person.slug, slugs)
        slugs = {p["slug"] for p in self.api("/people", data={"organisation": self.zehao.slug}).json()["items"]}
        self.assertNotIn(self.person.slug, slugs)

    def test_people_are_addressed_by_slug_not_by_id(self):
        self.assertEqual(self.api(f"/people/{self.person.pk}").status_code, 404)


class DocumentTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.document = SourceDocument.objects.create(
            title="Press release", content_hash="a" * 64, text="Text of the release.", slug="doc-test"
        )

    def test_documents_are_for_staff_only(self):
        self.assertEqual(self.api("/documents").status_code, 401)
        self.assertEqual(self.api("/documents/doc-test").status_code, 401)
        for user in (self.bob, self.carol):
            self.assertEqual(self.api("/documents", user).status_code, 403)
            self.assertEqual(self.api("/documents/doc-test", user).status_code, 403)
        self.assertIn("doc-test", [d["slug"] for d in self.api("/documents", self.alice).json()["items"]])
        self.assertEqual(self.api("/documents/doc-test", self.alice).json()["text"], "Text of the release.")


class PayloadTests(ApiTestCase):
    PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    def test_html_in_names_is_served_as_json_data_and_never_rendered_by_the_docs_page(self):
        self.i2cool.name_en = self.PAYLOAD
        directory.organisation_save(organisation=self.i2cool)
        r = self.api("/organisations/i2cool")
        self.assertEqual(r.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(r.json()["names"]["en"], self.PAYLOAD)
        self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        docs = self.client.get("/api/docs")
        self.assertEqual(docs.status_code, 200)
        self.assertNotIn("<script>alert", docs.content.decode())
        self.assertNotIn("onerror=alert", docs.content.decode())
        self.assertNotIn(
            "'unsafe-inline'", docs.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        )
