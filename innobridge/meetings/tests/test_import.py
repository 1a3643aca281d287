import io

from openpyxl import Workbook

from innobridge.meetings import imports
from innobridge.meetings.models import MeetingRequest
from innobridge.meetings.tests.base import MeetingsTestCase

GOOD_CSV = """requester,requested,session preference,priority
創冷科技有限公司,泽浩高纯金属有限公司,morning,3
i2Cool,"Jinan Queshua Digital Finance Technology Co., Ltd.",afternoon,1
CAIR,泉數軟件園,,
"""


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class ImportTests(MeetingsTestCase):
    def run_import(self, name, data, **kwargs):
        return imports.requests_import(session=self.session, file_name=name, data=data, user=self.alice, **kwargs)

    def test_a_csv_with_names_in_any_script_and_aliases_is_imported(self):
        report = self.run_import("requests.csv", GOOD_CSV.encode("utf-8"))
        self.assertEqual(len(report.created), 3)
        rows = {
            (r.requester.slug, r.requested.slug, r.preference, r.priority, r.status, r.source) for r in report.created
        }
        self.assertEqual(
            rows,
            {
                ("i2cool", "zehao-high-purity-metals", "morning", 3, "pending", "import"),
                ("i2cool", "jinan-queshua-digital-finance", "afternoon", 1, "pending", "import"),
                ("cas-cair", "jinan-quanshu-software-park", "any", 2, "pending", "import"),
            },
        )

    def test_an_xlsx_sheet_is_imported_as_accepted_when_asked(self):
        data = xlsx([["Requester", "Requested", "Session preference", "Priority"], ["i2Cool", "CAIR", "下午", 2]])
        report = self.run_import("requests.xlsx", data, accepted=True)
        request = report.created[0]
        self.assertEqual(
            (request.requester, request.requested, request.preference, request.status),
            (self.i2cool, self.cair, "afternoon", "accepted"),
        )

    def test_one_bad_row_imports_nothing_and_every_problem_is_named_with_its_row(self):
        data = xlsx(
            [
                ["requester", "requested", "session preference", "priority"],
                ["i2Cool", "CAIR", "morning", 2],
                ["Nowhere Trading Ltd", "CAIR", "morning", 2],
                ["i2Cool", "泉数软件园", "evening", 7],
                ["CAIR", "i2Cool", "", 1],
            ]
        )
        with self.assertRaises(imports.ImportFailed) as caught:
            self.run_import("requests.xlsx", data)
        errors = caught.exception.errors
        self.assertEqual(len(errors), 3)
        self.assertTrue(errors[0].startswith("Row 3:") and "Nowhere Trading Ltd" in errors[0])
        self.assertTrue(errors[1].startswith("Row 4:") and "evening" in errors[1] and "7" in errors[1])
        self.assertTrue(errors[2].startswith("Row 5:") and "row 2" in errors[2])
        self.assertFalse(MeetingRequest.objects.filter(session=self.session).exists())

    def test_a_pair_already_requested_in_the_session_is_an_error(self):
        self.make_request(self.cair, self.i2cool, status="pending")
        with self.assertRaises(imports.ImportFailed) as caught:
            self.run_import("r.csv", b"requester,requested\ni2Cool,CAIR\n")
        self.assertIn("Row 2", caught.exception.errors[0])
        self.assertEqual(MeetingRequest.objects.filter(session=self.session).count(), 1)

    def test_missing_columns_and_wrong_files_are_explained(self):
        with self.assertRaises(imports.ImportFailed) as caught:
            self.run_import("r.csv", b"from organisation,whom\na,b\n")
        self.assertIn("requester", caught.exception.errors[0])
        with self.assertRaises(imports.ImportFailed):
            self.run_import("r.xlsx", b"not a workbook")
        with self.assertRaises(imports.ImportFailed):
            self.run_import("r.pdf", b"%PDF")
        with self.assertRaises(imports.ImportFailed):
            self.run_import("r.csv", b"")

    def test_staff_import_through_the_page_and_see_the_errors(self):
        self.login(self.alice)
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("r.csv", b"requester,requested\ni2Cool,<b>Nobody</b>\n")
        response = self.client.post(f"/en/meetings/{self.session.slug}/import/", {"file": upload})
        self.assertContains(response, "Row 2")
        self.assertContains(response, "&lt;b&gt;Nobody&lt;/b&gt;")
        self.assertNotContains(response, "<b>Nobody</b>")
        self.assertFalse(MeetingRequest.objects.filter(session=self.session).exists())

    def test_members_cannot_import(self):
        self.login(self.bob)
        response = self.client.get(f"/en/meetings/{self.session.slug}/import/")
        self.assertEqual(response.status_code, 403)
