"""The test classes' demo snapshot gives the very rows a real demo load gives."""

from django.db import transaction
from django.test import TestCase

from innobridge import testing
from innobridge.demo.loader import load_demo


def _state() -> dict:
    state = {}
    for model in testing._models():
        # Timestamps and measured durations differ between any two loads.
        moving = {
            f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or f.name == "seconds"
        }
        moving |= {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)}
        state[model._meta.label] = {
            pk: {k: v for k, v in row.items() if k not in moving} for pk, row in testing._rows(model).items()
        }
    return state


# The demo schedules its sessions with CP-SAT's parallel workers under a time limit: which of several
# equally good schedules comes back depends on which worker wins the race, so the snapshot (recorded
# by an earlier load, maybe on a busier machine) may seat a meeting elsewhere. Only where a meeting
# sits may differ; which meetings there are, and everything else about them, may not.
SOLVER_CHOICE = {
    "meetings.Meeting": {"slot", "table"},
    "meetings.SchedulePublication": {"entries"},
    "audit.AuditEntry": {"before", "after", "label"},
}


class DemoSnapshotTests(TestCase):
    def loaded(self, load) -> dict:
        sid = transaction.savepoint()
        load()
        state = _state()
        transaction.savepoint_rollback(sid)
        return state

    def test_a_replayed_snapshot_equals_a_real_load(self):
        real = self.loaded(lambda: load_demo(seeds_dir=None))
        again = self.loaded(lambda: load_demo(seeds_dir=None))
        self.loaded(testing.load_demo_snapshot)  # records the snapshot if no earlier class did
        replayed = self.loaded(testing.load_demo_snapshot)
        self.assertGreater(sum(len(rows) for rows in real.values()), 1000)
        self.assertLessEqual(SOLVER_CHOICE.keys(), real.keys())  # the exemptions name real models
        self.assertTrue(real["meetings.Meeting"])  # ... and the demo has meetings to compare
        for label in real:
            if real[label].keys() != again[label].keys():
                continue  # rows a load creates only when missing (content types after a flush)
            self.assertEqual(replayed[label].keys(), real[label].keys(), label)
            # Random references (meeting requests, index versions) differ between two real loads too.
            random = {k for pk, row in real[label].items() for k, v in row.items() if again[label][pk][k] != v}
            random |= SOLVER_CHOICE.get(label, set())
            for pk, row in real[label].items():
                same = {k: v for k, v in row.items() if k not in random}
                self.assertEqual({k: replayed[label][pk][k] for k in same}, same, label)

    def test_objects_created_after_a_replay_get_fresh_keys(self):
        from innobridge.directory.models import Organisation

        testing.load_demo_snapshot()
        highest = Organisation.objects.order_by("-pk").first().pk
        org = Organisation.objects.create(name_en="Fresh", slug="fresh-org")
        self.assertGreater(org.pk, highest)
