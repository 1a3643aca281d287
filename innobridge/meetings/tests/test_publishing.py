"""Draft, review, publish: versions, changes, notices to those affected only, hand placement with the
checker's warnings, the standby list, and what participants read while staff edit."""

from innobridge.accounts.models import Notice
from innobridge.meetings import publishing, scheduling, selectors, services
from innobridge.meetings.models import Meeting, MeetingPreference, SchedulePublication
from innobridge.meetings.tests.base import MeetingsTestCase


class PublishingTests(MeetingsTestCase):
    def setUp(self):
        self.requests = self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)

    def publish(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.session_publish(session=self.session, user=self.alice)
        self.session.refresh_from_db()

    def test_the_first_version_goes_to_everyone_later_ones_to_those_affected_only(self):
        self.publish()
        self.assertEqual(self.session.publications.get().number, 1)
        self.assertEqual(Notice.objects.filter(user=self.bob, kind="agenda").count(), 1)
        self.assertEqual(selectors.changes(self.session), [])
        # Staff move a meeting that does not concern bob's i2Cool: cair–luoxin.
        theirs = Meeting.objects.get(request=self.requests[3])
        free = self._free_cell(theirs)
        publishing.meeting_place(
            session=self.session, request=self.requests[3], slot=free[0], table=free[1], user=self.alice, force=True
        )
        self.session.refresh_from_db()
        # Still published (visible, reminded, recorded), with changes participants do not see yet.
        self.assertEqual((self.session.status, self.session.unpublished_changes), ("published", True))
        diff = selectors.changes(self.session)
        self.assertEqual([(c.kind, c.request.pk) for c in diff], [("moved", self.requests[3].pk)])
        self.publish()
        self.assertEqual(self.session.publications.count(), 2)
        self.assertEqual(Notice.objects.filter(user=self.bob, kind="agenda").count(), 1)  # not told again
        self.assertEqual((self.session.status, self.session.unpublished_changes), ("published", False))

    def test_a_member_of_an_affected_organisation_reads_what_moved(self):
        self.publish()
        mine = Meeting.objects.get(request=self.requests[0])  # i2cool–luoxin
        slot, table = self._free_cell(mine)
        publishing.meeting_place(
            session=self.session, request=self.requests[0], slot=slot, table=table, user=self.alice, force=True
        )
        self.publish()
        changed = Notice.objects.filter(user=self.bob, kind="agenda").order_by("-pk").first()
        self.assertIn("has changed", changed.subject)
        self.assertIn(f"to slot {slot}, table {table}", changed.body)

    def test_publishing_an_unchanged_schedule_stores_no_new_version(self):
        self.publish()
        services.session_publish(session=self.session, publish=False)
        self.publish()
        self.assertEqual(SchedulePublication.objects.filter(session=self.session).count(), 1)

    def test_participants_read_the_published_version_while_staff_edit_the_draft(self):
        self.publish()
        mine = Meeting.objects.get(request=self.requests[0])
        published_slot = mine.slot
        slot, table = self._free_cell(mine)
        publishing.meeting_place(
            session=self.session, request=self.requests[0], slot=slot, table=table, user=self.alice, force=True
        )
        self.session.refresh_from_db()
        for_bob = selectors.agenda_for(self.session, self.i2cool, self.bob)
        with_luoxin = [i for i in for_bob.meetings if i.other == self.luoxin]
        self.assertEqual([i.slot.number for i in with_luoxin], [published_slot])
        for_staff = selectors.agenda_for(self.session, self.i2cool, self.alice)
        self.assertEqual([i.slot.number for i in for_staff.meetings if i.other == self.luoxin], [slot])
        self.login(self.bob)
        response = self.client.get(f"/en/meetings/{self.session.slug}/agenda/i2cool/")
        self.assertContains(response, "This is the published version")

    def test_a_new_scheduler_run_on_a_published_session_is_a_draft(self):
        self.publish()
        scheduling.session_schedule(session=self.session, time_limit=10)
        self.session.refresh_from_db()
        self.assertEqual((self.session.status, self.session.unpublished_changes), ("published", True))

    def test_before_the_first_publication_participants_see_no_meeting_anywhere(self):
        self.login(self.bob)
        agenda = self.client.get(f"/en/meetings/{self.session.slug}/agenda/i2cool/")
        self.assertNotContains(agenda, "/organisations/jinan-luoxin-power-semiconductor/")
        ics = self.client.get(f"/en/meetings/{self.session.slug}/agenda/i2cool.ics")
        self.assertNotIn(b"BEGIN:VEVENT", ics.content)
        self.assertEqual(self.client.get(f"/api/meetings/sessions/{self.session.slug}/meetings").json(), [])
        rows = self.client.get(f"/api/meetings/sessions/{self.session.slug}/requests").json()
        self.assertTrue(rows)
        self.assertEqual({(r["slot"], r["table"]) for r in rows}, {(None, None)})
        self.assertNotContains(self.client.get(self.session.get_absolute_url()), "slot 1, table")

    def test_every_reader_surface_shows_the_published_version_while_staff_edit(self):
        self.publish()
        mine = Meeting.objects.get(request=self.requests[0])
        published = (mine.slot, mine.table)
        slot, table = self._free_cell(mine)
        publishing.meeting_place(
            session=self.session, request=self.requests[0], slot=slot, table=table, user=self.alice, force=True
        )
        self.login(self.bob)
        rows = {
            r["reference"]: r for r in self.client.get(f"/api/meetings/sessions/{self.session.slug}/requests").json()
        }
        self.assertEqual((rows[self.requests[0].slug]["slot"], rows[self.requests[0].slug]["table"]), published)
        meetings = {
            m["request"]: m for m in self.client.get(f"/api/meetings/sessions/{self.session.slug}/meetings").json()
        }
        self.assertEqual((meetings[self.requests[0].slug]["slot"], meetings[self.requests[0].slug]["table"]), published)
        page = self.client.get(self.requests[0].get_absolute_url())
        self.assertContains(page, f"slot {published[0]}, table {published[1]}")
        self.login(self.alice)  # staff read the draft
        rows = {
            r["reference"]: r for r in self.client.get(f"/api/meetings/sessions/{self.session.slug}/requests").json()
        }
        self.assertEqual(rows[self.requests[0].slug]["slot"], slot)

    def test_a_cancelled_published_meeting_is_announced_once(self):
        self.publish()
        with self.captureOnCommitCallbacks(execute=True):
            services.request_cancel(request=self.requests[0], user=self.alice)
        told = Notice.objects.filter(user=self.bob, kind="agenda").count()
        self.session.refresh_from_db()
        self.publish()  # the cancelled meeting is a "dropped" change, already announced
        self.assertEqual(Notice.objects.filter(user=self.bob, kind="agenda").count(), told)

    def test_a_removed_participant_may_register_again(self):
        from datetime import timedelta

        from django.utils import timezone

        from innobridge.meetings import participation
        from innobridge.meetings.models import MatchmakingSession

        hku = self.dave.membership.organisation
        MatchmakingSession.objects.filter(pk=self.session.pk).update(
            registration="approval", date=timezone.localdate() + timedelta(days=5)
        )
        self.session.refresh_from_db()
        reg = participation.session_register(session=self.session, organisation=hku, user=self.dave)
        participation.registration_decide(registration=reg, approve=True, user=self.alice)
        services.participant_remove(session=self.session, organisation=hku)
        again = participation.session_register(session=self.session, organisation=hku, user=self.dave)
        self.assertEqual(again.status, "pending")

    def test_a_new_run_keeps_attendance_and_the_draft_agreement(self):
        self.publish()
        meeting = Meeting.objects.get(request=self.requests[0])
        services.meeting_check_in(meeting=meeting, attendance="attended", user=self.alice)
        meeting = services.meeting_record_outcome(meeting=meeting, outcome="agreement", user=self.alice)
        scheduling.session_reschedule(session=self.session, time_limit=10)
        again = Meeting.objects.get(request=self.requests[0])
        self.assertEqual((again.attendance, again.agreement_id), ("attended", meeting.agreement_id))

    def _free_cell(self, meeting: Meeting) -> tuple[int, int]:
        """A slot where neither side of ``meeting`` meets, and a free table in it."""
        r = meeting.request
        sides = [r.requester_id, r.requested_id]
        busy = {
            m.slot
            for m in Meeting.objects.filter(session=self.session).select_related("request")
            if {m.request.requester_id, m.request.requested_id} & set(sides)
        }
        for slot in range(1, self.session.slots + 1):
            if slot in busy:
                continue
            taken = set(Meeting.objects.filter(session=self.session, slot=slot).values_list("table", flat=True))
            for table in range(1, self.session.tables + 1):
                if table not in taken:
                    return slot, table
        self.fail("no free cell")


class HandPlacementTests(MeetingsTestCase):
    def setUp(self):
        self.requests = self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)

    def test_a_double_booking_is_warned_about_and_made_only_when_confirmed(self):
        moving = Meeting.objects.get(request=self.requests[0])  # i2cool–luoxin
        other = Meeting.objects.filter(request__requester=self.i2cool).exclude(pk=moving.pk).first()
        slot = other.slot  # i2cool already meets someone then
        taken = set(Meeting.objects.filter(session=self.session, slot=slot).values_list("table", flat=True))
        table = next(t for t in range(1, self.session.tables + 1) if t not in taken)
        with self.assertRaises(publishing.PlacementConflict) as caught:
            publishing.meeting_place(
                session=self.session, request=self.requests[0], slot=slot, table=table, user=self.alice
            )
        self.assertTrue(
            any("has two meetings in slot" in w and str(self.i2cool) in w for w in caught.exception.warnings),
            caught.exception.warnings,
        )
        moving.refresh_from_db()
        self.assertNotEqual(moving.slot, slot)  # nothing changed
        _m, warnings = publishing.meeting_place(
            session=self.session, request=self.requests[0], slot=slot, table=table, user=self.alice, force=True
        )
        self.assertTrue(warnings)
        moving.refresh_from_db()
        self.assertEqual((moving.slot, moving.table), (slot, table))

    def test_a_taken_table_and_a_refused_pair_are_never_overridden(self):
        # Another meeting of this session (the demo has sessions of its own), in a cell that is not
        # the one requests[0] already holds: placing a meeting where it already is moves nothing.
        own = Meeting.objects.get(request=self.requests[0])
        occupied = (
            Meeting.objects.filter(session=self.session)
            .exclude(request=self.requests[0])
            .exclude(slot=own.slot, table=own.table)
            .first()
        )
        with self.assertRaisesMessage(Exception, "is taken in slot"):
            publishing.meeting_place(
                session=self.session,
                request=self.requests[0],
                slot=occupied.slot,
                table=occupied.table,
                user=self.alice,
                force=True,
            )
        services.preference_set(
            session=self.session, organisation=self.luoxin, other=self.i2cool, kind=MeetingPreference.Kind.DO_NOT
        )
        with self.assertRaisesMessage(Exception, "does not want to meet"):
            publishing.meeting_place(
                session=self.session, request=self.requests[0], slot=1, table=3, user=self.alice, force=True
            )

    def test_members_do_not_adjust(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            publishing.meeting_place(session=self.session, request=self.requests[0], slot=1, table=1, user=self.bob)

    def test_a_freed_meeting_waits_on_the_standby_list_and_can_be_put_back(self):
        meeting = Meeting.objects.get(request=self.requests[4])
        slot, table = meeting.slot, meeting.table
        publishing.meeting_unplace(meeting=meeting, user=self.alice)
        waiting = selectors.standby(self.session)
        self.assertEqual([e.request.pk for e in waiting], [self.requests[4].pk])
        self.assertIn((slot, table), waiting[0].free)
        self.login(self.alice)
        response = self.client.post(
            f"/en/meetings/{self.session.slug}/place/",
            {"request": self.requests[4].slug, "slot": slot, "table": table},
        )
        self.assertRedirects(response, f"/en/meetings/{self.session.slug}/schedule/")
        self.assertEqual(selectors.standby(self.session), [])

    def test_must_meet_pairs_head_the_standby_list(self):
        for r in self.requests[4:7]:
            publishing.meeting_unplace(meeting=Meeting.objects.get(request=r), user=self.alice)
        services.preference_set(
            session=self.session, organisation=self.luoxin, other=self.queshua, kind=MeetingPreference.Kind.MUST
        )
        waiting = selectors.standby(self.session)
        self.assertEqual(waiting[0].request.pk, self.requests[6].pk)  # luoxin–queshua
        self.assertTrue(waiting[0].must)

    def test_the_page_asks_to_confirm_a_conflict_and_the_api_answers_409(self):
        other = Meeting.objects.filter(request__requester=self.i2cool).exclude(request=self.requests[0]).first()
        taken = set(Meeting.objects.filter(session=self.session, slot=other.slot).values_list("table", flat=True))
        table = next(t for t in range(1, self.session.tables + 1) if t not in taken)
        self.login(self.alice)
        response = self.client.post(
            f"/en/meetings/{self.session.slug}/place/",
            {"request": self.requests[0].slug, "slot": other.slot, "table": table},
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Place anyway", status_code=409)
        r = self.client.post(
            f"/api/meetings/sessions/{self.session.slug}/placements",
            {"request": self.requests[0].slug, "slot": other.slot, "table": table},
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 409)
        r = self.client.post(
            f"/api/meetings/sessions/{self.session.slug}/placements",
            {"request": self.requests[0].slug, "slot": other.slot, "table": table, "force": True},
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertTrue(r.json()["warnings"])
        r = self.client.get(f"/api/meetings/sessions/{self.session.slug}/changes")
        self.assertEqual(r.json()["published_version"], None)


class CancelAfterPublishingTests(MeetingsTestCase):
    def test_cancelling_a_published_meeting_tells_the_other_side_at_once(self):
        request = self.make_request(self.luoxin, self.i2cool)
        scheduling.session_schedule(session=self.session, time_limit=10)
        with self.captureOnCommitCallbacks(execute=True):
            services.session_publish(session=self.session)
        before = Notice.objects.filter(user=self.bob).count()
        with self.captureOnCommitCallbacks(execute=True):
            services.request_cancel(request=request, user=self.alice)
        notice = Notice.objects.filter(user=self.bob).order_by("-pk").first()
        self.assertEqual(Notice.objects.filter(user=self.bob).count(), before + 1)
        self.assertIn("is cancelled", notice.body)
        # bob cancelling himself is not told about it.
        other = self.make_request(self.queshua, self.i2cool, source="staff")
        scheduling.session_reschedule(session=self.session, time_limit=10)
        with self.captureOnCommitCallbacks(execute=True):
            services.session_publish(session=self.session)
        count = Notice.objects.filter(user=self.bob).count()
        with self.captureOnCommitCallbacks(execute=True):
            services.request_cancel(request=other, user=self.bob)
        self.assertEqual(Notice.objects.filter(user=self.bob).count(), count)
