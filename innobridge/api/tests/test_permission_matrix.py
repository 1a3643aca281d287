"""The permission matrix: every persona x every page and API operation x read and write.

Pages come from the URL configuration, API operations from the OpenAPI schema. Each is classified
in RULES by URL name (or "METHOD /api/path") with the answer expected for each persona; a new URL
that is not classified fails the test until someone decides who may use it. Personas: anonymous,
``other`` (carol, member of another organisation), ``owner`` (bob, member of i2Cool, which owns or
takes part in every sample record) and ``staff`` (alice).

Answers: OK (served, or for a write: accepted, redirected or refused as invalid input), LOGIN (sent
to sign in; 401 in the API), DENY (403), GONE (404: hidden or absent), NOPE (405 wrong method).
Writes are POSTs with an empty body (the API: an empty JSON object), so nothing valid is written.
"""

import uuid

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from innobridge.accounts.tokens import token_create
from innobridge.api.api import api
from innobridge.api.links import _selectors
from innobridge.directory import services as directory
from innobridge.documents.models import SourceDocument
from innobridge.matching import services as matching
from innobridge.matching.models import ContactRequest, TechnologyNeed, TechnologyOffer
from innobridge.meetings.models import MatchmakingSession, MeetingRequest, SessionRegistration
from innobridge.meetings.permissions import can_see_request
from innobridge.programmes.models import Agreement, AgreementParty, Delegation, Event
from innobridge.testing import BaseTestCase

OK, LOGIN, DENY, GONE, NOPE = "OK", "LOGIN", "DENY", "GONE", "NOPE"
PERSONAS = ("anonymous", "other", "owner", "staff")

# Who gets what, in persona order (anonymous, other, owner, staff).
EVERYONE = (OK, OK, OK, OK)
SIGNED_IN = (LOGIN, OK, OK, OK)
OWNER = (LOGIN, DENY, OK, OK)
PARTIES = (LOGIN, GONE, OK, OK)
STAFF = (LOGIN, DENY, DENY, OK)
ADMIN_STAFF = (LOGIN, LOGIN, LOGIN, OK)  # Django's admin sends everyone but staff to its own sign-in
MEMBER_OR_STAFF = (LOGIN, OK, OK, OK)
POST_ONLY = (LOGIN, NOPE, NOPE, NOPE)
API_PUBLIC = (OK, OK, OK, OK)
API_SIGNED_IN = (LOGIN, OK, OK, OK)
API_STAFF = (LOGIN, DENY, DENY, OK)
API_MEMBERS = (LOGIN, OK, OK, DENY)

