"""Control characters (U+0000 above all) in every address and query parameter answer 4xx, never 500.

PostgreSQL refuses U+0000 in a query with a server error, so these tests matter most there (CI runs
the suite on both databases). Pages come from the URL configuration, API operations and their
query parameters from the OpenAPI schema, so a new address is covered without touching this file.
"""

import re
from urllib.parse import quote

from innobridge.accounts.tokens import token_create
from innobridge.api.api import api
from innobridge.api.tests.test_permission_matrix import page_urls
from innobridge.lib.clean import escape_controls, has_controls, has_text_controls, strip_controls
from innobridge.matching import services as matching
from innobridge.matching.models import ContactRequest
from innobridge.testing import BaseTestCase

BAD = ("\x00", "a\x00b", "\x1f", "x\x7f", "\x85")
# Query parameters the pages read, besides the API's documented ones.
PAGE_PARAMETERS = ("q", "sector", "place", "kind", "direction", "trl", "mine", "page", "next", "owner", "status")


def _route_with(route: str, value: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?\w+>", quote(value, safe=""), route.replace("^", "").replace("$", ""))


class CleaningHelperTests(BaseTestCase):
    def test_text_may_hold_tabs_and_line_breaks_but_no_other_control(self):
        self.assertFalse(has_text_controls("line one\r\nline two\tend"))
        self.assertTrue(has_text_controls("a\x00b"))
        self.assertTrue(has_controls("line\n"))
        self.assertEqual(strip_controls("a\x00b\x1bc\nd"), "abc\nd")
        self.assertEqual(escape_controls("a\x00b"), "a\\x00b")


class ControlCharacterAddressTests(BaseTestCase):
    def test_every_page_address_with_a_control_character_is_not_found(self):
        wrong = []
        for name, route in sorted(page_urls().items()):
            if "<" not in route:
                continue
            for value in BAD:
                url = _route_with(route, value)
                for method in ("get", "post"):
                    r = getattr(self.client, method)(url)
                    if r.status_code != 404:
                        wrong.append(f"{method.upper()} {name} {url!r}: {r.status_code}")
        self.assertEqual(wrong, [])

    def test_every_page_query_parameter_with_a_control_character_is_refused(self):
        self.client.force_login(self.alice)
        wrong = []
        for name, route in sorted(page_urls().items()):
            if "<" in route:
                continue
            url = "/" + route
            for param in PAGE_PARAMETERS:
                for value in BAD:
                    r = self.client.get(url, {param: value})
                    if r.status_code != 400:
                        wrong.append(f"{name} ?{param}={value!r}: {r.status_code}")
        self.assertEqual(wrong, [])

    def test_a_refused_query_says_which_parameter(self):
        r = self.client.get("/en/offers/", {"sector": "\x00"})
        self.assertContains(r, "sector", status_code=400)
        self.assertContains(r, "control character", status_code=400)

    def test_a_posted_form_field_with_nul_is_refused_and_nothing_is_stored(self):
        offer = matching.offer_save(owner=self.i2cool, title="Cooling film", status="published")
        self.client.force_login(self.carol)
        r = self.client.post(f"/en/interest/offer/{offer.slug}/", {"message": "hello\x00"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(ContactRequest.objects.filter(offer=offer).exists())


class ControlCharacterApiTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.headers = {"Authorization": f"Bearer {token_create(user=self.alice, name='nul')[1]}"}

    def test_every_api_path_and_query_parameter_with_a_control_character_is_refused(self):
        schema = api.get_openapi_schema()
        wrong = []
        for path, operations in schema["paths"].items():
            for method, op in operations.items():
                params = [p for p in op.get("parameters", []) if p["in"] == "query"]
                if "{" in path:
                    for value in BAD:
                        url = re.sub(r"\{\w+\}", quote(value, safe=""), path)
                        r = self.client.generic(method.upper(), url, headers=self.headers)
                        if r.status_code != 404:
                            wrong.append(f"{method.upper()} {url!r}: {r.status_code}")
                    path_ok = re.sub(r"\{\w+\}", "no-such-record", path)
                else:
                    path_ok = path
                for param in params:
                    for value in BAD:
                        r = self.client.generic(
                            method.upper(), f"{path_ok}?{param['name']}={quote(value)}", headers=self.headers
                        )
                        if r.status_code != 400:
                            wrong.append(f"{method.upper()} {path_ok}?{param['name']}={value!r}: {r.status_code}")
        self.assertEqual(wrong, [])

    def test_a_contact_request_message_with_nul_is_refused_and_nothing_is_stored(self):
        offer = matching.offer_save(owner=self.zehao, title="Metal powder", status="published")
        bob = {"Authorization": f"Bearer {token_create(user=self.bob, name='nul')[1]}"}
        for message in ("hello\x00world", "bell\x07"):
            r = self.client.post(
                "/api/contact-requests",
                {"offer": offer.slug, "message": message},
                content_type="application/json",
                headers=bob,
            )
            self.assertEqual(r.status_code, 422, r.content)
            self.assertIn("control characters", r.content.decode())
        self.assertFalse(ContactRequest.objects.filter(offer=offer).exists())

    def test_line_breaks_in_a_message_are_kept(self):
        offer = matching.offer_save(owner=self.zehao, title="Metal powder", status="published")
        bob = {"Authorization": f"Bearer {token_create(user=self.bob, name='nul')[1]}"}
        r = self.client.post(
            "/api/contact-requests",
            {"offer": offer.slug, "message": "Hello,\r\n\tregards"},
            content_type="application/json",
            headers=bob,
        )
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(ContactRequest.objects.get(offer=offer).message, "Hello,\r\n\tregards")
