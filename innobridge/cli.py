"""The ``innobridge`` command: Django's management commands with the project's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    # `innobridge match-eval` and `innobridge match_eval` are the same command.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["innobridge", *args])


if __name__ == "__main__":
    main()
