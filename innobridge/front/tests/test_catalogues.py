from io import StringIO

from django.core.management import call_command
from django.test import SimpleTestCase


class CatalogueTests(SimpleTestCase):
    def test_catalogues_are_complete_and_current(self):
        out = StringIO()
        call_command("check_catalogues", stdout=out)
        self.assertIn("complete", out.getvalue())
