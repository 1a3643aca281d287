"""Background jobs: queue, claim, progress, failure, stale workers, pages and their permissions."""

import threading
from datetime import timedelta
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from innobridge.documents.models import SourceDocument
from innobridge.jobs import services
from innobridge.jobs.models import Job
from innobridge.jobs.registry import KINDS, job_kind
from innobridge.testing import BaseTestCase

RELEASE = "（香港，2024年3月12日）香港科技園公司代表團今日訪問濰坊。".encode()


@job_kind("tests.count", "count")
def count(arguments: dict, progress) -> dict:
    for n in range(arguments["to"]):
        progress(n + 1, arguments["to"], f"step {n + 1}")
    return {"counted": arguments["to"]}


@job_kind("tests.fail", "fail")
def fail(arguments: dict, progress) -> dict:
    raise RuntimeError("the source file vanished")


class JobServiceTests(BaseTestCase):
    def test_an_eager_job_records_progress_and_result(self):
        job = services.job_enqueue(kind="tests.count", arguments={"to": 3}, user=self.alice)
        self.assertEqual(job.status, Job.Status.DONE)
        self.assertEqual(job.result, {"counted": 3})
        self.assertEqual((job.progress_done, job.progress_total, job.percent), (3, 3, 100))

    def test_a_failing_job_is_marked_failed_with_its_message_not_a_traceback(self):
        job = services.job_enqueue(kind="tests.fail", user=self.alice)
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertEqual(job.error, "the source file vanished")
        self.assertNotIn("Traceback", job.error)

    def test_an_unknown_kind_is_refused_and_nothing_is_queued(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            services.job_enqueue(kind="no.such.kind")
        self.assertFalse(Job.objects.exists())

    @override_settings(JOBS_MODE="worker")
    def test_two_workers_never_claim_the_same_job(self):
        job = services.job_enqueue(kind="tests.count", arguments={"to": 1})
        self.assertEqual(job.status, Job.Status.QUEUED)
        first, second = services.job_claim("w1"), services.job_claim("w2")
        self.assertEqual(first.pk, job.pk)
        self.assertIsNone(second)

    @override_settings(JOBS_MODE="worker", JOBS_STALE_SECONDS=60)
    def test_a_job_whose_worker_died_is_failed_not_left_running(self):
        job = services.job_enqueue(kind="tests.count", arguments={"to": 1})
        services.job_claim("w1")
        Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(minutes=5))
        self.assertEqual(services.jobs_fail_stale(), 1)
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertIn("Interrupted", job.error)

    @override_settings(JOBS_MODE="worker")
    def test_the_worker_command_runs_the_queue_once(self):
        job = services.job_enqueue(kind="tests.count", arguments={"to": 2})
        out = StringIO()
        call_command("worker", "--once", stdout=out)
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.DONE)
        self.assertIn("after 1 job(s)", out.getvalue())


class JobPageTests(BaseTestCase):
    def test_the_owner_and_staff_see_the_job_others_do_not(self):
        job = services.job_enqueue(kind="tests.count", arguments={"to": 2}, user=self.bob)
        self.login(self.bob)
        r = self.client.get(job.get_absolute_url())
        self.assertContains(r, "100%")
        self.login(self.carol)
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/en/jobs/"), str(job.key))
        self.login(self.alice)
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 302)

    @override_settings(JOBS_MODE="worker")
    def test_a_running_job_page_refreshes_itself_and_a_finished_one_does_not(self):
        job = services.job_enqueue(kind="tests.count", arguments={"to": 2}, user=self.alice)
        self.login(self.alice)
        self.assertContains(self.client.get(job.get_absolute_url()), 'http-equiv="refresh"')
        services.run_queue("w")
        self.assertNotContains(self.client.get(job.get_absolute_url()), 'http-equiv="refresh"')

    def test_the_error_of_a_failed_job_is_shown_escaped(self):
        KINDS["tests.xss"] = KINDS["tests.fail"].__class__(
            "tests.xss", "xss", lambda a, p: (_ for _ in ()).throw(ValueError("<script>alert(1)</script>"))
        )
        job = services.job_enqueue(kind="tests.xss", user=self.alice)
        self.login(self.alice)
        r = self.client.get(job.get_absolute_url())
        self.assertContains(r, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(r, "<script>alert(1)</script>")


class BatchIngestionTests(BaseTestCase):
    def test_several_uploads_are_read_in_a_job_and_a_bad_file_does_not_stop_the_rest(self):
        self.login(self.alice)
        r = self.client.post(
            "/en/documents/upload/",
            {
                "file": [
                    SimpleUploadedFile("good.txt", RELEASE),
                    SimpleUploadedFile("../../etc/evil.exe", b"MZ\x90\x00"),
                ]
            },
        )
        job = Job.objects.get()
        self.assertRedirects(r, job.get_absolute_url())
        self.assertEqual(job.status, Job.Status.DONE)
        self.assertTrue(SourceDocument.objects.filter(filename="good.txt").exists())
        self.assertIn("evil.exe", str(job.result))
        self.assertEqual(len(job.result["links"]), 1)

    def test_the_result_is_shown_in_the_readers_language_whoever_ran_the_job(self):
        self.login(self.alice)
        files = [SimpleUploadedFile("good.txt", RELEASE), SimpleUploadedFile("other.txt", RELEASE + b" 2")]
        self.client.post("/zh-hant/documents/upload/", {"file": files})  # several files: a job
        job = Job.objects.get()
        self.assertEqual(job.result["new documents"], 2)  # a message id, not the requester's language
        for language, label in [("en", "new documents"), ("zh-hant", "新文件"), ("zh-hans", "新文档")]:
            page = self.client.get(f"/{language}/jobs/{job.key}/")
            self.assertContains(page, f"<dt>{label}</dt>")
            self.assertContains(page, f'<li><a href="/{language}/documents/', count=2)  # links in the reader's language


class RunnerThreadTests(TransactionTestCase):
    """The default mode: a thread in the web process picks jobs up after the commit."""

    def test_the_runner_thread_runs_a_committed_job(self):
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
            self.skipTest("an in-memory SQLite test database is not shared with other threads")
        with override_settings(JOBS_MODE="thread"):
            job = services.job_enqueue(kind="tests.count", arguments={"to": 2})
        runner = services._thread  # started when the job was committed
        for _ in range(100):
            job.refresh_from_db()
            if job.status == Job.Status.DONE:
                break
            threading.Event().wait(0.1)
        self.assertEqual(job.status, Job.Status.DONE)
        # The thread stops once the queue is empty and closes its database connection on the way out;
        # wait for it, so the test database is not still in use when it is dropped.
        self.assertIsNotNone(runner)
        runner.join(10)
        self.assertFalse(runner.is_alive())
