"""Template helpers for the meetings app: the "request a meeting" button on matching suggestions, and a
schedule run's findings worded in the reader's language."""

from django import template

from innobridge.meetings.diagnostics import describe
from innobridge.meetings.selectors import open_sessions_for

register = template.Library()


@register.simple_tag(takes_context=True)
def open_sessions(context) -> list:
    """Open sessions of the viewer's organisation, looked up once per page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    if not hasattr(request, "_open_meeting_sessions"):
        request._open_meeting_sessions = open_sessions_for(user=request.user)
    return request._open_meeting_sessions


@register.filter
def explained(entries) -> list[str]:
    """A run's stored diagnostics as sentences in the active language (``meetings.diagnostics``)."""
    return describe(entries or [])
