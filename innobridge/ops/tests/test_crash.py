"""A process killed in the middle of a commit leaves no partial records (real SIGKILL, real file).

Two writes that touch many rows are killed halfway: committing an ingested document, and saving a
new schedule over a session's stored one.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("crash_child.py")
SCHEDULE_CHILD = Path(__file__).with_name("crash_child_schedule.py")

COUNT = """
import os, django, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
django.setup()
from innobridge.directory.models import Organisation, Person
from innobridge.documents.models import Evidence, SourceDocument
from innobridge.programmes.models import Event, Agreement
doc = SourceDocument.objects.get(slug=open(os.environ["DOCUMENT"]).read())
print(json.dumps({
    "organisations": Organisation.objects.count(), "people": Person.objects.count(),
    "events": Event.objects.count(), "agreements": Agreement.objects.count(),
    "evidence": Evidence.objects.filter(document=doc).count(), "committed": doc.committed is not None,
}))
"""


SCHEDULE = """
import os, django, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
django.setup()
from innobridge.audit.models import AuditEntry
from innobridge.meetings.models import MatchmakingSession, Meeting, ScheduleRun
session = MatchmakingSession.objects.get(slug=open(os.environ["SESSION"]).read())
print(json.dumps({
    "meetings": sorted(Meeting.objects.filter(session=session).values_list("request_id", "slot", "table", "run_id")),
    "runs": ScheduleRun.objects.filter(session=session).count(),
    "audit": AuditEntry.objects.count(),
    "status": session.status,
}))
"""


class CrashTests(SimpleTestCase):
    def killed_halfway(self, child_script: Path, reader: str, key: str) -> tuple[dict, dict, Path]:
        """Run the child until it stalls inside its transaction, read the database, kill it, read again."""
        tmp = Path(tempfile.mkdtemp(prefix="innobridge-crash-"))
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/crash.sqlite3",
            "MEDIA_ROOT": str(tmp / "media"),
            "INNOBRIDGE_INDEX_DIR": str(tmp / "index"),
            "PYTHONPATH": str(ROOT),
            "JOBS_MODE": "eager",
        }
        child = subprocess.Popen([sys.executable, str(child_script), str(tmp)], env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + 240
            while not (tmp / "ready").exists():
                self.assertIsNone(child.poll(), "the child ended before reaching the write")
                self.assertLess(time.monotonic(), deadline, "the child never reached the write")
                time.sleep(0.2)
            before = self.read(env, tmp, reader, key)  # read while the write is open: it sees nothing of it
            os.kill(child.pid, signal.SIGKILL)
            child.wait(30)
        finally:
            if child.poll() is None:
                child.kill()
        self.assertFalse((tmp / "finished").exists())
        return before, self.read(env, tmp, reader, key), tmp

    def test_killing_the_process_during_a_document_commit_leaves_nothing_half_done(self):
        before, after, _tmp = self.killed_halfway(CHILD, COUNT, "document")
        self.assertEqual(after, before)
        self.assertEqual((after["evidence"], after["committed"]), (0, False))

    def test_killing_the_process_while_a_schedule_is_saved_keeps_the_previous_schedule(self):
        import json

        before, after, tmp = self.killed_halfway(SCHEDULE_CHILD, SCHEDULE, "session")
        self.assertGreater(json.loads((tmp / "ready").read_text())["written"], 0)  # it did get that far
        self.assertEqual(after, before)
        self.assertTrue(after["meetings"], "the demo's stored schedule is still there")

    def read(self, env: dict, tmp: Path, reader: str, key: str) -> dict:
        import json

        out = subprocess.run(
            [sys.executable, "-c", reader],
            env={**env, key.upper(): str(tmp / key)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])
