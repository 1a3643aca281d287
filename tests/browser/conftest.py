"""Real-browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

The demo programme and the test personas are loaded once per session and kept as a serialised
snapshot; every test gets the snapshot back through pytest-django's serialised rollback (the
live server runs in a thread, so the tests are transactional and the database is flushed after
each one). Loading the demo computes sentence embeddings for every offer and need, which takes
far longer than restoring the rows.

Each flow runs at 1280 and 375 px wide and keeps a screenshot of every step under
test-artifacts/screenshots/<flow>-<width>-<step>.png; at 375 px every page visited must fit
the screen without horizontal scrolling.

The README's user tour shows steps of these flows. A step marked ``tour="name"`` also writes
docs/tour/<name>.png when TOUR_SCREENSHOTS=1 is set (``make tour``): the visible 1280 × 800
viewport, not the full page, quantised to keep the file small. Only the 1280 px run writes it.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = [1280, 375]
PHONE = 375
TOUR = Path(__file__).resolve().parents[2] / "docs" / "tour"
TOUR_VIEWPORT = {"width": 1280, "height": 800}
TOUR_COLOURS = 128  # a palette this size keeps text crisp at well under 250 KB a page


def tour_enabled() -> bool:
    return os.environ.get("TOUR_SCREENSHOTS", "") not in ("", "0")


def tour_png(png: bytes) -> bytes:
    """A palette PNG of the screenshot when Pillow is there (smaller by about 3×), else as taken."""
    try:
        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(colors=TOUR_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
    # Playwright's sync API keeps an event loop on this thread; Django then refuses database calls
    # from it unless told that they are safe (they are: nothing here is async).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker):
    """The demo programme, alice, bob and carol, and the README's demo accounts, serialised once.

    The demo accounts (demo-staff, demo-i2cool, demo-luoxin, …) get the test password; the flows
    the README's tour shows sign in with them, so its pictures show the accounts it names.
    """
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from innobridge.demo.accounts import demo_accounts_ensure
    from innobridge.demo.loader import load_demo
    from innobridge.directory.models import Membership, Organisation
    from innobridge.testing import PASSWORD

    with django_db_blocker.unblock():
        original = getattr(connection, "_test_serialized_contents", None)
        seeds = settings.SEEDS_DIR if settings.SEEDS_DIR and Path(settings.SEEDS_DIR).is_dir() else None
        load_demo(seeds_dir=seeds)
        User.objects.create_user("alice", "alice@example.org", PASSWORD, is_staff=True)
        for name, org in (("bob", "i2cool"), ("carol", "zehao-high-purity-metals")):
            user = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
            Membership.objects.create(user=user, organisation=Organisation.objects.get(slug=org))
        demo_accounts_ensure(password=PASSWORD)
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        # Each test restores the snapshot into empty tables, as after a serialised-rollback flush.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    yield
    with django_db_blocker.unblock():
        # Leave the database as the other tests expect it: empty, with content types and permissions.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        if original is None:
            del connection._test_serialized_contents
            call_command("flush", verbosity=0, interactive=False)
        else:
            connection._test_serialized_contents = original
            connection.creation.deserialize_db_from_string(original)


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def width(request) -> int:
    return request.param


class Flow:
    """One user's tab: opens pages, keeps a screenshot of each step, checks the phone layout."""

    def __init__(self, page, base_url: str, name: str, width: int):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.width = width
        self.steps = 0

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"
        return response

    def step(self, label: str, *, tour: str = "", focus: str = "") -> None:
        """Screenshot the page; at phone width, fail if the page scrolls sideways.

        ``tour`` names the README tour picture this step provides (docs/tour/<tour>.png, written
        only with TOUR_SCREENSHOTS=1 at 1280 px); ``focus`` is a selector scrolled to the top of
        that picture, for steps whose point is below the first screen.
        """
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = SCREENSHOTS / f"{self.name}-{self.width}-{self.steps:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if tour and tour_enabled() and self.width == TOUR_VIEWPORT["width"]:
            self.tour_picture(tour, focus)
        if self.width <= PHONE:
            overflow = self.page.evaluate(
                """() => {
                    const root = document.scrollingElement, w = window.innerWidth;
                    if (root.scrollWidth <= w + 1) return null;
                    const clipped = e => {
                        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
                            if (getComputedStyle(a).overflowX !== 'visible') return true;
                        return false;
                    };
                    const wide = [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > w + 1 && !clipped(e))
                        .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                        .slice(0, 5).map(e => e.outerHTML.slice(0, 100));
                    return {scrollWidth: root.scrollWidth, innerWidth: w, wide};
                }"""
            )
            assert overflow is None, f"{self.page.url} scrolls sideways at {self.width} px: {overflow}"

    def tour_picture(self, name: str, focus: str) -> None:
        """Write docs/tour/<name>.png: what a 1280 × 800 screen shows, then give the page its size back."""
        page = self.page
        size = page.viewport_size
        page.set_viewport_size(TOUR_VIEWPORT)
        if focus:
            page.locator(focus).first.evaluate("e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -12); }")
        else:
            page.evaluate("() => window.scrollTo(0, 0)")
        TOUR.mkdir(parents=True, exist_ok=True)
        (TOUR / f"{name}.png").write_bytes(tour_png(page.screenshot(full_page=False)))
        page.set_viewport_size(size)

    def login(self, username: str) -> None:
        from innobridge.testing import PASSWORD

        self.open("/en/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        assert self.page.locator("header .who").inner_text() == username


def _reset_sequences() -> None:
    """Restored rows keep their ids; PostgreSQL's sequences must move past them (SQLite does so itself)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture
def flow(request, browser, live_server, _demo_snapshot, width):
    """A fresh browser context (cookies, storage) per test, at the parametrised width."""
    _reset_sequences()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.set_default_timeout(30_000)
    page = context.new_page()
    name = request.node.originalname.removeprefix("test_").replace("_", "-")
    yield Flow(page, live_server.url, name, width)
    context.close()


# Taking part in a matchmaking session (issue 18's second half) -----------------------------------------

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


def _take_part(flow, lang: str, sign_in, org: str) -> None:
    """``sign_in()`` signs the member of ``org`` (a slug) in; the member takes part in the follow-up
    session up to an outcome that starts a draft agreement."""
    from innobridge.meetings.models import Meeting, SessionRegistration

    page = flow.page
    session_url = f"/{lang}/meetings/{SESSION}/"

    # The member registers its organisation.
    page.context.clear_cookies()
    sign_in()
    flow.open(session_url)
    page.fill("#reg-note", "Ms Wang and Mr Li")
    flow.step(f"{lang}-register")
    _click(page, "#register button[type=submit]")
    assert page.locator("ul.messages li.success").count() == 1
    assert SessionRegistration.objects.get(session__slug=SESSION, organisation__slug=org).status == "pending"
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
    sign_in()
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
    assert Meeting.objects.filter(session__slug=SESSION, request__requester__slug=org)

    # The member reads the agenda notice under the bell and opens the agenda.
    page.context.clear_cookies()
    sign_in()
    flow.open(f"/{lang}/")
    assert int(page.locator("header .bell .badge").inner_text()) >= 2  # approval and agenda
    _click(page, "header .bell")
    _click(page, "main ul.results li a[href*='/agenda/']")
    assert f"/agenda/{org}/" in page.url
    assert page.locator("section.agenda a[href*='/organisations/i2cool']").count() == 1
    flow.step(f"{lang}-agenda")

    # Subscribes to the calendar: the address serves the meeting.
    flow.open(f"/{lang}/meetings/calendar/")
    _click(page, "button[value=create]")
    address = page.locator("#calendar-url").input_value()
    calendar = page.request.get(address)
    assert calendar.ok and "BEGIN:VEVENT" in calendar.text()
    meeting = Meeting.objects.get(session__slug=SESSION, request__requester__slug=org)
    assert SESSION not in address and f"UID:{meeting.request.slug}@" in calendar.text()
    flow.step(f"{lang}-calendar")

    # Records the outcome: agreement in preparation.
    flow.open(f"/{lang}/meetings/{SESSION}/agenda/{org}/")
    form = page.locator("form.stack", has=page.locator("select[name=outcome]")).first
    form.locator("select[name=outcome]").select_option("agreement")
    form.locator("input[name=note]").fill("Pilot in Jinan")
    _click(form, "button[value=outcome]")
    assert page.locator("ul.messages li.info").count() == 1, page.locator("ul.messages").inner_text()
    assert page.locator("a", has_text=re.compile("Draft agreement|協議草稿|协议草稿")).count() >= 1
    meeting = Meeting.objects.get(session__slug=SESSION, request__requester__slug=org)
    assert meeting.outcome == "agreement" and meeting.agreement is not None
    flow.step(f"{lang}-outcome")


@pytest.fixture
def take_part():
    """A member takes part in the demo's follow-up session, from registration to a recorded outcome."""
    return _take_part
