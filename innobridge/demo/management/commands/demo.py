import argparse
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from innobridge.demo.accounts import DEMO_PASSWORD, demo_accounts_ensure
from innobridge.demo.loader import load_demo


class Command(BaseCommand):
    help = _("Load the demo programme (Hong Kong Science Park – Shandong) and directory; safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=_(
                "Create the demo accounts (published password). Default: only when DEBUG is on; "
                "--accounts creates them even when it is off, --no-accounts never."
            ),
        )
        parser.add_argument(
            "--seeds",
            type=Path,
            default=settings.SEEDS_DIR,
            help=_("Folder holding the source press release, for provenance."),
        )

    def handle(self, *args, seeds: Path, accounts: bool | None, **options):
        report = load_demo(seeds_dir=seeds)
        summary = ", ".join(f"{n} {kind}" for kind, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded: %(summary)s.") % {"summary": summary}))
        if report.document:
            self.stdout.write(_("Provenance: %(n)d spans in %(doc)s.") % {"n": report.evidence, "doc": report.document})
        else:
            self.stdout.write(
                _("Source press release not found in %(dir)s; loaded without provenance.") % {"dir": seeds}
            )
        if accounts is None:
            accounts = settings.DEBUG
        if not accounts:
            if settings.DEBUG:
                return
            self.stdout.write(_("DEBUG is off: no demo accounts created (use --accounts to create them anyway)."))
            return

        sides = {"Hong Kong": _("Hong Kong side"), "Shandong": _("Shandong side")}
        self.stdout.write(_("Demo accounts (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for account, org in demo_accounts_ensure():
            if org is None:
                self.stdout.write(
                    "  " + _("%(user)s  staff: edits everything, uses the admin") % {"user": account.username}
                )
            else:
                self.stdout.write(
                    "  "
                    + _("%(user)s  member of %(organisation)s (%(side)s)")
                    % {"user": account.username, "organisation": org.name, "side": sides[account.side]}
                )
