"""A member registers for an upcoming session, staff approve, the member marks whom it must meet and asks
for a meeting, the other side accepts, staff schedule and publish; the member reads the agenda notice,
subscribes to the calendar and records an outcome that starts a draft agreement. In each language, at
1280 and 375 px."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SESSION = "jinan-b2b-follow-up"
WORDS = {
    "en": {"must": "must meet", "agreement": "agreement in preparation"},
    "zh-hant": {"must": "必須會面", "agreement": "協議籌備中"},
    "zh-hans": {"must": "必须会面", "agreement": "协议筹备中"},
}


def _click(scope, selector: str, page=None) -> None:
    """Click ``selector`` within ``scope`` (a page or a locator) and wait for the next page."""
    page = page or getattr(scope, "page", scope)
    with page.expect_navigation():
        scope.locator(selector).first.click()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_register_prefer_publish_subscribe_and_record(flow, lang):
    from innobridge.meetings.models import Meeting, SessionRegistration

    page = flow.page
    session_url = f"/{lang}/meetings/{SESSION}/"

    # A Jinan enterprise registers.
    flow.login("demo-luoxin")
    flow.open(session_url)
    page.fill("#reg-note", "Ms Wang and Mr Li")
    flow.step(f"{lang}-register")
    _click(page, "#register button[type=submit]")
    assert page.locator("ul.messages li.success").count() == 1
    assert SessionRegistration.objects.get(organisation__slug="jinan-luoxin-power-semiconductor").status == "pending"
    flow.step(f"{lang}-registered")

    # Staff approve it.
    page.context.clear_cookies()
    flow.login("demo-staff")
    flow.open(session_url)
    row = page.locator("#registrations tr", has_text="Ms Wang and Mr Li")
    _click(row, "button[value=approve]")
    assert page.locator("ul.messages li.success").count() == 1
    flow.step(f"{lang}-approved")

    # The member marks i2Cool as must meet, and asks for the meeting.
    page.context.clear_cookies()
    flow.login("demo-luoxin")
    flow.open(f"/{lang}/meetings/{SESSION}/preferences/")
    i2cool = page.locator("tr", has=page.locator("input[name=other][value=i2cool]"))
    i2cool.locator("select[name=kind]").select_option("must")
    _click(i2cool, "button[type=submit]")
    selected = i2cool.locator("select[name=kind] option:checked")
    assert selected.inner_text() == WORDS[lang]["must"]
    flow.step(f"{lang}-preferences")
    flow.open(f"/{lang}/meetings/{SESSION}/request/")
    page.select_option("#id_requested", "i2cool")
    _click(page, "main form.record button[type=submit]")
    assert page.locator("ul.messages li.success").count() == 1

    # i2Cool accepts.
    page.context.clear_cookies()
    flow.login("demo-i2cool")
    flow.open(session_url)
    _click(page, "main table.data a[href*='/meetings/requests/']")
    page.check("input[name=decision][value=accept]")
    _click(page, "main form.record button[type=submit]")

    # Staff schedule and publish.
    page.context.clear_cookies()
    flow.login("demo-staff")
    flow.open(session_url)
    page.fill("input[name=time_limit]", "3")
    _click(page, "button[name=action][value=schedule]")
    assert page.url.endswith(f"/{lang}/meetings/{SESSION}/schedule/")
    flow.step(f"{lang}-draft")
    _click(page, "#review button[value=publish]")
    assert Meeting.objects.filter(session__slug=SESSION, request__requester__slug="jinan-luoxin-power-semiconductor")

    # The member reads the agenda notice under the bell and opens the agenda.
    page.context.clear_cookies()
    flow.login("demo-luoxin")
    flow.open(f"/{lang}/")
    assert int(page.locator("header .bell .badge").inner_text()) >= 2  # approval and agenda
    _click(page, "header .bell")
    _click(page, "main ul.results li a[href*='/agenda/']")
    assert "/agenda/jinan-luoxin-power-semiconductor/" in page.url
    assert page.locator("section.agenda a[href*='/organisations/i2cool']").count() == 1
    flow.step(f"{lang}-agenda")

    # Subscribes to the calendar: the address serves the meeting.
    flow.open(f"/{lang}/meetings/calendar/")
    _click(page, "button[value=create]")
    address = page.locator("#calendar-url").input_value()
    calendar = page.request.get(address)
    assert calendar.ok and "BEGIN:VEVENT" in calendar.text()
    meeting = Meeting.objects.get(session__slug=SESSION, request__requester__slug="jinan-luoxin-power-semiconductor")
    assert SESSION not in address and f"UID:{meeting.request.slug}@" in calendar.text()
    flow.step(f"{lang}-calendar")

    # Records the outcome: agreement in preparation.
    flow.open(f"/{lang}/meetings/{SESSION}/agenda/jinan-luoxin-power-semiconductor/")
    form = page.locator("form.stack", has=page.locator("select[name=outcome]")).first
    form.locator("select[name=outcome]").select_option("agreement")
    form.locator("input[name=note]").fill("Pilot in Jinan")
    _click(form, "button[value=outcome]")
    assert page.locator("ul.messages li.info").count() == 1, page.locator("ul.messages").inner_text()
    assert page.locator("a", has_text=re.compile("Draft agreement|協議草稿|协议草稿")).count() >= 1
    meeting = Meeting.objects.get(session__slug=SESSION, request__requester__slug="jinan-luoxin-power-semiconductor")
    assert meeting.outcome == "agreement" and meeting.agreement is not None
    flow.step(f"{lang}-outcome")