# url name -> (read, write). Read-only pages answer a POST as they answer a GET.
RULES = {
    "front:home": (EVERYONE, EVERYONE),
    "directory:organisation_list": (EVERYONE, EVERYONE),
    "directory:organisation_create": (STAFF, STAFF),
    "directory:alias_review": (STAFF, STAFF),
    "directory:english_names": (STAFF, (LOGIN, DENY, DENY, GONE)),  # the sample post names no record
    "front:english_summaries": (STAFF, (LOGIN, DENY, DENY, GONE)),  # the sample post names no record
    "directory:alias_decide": ((LOGIN, DENY, DENY, NOPE), (LOGIN, DENY, DENY, GONE)),  # sample: no such alias
    "directory:organisation_detail": (EVERYONE, EVERYONE),
    "directory:organisation_edit": (OWNER, OWNER),
    "directory:person_create": (STAFF, STAFF),
    "directory:person_detail": (EVERYONE, EVERYONE),
    "directory:person_list": (EVERYONE, EVERYONE),
    "front:search": (EVERYONE, EVERYONE),
    "directory:person_edit": (OWNER, OWNER),
    "directory:place_list": (EVERYONE, EVERYONE),
    "directory:place_detail": (EVERYONE, EVERYONE),
    "programmes:programme_list": (EVERYONE, EVERYONE),
    "programmes:programme_detail": (EVERYONE, EVERYONE),
    "programmes:delegation_list": (EVERYONE, EVERYONE),
    "programmes:delegation_detail": (EVERYONE, EVERYONE),
    "programmes:event_list": (EVERYONE, EVERYONE),
    "programmes:event_detail": (EVERYONE, EVERYONE),
    "programmes:agreement_list": (EVERYONE, EVERYONE),
    "programmes:agreement_detail": (EVERYONE, EVERYONE),
    "matching:offer_list": (EVERYONE, EVERYONE),
    "matching:offer_create": (MEMBER_OR_STAFF, MEMBER_OR_STAFF),
    "matching:offer_detail": (EVERYONE, EVERYONE),
    "matching:offer_edit": (OWNER, OWNER),
    "matching:offer_renew": (POST_ONLY, OWNER),
    "matching:need_list": (EVERYONE, EVERYONE),
    "matching:need_create": (MEMBER_OR_STAFF, MEMBER_OR_STAFF),
    "matching:need_detail": (EVERYONE, EVERYONE),
    "matching:need_edit": (OWNER, OWNER),
    "matching:feedback": (POST_ONLY, OWNER),
    "matching:express_interest": (POST_ONLY, (LOGIN, OK, OK, DENY)),  # owner: refused with a message
    "matching:contact_request_list": (SIGNED_IN, SIGNED_IN),
    "matching:contact_request_detail": ((LOGIN, DENY, OK, OK), (LOGIN, DENY, OK, OK)),
    "matching:ranker_list": (STAFF, STAFF),
    "matching:ranker_detail": (STAFF, STAFF),  # POST: pin, unpin, roll back or retrain
    "documents:document_list": (STAFF, STAFF),
    "documents:document_upload": (STAFF, STAFF),
    "documents:document_detail": (STAFF, STAFF),
    "documents:records_merge": (STAFF, STAFF),
    "audit:history": (STAFF, STAFF),
    "accounts:login": (EVERYONE, EVERYONE),
    "accounts:logout": ((NOPE, NOPE, NOPE, NOPE), EVERYONE),
    "accounts:password_reset": (EVERYONE, EVERYONE),
    "accounts:password_reset_done": (EVERYONE, (NOPE, NOPE, NOPE, NOPE)),
    "accounts:password_reset_confirm": (EVERYONE, EVERYONE),  # the sample link is not valid
    "accounts:password_reset_complete": (EVERYONE, (NOPE, NOPE, NOPE, NOPE)),
    "accounts:token_list": (SIGNED_IN, SIGNED_IN),
    "accounts:signup": (EVERYONE, EVERYONE),  # signed-in users are sent on to joining
    "accounts:signup_sent": (EVERYONE, EVERYONE),
    "accounts:signup_confirm": (EVERYONE, EVERYONE),  # 400: the sample link is not valid
    "accounts:preferences": (SIGNED_IN, SIGNED_IN),
    # Joining: any signed-in user may ask; only staff decide; members see their own organisation's list.
    "directory:join": (SIGNED_IN, SIGNED_IN),
    "directory:membership_requests": (STAFF, (LOGIN, DENY, DENY, GONE)),  # the sample post names no request
    "directory:organisation_members": ((LOGIN, DENY, OK, OK), (LOGIN, DENY, DENY, OK)),  # bob is no administrator
    "directory:invitation_accept": ((GONE, GONE, GONE, GONE), (GONE, GONE, GONE, GONE)),  # no such invitation
    "accounts:token_revoke": (POST_ONLY, (LOGIN, GONE, OK, GONE)),
    "admin:index": (ADMIN_STAFF, ADMIN_STAFF),
    "jobs:job_list": (SIGNED_IN, SIGNED_IN),
    "jobs:job_detail": ((LOGIN, GONE, GONE, GONE), (LOGIN, GONE, GONE, GONE)),  # someone else's job
    "jobs:job_file": ((LOGIN, GONE, GONE, GONE), (LOGIN, GONE, GONE, GONE)),
    # Sessions: the sample is not public, so anonymous visitors do not learn it exists.
    "meetings:session_list": (EVERYONE, EVERYONE),
    "meetings:calendar_settings": (SIGNED_IN, SIGNED_IN),
    "calendar_feed": ((GONE, GONE, GONE, GONE), (GONE, GONE, GONE, GONE)),  # the sample secret opens nothing
    "meetings:session_create": (STAFF, STAFF),
    "meetings:session_detail": ((GONE, OK, OK, OK), (GONE, OK, OK, OK)),
    "meetings:session_edit": (STAFF, STAFF),
    "meetings:participant_add": (POST_ONLY, STAFF),
    "meetings:participant_remove": (POST_ONLY, STAFF),
    "meetings:request_create": (SIGNED_IN, SIGNED_IN),
    "meetings:request_from_suggestion": (POST_ONLY, (LOGIN, GONE, GONE, DENY)),  # empty body: no such offer
    "meetings:request_detail": ((LOGIN, GONE, OK, OK), (LOGIN, GONE, OK, OK)),
    "meetings:request_answer": (POST_ONLY, (LOGIN, GONE, OK, OK)),
    "meetings:request_cancel": (POST_ONLY, (LOGIN, GONE, OK, OK)),
    "meetings:request_import": (STAFF, STAFF),
    # carol's Zehao and bob's i2Cool both take part in the sample session: each states its own wishes.
    "meetings:preferences": ((LOGIN, OK, OK, OK), (LOGIN, OK, OK, OK)),
    "meetings:session_action": (POST_ONLY, (LOGIN, DENY, DENY, GONE)),  # empty body: no such action
    "meetings:schedule": ((GONE, OK, OK, OK), (GONE, OK, OK, OK)),
    "meetings:schedule_xlsx": ((GONE, OK, OK, OK), (GONE, OK, OK, OK)),
    "meetings:agenda": ((GONE, DENY, OK, OK), (GONE, DENY, OK, OK)),
    "meetings:agenda_ics": ((GONE, DENY, OK, OK), (GONE, DENY, OK, OK)),
    "meetings:meeting_record": (POST_ONLY, (LOGIN, GONE, GONE, GONE)),  # the sample request has no meeting
    # The sample session takes no registrations: members are told so (a redirect with the message).
    "meetings:register": (POST_ONLY, (LOGIN, OK, OK, DENY)),  # staff name the organisation they register
    "meetings:registration_decide": (POST_ONLY, STAFF),
    "meetings:registration_withdraw": (POST_ONLY, (LOGIN, DENY, OK, OK)),
    "meetings:place": (POST_ONLY, (LOGIN, DENY, DENY, GONE)),  # empty body: no such request
    "meetings:unplace": (POST_ONLY, (LOGIN, DENY, DENY, GONE)),  # the sample request has no meeting
    "meetings:representatives": (POST_ONLY, (LOGIN, GONE, GONE, GONE)),  # empty body: no such organisation
    "meetings:delegation_plan": (EVERYONE, EVERYONE),
    # The itinerary shows travel: the delegation's own organisations (i2Cool, Zehao) and staff only.
    "meetings:itinerary": (SIGNED_IN, SIGNED_IN),
    "meetings:itinerary_ics": (SIGNED_IN, SIGNED_IN),
    "meetings:travel_leg_create": (STAFF, STAFF),
    "meetings:travel_leg_edit": (STAFF, STAFF),
    # Agreements: i2Cool is a party of the sample agreement.
    "pipeline:agreement_status": (POST_ONLY, OWNER),
    "pipeline:agreement_value": (STAFF, STAFF),
    "pipeline:milestone_create": (OWNER, OWNER),
    "pipeline:milestone_edit": (OWNER, OWNER),
    "pipeline:milestone_done": (POST_ONLY, OWNER),
    "pipeline:notification_list": (SIGNED_IN, SIGNED_IN),
    "pipeline:analytics": (STAFF, STAFF),
    "pipeline:analytics_workbook": ((LOGIN, DENY, DENY, NOPE), STAFF),  # a form posts to it; GET is 405 for staff
    "pipeline:funnel": (STAFF, STAFF),
    "pipeline:agreements": (STAFF, STAFF),
    "pipeline:network": (STAFF, STAFF),
    "pipeline:export_workbook": (STAFF, STAFF),
    "pipeline:export_table": (STAFF, STAFF),
    "pipeline:programme_report": (STAFF, STAFF),
}

