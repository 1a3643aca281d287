"""One search for everything, in any script, with the same visibility as each list; the people directory."""

from innobridge.documents import services as documents
from innobridge.lib.models import Visibility
from innobridge.matching.models import TechnologyOffer
from innobridge.matching.tests.base import MatchingTestCase
from innobridge.programmes.models import Event


def _kinds(response) -> dict[str, list[str]]:
    return {g.kind: [getattr(r, "slug", "") for r in g.items] for g in response.context["groups"]}


class GlobalSearchTests(MatchingTestCase):
    def test_one_query_in_either_script_finds_every_kind_grouped(self):
        for q in ("輻射製冷", "辐射制冷"):
            kinds = _kinds(self.client.get("/en/search/", {"q": q}))
            self.assertIn(self.cooling.slug, kinds["offers"], q)
        kinds = _kinds(self.client.get("/zh-hans/search/", {"q": "创冷"}))
        self.assertIn("i2cool", kinds["organisations"])
        kinds = _kinds(self.client.get("/en/search/", {"q": "周乃翔"}))
        self.assertEqual(kinds["people"], ["zhou-naixiang"])
        kinds = _kinds(self.client.get("/en/search/", {"q": "Courtesy call"}))
        self.assertIn("courtesy-call-shandong-leaders-2023-10", kinds["events"])

    def test_words_in_any_order_or_joined_by_a_hyphen_find_the_record(self):
        event = Event.objects.get(slug="courtesy-call-shandong-leaders-2023-10")
        event.name_en = "Courtesy-call with the Shandong leaders"
        event.refresh_search_key()
        event.save()
        self.assertNotIn("courtesy call", event.search_key)
        for q in ("courtesy call", "call courtesy"):
            kinds = _kinds(self.client.get("/en/search/", {"q": q}))
            self.assertIn("courtesy-call-shandong-leaders-2023-10", kinds.get("events", []), q)

    def test_results_respect_the_visibility_of_each_kind(self):
        TechnologyOffer.objects.filter(pk=self.cooling.pk).update(visibility=Visibility.CONFIDENTIAL)
        Event.objects.filter(slug="courtesy-call-shandong-leaders-2023-10").update(visibility=Visibility.PARTNERS)
        documents.document_ingest(data="周乃翔会见香港客人\n\n正文。".encode(), filename="visit.txt", limit=10**6)
        anonymous = _kinds(self.client.get("/en/search/", {"q": "辐射制冷"}))
        self.assertNotIn(self.cooling.slug, anonymous.get("offers", []))
        self.assertNotIn(
            "courtesy-call-shandong-leaders-2023-10",
            _kinds(self.client.get("/en/search/", {"q": "Courtesy call"})).get("events", []),
        )
        self.assertNotIn("documents", _kinds(self.client.get("/en/search/", {"q": "周乃翔"})))
        self.login(self.carol)  # a member of another organisation: partners-only yes, confidential no
        self.assertNotIn(self.cooling.slug, _kinds(self.client.get("/en/search/", {"q": "辐射制冷"})).get("offers", []))
        self.assertIn(
            "courtesy-call-shandong-leaders-2023-10",
            _kinds(self.client.get("/en/search/", {"q": "Courtesy call"}))["events"],
        )
        self.assertNotIn("documents", _kinds(self.client.get("/en/search/", {"q": "周乃翔"})))
        self.login(self.alice)
        self.assertIn(self.cooling.slug, _kinds(self.client.get("/en/search/", {"q": "辐射制冷"}))["offers"])
        self.assertIn("documents", _kinds(self.client.get("/en/search/", {"q": "周乃翔"})))

    def test_empty_long_and_hostile_queries_answer_quietly(self):
        self.assertEqual(self.client.get("/en/search/").context["groups"], [])
        self.assertEqual(self.client.get("/en/search/", {"q": "   "}).status_code, 200)
        self.assertEqual(self.client.get("/en/search/", {"q": "x" * 10_000}).status_code, 200)
        r = self.client.get("/en/search/", {"q": "<script>alert(1)</script>"})
        self.assertNotContains(r, "<script>alert(1)</script>")

    def test_the_header_search_box_is_on_every_page(self):
        self.assertContains(self.client.get("/zh-hant/"), 'action="/zh-hant/search/"')


class PeopleDirectoryTests(MatchingTestCase):
    def test_people_are_listed_and_found_by_name_or_organisation_in_any_script(self):
        r = self.client.get("/en/people/")
        self.assertEqual(r.status_code, 200)
        self.assertGreater(r.context["page"].paginator.count, 3)
        slugs = [p.slug for p in self.client.get("/en/people/", {"q": "周乃翔"}).context["page"]]
        self.assertEqual(slugs, ["zhou-naixiang"])
        by_org = [p.slug for p in self.client.get("/zh-hans/people/", {"q": "香港科技园公司"}).context["page"]]
        self.assertIn("albert-wong", by_org)
        self.assertNotContains(self.client.get("/en/people/"), "@")  # contact details are for staff only
