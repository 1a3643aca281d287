from django.urls import reverse
from django.utils import translation

from innobridge.testing import BaseTestCase


class OrganisationListTests(BaseTestCase):
    def get(self, lang="zh-hant", **params):
        with translation.override(lang):
            url = reverse("directory:organisation_list")
        return self.client.get(url, params)

    def names(self, response):
        return [o.slug for o in response.context["page"].paginator.object_list]

    def test_it_lists_organisations_for_anonymous_visitors(self):
        r = self.get()
        self.assertEqual(r.status_code, 200)
        self.assertGreaterEqual(r.context["page"].paginator.count, 60)

    def test_simplified_and_traditional_queries_find_the_same_company(self):
        for q in ["创冷", "創冷"]:
            r = self.get(q=q)
            self.assertEqual(self.names(r), ["i2cool"], q)
            self.assertContains(r, "創冷科技有限公司")

    def test_a_short_form_lists_the_holding_group_under_its_full_name(self):
        r = self.get(q="華魯集團")
        self.assertEqual(self.names(r)[0], "hualu-holdings")
        self.assertContains(r, "華魯控股集團有限公司")

    def test_a_short_form_in_simplified_script_finds_a_traditional_alias(self):
        r = self.get(q="华鲁集团")
        self.assertIn("hualu-holdings", self.names(r))

    def test_english_acronyms_and_partial_names_match_case_insensitively(self):
        self.assertEqual(self.names(self.get(q="hkstp"))[0], "hkstp")
        self.assertIn("hkstp", self.names(self.get(q="science and technology parks")))
        self.assertIn("green-safety-community", self.names(self.get(q="環境安全")))

    def test_several_words_must_all_match(self):
        found = self.names(self.get(q="科技 有限公司 創冷"))
        self.assertEqual(found, ["i2cool"])

    def test_whole_name_matches_rank_before_partial_ones(self):
        found = self.names(self.get(q="科技園公司"))
        self.assertEqual(found[0], "hkstp")

    def test_no_match_says_so(self):
        r = self.get(lang="en", q="nonexistent-zzz")
        self.assertEqual(self.names(r), [])
        self.assertContains(r, "No organisation matches")

    def test_it_filters_by_kind(self):
        found = self.names(self.get(kind="holding"))
        self.assertIn("hualu-holdings", found)
        self.assertTrue(all(o.kind == "holding" for o in self.get(kind="holding").context["page"]))

    def test_it_filters_by_sector(self):
        r = self.get(sector="green-tech")
        self.assertIn("i2cool", self.names(r))
        self.assertNotIn("jiazhao-group", self.names(r))

    def test_place_filter_includes_places_below(self):
        # Qilu University of Technology sits on a site in Jinan, in Shandong.
        found = self.names(self.get(place="shandong", q="齊魯工業大學"))
        self.assertIn("qilu-university-of-technology-org", found)
        self.assertEqual(self.names(self.get(place="hong-kong", q="齊魯工業大學")), [])

    def test_unknown_place_filter_gives_no_result_instead_of_everything(self):
        self.assertEqual(self.names(self.get(place="atlantis")), [])

    def test_it_paginates(self):
        r = self.get(page=2)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["page"].number, 2)
        self.assertContains(r, 'rel="prev"')

    def test_out_of_range_page_shows_the_last_page(self):
        r = self.get(page=999)
        self.assertEqual(r.context["page"].number, r.context["page"].paginator.num_pages)

    def test_query_count_does_not_grow_with_the_page(self):
        with self.assertNumQueries(7):
            self.get(lang="en")

    def test_cached_cards_follow_every_change_they_show(self):
        """Result cards are cached per organisation and data version: renaming the organisation,
        one of its sectors or places, or changing its places shows at once, in each language."""
        from innobridge.directory.models import Organisation, Place, Sector

        org = Organisation.objects.get(slug="i2cool")
        sector, place = org.sectors.first(), Place.objects.exclude(organisations=org).first()
        self.assertIsNotNone(sector)

        def cards(lang="en") -> str:  # the result list only (the filter form names every sector and place)
            html = self.get(q="i2cool", lang=lang).content.decode()
            return html[html.index('<ul class="results">') :].split("</ul>")[0]

        self.assertIn(org.name_en, cards())  # fills the cache
        # A bulk update sends no signal and leaves the change stamp: the cached card is shown,
        # which proves the cache serves it (bulk writers call index_version_bump, see signals).
        Organisation.objects.filter(pk=org.pk).update(name_en="i2Cool Renamed Ltd")
        self.assertNotIn("i2Cool Renamed Ltd", cards())
        org.refresh_from_db()
        org.save()
        self.assertIn("i2Cool Renamed Ltd", cards())
        Sector.objects.filter(pk=sector.pk).update(name_en="Renamed sector")
        Sector.objects.get(pk=sector.pk).save()  # a staff edit, through the model
        self.assertIn("Renamed sector", cards())
        org.places.add(place)
        self.assertIn(place.name_for("en"), cards())
        self.assertIn(f"<strong>{org.name_zh_hant}</strong>", cards("zh-hant"))  # its own card per language
        self.assertIn(f"<strong>{org.name_en}</strong>", cards("en"))

    def test_search_text_is_escaped(self):
        r = self.get(lang="en", q='<script>alert("x")</script>')
        self.assertNotContains(r, '<script>alert("x")</script>', html=False)
        self.assertContains(r, "&lt;script&gt;")


