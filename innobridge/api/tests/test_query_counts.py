"""API lists answer in a fixed number of queries, however many rows a page holds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from innobridge.api.tests.base import ApiTestCase
from innobridge.directory import services as directory
from innobridge.matching import services


class QueryCountTests(ApiTestCase):
    def count(self, path: str, user=None) -> int:
        self.api(path, user)  # the first call of a token also stamps its last use
        with CaptureQueriesContext(connection) as queries:
            r = self.api(path, user)
        self.assertEqual(r.status_code, 200, path)
        return len(queries)

    def grow(self, n: int) -> None:
        for i in range(n):
            # Not anonymous: for those, matching.permissions.can_see_owner costs a query per offer
            # (the offers page pays it too) until it gets a batch form.
            services.offer_save(owner=self.zehao, title=f"Grown offer {i}", status="published")
            services.need_save(owner=self.zehao, title=f"Grown need {i}", status="published")
            person = directory.person_save(name_en=f"Grown Person {i}")
            directory.position_save(person=person, organisation=self.zehao, title_en="Engineer")

    def test_list_queries_do_not_grow_with_the_page(self):
        paths = ["/offers?q=grown", "/needs?q=grown", "/people?q=grown"]
        self.grow(2)
        for user in (None, self.bob, self.alice):
            before = {p: self.count(p, user) for p in paths}
            self.grow(6)
            after = {p: self.count(p, user) for p in paths}
            self.assertEqual(before, after, user)
