from django.db import connection
from django.test.utils import CaptureQueriesContext

from innobridge.meetings.tests.base import MeetingsTestCase

DEMO = "qingdao-b2b-2023-10"


class QueryCountTests(MeetingsTestCase):
    """Lists and schedules take a fixed number of queries, however many sessions, requests or participants."""

    def assert_queries(self, n, url):
        """Queries of this app's view; the site-wide access log (an audit row per API call) is not counted."""
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200)
        ours = [q["sql"] for q in ctx.captured_queries if '"audit_' not in q["sql"]]
        self.assertEqual(len(ours), n, "\n".join(ours))

    def test_the_session_list(self):
        self.login(self.alice)
        # with the bell's unread count in the header, and which delegations the reader may see named
        self.assert_queries(6, "/en/meetings/")

    def test_the_session_page_with_thirty_requests(self):
        self.login(self.alice)
        self.assert_queries(12, f"/en/meetings/{DEMO}/")  # with the registrations list and the delegation check

    def test_the_schedule_page_is_the_same_for_twelve_or_five_participants(self):
        self.login(self.alice)
        # with the published version and the standby list
        self.assert_queries(13, f"/en/meetings/{DEMO}/schedule/")
        self.assert_queries(13, f"/en/meetings/{self.session.slug}/schedule/")

    def test_the_api_lists(self):
        self.login(self.alice)
        self.assert_queries(3, "/api/meetings/sessions")
        self.assert_queries(4, f"/api/meetings/sessions/{DEMO}/requests")
        self.assert_queries(4, f"/api/meetings/sessions/{DEMO}/meetings")
