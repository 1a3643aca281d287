"""The complete analytics workbook is prepared as a background job and downloaded from its page."""

import io

from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from innobridge.jobs.models import Job
from innobridge.testing import BaseTestCase


class WorkbookJobTests(BaseTestCase):
    def prepare(self, filters="", language="en"):
        self.login(self.alice)
        r = self.client.post(f"/{language}/analytics/workbook/", {"filters": filters})
        job = Job.objects.filter(kind="pipeline.analytics_workbook").latest("created")
        with translation.override(language):
            self.assertRedirects(r, job.get_absolute_url())
        return job

    def workbook(self, job):
        r = self.client.get(f"/en/jobs/{job.key}/file/")
        return load_workbook(io.BytesIO(b"".join(r.streaming_content)))

    def test_staff_get_every_table_of_the_three_pages_in_one_file(self):
        job = self.prepare()
        self.assertEqual(job.status, "done", job.error)
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, f"/en/jobs/{job.key}/file/")
        r = self.client.get(f"/en/jobs/{job.key}/file/")
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment", r["Content-Disposition"])
        book = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
        self.assertGreaterEqual(len(book.sheetnames), 6)  # funnel, agreements by ..., network
        self.assertEqual(job.result["Worksheets"], len(book.sheetnames))
        cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
        self.assertTrue(any("i2Cool" in c for c in cells))  # the network lists the seed signing's parties

    def test_the_workbook_is_in_the_requesters_language_and_the_job_page_in_the_readers(self):
        english, chinese = self.workbook(self.prepare()), self.workbook(self.prepare(language="zh-hant"))
        header = [c.value for c in english.worksheets[0][1]]
        with translation.override("zh-hant"):
            expected = [gettext(v) if isinstance(v, str) else v for v in header]
        self.assertNotEqual(expected, header)
        self.assertEqual([c.value for c in chinese.worksheets[0][1]], expected)
        job = Job.objects.filter(kind="pipeline.analytics_workbook").latest("created")
        self.assertEqual(job.result["Worksheets"], len(chinese.sheetnames))  # stored untranslated
        for language, link in [("en", "Download the workbook (XLSX)"), ("zh-hans", "下载工作簿（XLSX）")]:
            self.assertContains(self.client.get(f"/{language}/jobs/{job.key}/"), link)

    def test_the_filters_are_those_of_the_pages(self):
        job = self.prepare("programme=no-such-programme&kind=mou")
        self.assertEqual(job.status, "done", job.error)
        self.assertEqual(job.arguments["filters"], "programme=no-such-programme&kind=mou")

    def test_partners_can_neither_prepare_nor_download_it(self):
        job = self.prepare()
        for user in (self.bob, self.carol):
            self.login(user)
            self.assertEqual(self.client.post("/en/analytics/workbook/").status_code, 403)
            self.assertEqual(self.client.get(f"/en/jobs/{job.key}/file/").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(f"/en/jobs/{job.key}/file/").status_code, 302)
        self.assertEqual(Job.objects.filter(kind="pipeline.analytics_workbook").count(), 1)

    def test_a_forged_file_name_in_the_arguments_is_refused(self):
        job = self.prepare()
        Job.objects.filter(pk=job.pk).update(arguments={"file": "../../settings"})
        self.assertEqual(self.client.get(f"/en/jobs/{job.key}/file/").status_code, 404)
