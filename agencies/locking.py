"""Optimistic locking for every editable object: committees, their members, plans, milestones, certificates,
the registry.

A form carries the version the user loaded; saving raises the stored version by one with a conditional
``UPDATE … WHERE version = loaded`` and goes on only if exactly one row changed. Otherwise nothing is written
and ``ConcurrentEditError`` says who changed what since (read from the object's django-simple-history rows),
and the page shows it (``templates/includes/conflict.html``) with what the user typed kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

# Bookkeeping columns that change on every save and mean nothing to a reader.
IGNORED_FIELDS = ("id", "version", "updated_at")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


class ConcurrentEditError(Exception):
    """Someone else saved the object after the user loaded it; nothing was written.

    ``changes`` lists what they changed (field, old → new); ``current_version`` is what a new form must carry.
    """

    def __init__(self, obj, expected_version: int, changes: list[FieldChange]):
        self.obj = obj
        self.expected_version = expected_version
        self.current_version = obj.version
        self.changes = changes
        record = obj.history.select_related("history_user").order_by("-history_date", "-history_id").first()
        self.changed_by = getattr(record, "history_user", None)
        self.changed_at = getattr(record, "history_date", None)
        super().__init__(str(self.message))

    @property
    def message(self) -> str:
        return str(
            _(
                "Someone else changed this %(object)s after you opened it. Nothing was saved. "
                "Check their changes below, then save again if you still want yours."
            )
            % {"object": type(self.obj)._meta.verbose_name}
        )


def _shown(model, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def changes_since(obj, version: int) -> list[FieldChange]:
    """What changed on ``obj`` since the reader loaded it at ``version``, field by field."""
    records = obj.history.order_by("-history_date", "-history_id")
    seen, latest = records.filter(version=version).first(), records.first()
    if seen is None or latest is None:
        return []
    model = type(obj)
    delta = latest.diff_against(seen, excluded_fields=IGNORED_FIELDS)
    return [
        FieldChange(
            field=change.field,
            label=str(model._meta.get_field(change.field).verbose_name).capitalize(),
            old=_shown(model, change.field, change.old),
            new=_shown(model, change.field, change.new),
        )
        for change in delta.changes
    ]


def claim_version(obj, expected_version: int | None, *, changes: Callable = changes_since):
    """Raise the stored version by one if it is still ``expected_version``; answer a fresh copy.

    ``ConcurrentEditError`` (with ``changes(fresh, expected)``) when someone saved in between. The caller's
    instance is left alone, so a refused action leaves it as it was.
    """
    expected = obj.version if expected_version is None else int(expected_version)
    model = type(obj)
    claimed = model.objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1)
    fresh = model.objects.get(pk=obj.pk)
    if claimed != 1:
        raise ConcurrentEditError(fresh, expected, changes(fresh, expected))
    return fresh


class VersionField(forms.IntegerField):
    """The hidden version a form was loaded with; a missing or tampered one gets a message people understand."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        message = _("This form is out of date or damaged. Reload the page and enter your changes again.")
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "error_messages", {"required": message, "invalid": message, "min_value": message, "max_value": message}
        )
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)


class VersionedModelForm(forms.ModelForm):
    """Carries the version the object was loaded with (see agencies.locking); a new object has none yet."""

    version = VersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.initial.setdefault("version", self.instance.version)


def keep_input_after_conflict(form, error: ConcurrentEditError) -> None:
    """Keep what the user typed, but carry the current version: saving again is then a deliberate choice."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(error.current_version)
    form.data = data
