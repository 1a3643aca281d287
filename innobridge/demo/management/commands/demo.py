from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from innobridge.demo.loader import load_demo


class Command(BaseCommand):
    help = _("Load the demo programme (Hong Kong Science Park – Shandong) and directory; safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            type=Path,
            default=settings.SEEDS_DIR,
            help=_("Folder holding the source press release, for provenance."),
        )

    def handle(self, *args, seeds: Path, **options):
        report = load_demo(seeds_dir=seeds)
        summary = ", ".join(f"{n} {kind}" for kind, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded: %(summary)s.") % {"summary": summary}))
        if report.document:
            self.stdout.write(_("Provenance: %(n)d spans in %(doc)s.") % {"n": report.evidence, "doc": report.document})
        else:
            self.stdout.write(
                _("Source press release not found in %(dir)s; loaded without provenance.") % {"dir": seeds}
            )
