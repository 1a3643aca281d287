"""The history page of a record: staff only, linked from detail pages, every value escaped."""

from innobridge.audit.context import acting_as
from innobridge.audit.models import AuditEntry
from innobridge.directory import services as directory
from innobridge.matching import services as matching
from innobridge.testing import BaseTestCase

PAYLOAD = '<script>alert("x")</script>'


class HistoryPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with acting_as(cls.bob):
            cls.offer = matching.offer_save(owner=cls.i2cool, title="Cooling film", status="published", trl=4)
            matching.offer_save(offer=cls.offer, title=f"Cooling film {PAYLOAD}", trl=6)
        cls.url = f"/en/history/matching.technologyoffer/{cls.offer.slug}/"

    def test_staff_see_who_changed_what_and_when(self):
        self.login(self.alice)
        r = self.client.get(self.url)
        self.assertContains(r, "bob")
        self.assertContains(r, "<td>maturity (TRL 1-9)</td><td>4</td><td>6</td>", html=False)
        self.assertContains(r, "changed")

    def test_actions_and_yes_no_values_are_words_in_the_reader_language(self):
        with acting_as(self.bob):
            matching.offer_save(offer=self.offer, anonymous=True)
        self.login(self.alice)
        page = self.client.get(self.url.replace("/en/", "/zh-hans/")).content.decode()
        self.assertIn("已创建", page)  # the action, not the "creation time" column
        self.assertNotIn("创建时间</td>", page)
        self.assertIn("<td>否</td><td>是</td>", page)
        self.assertNotIn(">False<", page)

    def test_payloads_are_shown_escaped(self):
        self.login(self.alice)
        html = self.client.get(self.url).content.decode()
        self.assertNotIn(PAYLOAD, html)
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", html)

    def test_others_are_refused(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        for user in (self.bob, self.carol):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_unknown_types_and_records_are_404_and_ids_do_not_address_records(self):
        self.login(self.alice)
        self.assertEqual(self.client.get("/en/history/auth.user/alice/").status_code, 404)
        self.assertEqual(self.client.get("/en/history/matching.technologyoffer/nope/").status_code, 404)
        self.assertEqual(self.client.get(f"/en/history/matching.technologyoffer/{self.offer.pk}/").status_code, 404)

    def test_a_deleted_record_keeps_its_history(self):
        slug = self.offer.slug
        self.offer.delete()
        self.login(self.alice)
        r = self.client.get(self.url)
        self.assertContains(r, "deleted")
        self.assertContains(r, slug)

    def test_detail_pages_link_to_the_history_for_staff_only(self):
        need = matching.need_save(owner=self.i2cool, title="Need", status="published")
        pages = {
            f"/en/organisations/{self.i2cool.slug}/": "/en/history/directory.organisation/i2cool/",
            f"/en/offers/{self.offer.slug}/": self.url,
            f"/en/needs/{need.slug}/": f"/en/history/matching.technologyneed/{need.slug}/",
        }
        from innobridge.programmes.models import Agreement

        agreement = (
            Agreement.objects.filter(signed_on__isnull=False).order_by("-signed_on", "slug").first()
        )  # not a draft
        pages[agreement.get_absolute_url()] = f"/en/history/programmes.agreement/{agreement.slug}/"
        for page, link in pages.items():
            self.login(self.bob)
            self.assertNotContains(self.client.get(page), link)
            self.login(self.alice)
            self.assertContains(self.client.get(page), link)
            self.assertEqual(self.client.get(link).status_code, 200, link)

    def test_an_agreement_history_includes_its_parties(self):
        from innobridge.programmes.models import Agreement

        agreement = Agreement.objects.filter(parties__isnull=False).first()
        party = agreement.parties.first()
        with acting_as(self.alice):
            party.role = "witness" if party.role != "witness" else "party"
            party.save()
        self.login(self.alice)
        r = self.client.get(f"/en/history/programmes.agreement/{agreement.slug}/")
        self.assertContains(r, "<td>role</td>", html=False)
        entry = AuditEntry.objects.get(content_type__model="agreementparty", action="update")
        self.assertContains(r, entry.label)

    def test_organisation_history_shows_a_change_of_description(self):
        with acting_as(self.carol):
            directory.organisation_save(organisation=self.i2cool, description="New description")
        self.login(self.alice)
        r = self.client.get("/en/history/directory.organisation/i2cool/")
        self.assertContains(r, "New description")
        self.assertContains(r, "carol")
