"""The review flow over the API: list proposals, decide one, accept in bulk, commit. Staff only."""

from innobridge.api.tests.base import ApiTestCase
from innobridge.documents import services
from innobridge.programmes.models import Event

REPORT = (
    "周乃翔会见香港科技园公司代表团\n\n（济南，2023年10月18日）10月18日下午，山东省省长周乃翔在济南会见了由香港科技园公司"
    "行政总裁黄克强率领的代表团一行。"
)  # written for this test


class DocumentReviewApiTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.document, _ = services.document_ingest(data=REPORT.encode(), filename="m.txt", limit=10**6)
        self.base = f"/documents/{self.document.slug}"

    def test_staff_review_and_commit_through_the_api(self):
        proposals = self.api(f"{self.base}/proposals", self.alice).json()
        event = next(p for p in proposals if p["kind"] == "event" and p["match"] == "existing")
        self.assertTrue(any("2023-10-18" in c for c in event["changes"]))
        r = self.api(
            f"{self.base}/proposals/event/{event['position']}",
            self.alice,
            method="post",
            data={"decision": "merged", "target": event["target"]},
            content_type="application/json",
        )
        self.assertEqual((r.status_code, r.json()["decision"]), (200, "merged"))
        r = self.api(
            f"{self.base}/accept", self.alice, "post", data={"policy": "confident"}, content_type="application/json"
        )
        self.assertEqual(r.status_code, 200)
        r = self.api(f"{self.base}/commit", self.alice, "post", data={"programme": ""}, content_type="application/json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["updated"].get("event"), 1)
        self.assertFalse(r.json()["created"].get("event"))
        call = Event.objects.get(slug="courtesy-call-shandong-leaders-2023-10")
        self.assertEqual((call.date.isoformat(), call.place.slug), ("2023-10-18", "jinan"))
        again = self.api(f"{self.base}/commit", self.alice, "post", data={}, content_type="application/json")
        self.assertEqual(again.status_code, 422)

    def test_bad_input_is_refused_and_changes_nothing(self):
        r = self.api(
            f"{self.base}/accept", self.alice, "post", data={"policy": "everything"}, content_type="application/json"
        )
        self.assertEqual(r.status_code, 422)
        r = self.api(
            f"{self.base}/proposals/person/0",
            self.alice,
            "post",
            data={"decision": "maybe"},
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 422)
        self.assertEqual(
            self.api(
                f"{self.base}/proposals/person/99",
                self.alice,
                "post",
                data={"decision": "accepted"},
                content_type="application/json",
            ).status_code,
            404,
        )
        r = self.api(
            f"{self.base}/commit", self.alice, "post", data={"programme": "nope"}, content_type="application/json"
        )
        self.assertEqual(r.status_code, 422)
        self.assertFalse(self.document.proposals.exclude(decision="pending").exists())

    def test_partners_and_anonymous_callers_are_refused(self):
        for user in (None, self.bob):
            for method, path in (
                ("get", f"{self.base}/proposals"),
                ("post", f"{self.base}/accept"),
                ("post", f"{self.base}/commit"),
                ("post", f"{self.base}/proposals/person/0"),
            ):
                r = self.api(
                    path, user, method, data={"policy": "all", "decision": "accepted"}, content_type="application/json"
                )
                self.assertIn(r.status_code, (401, 403), (user, path))
        self.assertFalse(self.document.proposals.exclude(decision="pending").exists())
