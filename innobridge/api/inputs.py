"""The base of every API input schema: text fields refuse control characters (answered 422).

Free text may hold tabs and line breaks; nothing else below U+0020 (U+0000 above all, which
PostgreSQL cannot store) reaches a service. See ``innobridge.lib.clean``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import field_validator

from innobridge.lib.clean import has_text_controls


class InputSchema(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value):
        if isinstance(value, str) and has_text_controls(value):
            raise ValueError(_("Text must not contain control characters (other than tabs and line breaks)."))
        return value
