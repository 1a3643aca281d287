"""Staff plan the delegation's trip and schedule its B2B matchmaking session."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DELEGATION = "hkstp-to-shandong-2023-10"
SESSION = "qingdao-b2b-2023-10"


def test_plan_and_schedule(flow):
    from innobridge.directory.models import Place
    from innobridge.meetings.models import Meeting, MeetingRequest, TravelLeg

    page = flow.page
    flow.login("demo-staff")
    flow.open(f"/en/delegations/{DELEGATION}/plan/")
    assert page.locator("h1").inner_text().startswith("Delegation plan:")
    assert page.locator("section.day").count() >= 4
    legs_before = TravelLeg.objects.filter(delegation__slug=DELEGATION).count()
    flow.step("plan")

    with page.expect_navigation():
        page.click("main a.button[href$='/plan/legs/new/']")
    page.select_option("#id_from_place", str(Place.objects.get(slug="jinan").pk))
    page.select_option("#id_to_place", str(Place.objects.get(slug="jinan-hi-tech-zone").pk))
    page.fill("#id_depart", "2023-10-19T09:00")
    page.fill("#id_minutes", "40")
    page.select_option("#id_mode", "car")
    page.fill("#id_note", "Coach to the Hi-tech Zone")
    flow.step("travel-leg")
    with page.expect_navigation():
        page.click("main form.record button[type=submit]")
    assert "Travel leg saved." in page.locator("ul.messages").inner_text()
    assert TravelLeg.objects.filter(delegation__slug=DELEGATION).count() == legs_before + 1
    leg = page.locator("ul.plan li", has_text="Coach to the Hi-tech Zone")
    assert "Jinan → Jinan Hi-tech Zone" in leg.inner_text() and "40 minutes" in leg.inner_text()
    flow.step("plan-with-leg", tour="manager-plan")

    with page.expect_navigation():
        page.click(f"ul.plan a[href='/en/meetings/{SESSION}/']")
    assert page.locator("h2", has_text="Scheduler").count() == 1
    flow.step("session")
    page.fill("input[name=time_limit]", "3")
    with page.expect_navigation():
        page.click("button[name=action][value=schedule]")
    assert page.url.endswith(f"/en/meetings/{SESSION}/schedule/")
    message = page.locator("ul.messages").inner_text()
    accepted = MeetingRequest.objects.filter(session__slug=SESSION, status="accepted").count()
    scheduled = Meeting.objects.filter(request__session__slug=SESSION).count()
    assert f"{scheduled} of {accepted} accepted requests scheduled" in message, message
    assert scheduled >= accepted - 2 > 0
    grid = page.locator("table.grid")
    assert grid.locator("tbody tr").count() == 12  # one row per slot
    assert grid.locator("thead th").count() == 1 + 6  # slot column and six tables
    assert grid.locator("tbody td:not(.free)").count() == scheduled
    assert page.locator("table.grid tbody td:not(.free)").first.inner_text().strip()
    flow.step("schedule-grid", tour="manager-schedule", focus="table.grid tbody tr:has(td:not(.free))")
