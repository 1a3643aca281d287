"""The status pages of background jobs: progress, result and error, refreshed while running."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext

from innobridge.jobs.registry import KINDS
from innobridge.jobs.selectors import jobs_visible
from innobridge.jobs.services import job_file_path
from innobridge.lib.views import paginate


@login_required
def job_list(request):
    page = paginate(request, jobs_visible(request.user))
    for job in page:
        kind = KINDS.get(job.kind)
        job.label = kind.label if kind else job.kind
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
def job_detail(request, key):
    job = jobs_visible(request.user).filter(key=key).first()
    if job is None:
        raise Http404
    kind = KINDS.get(job.kind)
    result = job.result if isinstance(job.result, dict) else {}
    context = {
        "job": job,
        "label": kind.label if kind else job.kind,
        "message": shown(job.message),
        # Nested values are data for the API and the tests; the page shows plain figures and links.
        "result_items": [
            (shown(k), shown(v))
            for k, v in result.items()
            if k not in ("links", "download") and not isinstance(v, dict | list)
        ],
        "download": shown(result.get("download")),
        # Links were reversed with no language active: point them at the reader's language.
        "result_links": [
            {"url": in_language(str(link.get("url", "")), get_language()), "label": link.get("label", "")}
            for link in result.get("links") or []
            if isinstance(link, dict)
        ],
    }
    return render(request, "jobs/job_detail.html", context)


def in_language(url: str, language: str) -> str:
    """``url`` with its language prefix (any of LANGUAGES) replaced by ``language``'s."""
    for code, _name in settings.LANGUAGES:
        if url.startswith(f"/{code}/"):
            return f"/{language}/{url[len(code) + 2 :]}"
    return url


def shown(value):
    """A job's messages and result are stored as message ids (see ``job_run``): in the reader's language.

    Text that is not a message id (names, counts, composed errors) is shown as it is.
    """
    return gettext(value) if isinstance(value, str) and value else value


@login_required
def job_file(request, key):
    """The file a finished job wrote (a report workbook), for whoever may see the job."""
    job = jobs_visible(request.user).filter(key=key, status="done").first()
    name = (job.arguments or {}).get("file") if job else None
    try:
        path = job_file_path(name) if isinstance(name, str) else None
    except ValueError:
        path = None
    if path is None or not path.exists():
        raise Http404
    stamp = timezone.localtime(job.finished).strftime("%Y-%m-%d") if job.finished else "report"
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"innobridge-{job.kind.split('.')[-1].replace('_', '-')}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