# Answers that are wrong today, kept visible here until fixed (then the test says so).
KNOWN_WRONG: dict = {}

# The API, by operation; anonymous callers read only what anonymous visitors of the pages read.
API_RULES = {
    "GET /api/organisations": API_PUBLIC,
    "GET /api/organisations/{slug}": API_PUBLIC,
    "GET /api/delegations": API_PUBLIC,
    "GET /api/delegations/{slug}": API_PUBLIC,
    "GET /api/people": API_PUBLIC,
    "GET /api/people/{slug}": API_PUBLIC,
    "GET /api/offers": API_PUBLIC,
    "GET /api/offers/{slug}": API_PUBLIC,
    "GET /api/needs": API_PUBLIC,
    "GET /api/needs/{slug}": API_PUBLIC,
    "GET /api/needs/{slug}/suggestions": API_SIGNED_IN,  # matched terms quote free text
    "GET /api/offers/{slug}/suggestions": API_SIGNED_IN,
    "GET /api/contact-requests": API_SIGNED_IN,
    "POST /api/contact-requests": API_MEMBERS,
    "GET /api/contact-requests/{slug}": (LOGIN, GONE, OK, OK),
    "POST /api/contact-requests/{slug}/answer": (LOGIN, GONE, OK, OK),
    # The learned re-rankers: partners may neither see nor pin nor roll back a programme's model.
    "GET /api/rankers": API_STAFF,
    "GET /api/rankers/{slug}": API_STAFF,
    "POST /api/rankers/{slug}/pin": API_STAFF,
    "POST /api/rankers/{slug}/unpin": API_STAFF,
    "POST /api/rankers/{slug}/roll-back": API_STAFF,
    # The staff list of records lacking English: partners may neither read it nor write a name.
    "GET /api/names-in-english": API_STAFF,
    "POST /api/names-in-english/{kind}/{slug}": API_STAFF,
    "GET /api/summaries-in-english": API_STAFF,
    "POST /api/summaries-in-english/{kind}/{slug}": API_STAFF,
    # Each caller's own notices; membership requests: anyone signed in asks (bob and carol already belong
    # to an organisation: 400), only staff decide (the sample names no request: 404).
    "GET /api/notifications": API_SIGNED_IN,
    "POST /api/notifications/read": API_SIGNED_IN,
    "GET /api/membership-requests": API_SIGNED_IN,
    "POST /api/membership-requests": API_SIGNED_IN,
    "POST /api/membership-requests/{reference}/decision": (LOGIN, DENY, DENY, GONE),
    "GET /api/documents": API_STAFF,
    "GET /api/documents/{slug}": API_STAFF,
    "GET /api/documents/{slug}/proposals": API_STAFF,
    "POST /api/documents/{slug}/proposals/{kind}/{position}": API_STAFF,
    "POST /api/documents/{slug}/accept": API_STAFF,
    "POST /api/documents/{slug}/commit": API_STAFF,
    "GET /api/pipeline/agreements": API_PUBLIC,
    "GET /api/pipeline/agreements/{slug}": API_PUBLIC,
    # The sample session is for partners only; i2Cool and carol's organisation take part.
    "GET /api/meetings/sessions": API_PUBLIC,
    "GET /api/meetings/sessions/{slug}": (GONE, OK, OK, OK),
    "GET /api/meetings/sessions/{slug}/requests": (GONE, OK, OK, OK),  # their own organisation's only
    "GET /api/meetings/sessions/{slug}/meetings": (GONE, OK, OK, OK),
    "POST /api/meetings/requests/{reference}/answer": (LOGIN, GONE, OK, OK),
    "POST /api/meetings/meetings/{reference}/record": (LOGIN, GONE, GONE, GONE),  # the sample is not scheduled
    "GET /api/meetings/sessions/{slug}/preferences": (GONE, OK, OK, OK),  # their own organisation's only
    "POST /api/meetings/sessions/{slug}/preferences": (LOGIN, OK, OK, OK),  # staff: 422, names no organisation
    "GET /api/meetings/sessions/{slug}/registrations": (GONE, OK, OK, OK),  # their own organisation's only
    "POST /api/meetings/sessions/{slug}/registrations": (LOGIN, OK, OK, OK),  # 409: the session takes none
    "POST /api/meetings/registrations/{reference}/decision": (LOGIN, GONE, DENY, OK),
    "POST /api/meetings/registrations/{reference}/withdraw": (LOGIN, GONE, OK, OK),
    "GET /api/meetings/sessions/{slug}/changes": (DENY, DENY, DENY, OK),
    "POST /api/meetings/sessions/{slug}/publish": (LOGIN, DENY, DENY, OK),
    "POST /api/meetings/sessions/{slug}/placements": (LOGIN, DENY, DENY, GONE),  # no such request
    "POST /api/meetings/meetings/{reference}/representatives": (LOGIN, GONE, OK, OK),
}

