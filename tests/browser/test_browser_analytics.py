"""Staff open the analytics and the programme report: server-rendered SVG charts beside their tables."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = [
    ("Funnel", "/en/analytics/funnel/", 2),
    ("Agreements", "/en/analytics/agreements/", 2),
    ("Cooperation network", "/en/analytics/network/", 1),
]


def test_analytics(flow):
    page = flow.page
    flow.login("demo-staff")
    with page.expect_navigation():
        page.click("header .account a[href='/en/analytics/']")
    assert page.locator("h1").inner_text() == "Analytics"
    flow.step("overview")
    for name, path, charts in PAGES:
        with page.expect_navigation():
            page.click(f"main nav.inline-list a[href='{path}']")
        assert page.locator("main nav.inline-list a[aria-current=page]").inner_text() == name
        svgs = page.locator("main svg")
        assert svgs.count() >= charts, (path, svgs.count())
        for i in range(svgs.count()):
            box = svgs.nth(i).bounding_box()
            assert box and box["width"] > 100 and box["height"] > 50, (path, i, box)
            assert svgs.nth(i).locator("rect, path, circle, line").count() > 0, (path, i)
        tables = page.locator("main table.data")
        assert tables.count() >= 1
        rows = tables.first.locator("tbody tr")
        assert rows.count() > 0 and "No data yet" not in rows.first.inner_text(), path
        assert any(c.isdigit() for c in tables.first.locator("tbody").inner_text())
        flow.step(name)
    # The network links organisations through the demo's signed agreements and scheduled meetings.
    links = page.locator("main table.data", has=page.locator("caption", has_text="links")).inner_text()
    assert "\tagreements\t" in links and "\tmeetings\t" in links

    # The programme report, linked from the analytics page: key figures, then the pipeline's charts.
    flow.open("/en/analytics/")
    with page.expect_navigation():
        page.click("main a[href='/en/programmes/hkstp-shandong/report/']")
    assert page.locator("main p.meta").first.inner_text().startswith("Programme report")
    figures = {}
    for text in page.locator("main .figures-row > div").all_inner_texts()[:5]:
        number, label = text.split("\n", 1)
        figures[label.strip()] = int(number)
    assert figures["agreements signed"] > 0 and figures["delegations"] >= 2, figures
    assert figures["reached a pilot"] >= figures["reached deployment"] > 0, figures
    assert page.locator("main section.report-part svg").count() >= 4
    flow.step("programme-report", tour="manager-report")
