"""The status pages of background jobs: progress, result and error, refreshed while running."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

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
    return render(request, "jobs/job_detail.html", {"job": job, "label": kind.label if kind else job.kind})


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
