"""Who is acting right now: the request being served, a management command, or the system.

The middleware puts the request in a context variable (the user is read when a record is written,
so an API token resolved later in the request counts); management commands run under their name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar[object | None] = ContextVar("innobridge_audit_actor", default=None)
SYSTEM = "system"


@contextmanager
def acting_as(actor) -> Iterator[None]:
    """Attribute writes inside the block to ``actor``: a user, a request, or a label like "command:demo"."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> tuple[object | None, str]:
    """(user or None, readable label) of whoever is acting now."""
    actor = _actor.get()
    if actor is None:
        return None, SYSTEM
    if isinstance(actor, str):
        return None, actor
    user = getattr(actor, "user", actor)  # a request carries its user
    if getattr(user, "is_authenticated", False):
        return user, user.get_username()
    return None, "anonymous"


def wrap_management_commands() -> None:
    """Run every management command as "command:<name>" (once per process)."""
    from django.core.management.base import BaseCommand

    if getattr(BaseCommand.execute, "_audited", False):
        return
    original = BaseCommand.execute

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        with acting_as(f"command:{name}"):
            return original(self, *args, **options)

    execute._audited = True  # type: ignore[attr-defined]
    BaseCommand.execute = execute
