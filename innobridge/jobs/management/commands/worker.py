"""``innobridge worker``: run background jobs (for JOBS_MODE=worker; any number in parallel)."""

import signal
import threading

from django.core.management.base import BaseCommand

from innobridge.jobs.services import run_queue, worker_name


class Command(BaseCommand):
    help = "Run queued background jobs; with --once, run what is queued and stop."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks at an empty queue")

    def handle(self, *args, once: bool, poll: float, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        name = worker_name()
        self.stdout.write(f"worker {name} started")
        total = 0
        while not stop.is_set():
            ran = run_queue(name, stop=stop)
            total += ran
            if once:
                break
            if not ran:
                stop.wait(poll)
        self.stdout.write(f"worker {name} stopped after {total} job(s)")
