from django.core.management.base import BaseCommand

from innobridge.matching.services import offers_expire


class Command(BaseCommand):
    help = "Mark published offers older than their expiry date as expired (run daily from cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"{offers_expire()} offer(s) expired")
