"""Response headers that Django does not set itself."""

from django.conf import settings

from innobridge.lib.clean import escape_controls, has_controls


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY on every response (unless a view has set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class ControlCharacterMiddleware:
    """Refuse control characters in the address (404), in query parameters and NUL in form fields (400).

    One rule at the boundary instead of a check in every view: PostgreSQL rejects U+0000 in a
    query with a server error, and no slug, filter or search term contains a control character.
    See ``innobridge.lib.clean``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import Http404, JsonResponse
        from django.utils.translation import gettext as _

        api = request.path_info.startswith("/api/")
        if has_controls(request.path_info):
            if api:
                return JsonResponse({"detail": _("Not found.")}, status=404)
            raise Http404
        bad = [k for k, values in request.GET.lists() if has_controls(k) or any(has_controls(v) for v in values)]
        if not bad and request.method == "POST" and not api:
            # Form fields may hold line breaks and tabs, never U+0000 (forms refuse it too, but
            # several views read a posted slug or address directly).
            bad = [k for k, values in request.POST.lists() if "\x00" in k or any("\x00" in v for v in values)]
        if bad:
            message = _("The parameter “%(name)s” contains a control character.") % {"name": escape_controls(bad[0])}
            if api:
                return JsonResponse({"detail": message}, status=400)
            from django.shortcuts import render

            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
