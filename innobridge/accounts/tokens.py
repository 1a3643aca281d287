"""Personal API tokens: created with a secret shown once, checked by hash, revoked by their owner.

A token reads ``ib_<prefix>_<secret>``. The prefix is public (it names the token on pages and in
logs); the database keeps only the SHA-256 of the whole token. Tokens carry 256 random bits, so a
plain hash is enough: nothing to brute-force, unlike a password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.accounts.models import ApiToken

TOKEN_START = "ib_"
LAST_USED_EVERY = timedelta(minutes=1)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with the raw secret, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the system that will use it.")})
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=user, name=name[:100], prefix=prefix, secret_hash=hash_secret(raw))
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, user, prefix: str) -> ApiToken:
    """Revoke one of the user's own tokens (another user's token is not found)."""
    token = ApiToken.objects.get(user=user, prefix=prefix)
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return token


def token_check(raw: str) -> ApiToken | None:
    """The active token with this secret, its user active too; None otherwise."""
    raw = raw.strip()
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(secret_hash=hash_secret(raw), revoked__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


def tokens_of(*, user):
    return ApiToken.objects.filter(user=user)
