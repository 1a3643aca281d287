from django.core.management.base import BaseCommand

from innobridge.matching import learning
from innobridge.programmes.models import Programme


class Command(BaseCommand):
    help = "Retrain every programme's learned re-ranker from the judgements so far (run nightly from cron)."

    def handle(self, *args, **options):
        for programme in Programme.objects.order_by("pk"):
            version = learning.ranker_train(programme=programme)
            status = version.metrics.get("status", "")
            self.stdout.write(
                f"{programme.slug}: version {version.version}, {version.training_size} judgements, {status}"
            )
