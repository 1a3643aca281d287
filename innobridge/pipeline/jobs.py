"""Background jobs of the pipeline app: the complete analytics workbook."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from innobridge.jobs.registry import job_kind
from innobridge.jobs.services import job_file_path, new_job_file
from innobridge.pipeline import analytics
from innobridge.pipeline.exports import to_xlsx
from innobridge.pipeline.reports import PAGES


def workbook_arguments(query: str) -> dict:
    """The job's arguments: the analytics filters (as a query string), its file's random name and the
    language to write the workbook in (the requester's)."""
    return {"filters": query[:500], "file": new_job_file(), "language": translation.get_language()}


@job_kind("pipeline.analytics_workbook", gettext_lazy("Prepare the complete analytics workbook"))
def analytics_workbook(arguments: dict, progress) -> dict:
    """Every table of the funnel, agreement and network pages, for the given filters, in one XLSX."""
    filters = analytics.Filters.from_query(QueryDict(arguments.get("filters", "")))
    # The workbook is written in the language of whoever asked for it; the job's own messages and
    # result stay message ids, translated for each reader of the job page.
    language = arguments.get("language") or settings.LANGUAGE_CODE
    tables = []
    for n, (name, page) in enumerate(PAGES.items()):
        progress(n, len(PAGES) + 1, name)
        with translation.override(language):
            tables += page(filters, draw=False)["tables"]
    progress(len(PAGES), len(PAGES) + 1, gettext_noop("Writing the workbook"))
    with translation.override(language):
        data = to_xlsx(tables)
    path = job_file_path(arguments["file"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # whole or not at all
    progress(len(PAGES) + 1, len(PAGES) + 1, "")
    return {
        gettext_noop("Worksheets"): len(tables),
        gettext_noop("Rows"): sum(len(t.rows) for t in tables),
        "download": gettext_noop("Download the workbook (XLSX)"),
    }
