"""Anonymous visitors: switch the language, search the directory in three scripts."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_language(flow):
    page = flow.page
    flow.open("/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Cross-border innovation, from delegation to deployment"
    flow.step("english")

    expected = [
        ("zh-hant", "zh-Hant-HK", "跨境創新：由代表團交流到落地應用", "機構"),
        ("zh-hans", "zh-Hans-CN", "跨境创新：从代表团交流到落地应用", "机构"),
    ]
    for code, lang, heading, organisations in expected:
        with page.expect_navigation():
            page.click(f"header nav.lang a[hreflang={code}]")
        assert page.url.endswith(f"/{code}/")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").inner_text() == heading
        assert page.locator("header nav.main a").first.inner_text() == organisations
        assert page.locator(f"header nav.lang a[hreflang={code}]").get_attribute("aria-current") == "true"
        flow.step(code)

    # The language link keeps the page: the directory in Simplified, then back to English.
    with page.expect_navigation():
        page.click("header nav.main a >> nth=0")
    assert page.locator("h1").inner_text() == "机构"
    with page.expect_navigation():
        page.click("header nav.lang a[hreflang=en]")
    assert page.url.endswith("/en/organisations/")
    assert page.locator("h1").inner_text() == "Organisations"
    flow.step("back-to-english")


def test_search(flow):
    page = flow.page
    flow.open("/en/organisations/")
    total = page.locator("ul.results > li").count()
    for query, label in (("創冷", "traditional"), ("创冷", "simplified"), ("i2Cool", "english")):
        page.fill("form.filters input[name=q]", query)
        with page.expect_navigation():
            page.press("form.filters input[name=q]", "Enter")
        results = page.locator("ul.results > li")
        assert 0 < results.count() < total, f"{query!r} should narrow the directory"
        links = [results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())]
        assert "/en/organisations/i2cool/" in links, (query, links)
        assert "創冷" in results.first.inner_text() or "i2Cool" in results.first.inner_text()
        assert page.locator("form.filters input[name=q]").input_value() == query
        flow.step(label)
    with page.expect_navigation():
        page.click("ul.results a[href='/en/organisations/i2cool/']")
    assert "i2Cool" in page.locator("main").inner_text()
    flow.step("organisation")
