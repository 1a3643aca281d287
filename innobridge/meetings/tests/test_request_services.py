from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.meetings import scheduling, services
from innobridge.meetings.models import Meeting, MeetingRequest, SessionParticipant
from innobridge.meetings.tests.base import MeetingsTestCase


class RequestServiceTests(MeetingsTestCase):
    def test_a_new_request_waits_for_an_answer_and_adds_both_sides_as_participants(self):
        request = self.make_request(self.i2cool, self.zehao, status="pending")
        self.assertEqual(request.status, "pending")
        self.assertTrue(request.slug.startswith("mr-"))
        self.assertTrue(SessionParticipant.objects.filter(session=self.session, organisation=self.zehao).exists())

    def test_one_open_request_per_pair_whichever_side_asks(self):
        self.make_request(self.i2cool, self.luoxin, status="pending")
        with self.assertRaises(ValidationError):
            self.make_request(self.luoxin, self.i2cool, status="pending")
        self.assertEqual(MeetingRequest.objects.filter(session=self.session).count(), 1)

    def test_a_declined_pair_may_ask_again(self):
        first = self.make_request(self.i2cool, self.luoxin, status="pending")
        services.request_answer(request=first, accept=False, user=self.alice)
        self.make_request(self.i2cool, self.luoxin, status="pending")
        self.assertEqual(MeetingRequest.objects.filter(session=self.session, status="pending").count(), 1)

    def test_an_organisation_cannot_meet_itself(self):
        with self.assertRaises(ValidationError):
            self.make_request(self.i2cool, self.i2cool)

    def test_the_requested_side_accepts(self):
        request = self.make_request(self.luoxin, self.i2cool, status="pending")
        services.request_answer(request=request, accept=True, user=self.bob, answer="See you there")
        request.refresh_from_db()
        self.assertEqual((request.status, request.answered_by, request.answer), ("accepted", self.bob, "See you there"))

    def test_the_requester_cannot_accept_its_own_request(self):
        request = self.make_request(self.i2cool, self.luoxin, status="pending")
        with self.assertRaises(PermissionDenied):
            services.request_answer(request=request, accept=True, user=self.bob)
        request.refresh_from_db()
        self.assertEqual(request.status, "pending")

    def test_a_third_organisation_cannot_answer(self):
        request = self.make_request(self.luoxin, self.i2cool, status="pending")
        with self.assertRaises(PermissionDenied):
            services.request_answer(request=request, accept=False, user=self.carol)
        request.refresh_from_db()
        self.assertEqual(request.status, "pending")

    def test_staff_answer_for_anyone(self):
        request = self.make_request(self.luoxin, self.i2cool, status="pending")
        services.request_answer(request=request, accept=False, user=self.alice)
        request.refresh_from_db()
        self.assertEqual(request.status, "declined")

    def test_an_answered_request_cannot_be_answered_again(self):
        request = self.make_request(self.luoxin, self.i2cool, status="pending")
        services.request_answer(request=request, accept=False, user=self.bob)
        with self.assertRaises(ValidationError):
            services.request_answer(request=request, accept=True, user=self.bob)
        request.refresh_from_db()
        self.assertEqual(request.status, "declined")

    def test_cancelling_frees_the_scheduled_meeting(self):
        requests = self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)
        self.assertTrue(Meeting.objects.filter(request=requests[0]).exists())
        services.request_cancel(request=requests[0], user=self.bob)
        requests[0].refresh_from_db()
        self.assertEqual(requests[0].status, "cancelled")
        self.assertFalse(Meeting.objects.filter(request=requests[0]).exists())

    def test_an_outsider_cannot_cancel(self):
        request = self.make_request(self.cair, self.luoxin)
        with self.assertRaises(PermissionDenied):
            services.request_cancel(request=request, user=self.bob)
        request.refresh_from_db()
        self.assertEqual(request.status, "accepted")

    def test_a_participant_cannot_request_in_a_draft_session(self):
        self.session.status = "draft"
        self.session.save()
        with self.assertRaises(ValidationError):
            self.make_request(self.i2cool, self.luoxin, status="pending", source="participant")

    def test_unavailable_slots_outside_the_session_are_refused(self):
        with self.assertRaises(ValidationError):
            services.participant_add(session=self.session, organisation=self.i2cool, unavailable_slots=[0, 7])
        participant = SessionParticipant.objects.get(session=self.session, organisation=self.i2cool)
        self.assertEqual(participant.unavailable_slots, [])
