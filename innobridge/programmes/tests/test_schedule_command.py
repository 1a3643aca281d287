import json
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

from innocore.tests.test_schedule import DZN


class ScheduleCommandTests(SimpleTestCase):
    def test_it_prints_the_documented_figures_and_writes_the_slots(self):
        with TemporaryDirectory() as tmp:
            dzn, out_file = Path(tmp) / "small.dzn", Path(tmp) / "out.json"
            dzn.write_text(DZN)
            out = StringIO()
            call_command(
                "schedule", "--dzn", str(dzn), "--time-limit", "10", "--out", str(out_file), "--json", stdout=out
            )
            report = json.loads(out.getvalue())
            slots = json.loads(out_file.read_text())["slots"]
        for key in ["instance", "meetings", "scheduled", "breaks", "status", "bound", "seconds"]:
            self.assertIn(key, report)
        self.assertEqual((report["instance"], report["status"], report["valid"]), ("small", "optimal", True))
        self.assertEqual(len(slots), 5)
        self.assertTrue(all(1 <= s <= 4 for s in slots))

    def test_a_missing_file_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "cannot read"):
            call_command("schedule", "--dzn", "/nonexistent.dzn", stdout=StringIO())
