"""A reader in each language reads the seed delegation and two offers, one typed in each Chinese script.

On zh-hans pages no character of the main content is Traditional-only, on zh-hant pages none is
Simplified-only (the language switcher keeps its own scripts, outside <main>), and on English pages
every member organisation and leader of the delegation has a name an English reader can read.
"""

import re

import pytest

from innocore.text import to_simplified, to_traditional

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DELEGATION = "hkstp-to-shandong-2023-10"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def traditional_only(text: str) -> set[str]:
    return {c for c in set(CJK.findall(text)) if to_simplified(c) != c}


def simplified_only(text: str) -> set[str]:
    return {c for c in set(CJK.findall(text)) if to_traditional(c) != c and to_simplified(to_traditional(c)) == c}


def _pages() -> list[str]:
    from innobridge.matching.models import TechnologyOffer

    published = TechnologyOffer.objects.filter(status="published", visibility="public")
    traditional = published.get(title__startswith="被動輻射製冷")
    simplified = published.get(title__startswith="兆瓦级碱性电解水制氢")
    return [f"delegations/{DELEGATION}/", f"offers/{traditional.slug}/", f"offers/{simplified.slug}/"]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_chinese_readers_read_every_record_in_their_own_script(flow, language):
    other_script = traditional_only if language == "zh-hans" else simplified_only
    for n, path in enumerate(_pages()):
        flow.open(f"/{language}/{path}")
        text = flow.page.locator("main").inner_text()
        assert CJK.search(text), path
        assert other_script(text) == set(), (language, path)
        flow.step(f"{language}-{n}")


def test_english_readers_can_read_every_member_and_leader(flow):
    flow.open(f"/en/delegations/{DELEGATION}/")
    members = flow.page.locator("main ol.members li a").all_inner_texts()
    leaders = flow.page.locator("main h2:text('Leaders') + ul > li > a:first-child").all_inner_texts()
    assert len(members) >= 5 and len(leaders) >= 2, (members, leaders)
    assert [name for name in members + leaders if not LATIN.search(name)] == []
    flow.step("members")


def test_english_readers_get_english_titles_and_summaries_and_staff_fill_the_rest(flow):
    """The two offers above read in English with their titles as written beside; staff give English to
    an offer the list shows without, and the English offers page then heads with it."""
    for n, path in enumerate(_pages()[1:]):
        flow.open(f"/en/{path}")
        heading = flow.page.locator("main h1").inner_text()
        assert LATIN.search(heading) and not CJK.search(heading), heading
        assert flow.page.locator("main .english-summary").count() == 1  # the title as written, beside
        flow.step(f"offer-{n}")
    flow.login("demo-staff")
    flow.open("/en/summaries-in-english/")
    row = flow.page.locator("section[aria-labelledby=english-offer] tbody tr").first
    original = row.locator("td a").first.inner_text()
    assert CJK.search(original), original
    row.locator("input[name=title_en]").fill("Written by staff in English")
    row.locator("textarea[name=summary_en]").fill("A summary for English readers.")
    flow.step("filled")
    with flow.page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "English saved" in flow.page.locator("main").inner_text()
    flow.step("saved")
    flow.open("/en/offers/?q=" + "Written%20by%20staff")  # an English search finds it by its English title
    with flow.page.expect_navigation():
        flow.page.locator("main a", has_text="Written by staff in English").first.click()
    assert flow.page.locator("main h1").inner_text() == "Written by staff in English"
    assert original in flow.page.locator("main .english-summary").inner_text()
    assert "A summary for English readers." in flow.page.locator("main .english-summary").inner_text()
    flow.step("offer-page")
