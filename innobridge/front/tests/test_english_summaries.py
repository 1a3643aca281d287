"""English titles and summaries of records written in Chinese, filled from one staff list (issue 17)."""

import json
from datetime import date

from innobridge.matching import services as matching
from innobridge.matching.english import KINDS, english_set, fingerprint, lacking_english
from innobridge.matching.models import TechnologyOffer
from innobridge.matching.selectors import offer_list
from innobridge.programmes import services as programmes
from innobridge.programmes.models import Event, Programme
from innobridge.testing import BaseTestCase

URL = "/en/summaries-in-english/"
TITLE = "輻射製冷薄膜用於數據中心節能"
DESCRIPTION = "以被動輻射製冷薄膜降低數據中心空調負荷，無需耗電，已在深圳試點。"


def _post(offer, **overrides):
    data = {
        "kind": "offer",
        "slug": offer.slug,
        "title_en": "Radiative cooling film for data centres",
        "summary_en": "A passive film that cuts air-conditioning load; piloted in Shenzhen.",
        "seen_title": offer.title_en,
        "seen_summary": offer.summary_en,
        "seen_original": fingerprint(KINDS["offer"], offer),
    }
    data.update(overrides)
    return data


class EnglishSummaryTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.offer = matching.offer_save(
            owner=cls.i2cool, title=TITLE, description=DESCRIPTION, status=TechnologyOffer.Status.PUBLISHED
        )
        cls.draft = matching.offer_save(owner=cls.i2cool, title="草稿：氫能儲運", description="尚未發佈的草稿。")
        cls.english = matching.offer_save(
            owner=cls.i2cool,
            title="Hydrogen storage",
            description="Solid-state storage of hydrogen.",
            status=TechnologyOffer.Status.PUBLISHED,
        )
        programme = Programme.objects.first()
        cls.event = programmes.event_save(
            kind="meeting",
            programme=programme,
            date=date(2030, 3, 1),
            name_zh_hans="烟台座谈会",
            description="双方座谈。",
        )
        cls.english_event = programmes.event_save(
            kind="meeting",
            programme=programme,
            date=date(2030, 3, 2),
            name_en="Briefing",
            description="A briefing in English.",
        )
        cls.bilingual_event = programmes.event_save(
            kind="meeting",
            programme=programme,
            date=date(2030, 3, 3),
            name_zh_hans="简报会",
            name_en="Briefing day",
            description="Written in English: nothing to summarise.",
        )

    def give_english(self, title: str, summary: str) -> None:
        """Someone else gives the offer English (the owner, or another member of staff)."""
        english_set(
            kind=KINDS["offer"], record=self.offer, title_en=title, summary_en=summary, seen_title="", seen_summary=""
        )

    def lacking(self, key: str) -> list[str]:
        return next([r.slug for r in e.records] for e in lacking_english(limit=1000) if e.kind.key == key)

    def test_the_list_holds_live_records_written_in_chinese_without_english(self):
        offers = self.lacking("offer")
        self.assertIn(self.offer.slug, offers)
        self.assertNotIn(self.draft.slug, offers)  # not live: English readers do not see it
        self.assertNotIn(self.english.slug, offers)  # written in English
        events = self.lacking("event")
        self.assertIn(self.event.slug, events)
        self.assertNotIn(self.english_event.slug, events)
        self.assertNotIn(self.bilingual_event.slug, events)  # a Chinese name beside an English one is enough
        self.assertEqual(set(KINDS), {"offer", "need", "delegation", "event", "agreement"})

    def test_outsiders_are_refused_the_page_and_the_api(self):
        self.assertIn("/accounts/login/", self.client.get(URL)["Location"])
        self.assertEqual(self.client.get("/api/summaries-in-english").status_code, 401)
        self.login(self.bob)  # a member of the offer's owner, but not staff
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.post(URL, _post(self.offer)).status_code, 403)
        r = self.client.post(
            f"/api/summaries-in-english/offer/{self.offer.slug}",
            json.dumps({"title_en": "X"}),
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 403)
        self.assertEqual(TechnologyOffer.objects.get(pk=self.offer.pk).title_en, "")

    def test_staff_fill_an_offer_and_english_readers_see_it_marked_as_a_summary(self):
        self.login(self.alice)
        for start in ("/en/offers/", "/en/needs/", "/en/names-in-english/"):  # where staff find the list
            self.assertContains(self.client.get(start), f'href="{URL}"')
        page = self.client.get(URL)
        self.assertContains(page, TITLE)
        r = self.client.post(URL, _post(self.offer), follow=True)
        self.assertContains(r, "English saved")
        saved = TechnologyOffer.objects.get(pk=self.offer.pk)
        self.assertEqual(saved.title_en, "Radiative cooling film for data centres")
        self.assertEqual(saved.version, self.offer.version + 1)
        self.assertNotIn(self.offer.slug, self.lacking("offer"))  # done: no longer listed
        self.client.logout()  # what an anonymous English reader of a public offer sees
        en = self.client.get(f"/en/offers/{self.offer.slug}/").content.decode()
        self.assertIn("<h1>Radiative cooling film for data centres</h1>", en)
        self.assertIn(TITLE, en)  # the title as written, beside it
        self.login(self.bob)
        en = self.client.get(f"/en/offers/{self.offer.slug}/").content.decode()
        self.assertIn("Summary in English", en)
        self.assertIn("piloted in Shenzhen", en)
        self.assertIn(DESCRIPTION, en)  # the original stays
        hant = self.client.get(f"/zh-hant/offers/{self.offer.slug}/").content.decode()
        self.assertIn(f"<h1>{TITLE}</h1>", hant)
        self.assertNotIn("piloted in Shenzhen", hant)  # Chinese readers read the original
        self.assertIn("Radiative cooling film", self.client.get("/en/offers/").content.decode())

    def test_anonymous_teasers_show_the_english_title_but_not_the_summary(self):
        self.give_english("Radiative cooling film", "Cuts cooling load.")
        page = self.client.get(f"/en/offers/{self.offer.slug}/").content.decode()
        self.assertIn("<h1>Radiative cooling film</h1>", page)
        self.assertNotIn("Cuts cooling load.", page)
        api = self.client.get(f"/api/offers/{self.offer.slug}").json()
        self.assertEqual(api["title_en"], "Radiative cooling film")
        self.assertIsNone(api.get("summary_en"))  # absent from teasers, as the description

    def test_an_english_search_finds_the_chinese_offer_by_its_english_title(self):
        self.assertNotIn(self.offer, list(offer_list(user=self.alice, q="radiative cooling film")))
        self.give_english("Radiative cooling film", "")
        self.assertIn(self.offer, list(offer_list(user=self.alice, q="radiative cooling film")))

    def test_a_row_changed_meanwhile_is_not_overwritten(self):
        self.login(self.alice)
        stale = _post(self.offer)
        self.give_english("Cooling film (by the owner)", "")
        r = self.client.post(URL, stale, follow=True)
        self.assertContains(r, "was changed by someone else meanwhile")
        self.assertEqual(TechnologyOffer.objects.get(pk=self.offer.pk).title_en, "Cooling film (by the owner)")
        api = self.client.post(
            f"/api/summaries-in-english/offer/{self.offer.slug}",
            json.dumps({"title_en": "Mine", "seen_title_en": "", "seen_summary_en": ""}),
            content_type="application/json",
        )
        self.assertEqual(api.status_code, 409)
        self.assertEqual(TechnologyOffer.objects.get(pk=self.offer.pk).title_en, "Cooling film (by the owner)")

    def test_bad_input_is_refused_and_changes_nothing(self):
        self.login(self.alice)
        r = self.client.post(URL, _post(self.offer, title_en=" ", summary_en=""), follow=True)
        self.assertContains(r, "Type an English title or summary.")
        r = self.client.post(URL, _post(self.offer, summary_en="x" * 5001), follow=True)
        self.assertContains(r, "at most 5000 characters")
        api = self.client.post(
            f"/api/summaries-in-english/event/{self.event.slug}",
            json.dumps({"title_en": "", "summary_en": ""}),
            content_type="application/json",
        )
        self.assertEqual(api.status_code, 422)
        self.assertEqual(self.client.post(URL, _post(self.offer, kind="nonsense")).status_code, 404)
        saved = TechnologyOffer.objects.get(pk=self.offer.pk)
        self.assertEqual((saved.title_en, saved.summary_en, saved.version), ("", "", self.offer.version))

    def test_an_event_gets_english_through_the_api_and_its_page_shows_it(self):
        self.login(self.alice)
        listed = self.client.get("/api/summaries-in-english").json()
        events = next(k for k in listed if k["kind"] == "event")
        self.assertIn(self.event.slug, [r["slug"] for r in events["records"]])
        r = self.client.post(
            f"/api/summaries-in-english/event/{self.event.slug}",
            json.dumps({"title_en": "Yantai symposium", "summary_en": "Both sides met.", "seen_title_en": ""}),
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["title_en"], "Yantai symposium")
        event = Event.objects.get(pk=self.event.pk)
        self.assertEqual((event.name_en, event.summary_en), ("Yantai symposium", "Both sides met."))
        page = self.client.get(event.get_absolute_url()).content.decode()
        self.assertIn("Yantai symposium", page)
        self.assertIn("Both sides met.", page)

    def test_english_written_for_an_older_original_is_refused(self):
        self.login(self.alice)
        stale = _post(self.offer)  # the form was opened on the original title and text
        matching.offer_save(offer=self.offer, title="氫能儲運系統", description="固態儲氫。")
        r = self.client.post(URL, stale, follow=True)
        self.assertContains(r, "was changed by someone else meanwhile")
        self.assertEqual(TechnologyOffer.objects.get(pk=self.offer.pk).title_en, "")
        api = self.client.post(
            f"/api/summaries-in-english/offer/{self.offer.slug}",
            json.dumps({"title_en": "Radiative cooling film", "seen_original": stale["seen_original"]}),
            content_type="application/json",
        )
        self.assertEqual(api.status_code, 409)

    def test_staff_correct_or_clear_english_from_the_records_page(self):
        self.give_english("Cooling film", "A wrong summary.")
        self.login(self.alice)
        page = self.client.get(f"/en/offers/{self.offer.slug}/")
        edit = f"{URL}?kind=offer&amp;slug={self.offer.slug}"
        self.assertContains(page, edit)  # "Correct the English"
        self.assertNotContains(self.client.get(f"/zh-hant/offers/{self.offer.slug}/"), "kind=offer&amp;slug")
        one = self.client.get(f"{URL}?kind=offer&slug={self.offer.slug}")
        self.assertContains(one, "A wrong summary.")  # listed although it has English
        offer = TechnologyOffer.objects.get(pk=self.offer.pk)
        r = self.client.post(URL, {**_post(offer, title_en="Cooling film", summary_en=""), "single": "1"}, follow=True)
        self.assertContains(r, "English saved")
        self.assertEqual(TechnologyOffer.objects.get(pk=self.offer.pk).summary_en, "")  # cleared
        self.assertEqual(self.client.get(f"{URL}?kind=offer&slug=nonesuch").status_code, 404)
        api = self.client.post(
            f"/api/summaries-in-english/offer/{self.offer.slug}",
            json.dumps({"summary_en": "Right now.", "seen_title_en": "Cooling film"}),
            content_type="application/json",
        )
        self.assertEqual(api.status_code, 200, api.content)
        saved = TechnologyOffer.objects.get(pk=self.offer.pk)
        self.assertEqual((saved.title_en, saved.summary_en), ("Cooling film", "Right now."))  # absent title kept
