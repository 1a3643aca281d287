"""Every slug an API answer exposes names a record the caller may read.

Walks every GET operation of the OpenAPI schema (lists, and details for every record of their
kind) as an anonymous caller and as carol (member of another organisation), collects every string
of every answer, and checks each one that is the slug of a record with restricted visibility
against that record's own selector. Serialisers name related records through
``innobridge.api.links``; this test catches one that does not.
"""

from innobridge.accounts.tokens import token_create
from innobridge.api.api import api
from innobridge.api.links import _selectors
from innobridge.lib.testing import BaseTestCase
from innobridge.matching import services as matching
from innobridge.matching.models import ContactRequest, TechnologyNeed, TechnologyOffer
from innobridge.meetings.models import MatchmakingSession, MeetingRequest
from innobridge.meetings.permissions import can_see_request
from innobridge.programmes.models import Agreement, Delegation, Event

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
        cls.agreement = Agreement.objects.filter(visibility="public").first()
        cls.agreement.offers.add(cls.secret_offer, cls.partners_offer)
        cls.agreement.needs.add(cls.secret_need)
        # carol's organisation asked about an offer that has since become confidential.
        later = matching.offer_save(owner=cls.i2cool, title="Once public", status="published")
        cls.contact = matching.contact_request_create(requester=cls.zehao, offer=later, user=cls.carol)
        matching.offer_save(offer=later, visibility="confidential")
        # A public session of a confidential delegation.
        secret_delegation = Delegation.objects.first()
        Delegation.objects.filter(pk=secret_delegation.pk).update(visibility="confidential")
        cls.session = MatchmakingSession.objects.first()
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
        public = set(
            self.agreement.offers.filter(visibility="public", status="published").values_list("slug", flat=True)
        )
        r = self.client.get(f"/api/pipeline/agreements/{self.agreement.slug}")
        self.assertEqual(set(r.json()["offers"]), public - added)
        headers = {"Authorization": f"Bearer {self.carol_token}"}
        r = self.client.get(f"/api/pipeline/agreements/{self.agreement.slug}", headers=headers)
        self.assertEqual(set(r.json()["offers"]), public - added | {self.partners_offer.slug})
        self.client.force_login(self.alice)
        r = self.client.get(f"/api/pipeline/agreements/{self.agreement.slug}")
        self.assertTrue(added <= set(r.json()["offers"]))
        self.assertIn(self.secret_need.slug, r.json()["needs"])
