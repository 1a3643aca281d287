"""Attribute writes to the request's user, and log every call to the JSON API."""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError

from innobridge.accounts.throttle import client_address
from innobridge.audit.context import acting_as
from innobridge.audit.models import ApiAccess
from innobridge.lib.clean import escape_controls

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"


class AuditMiddleware:
    """Place after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        with acting_as(request):
            response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            log_api_access(request, response.status_code, time.monotonic() - started)
        return response


def log_api_access(request, status: int, seconds: float) -> None:

    token = getattr(request, "api_token", None)
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    try:
        ApiAccess.objects.create(
            user=user,
            token=token,
            method=request.method[:10],
            path=escape_controls(request.get_full_path())[:500],
            status=status,
            duration_ms=round(seconds * 1000),
            address=client_address(request),
        )
    except DatabaseError:  # never fail the answer because the log could not be written
        logger.exception("could not log API access to %s", request.path)
