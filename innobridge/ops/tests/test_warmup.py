"""A warmed worker has built everything a first request would otherwise build."""

from django.template import engines

from innobridge.lib import keysearch
from innobridge.ops import warmup
from innobridge.testing import BaseTestCase
from innocore.match.tokens import _segmenter


class WarmWorkerTests(BaseTestCase):
    def test_every_step_runs_and_leaves_its_work_built(self):
        keysearch.forget()
        _segmenter.cache_clear()
        took = warmup.warm_worker()
        self.assertEqual(list(took), list(warmup.STEPS))
        self.assertNotIn(None, took.values())
        self.assertEqual(_segmenter.cache_info().currsize, 1)  # the Chinese segmenter is loaded
        for name in ("offers", "needs", "organisations"):
            entry = keysearch._cache[name]
            self.assertIsNotNone(entry.grams, name)
            self.assertIn("columns", entry.derived, name)
        self.assertIn("field_starts", keysearch._cache["organisations"].derived)
        self.assertGreater(warmup._templates(), 50)  # every page template compiles
        self.assertTrue(engines["django"].get_template("directory/organisation_card.html"))

    def test_a_failing_step_is_logged_and_skipped_not_raised(self):
        """gunicorn halts the server when post_worker_init raises: a failed step must not."""
        from unittest import mock

        def broken() -> None:
            raise RuntimeError("database restarting")

        with mock.patch.dict(warmup.STEPS, {"URLs and API": broken}), self.assertLogs(warmup.log, "ERROR") as logs:
            took = warmup.warm_worker()
        self.assertIsNone(took["URLs and API"])
        self.assertIsNotNone(took["templates"])  # the other steps still ran
        self.assertIn("database restarting", "\n".join(logs.output))
