"""Content shown in the reader's script: Simplified on zh-hans pages, Traditional on zh-hant pages."""

import re

from innobridge.lib.script import convert_html
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innobridge.testing import BaseTestCase
from innocore.text import to_simplified, to_traditional

CJK = re.compile(r"[\u4e00-\u9fff]")


def traditional_only(text: str) -> set[str]:
    """Characters that have a different Simplified form (the characters a zh-hans reader should not meet)."""
    return {c for c in set(CJK.findall(text)) if to_simplified(c) != c}


def simplified_only(text: str) -> set[str]:
    return {c for c in set(CJK.findall(text)) if to_traditional(c) != c and to_simplified(to_traditional(c)) == c}


def main_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"<[^>]+>", " ", main)


class ConversionTests(BaseTestCase):
    def test_text_is_converted_but_editable_values_and_marked_regions_are_not(self):
        html = (
            "<p>被動輻射製冷塗料</p><input name='t' value='被動輻射製冷'>"
            "<textarea>冷鏈數據中心</textarea><!--as-written--><a>繁體中文</a><!--/as-written-->"
        )
        out = convert_html(html, "zh-hans")
        self.assertIn("<p>被动辐射制冷涂料</p>", out)
        self.assertIn("value='被動輻射製冷'", out)
        self.assertIn("<textarea>冷鏈數據中心</textarea>", out)
        self.assertIn("<a>繁體中文</a>", out)
        self.assertEqual(convert_html(html, "en"), html)

    def test_simplified_becomes_hong_kong_traditional(self):
        self.assertIn("<p>冷鏈物流中心降低製冷能耗</p>", convert_html("<p>冷链物流中心降低制冷能耗</p>", "zh-hant"))


class PageTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        published = {"status": "published", "visibility": "public"}
        self.traditional = TechnologyOffer.objects.filter(title__startswith="被動輻射製冷", **published).get()
        self.simplified = TechnologyNeed.objects.filter(title__startswith="冷链物流中心", **published).get()
        self.login(self.alice)

    def test_a_traditional_offer_reads_in_simplified_on_zh_hans_pages(self):
        r = self.client.get(f"/zh-hans/offers/{self.traditional.slug}/")
        self.assertEqual(r.status_code, 200)
        text = main_text(r.content.decode())
        self.assertIn(to_simplified(self.traditional.title), text)
        self.assertEqual(traditional_only(text), set())

    def test_a_simplified_need_reads_in_traditional_on_zh_hant_pages(self):
        r = self.client.get(f"/zh-hant/needs/{self.simplified.slug}/")
        self.assertEqual(r.status_code, 200)
        text = main_text(r.content.decode())
        self.assertIn(to_traditional(self.simplified.title), text)
        self.assertEqual(simplified_only(text), set())

    def test_one_click_shows_the_page_as_written_and_back(self):
        page = f"/zh-hans/offers/{self.traditional.slug}/"
        r = self.client.get(page)
        self.assertContains(r, f'href="{page}?script=original"')
        r = self.client.get(page, {"script": "original"})
        self.assertIn(self.traditional.title, r.content.decode())
        self.assertContains(r, f'class="script-toggle" href="{page}"')

    def test_the_edit_form_holds_the_record_as_typed(self):
        r = self.client.get(f"/zh-hans/offers/{self.traditional.slug}/edit/")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, f'value="{self.traditional.title}"')

    def test_english_pages_and_the_api_are_left_as_stored(self):
        r = self.client.get(f"/en/offers/{self.traditional.slug}/")
        self.assertContains(r, self.traditional.title)
        r = self.client.get(f"/api/offers/{self.traditional.slug}", HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(r.json()["title"], self.traditional.title)

    def test_the_language_names_keep_their_own_scripts(self):
        r = self.client.get("/zh-hans/")
        self.assertContains(r, "繁體中文")
        r = self.client.get("/zh-hant/")
        self.assertContains(r, "简体中文")
