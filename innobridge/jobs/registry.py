"""Job kinds: each app declares its long-running functions in its ``jobs.py`` module.

    @job_kind("matching.reindex", _("Rebuild the matching indexes"))
    def reindex(arguments: dict, progress) -> dict: ...

The function receives the job's JSON arguments and a ``progress(done, total, message)``
callable, and returns a JSON-ready result (shown on the job page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    function: Callable


KINDS: dict[str, Kind] = {}


def job_kind(name: str, label: str):
    def register(function: Callable) -> Callable:
        KINDS[name] = Kind(name, label, function)
        return function

    return register


def discover() -> None:
    autodiscover_modules("jobs")
