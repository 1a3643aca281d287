"""'Only one' rules hold under parallel requests: real threads, real transactions, on PostgreSQL.

SQLite serialises every write in one file and the test database lives in memory, not shared
between threads, so the parallel part runs on PostgreSQL only (CI runs the suite there too);
the constraints themselves are checked on both databases.
"""

import threading
from datetime import date, time

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import TestCase, TransactionTestCase

from innobridge.directory import services as directory
from innobridge.matching import services
from innobridge.matching.models import ContactRequest
from innobridge.meetings import services as meetings
from innobridge.meetings.models import MeetingRequest

PARALLEL = 10


def _sample():
    seller = directory.organisation_save(name_en="Seller Ltd", kind="enterprise")
    buyer = directory.organisation_save(name_en="Buyer Ltd", kind="enterprise")
    offer = services.offer_save(owner=seller, title="Radiative cooling film", status="published")
    return seller, buyer, offer, User.objects.create_user("dora")


def in_parallel(n: int, work) -> list:
    """Run ``work(i)`` in n threads released together; each result is a value or the exception raised."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


class ParallelTests(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("parallel threads need a database server: SQLite's in-memory test database is per thread")
        self.seller, self.buyer, self.offer, self.user = _sample()

    def test_parallel_interest_creates_one_pending_request(self):
        results = in_parallel(
            PARALLEL,
            lambda i: services.contact_request_create(
                requester=self.buyer, offer=self.offer, message=str(i), user=self.user
            ),
        )
        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        self.assertEqual(ContactRequest.objects.filter(offer=self.offer, status="pending").count(), 1)
        self.assertEqual(len({r.pk for r in results}), 1)  # everyone got the one request back

    def test_of_parallel_answers_exactly_one_succeeds(self):
        request = services.contact_request_create(requester=self.buyer, offer=self.offer, user=self.user)
        results = in_parallel(
            6, lambda i: services.contact_request_answer(request=request, accept=i % 2 == 0, answer=f"answer {i}")
        )
        succeeded = [r for r in results if isinstance(r, ContactRequest)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        self.assertEqual((len(succeeded), len(refused)), (1, 5), results)
        request.refresh_from_db()
        self.assertEqual(request.answer, succeeded[0].answer)

    def test_parallel_meeting_requests_for_one_pair_create_one(self):
        qingdao = directory.place_save(name_en="Qingdao", kind="city")
        session = meetings.session_save(
            name_en="B2B", place=qingdao, date=date(2030, 5, 1), start_time=time(9, 0), status="open"
        )

        def ask(i: int):
            a, b = (self.buyer, self.seller) if i % 2 else (self.seller, self.buyer)
            return meetings.request_create(session=session, requester=a, requested=b)

        results = in_parallel(PARALLEL, ask)
        created = [r for r in results if isinstance(r, MeetingRequest)]
        self.assertEqual(len(created), 1, results)
        self.assertTrue(all(isinstance(r, ValidationError) for r in results if r not in created), results)
        self.assertEqual(MeetingRequest.objects.filter(session=session).count(), 1)


class ConstraintTests(TestCase):
    """The last guard, on every database: a second pending request cannot be stored at all."""

    def test_the_database_refuses_a_second_pending_request_for_a_pair(self):
        seller, buyer, offer, user = _sample()
        services.contact_request_create(requester=buyer, offer=offer, user=user)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ContactRequest.objects.create(
                slug="cr-dup", requester=buyer, recipient=seller, offer=offer, created_by=user
            )
        # Answered requests do not count: a new one may follow.
        ContactRequest.objects.filter(offer=offer).update(status="declined")
        again = services.contact_request_create(requester=buyer, offer=offer, user=user)
        self.assertEqual(again.status, "pending")
        self.assertEqual(ContactRequest.objects.filter(offer=offer).count(), 2)

    def test_a_second_answer_is_refused(self):
        seller, buyer, offer, user = _sample()
        request = services.contact_request_create(requester=buyer, offer=offer, user=user)
        stale = ContactRequest.objects.get(pk=request.pk)
        services.contact_request_answer(request=request, accept=True)
        with self.assertRaises(ValidationError):
            services.contact_request_answer(request=stale, accept=False)
        self.assertEqual(ContactRequest.objects.get(pk=request.pk).status, "accepted")
