"""Length limits on the texts users write, in one place (docs/SECURITY.md lists them).

Every text a user stores is bounded: forms and API schemas refuse longer input with a message
that names the limit, model validation (``full_clean`` in the services) refuses it too, and pages
shorten what older records hold beyond it. Matching reads at most ``MATCH_TEXT`` characters of a
record, so no stored text can make a suggestion cost more than that.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import ngettext

LONG_TEXT = 20_000  # descriptions of offers, needs, organisations, programmes, events
MEDIUM_TEXT = 5_000  # application scenarios, purposes, scopes, notes about a person or place
SHORT_TEXT = 2_000  # messages, answers and notes
MATCH_TEXT = 30_000  # what matching reads of one record (title excluded)
PAGE_TEXT = LONG_TEXT  # what a page shows of one stored text


def _limit_help(limit: int) -> str:
    count = formats.number_format(limit, force_grouping=True)
    return ngettext("Up to %(count)s character.", "Up to %(count)s characters.", limit) % {"count": count}


def limit_help(limit: int):
    """The help text naming the limit, translated when shown (not when the models load), grouped digits."""
    return lazy(_limit_help, str)(limit)


def LimitedTextField(verbose_name, *, limit: int, **kwargs) -> models.TextField:  # noqa: N802 - a field factory
    """A ``TextField`` of at most ``limit`` characters: the form says so and validation refuses more."""
    kwargs.setdefault("blank", True)
    kwargs.setdefault("help_text", limit_help(limit))
    return models.TextField(verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs)
