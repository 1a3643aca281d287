from innobridge.accounts.tokens import token_create
from innobridge.lib.models import Visibility
from innobridge.matching import services
from innobridge.matching.tests.base import MatchingTestCase


class ApiTestCase(MatchingTestCase):
    """The matching personas, plus an i2Cool offer and need at each visibility level and tokens."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.offers, cls.needs = {}, {}
        for level in Visibility:
            cls.offers[level] = services.offer_save(
                owner=cls.i2cool,
                title=f"Offer {level}",
                summary=f"Summary {level}",
                description=f"Description that names i2Cool ({level})",
                status="published",
                visibility=level,
            )
            cls.needs[level] = services.need_save(
                owner=cls.i2cool,
                title=f"Need {level}",
                description=f"Need description by i2Cool ({level})",
                status="published",
                visibility=level,
            )
        cls.tokens = {u.username: token_create(user=u, name="test")[1] for u in (cls.alice, cls.bob, cls.carol)}

    def api(self, path: str, user=None, method: str = "get", **kwargs):
        """Call the API as ``user`` (by token) or anonymously."""
        headers = {"Authorization": f"Bearer {self.tokens[user.username]}"} if user else {}
        return getattr(self.client, method)(f"/api{path}", headers=headers, **kwargs)
