"""Who is calling the API: a personal token (``Authorization: Bearer <token>``) or the browser session.

Token requests never look at the session and need no CSRF token (a browser does not add the header
by itself). Session requests that write must carry the CSRF token, as forms do. Anonymous callers
are let through only by ``ApiAuth(anonymous=True)``, used where anonymous web access is allowed;
the endpoint then serves what an anonymous visitor of the page would see.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from innobridge.accounts.tokens import token_check

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ApiAuth(HttpBearer):
    def __init__(self, *, anonymous: bool) -> None:
        self.anonymous = anonymous
        super().__init__()

    def __call__(self, request):
        header = request.headers.get(self.header)
        if header:
            scheme, _sep, raw = header.strip().partition(" ")
            return self.authenticate(request, raw if scheme.lower() == "bearer" else "")
        user = request.user
        if user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request):
                raise HttpError(403, _("CSRF check failed: send the CSRF token, or use an API token."))
            return user
        if self.anonymous:
            return user  # AnonymousUser: truthy, and request.user stays anonymous
        raise HttpError(401, _("Authentication required: send an API token or sign in."))

    def authenticate(self, request, token: str):
        found = token_check(token) if token else None
        if found is None:
            raise HttpError(401, _("Invalid or revoked API token."))
        request.user = found.user
        request.api_token = found
        return found.user


public = ApiAuth(anonymous=True)
members = ApiAuth(anonymous=False)