class InMemorySearchTests(BaseTestCase):
    """The name search ranks from memory exactly as the database path does, and sees edits at once."""

    def both(self, **filters):
        from unittest import mock

        from innobridge.directory import selectors
        from innobridge.directory.filters import OrganisationFilter

        f = OrganisationFilter(**filters)
        memory = [o.slug for o in selectors.organisation_list(filters=f)]
        with mock.patch.object(selectors, "MAX_LISTED_IDS", -1):  # every search goes to the database
            database = [o.slug for o in selectors.organisation_list(filters=f)]
        return memory, database

    def test_same_results_in_the_same_order_with_and_without_filters(self):
        cases = [
            {"q": "科技"},
            {"q": "科技", "kind": "park_company"},
            {"q": "山東"},
            {"q": "shandong", "place": "jinan"},
            {"q": "hkstp"},
            {"q": "green", "sector": "green-tech"},
            {"q": "no such name anywhere"},
            {"q": "a"},  # one letter: nearly every record, in all three ranks
            {"q": "science park"},  # two terms, ranked by the whole phrase
            {"q": "|"},  # the field separator itself
            {"q": "ltd |"},
        ]
        for filters in cases:
            memory, database = self.both(**filters)
            self.assertEqual(memory, database, filters)
        self.assertGreater(len(self.both(q="科技")[0]), 5)

    def test_whole_names_then_name_starts_then_the_rest(self):
        from innobridge.directory import services

        names = ["Blue Quillon Labs", "Quillon Robotics", "Quillon", "Zeta Quillon", "Amber Holdings"]
        for name in names:
            services.organisation_save(name_en=name, slug=name.lower().replace(" ", "-"), kind="park_company")
        services.organisation_save(name_en="Yarrow Trading", slug="yarrow", kind="park_company", aliases=["Quillon"])
        memory, database = self.both(q="quillon")
        self.assertEqual(memory, database)
        # whole name or alias (by English name), then a name starting with it, then the rest
        expected = ["quillon", "yarrow", "quillon-robotics", "blue-quillon-labs", "zeta-quillon"]
        self.assertEqual(set(memory[:2]), set(expected[:2]))
        self.assertEqual(memory[2:], expected[2:])
        self.assertEqual(self.both(q="quillon robotics"), (["quillon-robotics"], ["quillon-robotics"]))

    def test_a_renamed_organisation_is_found_by_its_new_name_at_once(self):
        from innobridge.directory import services

        self.assertEqual(self.both(q="Frostline")[0], [])
        services.organisation_save(organisation=self.zehao, name_en="Frostline Metals")
        self.assertEqual(self.both(q="frostline")[0], [self.zehao.slug])

    def test_pages_slice_and_count_like_a_queryset(self):
        from innobridge.directory import selectors
        from innobridge.directory.filters import OrganisationFilter

        rows = selectors.organisation_list(filters=OrganisationFilter(q="科技"))
        everything = [o.slug for o in rows]
        self.assertEqual(rows.count(), len(everything))
        self.assertEqual([o.slug for o in rows[2:4]], everything[2:4])
        self.assertEqual(rows[0].slug, everything[0])
        r = self.client.get("/api/organisations?q=科技&page_size=3&page=2")
        self.assertEqual([o["slug"] for o in r.json()["items"]], everything[3:6])
        self.assertEqual(r.json()["count"], len(everything))
