"""Run by test_crash in a child process: prepare a database, then commit a document and stall
halfway through the commit transaction until the parent kills the process (SIGKILL)."""

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
from innobridge.documents import commit, services  # noqa: E402
from innobridge.documents.models import Proposal  # noqa: E402
from innocore.tests.test_ingest import RELEASE  # noqa: E402

state = Path(sys.argv[1])
call_command("migrate", verbosity=0)
load_demo(seeds_dir=None)
document, _ = services.document_ingest(data=RELEASE.encode(), filename="release.txt", limit=10**6)
for p in Proposal.objects.filter(document=document):
    services.proposal_decide(proposal=p, decision="accepted")
(state / "document").write_text(document.slug)

# Stall after the first records of the commit are written, inside its transaction.
original = commit._apply_organisation
calls = 0


def stalling(*args, **kwargs):
    global calls
    calls += 1
    result = original(*args, **kwargs)
    if calls == 2:
        (state / "ready").write_text(json.dumps({"pid": os.getpid()}))
        time.sleep(120)
    return result


commit._apply_organisation = stalling
commit.document_commit(document=document)
(state / "finished").write_text("the parent should have killed this process")
