"""The status pages of background jobs: progress, result and error, refreshed while running."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from innobridge.jobs.registry import KINDS
from innobridge.jobs.selectors import jobs_visible
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
