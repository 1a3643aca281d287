from datetime import date, time

from django.contrib.auth.models import User

from innobridge.directory.models import Membership, Organisation, Place
from innobridge.meetings import scheduling, services
from innobridge.meetings.models import MatchmakingSession, MeetingRequest
from innobridge.programmes.models import Delegation
from innobridge.testing import PASSWORD, BaseTestCase


class MeetingsTestCase(BaseTestCase):
    """A session in Jinan with i2Cool (bob's), CAS-CAIR and three Shandong enterprises; carol's Zehao is out.

    dave is a member of HKU, which takes part in nothing here.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dave = User.objects.create_user("dave", "dave@example.org", PASSWORD)
        Membership.objects.create(user=cls.dave, organisation=Organisation.objects.get(slug="hku"))
        cls.cair = Organisation.objects.get(slug="cas-cair")
        cls.luoxin = Organisation.objects.get(slug="jinan-luoxin-power-semiconductor")
        cls.queshua = Organisation.objects.get(slug="jinan-queshua-digital-finance")
        cls.quanshu = Organisation.objects.get(slug="jinan-quanshu-software-park")
        cls.delegation = Delegation.objects.get(slug="hkstp-to-shandong-2023-10")
        cls.session = services.session_save(
            slug="test-jinan-session",
            name_en="Test Jinan session",
            name_zh_hant="測試濟南對接會",
            delegation=cls.delegation,
            place=Place.objects.get(slug="jinan"),
            date=date(2023, 10, 19),
            start_time=time(9, 0),
            slot_minutes=30,
            slots=6,
            morning_slots=3,
            lunch_minutes=60,
            tables=3,
            time_zone="Asia/Shanghai",
            status=MatchmakingSession.Status.OPEN,
            visibility="partners",
        )
        for org in (cls.i2cool, cls.cair, cls.luoxin, cls.queshua, cls.quanshu):
            services.participant_add(session=cls.session, organisation=org)

    def make_request(self, a, b, *, status="accepted", **kwargs) -> MeetingRequest:
        return services.request_create(session=self.session, requester=a, requested=b, status=status, **kwargs)

    def accepted_set(self):
        """Seven accepted requests that fit in six slots and three tables."""
        pairs = [
            (self.i2cool, self.luoxin),
            (self.i2cool, self.queshua),
            (self.i2cool, self.quanshu),
            (self.cair, self.luoxin),
            (self.cair, self.queshua),
            (self.cair, self.quanshu),
            (self.luoxin, self.queshua),
        ]
        return [self.make_request(a, b) for a, b in pairs]


class PublishedMeetingTestCase(MeetingsTestCase):
    """The same session with one meeting (Luoxin asked i2Cool; accepted), scheduled and published."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.request = services.request_create(
            session=cls.session, requester=cls.luoxin, requested=cls.i2cool, status="accepted"
        )
        scheduling.session_schedule(session=cls.session, time_limit=10)
        services.session_publish(session=cls.session)
