"""Background jobs of the pipeline app: the complete analytics workbook."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innobridge.jobs.registry import job_kind
from innobridge.jobs.services import job_file_path, new_job_file


def workbook_arguments(query: str) -> dict:
    """The job's arguments: the analytics filters (as a query string) and its file's random name."""
    return {"filters": query[:500], "file": new_job_file()}


@job_kind("pipeline.analytics_workbook", gettext_lazy("Prepare the complete analytics workbook"))
def analytics_workbook(arguments: dict, progress) -> dict:
    """Every table of the funnel, agreement and network pages, for the given filters, in one XLSX."""
    from innobridge.pipeline import analytics
    from innobridge.pipeline.exports import to_xlsx
    from innobridge.pipeline.views import PAGES

    filters = analytics.Filters.from_query(QueryDict(arguments.get("filters", "")))
    tables = []
    for n, (name, page) in enumerate(PAGES.items()):
        progress(n, len(PAGES) + 1, name)
        tables += page(filters, draw=False)["tables"]
    progress(len(PAGES), len(PAGES) + 1, _("Writing the workbook"))
    path = job_file_path(arguments["file"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(to_xlsx(tables))
    tmp.replace(path)  # whole or not at all
    progress(len(PAGES) + 1, len(PAGES) + 1, "")
    return {
        _("Worksheets"): len(tables),
        _("Rows"): sum(len(t.rows) for t in tables),
        "download": _("Download the workbook (XLSX)"),
    }
