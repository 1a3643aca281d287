"""The link between a page in the reader's script and the page as written (innobridge.lib.script)."""

from django import template
from django.utils.translation import get_language

from innobridge.lib.script import reader_converter, shows_as_written, toggle_url

register = template.Library()


@register.inclusion_tag("includes/script_toggle.html", takes_context=True)
def script_toggle(context) -> dict:
    request = context.get("request")
    if request is None or reader_converter(get_language()) is None:
        return {"show": False}
    return {"show": True, "as_written": shows_as_written(request), "url": toggle_url(request)}
