from innobridge.testing import BaseTestCase


class HomeTests(BaseTestCase):
    def test_each_language_answers_in_its_own_language(self):
        for lang, html_lang, text in [
            ("en", "en", "Latest delegation"),
            ("zh-hant", "zh-Hant-HK", "香港科學園代表團回訪山東省"),
            ("zh-hans", "zh-Hans-CN", "香港科学园代表团回访山东省"),
        ]:
            r = self.client.get(f"/{lang}/")
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, f'<html lang="{html_lang}">')
            self.assertContains(r, text)

    def test_the_interface_is_translated(self):
        self.assertContains(self.client.get("/zh-hant/"), "代表團")
        self.assertContains(self.client.get("/zh-hans/"), "代表团")
        self.assertNotContains(self.client.get("/zh-hant/"), ">Organisations<")

    def test_it_shows_the_programme_at_a_glance(self):
        r = self.client.get("/en/")
        self.assertGreaterEqual(r.context["counts"]["organisations"], 60)
        self.assertEqual(r.context["latest_delegation"].slug, "hkstp-to-shandong-2023-10")
        # The most recently signed agreement (the demo pipeline adds agreements after the seed's).
        self.assertContains(r, "/en/agreements/datacentre-waste-heat-pilot-2026/")
        self.assertContains(r, "/en/programmes/hkstp-shandong/")

    def test_the_root_redirects_by_browser_language(self):
        r = self.client.get("/", headers={"accept-language": "zh-HK,zh;q=0.9"})
        self.assertRedirects(r, "/zh-hant/", fetch_redirect_response=False)
        r = self.client.get("/", headers={"accept-language": "zh-CN"})
        self.assertRedirects(r, "/zh-hans/", fetch_redirect_response=False)
        r = self.client.get("/", headers={"accept-language": "en-GB"})
        self.assertRedirects(r, "/en/", fetch_redirect_response=False)

    def test_the_language_switcher_keeps_the_current_page(self):
        r = self.client.get("/en/organisations/hkstp/")
        self.assertContains(r, 'href="/zh-hant/organisations/hkstp/"')
        self.assertContains(r, 'href="/zh-hans/organisations/hkstp/"')

    def test_the_switcher_keeps_the_search(self):
        r = self.client.get("/en/organisations/?q=%E5%89%B5%E5%86%B7")
        self.assertContains(r, 'href="/zh-hans/organisations/?q=%E5%89%B5%E5%86%B7"')

    def test_pages_load_no_external_asset(self):
        html = self.client.get("/en/").content.decode()
        self.assertNotRegex(html, r'(src|href)="(https?:)?//(?!127\.0\.0\.1)')


class StaticAssetTests(BaseTestCase):
    def test_every_local_asset_the_layout_links_exists(self):
        import re

        from django.contrib.staticfiles import finders

        html = self.client.get("/en/").content.decode()
        assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
        self.assertIn("innobridge/site.css", assets)
        for asset in assets:
            self.assertIsNotNone(finders.find(asset), asset)
