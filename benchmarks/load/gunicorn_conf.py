"""gunicorn settings for the load test: the production layout of docs/OPERATIONS.md, plus a warm-up.

Each worker loads the matching indexes that `innobridge reindex` wrote (and the sentence
encoder) before it takes requests, as a deployed server would have done long before a rush.
"""

import os

bind = os.environ["LOAD_BIND"]
workers = int(os.environ.get("BENCH_WORKERS", "3"))
threads = int(os.environ.get("BENCH_THREADS", "2"))
worker_class = "gthread"
timeout = 300
# Longer than the users' longest think time (15 s), so the server never closes an idle connection
# just as the client reuses it (a "connection reset"). Behind nginx, nginx keeps the clients'.
keepalive = 20
loglevel = "warning"
accesslog = None


def post_worker_init(worker):
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from innobridge.ops.warmup import warm_worker

    warm_worker()
