"""Two people edit the same record: the second save, based on an outdated version, is refused.

Every edit form of the site is walked: open it twice (first reader, second reader), save a change
from the first, then from the second; the second gets the 'changed by someone else' page (409)
with both versions, and the first change stays.
"""

from django.urls import reverse

from innobridge.lib.concurrency import FORM_FIELD
from innobridge.matching import services as matching
from innobridge.matching.models import TechnologyOffer
from innobridge.testing import BaseTestCase


def form_data(response) -> dict:
    """The values a browser would post for the form of ``response`` (the page's bound or initial form)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(getattr(value, "pk", value))
    html = response.content.decode()
    marker = f'name="{FORM_FIELD}" value="'
    if marker in html:
        data[FORM_FIELD] = html.split(marker, 1)[1].split('"', 1)[0]
    return data


class EditConflictTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.offer = matching.offer_save(
            owner=cls.i2cool, title="Radiative cooling film", summary="Old summary", trl=5, status="published"
        )

    def test_the_second_of_two_offer_edits_is_refused_and_the_first_kept(self):
        url = reverse("matching:offer_edit", kwargs={"slug": self.offer.slug})
        self.client.force_login(self.bob)
        first, second = form_data(self.client.get(url)), form_data(self.client.get(url))
        self.assertIn(FORM_FIELD, first)
        r = self.client.post(url, {**first, "summary": "New summary"})
        self.assertEqual(r.status_code, 302)
        r = self.client.post(url, {**second, "trl": "7"})
        self.assertEqual(r.status_code, 409)
        self.assertContains(r, "Changed by someone else since you opened it", status_code=409)
        self.assertContains(r, "New summary", status_code=409)  # the saved version
        self.assertContains(r, "Old summary", status_code=409)  # theirs would have undone it
        offer = TechnologyOffer.objects.get(pk=self.offer.pk)
        self.assertEqual((offer.summary, offer.trl), ("New summary", 5))

    def test_a_fresh_form_saves(self):
        url = reverse("matching:offer_edit", kwargs={"slug": self.offer.slug})
        self.client.force_login(self.bob)
        self.client.post(url, {**form_data(self.client.get(url)), "summary": "One"})
        r = self.client.post(url, {**form_data(self.client.get(url)), "trl": "7"})
        self.assertEqual(r.status_code, 302)
        offer = TechnologyOffer.objects.get(pk=self.offer.pk)
        self.assertEqual((offer.summary, offer.trl), ("One", 7))

    def test_a_post_without_the_version_is_refused(self):
        url = reverse("matching:offer_edit", kwargs={"slug": self.offer.slug})
        self.client.force_login(self.bob)
        data = form_data(self.client.get(url))
        del data[FORM_FIELD]
        self.assertEqual(self.client.post(url, {**data, "summary": "Blind"}).status_code, 409)
        self.assertEqual(TechnologyOffer.objects.get(pk=self.offer.pk).summary, "Old summary")

    def test_a_renewal_meanwhile_also_counts_as_a_change(self):
        url = reverse("matching:offer_edit", kwargs={"slug": self.offer.slug})
        self.client.force_login(self.bob)
        data = form_data(self.client.get(url))
        matching.offer_renew(offer=TechnologyOffer.objects.get(pk=self.offer.pk))
        self.assertEqual(self.client.post(url, {**data, "summary": "Late"}).status_code, 409)

    def test_every_edit_form_refuses_an_outdated_save(self):
        from innobridge.api.tests.test_permission_matrix import page_urls
        from innobridge.directory import services as directory
        from innobridge.meetings.models import MatchmakingSession, TravelLeg
        from innobridge.pipeline.models import Milestone
        from innobridge.programmes.models import Agreement

        need = matching.need_save(owner=self.i2cool, title="Cooler roofs", status="published")
        person = directory.person_save(name_en="Edit Person")
        directory.position_save(person=person, organisation=self.i2cool, title_en="Engineer")
        # The same agreement on both databases (NULL signing dates sort differently), with a currency
        # so that the value form's amount alone is a valid change.
        agreement = Agreement.objects.order_by("pk").first()
        Agreement.objects.filter(pk=agreement.pk).update(value_currency="HKD")
        milestone = Milestone.objects.create(agreement=agreement, title_en="Pilot", due="2030-01-01")
        leg = TravelLeg.objects.first()
        # url name -> (kwargs, a field to change, two values)
        forms = {
            "matching:offer_edit": ({"slug": self.offer.slug}, "summary", ("A", "B")),
            "matching:need_edit": ({"slug": need.slug}, "title", ("A", "B")),
            "directory:organisation_edit": ({"slug": "i2cool"}, "website", ("https://a.example", "https://b.example")),
            "directory:person_edit": ({"slug": person.slug}, "name_en", ("A", "B")),
            "meetings:session_edit": ({"slug": MatchmakingSession.objects.first().slug}, "venue", ("A", "B")),
            "meetings:travel_leg_edit": ({"slug": leg.delegation.slug, "reference": leg.reference}, "note", ("A", "B")),
            "pipeline:milestone_edit": ({"slug": agreement.slug, "reference": milestone.reference}, "note", ("A", "B")),
            "pipeline:agreement_value": ({"slug": agreement.slug}, "value_amount", ("100", "200")),
        }
        edit_pages = {n for n in page_urls() if n.endswith(("_edit", "_value"))}
        self.assertEqual(edit_pages, set(forms), "add the new edit form here")
        self.client.force_login(self.alice)
        wrong = []
        for name, (kwargs, field, (one, two)) in forms.items():
            url = reverse(name, kwargs=kwargs)
            first, second = form_data(self.client.get(url)), form_data(self.client.get(url))
            r1 = self.client.post(url, {**first, field: one})
            r2 = self.client.post(url, {**second, field: two})
            if r1.status_code != 302 or r2.status_code != 409:
                wrong.append(f"{name}: first {r1.status_code}, second {r2.status_code}")
        self.assertEqual(wrong, [])
