from unittest import mock

from django.utils import translation

from innobridge.directory.models import Organisation
from innobridge.meetings import scheduling, services
from innobridge.meetings.diagnostics import WORDING, describe
from innobridge.meetings.models import Meeting, ScheduleRun
from innobridge.meetings.tests.base import MeetingsTestCase
from innocore.schedule.check import check


class ScheduleServiceTests(MeetingsTestCase):
    def stored_slots(self, built):
        slots = dict(Meeting.objects.filter(session=self.session).values_list("request_id", "slot"))
        return [slots.get(r.pk) for r in built.requests]

    def test_scheduling_stores_a_schedule_the_checker_accepts(self):
        self.accepted_set()
        run = scheduling.session_schedule(session=self.session, user=self.alice, time_limit=10)
        built = scheduling.build_instance(self.session)
        verdict = check(built.instance, self.stored_slots(built), fairness=self.session.fairness, require_all=True)
        self.assertTrue(verdict.valid, verdict.problems)
        self.assertEqual((run.status, run.scheduled, run.requests), ("optimal", 7, 7))
        self.assertEqual(run.breaks, verdict.breaks)
        self.assertIsNotNone(run.greedy_breaks)
        self.assertEqual(run.explanation, [])
        self.session.refresh_from_db()
        self.assertEqual(self.session.status, "scheduled")

    def test_tables_are_distinct_within_a_slot(self):
        self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)
        cells = list(Meeting.objects.filter(session=self.session).values_list("slot", "table"))
        self.assertEqual(len(cells), len(set(cells)))
        self.assertTrue(all(1 <= t <= self.session.tables for _, t in cells))

    def test_only_accepted_requests_are_scheduled(self):
        accepted = self.make_request(self.i2cool, self.luoxin)
        self.make_request(self.cair, self.luoxin, status="pending")
        declined = self.make_request(self.cair, self.queshua, status="pending")
        services.request_answer(request=declined, accept=False, user=self.alice)
        run = scheduling.session_schedule(session=self.session, time_limit=10)
        self.assertEqual(run.requests, 1)
        self.assertEqual(
            list(Meeting.objects.values_list("request_id", flat=True).filter(session=self.session)), [accepted.pk]
        )

    def test_session_preferences_and_unavailable_slots_hold(self):
        morning = self.make_request(self.i2cool, self.luoxin, preference="morning")
        afternoon = self.make_request(self.cair, self.queshua, preference="afternoon")
        services.participant_add(session=self.session, organisation=self.i2cool, unavailable_slots=[1, 2])
        scheduling.session_schedule(session=self.session, time_limit=10)
        self.assertEqual(Meeting.objects.get(request=morning).slot, 3)
        self.assertGreater(Meeting.objects.get(request=afternoon).slot, 3)

    def test_rescheduling_after_a_cancellation_moves_few_meetings(self):
        requests = self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)
        before = dict(Meeting.objects.filter(session=self.session).values_list("request_id", "slot"))
        services.request_cancel(request=requests[3], user=self.alice)
        run = scheduling.session_reschedule(session=self.session, user=self.alice, time_limit=10)
        after = dict(Meeting.objects.filter(session=self.session).values_list("request_id", "slot"))
        moved = sum(1 for pk, slot in after.items() if before[pk] != slot)
        self.assertEqual(run.kind, "reschedule")
        self.assertEqual(run.scheduled, 6)
        self.assertEqual(run.moved, moved)
        self.assertLessEqual(moved, 2)
        built = scheduling.build_instance(self.session)
        self.assertTrue(check(built.instance, self.stored_slots(built), fairness=self.session.fairness).valid)

    def test_a_late_request_is_added_moving_few_meetings(self):
        self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)
        before = dict(Meeting.objects.filter(session=self.session).values_list("request_id", "slot"))
        late = self.make_request(self.quanshu, self.queshua)
        run = scheduling.session_reschedule(session=self.session, time_limit=10)
        after = dict(Meeting.objects.filter(session=self.session).values_list("request_id", "slot"))
        self.assertIn(late.pk, after)
        self.assertEqual(run.scheduled, 8)
        self.assertLessEqual(sum(1 for pk, slot in before.items() if after[pk] != slot), 3)

    def test_an_overloaded_participant_is_explained_and_the_rest_scheduled(self):
        partners = Organisation.objects.filter(slug__in=["hku", "cuhk", "hkust", "cityu", "polyu", "astri", "hkpc"])
        for org in partners:
            self.make_request(self.i2cool, org)
        run = scheduling.session_schedule(session=self.session, time_limit=10)
        self.assertEqual(run.requests, 7)
        self.assertEqual(run.scheduled, 6)
        self.assertIn(
            {"code": "participant_overbooked", "organisation": self.i2cool.pk, "requests": 7, "slots": 6},
            run.explanation,
        )
        text = " ".join(describe(run.explanation))
        self.assertIn(f"{self.i2cool} has 7 accepted requests for 6 available slots.", text)
        self.assertIn("Not scheduled (1)", text)
        self.assertEqual(Meeting.objects.filter(session=self.session).count(), 6)

    def test_clashing_fixed_slots_are_explained_with_names(self):
        first = self.make_request(self.i2cool, self.luoxin, fixed_slot=2)
        self.make_request(self.i2cool, self.queshua, fixed_slot=2)
        run = scheduling.session_schedule(session=self.session, time_limit=10)
        self.assertEqual(run.scheduled, 1)
        text = " ".join(describe(run.explanation))
        self.assertIn(
            f"{self.i2cool} has two meetings fixed to slot 2 (the request {self.i2cool} – {self.luoxin}", text
        )
        self.assertEqual(Meeting.objects.get(session=self.session).request, first)

    def test_findings_are_worded_in_the_language_of_whoever_reads_them(self):
        partners = Organisation.objects.filter(slug__in=["hku", "cuhk", "hkust", "cityu", "polyu", "astri", "hkpc"])
        for org in partners:
            self.make_request(self.i2cool, org)
        with translation.override("en"):
            run = scheduling.session_schedule(session=self.session, time_limit=10)
        run.refresh_from_db()
        with translation.override("zh-hant"):
            hant = " ".join(describe(run.explanation))
            name_hant = str(self.i2cool)  # the organisation's name as this reader sees it
        with translation.override("zh-hans"):
            hans = " ".join(describe(run.explanation))
        self.assertIn("6 個可用時段", hant)
        self.assertIn("6 个可用时段", hans)
        self.assertIn(name_hant, hant)
        self.assertNotEqual(name_hant, str(self.i2cool))  # not the English name stored at scheduling time

    def test_every_code_the_scheduler_can_report_has_a_wording_in_every_language(self):
        from innocore.schedule.diagnostics import ENGLISH

        self.assertLessEqual(set(ENGLISH), set(WORDING))
        args = {"organisation": None, "request": None, "before": None, "after": None, "requests_fixed": [None, None]}
        args |= {"requests": 3, "slots": [2, 3], "tables": 1, "count": 2, "given": 1, "expected": 2, "fixed": 1}
        args |= {"slot": 1, "spread": 2, "fairness": 1, "request_ids": [], "seconds": 5, "error": "x", "problems": []}
        for language in ("en", "zh-hant", "zh-hans"):
            with translation.override(language):
                for code in WORDING:
                    line = describe([{"code": code, **args}])[0]
                    self.assertNotIn("Unexplained", line, (language, code))
                    self.assertNotIn("%(", line, (language, code))

    def test_stored_sentences_and_unknown_codes_are_shown_without_failing(self):
        lines = describe(["An explanation stored by an older version.", {"code": "from_the_future"}])
        self.assertEqual(lines[0], "An explanation stored by an older version.")
        self.assertIn("from_the_future", lines[1])

    def test_an_empty_session_schedules_to_nothing_without_error(self):
        run = scheduling.session_schedule(session=self.session, time_limit=5)
        self.assertEqual((run.scheduled, run.requests), (0, 0))
        self.assertTrue(run.explanation)

    def test_a_solver_failure_is_recorded_and_keeps_the_previous_schedule(self):
        self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)
        before = sorted(Meeting.objects.filter(session=self.session).values_list("request_id", "slot", "table"))
        with mock.patch("innobridge.meetings.scheduling.solve", side_effect=RuntimeError("boom")):
            run = scheduling.session_schedule(session=self.session, time_limit=5)
        self.assertEqual(run.status, ScheduleRun.Status.UNKNOWN)
        self.assertIn("boom", " ".join(describe(run.explanation)))
        after = sorted(Meeting.objects.filter(session=self.session).values_list("request_id", "slot", "table"))
        self.assertEqual(before, after)

    def test_a_schedule_failing_the_checker_is_not_stored(self):
        requests = self.accepted_set()
        from innocore.schedule.solver import Result

        clash = Result([1] * len(requests), "optimal", len(requests), 0, 0.0, 0.0, 0.1)
        with mock.patch("innobridge.meetings.scheduling.solve", return_value=clash):
            run = scheduling.session_schedule(session=self.session, time_limit=5)
        self.assertEqual(run.status, ScheduleRun.Status.UNKNOWN)
        self.assertFalse(Meeting.objects.filter(session=self.session).exists())

    def test_orders_are_respected(self):
        first = self.make_request(self.cair, self.luoxin)
        second = self.make_request(self.i2cool, self.queshua, after=[first])
        scheduling.session_schedule(session=self.session, time_limit=10)
        self.assertLess(Meeting.objects.get(request=first).slot, Meeting.objects.get(request=second).slot)


class ScheduleAuditTests(MeetingsTestCase):
    def test_every_stored_meeting_has_an_audit_entry_by_the_scheduler(self):
        from innobridge.audit.context import acting_as
        from innobridge.audit.models import AuditEntry

        self.accepted_set()
        with acting_as(self.alice):
            scheduling.session_schedule(session=self.session, user=self.alice, time_limit=10)
        stored = {str(pk) for pk in Meeting.objects.filter(session=self.session).values_list("pk", flat=True)}
        created = AuditEntry.objects.filter(content_type__model="meeting", action="create", object_pk__in=stored)
        self.assertEqual({e.object_pk for e in created}, stored)
        self.assertEqual({e.user for e in created}, {self.alice})
