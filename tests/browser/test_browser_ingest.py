"""Staff upload the seed press release, review the proposed facts, commit them; records cite it."""

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
    flow.login("alice")
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
    assert hkstp.locator("td .tag").first.inner_text() == "exact"
    assert hkstp.locator("select[name^=target-]").input_value() == "hkstp"
    hkstp.locator("select[name^=decision-]").select_option("merged")
    new = page.locator("table.proposals tr", has=page.locator("td .tag", has_text="new"))
    accepted = []
    for i in range(min(2, new.count())):
        row = new.nth(i)
        if row.locator("select[name^=decision-]").count():
            row.locator("select[name^=decision-]").select_option("accepted")
            accepted.append(row.locator("td strong").inner_text())
    page.select_option("#id_programme", "hkstp-shandong")
    flow.step("decisions")
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
    assert f"source: press release of {published}, paragraph" in sources
    assert "香港科技園公司" in sources
    assert Evidence.objects.filter(document=document).count() >= 1 + len(accepted)
    flow.step("organisation-source")
