"""Run by test_crash in a child process: load the demo (whose Qingdao session has a stored schedule),
then schedule that session again and stall inside the saving transaction, after the old meetings
are deleted and the new ones written, until the parent kills the process (SIGKILL)."""

import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from innobridge.demo.loader import load_demo  # noqa: E402
from innobridge.meetings import demo, scheduling  # noqa: E402
from innobridge.meetings.models import MatchmakingSession  # noqa: E402

state = Path(sys.argv[1])
call_command("migrate", verbosity=0)
load_demo(seeds_dir=None)
session = MatchmakingSession.objects.get(slug=demo.SESSION_SLUG)
(state / "session").write_text(session.slug)

original = scheduling.audited.bulk_create


def stalling(model, objs, **kwargs):
    created = original(model, objs, **kwargs)
    if model.__name__ == "Meeting":
        (state / "ready").write_text(json.dumps({"pid": os.getpid(), "written": len(created)}))
        time.sleep(120)
    return created


scheduling.audited.bulk_create = stalling
scheduling.session_schedule(session=session, time_limit=10)
(state / "finished").write_text("the parent should have killed this process")
