"""Contact requests tell the people concerned: the receiving organisation's members when one arrives,
the sender's members when it is answered, in each reader's language, never the person who acted."""

from innobridge.accounts.models import Notice, Preferences
from innobridge.matching import services
from innobridge.testing import BaseTestCase


class ContactNoticeTests(BaseTestCase):
    def test_the_owner_hears_of_a_request_and_the_sender_of_the_answer(self):
        offer = services.offer_save(owner=self.i2cool, title="Radiative cooling film", status="published")
        Preferences.objects.create(user=self.bob, language="zh-hans")
        with self.captureOnCommitCallbacks(execute=True):
            request = services.contact_request_create(
                requester=self.zehao, offer=offer, message="We would like a pilot.", user=self.carol
            )
        notice = Notice.objects.get(user=self.bob)
        self.assertEqual(notice.kind, "contact")
        self.assertIn("Radiative cooling film", notice.subject)
        self.assertIn("希望", notice.subject)  # in bob's language
        self.assertEqual(notice.body, "We would like a pilot.")
        self.assertEqual(notice.url, f"/zh-hans/contact-requests/{request.slug}/")
        self.assertFalse(Notice.objects.filter(user=self.carol).exists())  # she sent it
        with self.captureOnCommitCallbacks(execute=True):
            services.contact_request_answer(request=request, accept=True, answer="Gladly.", user=self.bob)
        answer = Notice.objects.get(user=self.carol)
        self.assertIn("accepted", answer.subject)
        self.assertEqual(answer.body, "Gladly.")
        self.assertEqual(Notice.objects.filter(user=self.bob).count(), 1)

    def test_a_repeated_request_notifies_once(self):
        offer = services.offer_save(owner=self.i2cool, title="Radiative cooling film", status="published")
        with self.captureOnCommitCallbacks(execute=True):
            first = services.contact_request_create(requester=self.zehao, offer=offer, user=self.carol)
            again = services.contact_request_create(requester=self.zehao, offer=offer, user=self.carol)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(Notice.objects.filter(user=self.bob).count(), 1)
