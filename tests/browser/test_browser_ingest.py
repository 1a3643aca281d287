"""Staff upload the seed press release, review the proposed facts, commit them; records cite it."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def release_file(tmp_path) -> tuple[Path, str]:
    """The seed release when the shared seeds are there, else the release of the ingestion tests."""
    from django.conf import settings

    seed = Path(settings.SEEDS_DIR) / "hkstp-shandong-press-release.txt"
    if seed.is_file():
        return seed, "2023-10-24"
    from innocore.tests.test_ingest import RELEASE

    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    return path, "2024-03-12"


def test_ingest_release(flow, tmp_path):
    from innobridge.documents.models import Evidence, SourceDocument

    # The demo links its facts to the seed release; start from a directory that has not read it.
    SourceDocument.objects.all().delete()
    assert not Evidence.objects.exists()
    path, published = release_file(tmp_path)
    page = flow.page
    flow.login("demo-staff")
    flow.open("/en/organisations/hkstp/")
    assert "source: press release" not in page.locator("main").inner_text()

    flow.open("/en/documents/upload/")
    page.set_input_files("main form input[type=file]", str(path))
    flow.step("upload")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Review the proposed facts below" in page.locator("ul.messages").inner_text()
    document = SourceDocument.objects.get(filename=path.name)
    assert document.published.isoformat() == published and document.proposals.exists()
    assert "to review" in page.locator("main p.meta").first.inner_text()
    assert page.locator(".doc-text mark").count() > 0  # evidence highlighted in the cleaned text
    flow.step("review")

    hkstp = page.locator("table.proposals tr", has=page.locator("td strong", has_text="香港科技園公司")).first
    assert hkstp.locator("td .tag").first.inner_text() == "same name"
    assert hkstp.locator("select[name^=target-]").input_value() == "hkstp"
    hkstp.locator("select[name^=decision-]").select_option("merged")
    # new names; an event the text gives no date for would wait for one (tested below)
    new = page.locator(
        "#kind-person + div table.proposals tr, #kind-place + div table.proposals tr",
        has=page.locator("td .tag", has_text=re.compile("^new$")),
    )
    accepted = []
    for i in range(min(2, new.count())):
        row = new.nth(i)
        if row.locator("select[name^=decision-]").count():
            row.locator("select[name^=decision-]").select_option("accepted")
            accepted.append(row.locator("td strong").inner_text())
    page.select_option("#id_programme", "hkstp-shandong")
    flow.step("decisions", tour="manager-review")
    with page.expect_navigation():
        page.click("main form.review button[name=commit]")
    assert "Committed:" in page.locator("ul.messages").inner_text(), page.locator("ul.messages").inner_text()
    document.refresh_from_db()
    assert document.committed is not None
    assert "committed" in page.locator("main p.meta").first.inner_text()
    assert page.locator("main form.review button[name=commit]").count() == 0
    flow.step("committed")

    flow.open("/en/organisations/hkstp/")
    sources = page.locator("section.provenance").inner_text()
    assert f"source: press release of {published} (version 1), paragraph" in sources
    assert "香港科技園公司" in sources
    assert Evidence.objects.filter(document=document).count() >= 1 + len(accepted)
    flow.step("organisation-source")


MAINLAND_REPORT = """周乃翔会见香港科技园公司代表团

（济南，2023年10月18日）10月18日下午，山东省省长周乃翔在济南会见了由香港科技园公司行政总裁黄克强率领的代表团一行。双方围绕鲁港两地科技创新合作进行了深入交流。山东省副省长宋军继参加会见。
"""  # written for this test in our own words


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_review_with_bulk_accept(flow, tmp_path, lang):
    """Upload a report of a meeting already on record, accept in bulk, commit: the record is updated,
    not duplicated; then find a duplicate organisation and merge it, outside the admin."""
    from innobridge.directory.models import Organisation
    from innobridge.directory.services import organisation_save
    from innobridge.programmes.models import Event

    events = Event.objects.count()
    path = tmp_path / f"mainland-{lang}.txt"
    path.write_text(MAINLAND_REPORT, encoding="utf-8")
    page = flow.page
    flow.login("alice")
    flow.open(f"/{lang}/documents/upload/")
    page.set_input_files("main form input[type=file]", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert f"/{lang}/documents/doc-" in page.url
    event_row = page.locator("#kind-event + div table.proposals tr", has=page.locator("ul.diff")).first
    assert "2023-10-18" in event_row.locator("ul.diff").inner_text()  # the update is shown before it happens
    assert page.locator("#id_programme").input_value() == "hkstp-shandong"  # preselected
    assert "site_visit" not in page.locator("main").inner_text()  # labels, not codes
    flow.step(f"review-{lang}")
    with page.expect_navigation():
        page.click("main form.review button[name=accept_matched]")
    with page.expect_navigation():
        page.click("main form.review button[name=accept_new]")
    flow.step(f"accepted-{lang}")
    with page.expect_navigation():
        page.click("main form.review button[name=commit]")
    assert page.locator("ul.messages li.success").count() == 1, page.locator("ul.messages").inner_text()
    flow.step(f"committed-{lang}")
    call = Event.objects.get(slug="courtesy-call-shandong-leaders-2023-10")
    assert (call.date.isoformat(), call.date_approximate, call.place.slug) == ("2023-10-18", False, "jinan")
    assert Event.objects.count() == events

    duplicate = organisation_save(kind="enterprise", name_zh_hant="創冷科技（香港）", name_en="i2Cool Hong Kong")
    flow.open(f"/{lang}/documents/merge/?kind=organisation&q=%E5%89%B5%E5%86%B7")
    page.check("input[name=keep][value=i2cool]")
    page.check(f"input[name=drop][value={duplicate.slug}]")
    with page.expect_navigation():
        page.click("main form:not(.filters) button[type=submit]")
    flow.step(f"merge-preview-{lang}")
    with page.expect_navigation():
        page.click("main button[name=confirm]")
    assert page.url.endswith(f"/{lang}/organisations/i2cool/")
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    flow.step(f"merged-{lang}")