# A valid body where the input would otherwise be refused (422) before permissions are checked.
API_BODIES = {
    "POST /api/documents/{slug}/proposals/{kind}/{position}": {"decision": "pending"},
    "POST /api/documents/{slug}/accept": {"policy": "none"},
    "POST /api/documents/{slug}/commit": {"programme": ""},
    "POST /api/contact-requests/{slug}/answer": {"decision": "decline"},
    "POST /api/meetings/requests/{reference}/answer": {"accept": False},
    "POST /api/rankers/{slug}/pin": {"version": 1},
    "POST /api/membership-requests/{reference}/decision": {"approve": False},
    "POST /api/names-in-english/{kind}/{slug}": {"name_en": "Matrix Person"},
    "POST /api/summaries-in-english/{kind}/{slug}": {"title_en": "Matrix offer", "summary_en": "In English."},
    "POST /api/meetings/sessions/{slug}/preferences": {"other": "cas-cair", "kind": "would_like"},
    "POST /api/meetings/registrations/{reference}/decision": {"approve": False},
    "POST /api/meetings/sessions/{slug}/placements": {"request": "mr-none", "slot": 1, "table": 1},
    "POST /api/meetings/meetings/{reference}/representatives": {"organisation": "i2cool", "people": []},
}


def page_urls() -> dict[str, str]:
    """url name -> route, for the English pages (the other languages share the same views)."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                found.setdefault(f"{namespace}{p.name}", prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "", "")
    # The admin's own pages are Django's; only its entrance is classified here.
    return {
        n: r
        for n, r in found.items()
        if not n.startswith("api:") and not (n.startswith("admin:") and n != "admin:index")
    }


def api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


class PermissionMatrixTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.offer = matching.offer_save(owner=cls.i2cool, title="Matrix offer", status="published")
        cls.need = matching.need_save(owner=cls.i2cool, title="Matrix need", status="published")
        buyer = type(cls.i2cool).objects.get(slug="hualu-holdings")
        cls.contact = matching.contact_request_create(requester=buyer, offer=cls.offer, user=cls.alice)
        cls.person = directory.person_save(name_en="Matrix Person")
        directory.position_save(person=cls.person, organisation=cls.i2cool, title_en="Engineer")
        cls.document = SourceDocument.objects.create(
            title="Doc", content_hash="b" * 64, slug="doc-matrix", text="Matrix Person"
        )
        cls.document.proposals.create(kind="person", position=0, data={"name": "Matrix Person"}, start=0, end=13)
        cls.agreement = (
            Agreement.objects.filter(visibility="public", signed_on__isnull=False)
            .order_by("-signed_on", "slug")
            .first()
        )
        AgreementParty.objects.get_or_create(agreement=cls.agreement, organisation=cls.i2cool)
        cls.token = token_create(user=cls.bob, name="matrix")[0]
        cls.meeting_request = cls.pending_meeting_request(buyer)
        # A waiting registration of the owner's organisation (made directly: it already takes part).
        cls.registration = SessionRegistration.objects.create(
            session=cls.meeting_request.session, organisation=cls.i2cool
        )
        cls.secrets = {u.username: token_create(user=u, name="api")[1] for u in (cls.alice, cls.bob, cls.carol)}

    @classmethod
    def pending_meeting_request(cls, requester):
        from innobridge.meetings import services as meetings
        from innobridge.meetings.models import MatchmakingSession, MeetingRequest

        session = MatchmakingSession.objects.get(slug="jinan-b2b-2023-10")
        MeetingRequest.objects.filter(session=session, requester=requester, requested=cls.i2cool).delete()
        return meetings.request_create(
            session=session, requester=requester, requested=cls.i2cool, source=MeetingRequest.Source.STAFF
        )

    def page_kwargs(self) -> dict[str, dict]:
        from innobridge.programmes.models import Delegation, Event, Programme

        return {
            "directory:organisation_detail": {"slug": "i2cool"},
            "directory:organisation_edit": {"slug": "i2cool"},
            "directory:alias_decide": {"reference": "alias-0000000000"},
            "directory:person_detail": {"slug": self.person.slug},
            "directory:person_edit": {"slug": self.person.slug},
            "directory:place_detail": {"slug": "qingdao"},
            "programmes:programme_detail": {"slug": Programme.objects.first().slug},
            "programmes:delegation_detail": {"slug": Delegation.objects.filter(visibility="public").first().slug},
            "programmes:event_detail": {"slug": Event.objects.filter(visibility="public").first().slug},
            "programmes:agreement_detail": {"slug": self.agreement.slug},
            "matching:offer_detail": {"slug": self.offer.slug},
            "matching:offer_edit": {"slug": self.offer.slug},
            "matching:offer_renew": {"slug": self.offer.slug},
            "matching:need_detail": {"slug": self.need.slug},
            "matching:need_edit": {"slug": self.need.slug},
            "matching:feedback": {"need_slug": self.need.slug, "offer_slug": self.offer.slug, "side": "offer"},
            "matching:express_interest": {"kind": "offer", "slug": self.offer.slug},
            "matching:contact_request_detail": {"slug": self.contact.slug},
            "matching:ranker_detail": {"slug": Programme.objects.first().slug},
            "documents:document_detail": {"slug": self.document.slug},
            "audit:history": {"model": "matching.technologyoffer", "slug": self.offer.slug},
            "accounts:token_revoke": {"prefix": self.token.prefix},
            "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
            "accounts:signup_confirm": {"uidb64": "MQ", "token": "not-a-token"},
            "directory:organisation_members": {"slug": "i2cool"},
            "directory:invitation_accept": {"secret": "no-such-invitation"},
            "calendar_feed": {"secret": "no-such-calendar"},
            "jobs:job_detail": {"key": uuid.uuid4()},
            "jobs:job_file": {"key": uuid.uuid4()},
            **self.meeting_kwargs(),
            **self.pipeline_kwargs(),
        }

    def meeting_kwargs(self) -> dict[str, dict]:
        from innobridge.meetings.models import TravelLeg

        request = self.meeting_request
        session = request.session
        leg = TravelLeg.objects.first()
        delegation = leg.delegation.slug
        s = {"slug": session.slug}
        return {
            "meetings:request_detail": {"slug": request.slug},
            "meetings:request_answer": {"slug": request.slug},
            "meetings:request_cancel": {"slug": request.slug},
            "meetings:session_detail": s,
            "meetings:session_edit": s,
            "meetings:participant_add": s,
            "meetings:participant_remove": {**s, "org_slug": "i2cool"},
            "meetings:request_create": s,
            "meetings:request_import": s,
            "meetings:preferences": s,
            "meetings:session_action": s,
            "meetings:schedule": s,
            "meetings:schedule_xlsx": s,
            "meetings:agenda": {**s, "org_slug": "i2cool"},
            "meetings:agenda_ics": {**s, "org_slug": "i2cool"},
            "meetings:meeting_record": {**s, "request_slug": request.slug},
            "meetings:register": s,
            "meetings:registration_decide": {"reference": self.registration.reference},
            "meetings:registration_withdraw": {"reference": self.registration.reference},
            "meetings:place": s,
            "meetings:unplace": {**s, "request_slug": request.slug},
            "meetings:representatives": {**s, "request_slug": request.slug},
            "meetings:delegation_plan": {"slug": delegation},
            "meetings:itinerary": {"slug": delegation},
            "meetings:itinerary_ics": {"slug": delegation},
            "meetings:travel_leg_create": {"slug": delegation},
            "meetings:travel_leg_edit": {"slug": delegation, "reference": leg.reference},
        }

    def pipeline_kwargs(self) -> dict[str, dict]:
        from innobridge.pipeline.models import Milestone

        a = {"slug": self.agreement.slug}
        milestone = Milestone.objects.filter(agreement=self.agreement).first() or Milestone.objects.create(
            agreement=self.agreement, title_en="Pilot", due="2030-01-01"
        )
        return {
            "pipeline:agreement_status": a,
            "pipeline:agreement_value": a,
            "pipeline:milestone_create": a,
            "pipeline:milestone_edit": {**a, "reference": milestone.reference},
            "pipeline:milestone_done": {**a, "reference": milestone.reference},
            "pipeline:export_workbook": {"page": "funnel", "fmt": "xlsx"},
            "pipeline:export_table": {"page": "funnel", "table": "funnel", "fmt": "csv"},
            "pipeline:programme_report": {"slug": self.agreement.programme.slug},
        }

    def api_path(self, operation: str) -> str:
        path = operation.split(" ", 1)[1]
        slugs = {
            "/api/organisations/{slug}": "i2cool",
            "/api/people/{slug}": self.person.slug,
            "/api/offers/{slug}": self.offer.slug,
            "/api/needs/{slug}": self.need.slug,
            "/api/contact-requests/{slug}": self.contact.slug,
            "/api/documents/{slug}": self.document.slug,
        }
        from innobridge.programmes.models import Delegation

        slugs["/api/delegations/{slug}"] = Delegation.objects.filter(visibility="public").first().slug
        slugs["/api/pipeline/agreements/{slug}"] = self.agreement.slug
        slugs["/api/meetings/sessions/{slug}"] = self.meeting_request.session.slug
        slugs["/api/rankers/{slug}"] = self.agreement.programme.slug
        if path.startswith(("/api/meetings/requests/", "/api/meetings/meetings/{reference}/representatives")):
            return path.replace("{reference}", self.meeting_request.slug)
        if path.startswith("/api/meetings/registrations/"):
            return path.replace("{reference}", self.registration.reference)
        if path.startswith("/api/names-in-english/"):  # a place: no version to send
            return path.replace("{kind}/{slug}", "place/qingdao")
        if path.startswith("/api/summaries-in-english/"):
            return path.replace("{kind}/{slug}", f"offer/{self.offer.slug}")
        path = path.replace("{kind}/{position}", "person/0")
        for prefix, slug in slugs.items():
            if path.startswith(prefix):
                return path.replace("{slug}", slug)
        return path

    def sign_in(self, persona: str) -> None:
        self.client.logout()
        user = {"other": self.carol, "owner": self.bob, "staff": self.alice}.get(persona)
        if user is not None:
            self.client.force_login(user)

    @staticmethod
    def answer(response) -> str:
        status = response.status_code
        if status in (301, 302) and "login" in response.get("Location", ""):
            return LOGIN
        if status == 401:
            return LOGIN
        if status == 403:
            return DENY
        if status == 404:
            return GONE
        if status == 405:
            return NOPE
        if status < 400 or status in (400, 409, 422):
            return OK
        return f"HTTP {status}"

    def test_every_page_and_endpoint_is_classified(self):
        pages = set(page_urls())
        self.assertEqual(sorted(pages - RULES.keys()), [], "classify these new pages in RULES")
        self.assertEqual(sorted(RULES.keys() - pages), [], "these classified pages are gone")
        ops = api_operations()
        self.assertEqual(sorted(ops - API_RULES.keys()), [], "classify these new API operations in API_RULES")
        self.assertEqual(sorted(API_RULES.keys() - ops), [], "these classified API operations are gone")

    def test_pages_answer_each_persona_as_classified(self):
        kwargs = self.page_kwargs()
        rules = RULES
        wrong = []
        for name in sorted(page_urls()):
            url = reverse(name, kwargs=kwargs.get(name))
            if name not in rules:
                continue
            for mode, expected in zip(("read", "write"), rules[name], strict=True):
                for persona, want in zip(PERSONAS, expected, strict=True):
                    self.sign_in(persona)
                    with transaction.atomic():  # each request sees the same sample data
                        r = self.client.get(url) if mode == "read" else self.client.post(url, {})
                        transaction.set_rollback(True)
                    got = self.answer(r)
                    known = KNOWN_WRONG.get((name, mode, persona))
                    if known is not None:
                        if got != known:
                            wrong.append(f"{name} {mode} as {persona}: now {got}; update KNOWN_WRONG")
                    elif got != want:
                        wrong.append(f"{name} {mode} as {persona}: expected {want}, got {got} ({r.status_code})")
        self.assertEqual(wrong, [])

    def test_api_operations_answer_each_persona_as_classified(self):
        rules = API_RULES
        wrong = []
        for operation in sorted(api_operations()):
            if operation not in rules:
                continue
            method = operation.split(" ")[0].lower()
            path = self.api_path(operation)
            for persona, want in zip(PERSONAS, rules[operation], strict=True):
                secret = self.secrets.get({"other": "carol", "owner": "bob", "staff": "alice"}.get(persona, ""))
                headers = {"Authorization": f"Bearer {secret}"} if secret else {}
                self.client.logout()
                with transaction.atomic():
                    if method == "get":
                        r = self.client.get(path, headers=headers)
                    else:
                        body = API_BODIES.get(operation, {})
                        r = self.client.post(path, body, content_type="application/json", headers=headers)
                    transaction.set_rollback(True)
                got = self.answer(r)
                if got != want:
                    wrong.append(f"{operation} as {persona}: expected {want}, got {got} ({r.status_code})")
        self.assertEqual(wrong, [])


class AddressTests(BaseTestCase):
    def test_no_address_carries_a_database_id(self):
        with_ids = {name for name, route in page_urls().items() if "<int:" in route}
        self.assertEqual(sorted(with_ids), [])
        api_paths = [op for op in api_operations() if "{id}" in op or "{pk}" in op]
        self.assertEqual(api_paths, [])


# Travel legs of a delegation plan, per persona: the page is readable as its delegation is, the
# flights and trains only by the delegation's own organisations and staff.
TRAVEL_SHOWN = {"anonymous": False, "other": False, "owner": True, "staff": True}


class DelegationPlanMatrixTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from innobridge.meetings.models import TravelLeg
        from innobridge.programmes.models import DelegationMember

        cls.leg = TravelLeg.objects.select_related("delegation").first()
        cls.delegation = cls.leg.delegation
        # i2Cool travels with the delegation; carol's organisation does not.
        DelegationMember.objects.get_or_create(delegation=cls.delegation, organisation=cls.i2cool)
        DelegationMember.objects.filter(delegation=cls.delegation, organisation=cls.zehao).delete()
        type(cls.delegation).objects.filter(pk=cls.delegation.pk).update(visibility="public")
        if cls.delegation.visiting_id == cls.zehao.pk:
            type(cls.delegation).objects.filter(pk=cls.delegation.pk).update(visiting=cls.i2cool)

    def test_travel_legs_are_shown_to_the_delegation_and_staff_only(self):
        url = reverse("meetings:delegation_plan", kwargs={"slug": self.delegation.slug})
        depart = self.leg.depart.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
        wrong = []
        for persona in PERSONAS:
            self.client.logout()
            user = {"other": self.carol, "owner": self.bob, "staff": self.alice}.get(persona)
            if user:
                self.client.force_login(user)
            r = self.client.get(url)
            legs = [leg for day in r.context["plan"].days for leg in day.legs]
            shown = bool(legs) or depart in r.content.decode()
            if r.status_code != 200 or shown != TRAVEL_SHOWN[persona]:
                wrong.append(f"{persona}: {r.status_code}, travel shown {shown}")
        self.assertEqual(wrong, [])

    def test_no_other_address_serves_travel_legs(self):
        # Travel legs reach readers through the plan page alone: no API operation, export or
        # calendar names them. A new one must apply meetings.permissions.can_see_travel.
        from innobridge.meetings.models import TravelLeg

        fields = {f.name for f in TravelLeg._meta.get_fields()} - {"id", "delegation", "from_place", "to_place"}
        schema = str(api.get_openapi_schema())
        self.assertFalse([f for f in ("depart", "minutes", "travel", "leg") if f"'{f}'" in schema], fields)


# Serialisers that name another record
# Every GET operation (lists, and details for every record of their kind), as an anonymous caller
# and as carol (member of another organisation): each string of each answer that is the slug of a
# record with restricted visibility must name a record the caller may read (innobridge.api.links).

# The collection an operation's path parameter comes from -> the model whose slugs fill it.
COLLECTIONS = {
    "/api/organisations": None,  # public directory: a few sample slugs suffice
    "/api/people": None,
    "/api/offers": TechnologyOffer,
    "/api/needs": TechnologyNeed,
    "/api/contact-requests": ContactRequest,
    "/api/documents": None,  # staff only: the answer is 401 or 403
    "/api/delegations": Delegation,
    "/api/pipeline/agreements": Agreement,
    "/api/meetings/sessions": MatchmakingSession,
    "/api/rankers": None,  # learned rankers of programmes (public records); pin and roll back are staff only
}
RESTRICTED = (TechnologyOffer, TechnologyNeed, ContactRequest, Agreement, Delegation, Event, MatchmakingSession)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


class ExposedSlugTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.secret_offer = matching.offer_save(
            owner=cls.i2cool, title="Secret offer", status="published", visibility="confidential"
        )
        cls.secret_need = matching.need_save(
            owner=cls.i2cool, title="Secret need", status="published", visibility="confidential"
        )
        cls.partners_offer = matching.offer_save(
            owner=cls.i2cool, title="Partners offer", status="published", visibility="partners"
        )
        cls.agreement = (
            Agreement.objects.filter(visibility="public", signed_on__isnull=False)
            .order_by("-signed_on", "slug")
            .first()
        )
        cls.agreement.offers.add(cls.secret_offer, cls.partners_offer)
        cls.agreement.needs.add(cls.secret_need)
        # carol's organisation asked about an offer that has since become confidential.
        later = matching.offer_save(owner=cls.i2cool, title="Once public", status="published")
        cls.contact = matching.contact_request_create(requester=cls.zehao, offer=later, user=cls.carol)
        matching.offer_save(offer=later, visibility="confidential")
        # A public session of a confidential delegation.
        secret_delegation = Delegation.objects.first()
        Delegation.objects.filter(pk=secret_delegation.pk).update(visibility="confidential")
        cls.session = MatchmakingSession.objects.get(slug="jinan-b2b-2023-10")
        MatchmakingSession.objects.filter(pk=cls.session.pk).update(
            visibility="public", status="published", delegation=secret_delegation
        )
        cls.carol_token = token_create(user=cls.carol, name="links")[1]

    def readable(self, user, obj) -> bool:
        if isinstance(obj, MeetingRequest):
            return can_see_request(user, obj)
        return _selectors()[obj._meta.label_lower](user).filter(pk=obj.pk).exists()

    def restricted_slugs(self) -> dict[str, object]:
        found = {o.slug: o for model in RESTRICTED for o in model.objects.all()}
        found.update({r.slug: r for r in MeetingRequest.objects.all()})
        return found

    def answers(self, headers):
        schema = api.get_openapi_schema()
        for path, operations in schema["paths"].items():
            if "get" not in operations:
                continue
            if "{" not in path:
                yield path, self.client.get(path, {"page_size": 100}, headers=headers)
                continue
            collection = path.split("/{")[0]
            self.assertIn(collection, COLLECTIONS, f"say where the slugs of {path} come from")
            model = COLLECTIONS[collection]
            slugs = [o.slug for o in model.objects.all()] if model else ["i2cool", "no-such-record"]
            for slug in slugs:
                url = path.replace("{slug}", slug)
                yield url, self.client.get(url, headers=headers)

    def test_no_answer_names_a_record_the_caller_cannot_read(self):
        from django.contrib.auth.models import AnonymousUser

        restricted = self.restricted_slugs()
        leaks = []
        seen_ok = 0
        for user, headers in ((AnonymousUser(), {}), (self.carol, {"Authorization": f"Bearer {self.carol_token}"})):
            for url, r in self.answers(headers):
                if r.status_code != 200:
                    continue
                seen_ok += 1
                for text in set(strings(r.json())):
                    obj = restricted.get(text)
                    if obj is not None and not self.readable(user, obj):
                        leaks.append(f"{user} {url}: {obj._meta.model_name} {text}")
        self.assertGreater(seen_ok, 20)
        self.assertEqual(leaks, [])

    def test_the_caller_still_sees_the_links_they_may_read(self):
        added = {self.secret_offer.slug, self.partners_offer.slug}
        from django.contrib.auth.models import AnonymousUser

        from innobridge.matching.selectors import offers_visible

        # Public, published and not expired (an expired offer is shown to nobody but its owners).
        public = set(offers_visible(AnonymousUser()).filter(agreements=self.agreement).values_list("slug", flat=True))
        r = self.client.get(f"/api/pipeline/agreements/{self.agreement.slug}")
        self.assertEqual(set(r.json()["offers"]), public - added)
        headers = {"Authorization": f"Bearer {self.carol_token}"}
        r = self.client.get(f"/api/pipeline/agreements/{self.agreement.slug}", headers=headers)
        partners = set(offers_visible(self.carol).filter(agreements=self.agreement).values_list("slug", flat=True))
        self.assertIn(self.partners_offer.slug, partners)
        self.assertNotIn(self.secret_offer.slug, partners)
        self.assertEqual(set(r.json()["offers"]), partners)
        self.client.force_login(self.alice)
        r = self.client.get(f"/api/pipeline/agreements/{self.agreement.slug}")
        self.assertTrue(added <= set(r.json()["offers"]))
        self.assertIn(self.secret_need.slug, r.json()["needs"])
