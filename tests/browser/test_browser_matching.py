"""A partner member posts a need, reads the suggested offers and why, and contacts one of them."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "數據中心冷卻機組預測性維護"
DESCRIPTION = "我們的數據中心冷卻機組需要振動及電流監測，配合機器學習做故障預警及預測性維護，減少停機。"


def test_need_and_interest(flow):
    from innobridge.matching.models import ContactRequest, TechnologyNeed

    page = flow.page
    flow.login("bob")
    flow.open("/en/needs/new/")
    assert "i2Cool" in page.locator("main p.meta").first.inner_text()  # the need belongs to bob's organisation
    page.fill("#id_title", TITLE)
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_status", "published")
    flow.step("new-need")
    with page.expect_navigation():
        page.click("main form.record button[type=submit]")
    need = TechnologyNeed.objects.get(title=TITLE)
    assert need.owner.slug == "i2cool" and need.status == "published"
    assert page.url.endswith(f"/en/needs/{need.slug}/")
    assert page.locator("h1").inner_text() == TITLE
    flow.step("need")

    suggestions = page.locator("li.suggestion")
    assert suggestions.count() >= 3
    first = suggestions.first
    assert "預測性維護" in first.locator(".suggestion-head a").inner_text()
    assert first.locator(".suggestion-head mark").count() > 0  # matching terms highlighted in the title
    first.locator("details summary").click()
    rows = first.locator("table.contrib tr")
    parts = {
        rows.nth(i).locator("th").inner_text(): float(rows.nth(i).locator("td").inner_text())
        for i in range(rows.count())
    }
    score = parts.pop("Score")
    assert score == float(first.locator(".score").inner_text()) > 0
    assert "Shared terms (BM25)" in parts and "Meaning (multilingual embedding)" in parts
    assert sum(parts.values()) == pytest.approx(score, abs=0.15)  # the parts add up to the score shown
    terms = first.locator("span.term").all_inner_texts()
    assert terms and any("維護" in t or "维护" in t for t in terms), terms
    assert first.locator(".both-texts mark").count() > 0
    flow.step("explanation")

    href = first.locator(".suggestion-head a").get_attribute("href")
    with page.expect_navigation():
        first.locator(".suggestion-head a").click()
    assert page.url.endswith(href)
    flow.step("offer")
    page.fill("form.record textarea[name=message]", "我們想了解貴公司的預測性維護方案。")
    with page.expect_navigation():
        page.click("form.record button[type=submit]")
    assert "Your contact request was sent" in page.locator("ul.messages").inner_text()
    contact = ContactRequest.objects.get(requester__slug="i2cool", offer__slug=href.rstrip("/").rsplit("/", 1)[-1])
    assert contact.status == "pending" and contact.message == "我們想了解貴公司的預測性維護方案。"
    flow.step("interest-sent")

    flow.open("/en/contact-requests/")
    listed = page.locator("ul.results > li").first.inner_text()
    assert contact.offer.title in listed and "sent by your organisation" in listed
    flow.step("contact-requests")
