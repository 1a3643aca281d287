import io
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar
from openpyxl import load_workbook

from innobridge.meetings import scheduling, services
from innobridge.meetings.models import Meeting
from innobridge.meetings.tests.base import MeetingsTestCase

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ExportTests(MeetingsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.luoxin.name_en = '=HYPERLINK("http://evil.example","x")'
        cls.luoxin.name_zh_hant = ""
        cls.luoxin.save()
        cls.queshua.name_en = "Queshua, Digital; <Finance>"
        cls.queshua.save()
        cls.requests = [
            services.request_create(session=cls.session, requester=cls.i2cool, requested=cls.luoxin, status="accepted"),
            services.request_create(
                session=cls.session,
                requester=cls.i2cool,
                requested=cls.queshua,
                status="accepted",
                preference="afternoon",
            ),
            services.request_create(session=cls.session, requester=cls.cair, requested=cls.quanshu, status="accepted"),
        ]
        scheduling.session_schedule(session=cls.session, time_limit=10)
        services.session_publish(session=cls.session)  # members read only what is published

    def test_the_calendar_has_one_event_per_meeting_in_the_session_time_zone(self):
        self.login(self.bob)
        response = self.client.get(f"/en/meetings/{self.session.slug}/agenda/i2cool.ics")
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        cal = Calendar.from_ical(response.content)
        events = [c for c in cal.walk("VEVENT")]
        self.assertEqual(len(events), 2)
        self.assertEqual([str(t["TZID"]) for t in cal.walk("VTIMEZONE")], ["Asia/Shanghai"])
        by_uid = {str(e["UID"]).split("@")[0]: e for e in events}
        for request in self.requests[:2]:
            meeting = Meeting.objects.get(request=request)
            event = by_uid[request.slug]
            start = event.decoded("DTSTART")
            # 09:00, 30-minute slots, three in the morning, then an hour for lunch.
            minutes = 30 * (meeting.slot - 1) + (60 if meeting.slot > 3 else 0)
            expected = datetime(2023, 10, 19, 9, 0, tzinfo=SHANGHAI).timestamp() + minutes * 60
            self.assertEqual(start.timestamp(), expected)
            self.assertEqual(start.utcoffset().total_seconds(), 8 * 3600)
            self.assertEqual(event.get("DTSTART").params["TZID"], "Asia/Shanghai")
            self.assertEqual((event.decoded("DTEND") - start).total_seconds(), 30 * 60)
        summary = str(by_uid[self.requests[1].slug]["SUMMARY"])
        self.assertEqual(summary, "Meeting with Queshua, Digital; <Finance>")

    def test_a_hong_kong_session_uses_the_hong_kong_zone(self):
        self.session.time_zone = "Asia/Hong_Kong"
        self.session.save()
        self.login(self.alice)
        cal = Calendar.from_ical(self.client.get(f"/en/meetings/{self.session.slug}/agenda/cas-cair.ics").content)
        self.assertEqual([str(t["TZID"]) for t in cal.walk("VTIMEZONE")], ["Asia/Hong_Kong"])
        self.assertEqual(len(list(cal.walk("VEVENT"))), 1)

    def test_staff_get_the_grid_and_every_agenda_in_xlsx(self):
        self.login(self.alice)
        response = self.client.get(f"/en/meetings/{self.session.slug}/schedule.xlsx")
        book = load_workbook(io.BytesIO(response.content))
        grid = book.worksheets[0]
        self.assertEqual(grid.title, "Grid")
        self.assertEqual([c.value for c in grid[2]][:4], ["Slot", "Start", "End", "Table 1"])
        self.assertEqual(grid.max_row, 2 + self.session.slots)
        cells = [c.value for row in grid.iter_rows(min_row=3) for c in row[3:] if c.value]
        self.assertEqual(len(cells), 3)
        self.assertEqual(len(book.worksheets), 1 + 5)
        hyperlink = [c for c in cells if "HYPERLINK" in c][0]
        self.assertTrue(hyperlink.startswith("i2Cool") or hyperlink.startswith("'"), hyperlink)
        self.assertTrue(all(not c.startswith("=") for c in cells))

    def test_an_agenda_sheet_keeps_a_formula_like_name_as_text(self):
        self.login(self.bob)
        response = self.client.get(f"/en/meetings/{self.session.slug}/schedule.xlsx")
        book = load_workbook(io.BytesIO(response.content))
        self.assertEqual(len(book.worksheets), 1)
        sheet = book.worksheets[0]
        names = [row[4].value for row in sheet.iter_rows(min_row=3)]
        self.assertIn('\'=HYPERLINK("http://evil.example","x")', names)
        self.assertIn("Queshua, Digital; <Finance>", names)
        self.assertEqual(sheet.cell(1, 1).data_type, "s")
        self.assertTrue(all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row))
        self.assertNotIn("Quanshu", str([c.value for row in sheet.iter_rows() for c in row]))
