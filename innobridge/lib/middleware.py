"""Response headers that Django does not set itself."""

from django.conf import settings


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
