"""Queue, claim and run jobs. Works on SQLite and PostgreSQL with no extra server.

JOBS_MODE decides who runs queued jobs:
- "thread" (default): a thread in the web process starts when a job is queued and stops
  when the queue is empty; fine for one server and the default SQLite setup.
- "worker": only ``innobridge worker`` processes run them (production with several servers).
- "eager": run at once, inside the caller's transaction (tests).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innobridge.jobs.models import Job
from innobridge.jobs.registry import KINDS
from innobridge.lib.progress import Progress

logger = logging.getLogger(__name__)


FILE_DIR = "job-files"


def new_job_file() -> str:
    """A random name for a file a job will write (put it in the job's arguments as ``file``)."""
    return uuid.uuid4().hex


def job_file_path(name: str) -> Path:
    """Where a job's file lives: MEDIA_ROOT/job-files/<random>.xlsx, served only through the job page."""
    if len(name) != 32 or any(c not in "0123456789abcdef" for c in name):
        raise ValueError("not a job file name")
    return Path(settings.MEDIA_ROOT) / FILE_DIR / f"{name}.xlsx"


def job_enqueue(*, kind: str, arguments: dict | None = None, user: User | AnonymousUser | None = None) -> Job:
    if kind not in KINDS:
        raise ValidationError(_("Unknown job kind: %(kind)s") % {"kind": kind})
    job = Job.objects.create(kind=kind, arguments=arguments or {}, created_by=user if user and user.pk else None)
    mode = settings.JOBS_MODE
    if mode == "eager":
        job_run(job)
        job.refresh_from_db()
    elif mode == "thread":
        transaction.on_commit(start_thread)
    return job


class JobProgress(Progress):
    """Stores progress on the job row, at most twice a second (and always the last step)."""

    def __init__(self, job: Job):
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and not (total is not None and done >= total):
            return
        self.last = now
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=done, progress_total=total, message=str(message)[:300], heartbeat=timezone.now()
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def job_claim(worker: str) -> Job | None:
    """Move the oldest queued job to running for ``worker``; None when the queue is empty.

    The conditional update is the lock: when two workers pick the same job, one updates a row
    and the other updates none and tries the next.
    """
    for _attempt in range(20):
        candidate = Job.objects.filter(status=Job.Status.QUEUED).order_by("created", "pk").values_list("pk", flat=True)
        pk = candidate.first()
        if pk is None:
            return None
        now = timezone.now()
        claimed = Job.objects.filter(pk=pk, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started=now, heartbeat=now, worker=worker[:80]
        )
        if claimed:
            return Job.objects.get(pk=pk)
    return None


def job_run(job: Job) -> None:
    """Run a claimed (or eager) job, recording its result or its error; never raises."""
    if job.status == Job.Status.QUEUED:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started=timezone.now(), worker=worker_name())
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise ValidationError(_("Unknown job kind: %(kind)s") % {"kind": job.kind})
        # Results and progress messages are stored as untranslated message ids (no language active)
        # and translated when shown, so each reader sees them in their own language, whichever
        # thread or process ran the job. A job that writes a file activates its requester's language.
        with translation.override(None):
            result = kind.function(job.arguments, JobProgress(job))
    except Exception as exc:
        logger.error("job %s (%s) failed\n%s", job.key, job.kind, traceback.format_exc())
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc) or type(exc).__name__
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=message[:2000], finished=timezone.now())
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=result, finished=timezone.now())


def jobs_fail_stale() -> int:
    """Running jobs whose worker stopped reporting (killed, server restarted) are marked failed."""
    limit = timezone.now() - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return Job.objects.filter(status=Job.Status.RUNNING, heartbeat__lt=limit).update(
        status=Job.Status.FAILED,
        error=_("Interrupted: the process running it stopped. Start it again."),
        finished=timezone.now(),
    )


def run_queue(worker: str | None = None, *, stop: threading.Event | None = None) -> int:
    """Run queued jobs until the queue is empty (or ``stop`` is set); returns how many ran."""
    worker = worker or worker_name()
    ran = 0
    jobs_fail_stale()
    while not (stop and stop.is_set()):
        job = job_claim(worker)
        if job is None:
            break
        job_run(job)
        ran += 1
    return ran


_thread_lock = threading.Lock()
_thread: threading.Thread | None = None
_pending = False


def start_thread() -> None:
    """Start the in-process runner, or tell the running one to look at the queue again."""
    global _thread, _pending
    with _thread_lock:
        _pending = True
        if _thread is not None:
            return
        _thread = threading.Thread(target=_thread_main, name="innobridge-jobs", daemon=True)
        _thread.start()


def _thread_main() -> None:
    global _thread, _pending
    try:
        while True:
            with _thread_lock:
                _pending = False
            close_old_connections()
            run_queue()
            with _thread_lock:
                if not _pending:  # nothing queued since this pass began
                    _thread = None
                    return
    except Exception:
        logger.exception("job runner thread stopped")
        with _thread_lock:
            _thread = None
    finally:
        connection.close()
