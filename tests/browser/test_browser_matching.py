"""The two sides of matching, as the README's tour shows them.

A partner member (a Shandong enterprise) posts a need in Simplified Chinese, reads the suggested
offers and why, contacts one of them and states whom it must meet at its matchmaking session. A park
company publishes an offer, reads the needs suggested for it, and takes its part in the delegation's
session: it answers a request and asks for a meeting of its own.
"""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "数据中心冷却机组预测性维护"
DESCRIPTION = "我们的数据中心冷却机组需要振动及电流监测，配合机器学习做故障预警及预测性维护，减少停机。"
LUOXIN = "jinan-luoxin-power-semiconductor"
JINAN = "jinan-b2b-2023-10"
DELEGATION = "hkstp-to-shandong-2023-10"


def test_need_and_interest(flow):
    from innobridge.matching.models import ContactRequest, TechnologyNeed
    from innobridge.meetings.models import MeetingPreference

    page = flow.page
    flow.login("demo-luoxin")
    flow.open("/en/needs/new/")
    assert "Luoxin" in page.locator("main p.meta").first.inner_text()  # the need belongs to the member's organisation
    page.fill("#id_title", TITLE)
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_status", "published")
    flow.step("new-need")
    with page.expect_navigation():
        page.click("main form.record button[type=submit]")
    need = TechnologyNeed.objects.get(title=TITLE)
    assert need.owner.slug == LUOXIN and need.status == "published"
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
    assert "Words in common" in parts and "Similar meaning" in parts
    assert sum(parts.values()) == pytest.approx(score, abs=0.15)  # the parts add up to the score shown
    terms = first.locator("span.term").all_inner_texts()
    assert terms and any("維護" in t or "维护" in t for t in terms), terms
    assert first.locator(".both-texts mark").count() > 0
    flow.step("explanation", tour="partner-suggestions", focus="section.suggestions")

    href = first.locator(".suggestion-head a").get_attribute("href")
    with page.expect_navigation():
        first.locator(".suggestion-head a").click()
    assert page.url.endswith(href)
    flow.step("offer")
    page.fill("form.record textarea[name=message]", "我们想了解贵公司的预测性维护方案。")
    with page.expect_navigation():
        page.click("form.record button[type=submit]")
    assert "Your contact request was sent" in page.locator("ul.messages").inner_text()
    contact = ContactRequest.objects.get(requester__slug=LUOXIN, offer__slug=href.rstrip("/").rsplit("/", 1)[-1])
    assert contact.status == "pending" and contact.message == "我们想了解贵公司的预测性维护方案。"
    flow.step("interest-sent")

    flow.open("/en/contact-requests/")
    listed = page.locator("ul.results > li").first.inner_text()
    # An English page names the offer by its English title where it has one (the demo's do).
    assert (contact.offer.title_en or contact.offer.title) in listed and "sent by your organisation" in listed
    flow.step("contact-requests")

    # Luoxin takes part in the Jinan session: it must meet i2Cool, so the scheduler places that pair first.
    flow.open(f"/en/meetings/{JINAN}/")
    with page.expect_navigation():
        page.click(f"main a.button[href='/en/meetings/{JINAN}/preferences/']")
    row = page.locator("main table.data tbody tr", has=page.locator("th", has_text="i2Cool"))
    row.locator("select[name=kind]").select_option("must")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "Preference saved." in page.locator("ul.messages").inner_text()
    stored = MeetingPreference.objects.get(session__slug=JINAN, organisation__slug=LUOXIN, other__slug="i2cool")
    assert stored.kind == "must"
    assert row.locator("select[name=kind]").input_value() == "must"
    flow.step("preferences", tour="partner-preferences")


OFFER_TITLE = "Radiative cooling film for SiC power-module enclosures"
OFFER_DESCRIPTION = (
    "A passive radiative cooling film for outdoor inverter and power-module enclosures: it keeps them "
    "up to 8 °C below ambient without power. Thermal management for silicon-carbide power modules in "
    "PV string inverters and EV chargers, tested for reliability in damp heat."
)


def test_offer_and_session(flow):
    from innobridge.matching.models import TechnologyOffer
    from innobridge.meetings.models import MeetingRequest

    page = flow.page
    flow.login("demo-i2cool")
    flow.open("/en/offers/new/")
    assert "i2Cool" in page.locator("main p.meta").first.inner_text()
    page.fill("#id_title", OFFER_TITLE)
    page.fill("#id_description", OFFER_DESCRIPTION)
    page.select_option("#id_trl", "7")
    page.select_option("#id_status", "published")
    flow.step("new-offer")
    with page.expect_navigation():
        page.click("main form.record button[type=submit]")
    offer = TechnologyOffer.objects.get(title=OFFER_TITLE)
    assert offer.owner.slug == "i2cool" and offer.status == "published" and offer.expires_on is not None
    assert page.url.endswith(f"/en/offers/{offer.slug}/")
    # Luoxin's need for thermal management of SiC modules is suggested, in its own words (English).
    suggested = page.locator("li.suggestion .suggestion-head a").all_inner_texts()
    assert any("SiC power modules" in title for title in suggested), suggested
    flow.step("offer", tour="company-offer", focus="section.suggestions")

    # i2Cool is a member of the October delegation: it sees the itinerary, travel legs included.
    flow.open(f"/en/delegations/{DELEGATION}/plan/")
    assert page.locator("ul.plan li", has=page.locator("span.tag", has_text="Travel")).count() >= 4
    assert "shown to the delegation's own organisations and staff only" not in page.locator("main").inner_text()
    flow.step("delegation-plan")
    # The afternoon session in Jinan: answer the Hi-tech Zone's request, then ask for a meeting.
    with page.expect_navigation():
        page.click(f"ul.plan a[href='/en/meetings/{JINAN}/']")
    pending = page.locator("main table.data tbody tr", has_text="Jinan Hi-tech")
    with page.expect_navigation():
        pending.locator("button[name=decision][value=accept]").click()
    assert "Answer saved." in page.locator("ul.messages").inner_text()
    answered = MeetingRequest.objects.get(session__slug=JINAN, requester__slug="jinan-hi-tech-zone-authority")
    assert answered.requested.slug == "i2cool" and answered.status == "accepted"

    with page.expect_navigation():
        page.click(f"main a.button[href='/en/meetings/{JINAN}/request/']")
    page.select_option("#id_requested", "sdu-crystal-materials")
    page.select_option("#id_preference", "afternoon")
    with page.expect_navigation():
        page.click("main form.record button[type=submit]")
    assert "Meeting request created." in page.locator("ul.messages").inner_text()
    asked = MeetingRequest.objects.get(
        session__slug=JINAN, requester__slug="i2cool", requested__slug="sdu-crystal-materials"
    )
    assert (asked.status, asked.preference) == ("pending", "afternoon")
    assert page.locator("main table.data tbody tr", has_text="Jinan Hi-tech").locator(".state-accepted").count() == 1
    flow.step("session", tour="company-session")
