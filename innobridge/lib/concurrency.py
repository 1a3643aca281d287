"""Optimistic concurrency for edit forms: a save based on an outdated version is refused, not merged.

Two members open the same offer; the first saves a new summary, the second a new TRL. Without
a check the second save writes back the summary it loaded and the first change is lost. Every
edited model carries a ``version`` (``VersionedModel``) that each save increments; every edit
form carries the version it was opened at (``{% edit_version record %}``, a hidden field); and
the view saves inside :func:`editing`, which locks the row and refuses with
:class:`EditConflict` when the stored version is no longer the one the form was opened at. The
view then answers 409 with :func:`conflict_response`: both versions side by side, nothing saved.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import models, transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

FORM_FIELD = "edit_version"


class VersionedModel(models.Model):
    """A record edited through forms: ``version`` counts its saves (see lib.concurrency)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "version"}
        super().save(*args, **kwargs)


class EditConflict(Exception):
    """The record changed since the form was opened; ``current`` is the stored record."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


def seen_version(data) -> int | None:
    try:
        return int(data.get(FORM_FIELD, ""))
    except (TypeError, ValueError):
        return None


@contextmanager
def editing(record, data):
    """Run the save of ``record`` (posted ``data`` holds the version seen) only if nobody saved meanwhile.

    A record being created has nothing to compare. A form without a version (an old page, a
    hand-made post) is refused too: it cannot prove it saw the latest version.
    """
    with transaction.atomic():
        if record is not None and record.pk is not None:
            model = type(record)
            current = model._base_manager.select_for_update().filter(pk=record.pk).values_list("version", flat=True)
            stored = current.first()
            if stored is None or stored != seen_version(data):
                raise EditConflict(model._base_manager.get(pk=record.pk) if stored is not None else record)
            record.version = stored
        yield


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "all"):
        value = list(value.all())
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "model"):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def differences(form, current) -> list[tuple[str, str, str]]:
    """(label, yours, saved) for each form field whose posted value differs from the stored one."""
    rows = []
    for name, field in form.fields.items():
        if name == FORM_FIELD or name not in form.cleaned_data:
            continue
        yours = form.cleaned_data[name]
        saved = getattr(current, name, None)
        choices = dict(getattr(field, "choices", ()) or ()) if not hasattr(field, "queryset") else {}
        if choices:
            yours_text = str(choices.get(yours, yours) if yours not in (None, "") else "—")
            saved_text = str(choices.get(saved, saved) if saved not in (None, "") else "—")
        else:
            yours_text, saved_text = _shown(yours), _shown(saved)
        if yours_text != saved_text:
            rows.append((str(field.label or name), yours_text, saved_text))
    return rows


def conflict_response(request, form, conflict: EditConflict, *, back: str):
    """The 'changed by someone else' page (409): both versions, nothing saved."""
    return render(
        request,
        "edit_conflict.html",
        {"rows": differences(form, conflict.current), "record": conflict.current, "back": back, "again": request.path},
        status=409,
    )
