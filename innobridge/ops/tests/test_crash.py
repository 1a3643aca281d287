"""A process killed in the middle of a commit leaves no partial records (real SIGKILL, real file)."""

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

COUNT = """
import os, django, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
django.setup()
from innobridge.directory.models import Organisation, Person
from innobridge.documents.models import Evidence, SourceDocument
from innobridge.programmes.models import Event, Agreement
doc = SourceDocument.objects.get(slug=open(os.environ["DOC"]).read())
print(json.dumps({
    "organisations": Organisation.objects.count(), "people": Person.objects.count(),
    "events": Event.objects.count(), "agreements": Agreement.objects.count(),
    "evidence": Evidence.objects.filter(document=doc).count(), "committed": doc.committed is not None,
}))
"""


class CrashTests(SimpleTestCase):
    def test_killing_the_process_during_a_document_commit_leaves_nothing_half_done(self):
        tmp = Path(tempfile.mkdtemp(prefix="innobridge-crash-"))
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/crash.sqlite3",
            "MEDIA_ROOT": str(tmp / "media"),
            "INNOBRIDGE_INDEX_DIR": str(tmp / "index"),
            "PYTHONPATH": str(ROOT),
        }
        child = subprocess.Popen([sys.executable, str(CHILD), str(tmp)], env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + 240
            while not (tmp / "ready").exists():
                self.assertIsNone(child.poll(), "the child ended before reaching the commit")
                self.assertLess(time.monotonic(), deadline, "the child never reached the commit")
                time.sleep(0.2)
            before = self.counts(env, tmp)  # read while the commit is open: it sees nothing of it
            os.kill(child.pid, signal.SIGKILL)
            child.wait(30)
        finally:
            if child.poll() is None:
                child.kill()
        self.assertFalse((tmp / "finished").exists())
        after = self.counts(env, tmp)
        self.assertEqual(after, before)
        self.assertEqual((after["evidence"], after["committed"]), (0, False))

    def counts(self, env: dict, tmp: Path) -> dict:
        import json

        out = subprocess.run(
            [sys.executable, "-c", COUNT],
            env={**env, "DOC": str(tmp / "document")},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])
