"""Fail when a translation catalogue is incomplete, fuzzy, stale or breaks a placeholder.

Staleness is measured by extracting the messages afresh with makemessages into a
temporary folder and comparing the message ids with each committed catalogue.
"""

import os
import re
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

LANGUAGES_REQUIRED = ["zh_Hant", "zh_Hans"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\w*\}")
SOURCE_PACKAGES = ["innobridge", "innocore"]


def extract_message_ids() -> set[tuple[str, str]]:
    root = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        for package in SOURCE_PACKAGES:
            os.symlink(root / package, Path(tmp) / package)
        (Path(tmp) / "locale").mkdir()
        cwd = os.getcwd()
        try:
            os.chdir(tmp)
            with override_settings(LOCALE_PATHS=[str(Path(tmp) / "locale")]):
                call_command(
                    "makemessages",
                    locale=["zz"],
                    symlinks=True,
                    verbosity=0,
                    ignore_patterns=["*/migrations/*", "*/tests/*"],
                )
        finally:
            os.chdir(cwd)
        po = polib.pofile(str(Path(tmp) / "locale" / "zz" / "LC_MESSAGES" / "django.po"))
        return {(e.msgctxt or "", e.msgid) for e in po}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


class Command(BaseCommand):
    help = "Check that the zh-Hant and zh-Hans catalogues are complete, current and consistent."

    def add_arguments(self, parser):
        parser.add_argument("--skip-extract", action="store_true", help="Do not check for stale catalogues.")

    def handle(self, *args, skip_extract: bool = False, **options):
        problems: list[str] = []
        expected = None if skip_extract else extract_message_ids()
        locale_dir = Path(settings.LOCALE_PATHS[0])
        for lang in LANGUAGES_REQUIRED:
            path = locale_dir / lang / "LC_MESSAGES" / "django.po"
            if not path.exists():
                problems.append(f"{path}: missing")
                continue
            po = polib.pofile(str(path))
            entries = [e for e in po if not e.obsolete]
            for e in entries:
                if "fuzzy" in e.flags:
                    problems.append(f"{lang}: fuzzy: {e.msgid!r}")
                elif not e.translated():
                    problems.append(f"{lang}: untranslated: {e.msgid!r}")
                else:
                    targets = [e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values())
                    want = placeholders(e.msgid) | placeholders(e.msgid_plural or "")
                    for target in targets:
                        if placeholders(target) != want:
                            problems.append(f"{lang}: placeholders differ in {e.msgid!r}")
            if expected is not None:
                present = {(e.msgctxt or "", e.msgid) for e in entries}
                for _ctx, msgid in sorted(expected - present):
                    problems.append(f"{lang}: not in catalogue (run `make messages`): {msgid!r}")
                for _ctx, msgid in sorted(present - expected):
                    problems.append(f"{lang}: stale entry no longer in the code: {msgid!r}")
        if problems:
            raise CommandError("Translation catalogues are not complete:\n  " + "\n  ".join(problems[:200]))
        self.stdout.write(self.style.SUCCESS("Translation catalogues complete."))
