"""Change history of plans, milestones, certificates and declarations, read back for people.

The models record their history with django-simple-history (``HistoricalRecords``). We chose it over
django-auditlog because it stores the full row as it was after every save — so any past state can be read
back whole, and two states compared field by field with ``diff_against`` — and because it takes the user
from the request (``HistoryRequestMiddleware``) or, in service functions, from ``instance._history_user``.
The same diffs serve the history shown on each page and the "someone else changed this" message of
optimistic locking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rollout.models import Milestone

# Bookkeeping columns that change on every save and mean nothing to a reader.
IGNORED_FIELDS = ("id", "version", "updated_at")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: object | None
    created: bool
    subject: str = ""  # what changed when a page shows the history of several objects (e.g. a milestone)
    changes: list[FieldChange] = field(default_factory=list)


def display_value(model: type[models.Model], name: str, value, related_cache: dict | None = None) -> str:
    """A stored value as a person reads it: choice labels, related objects' names, dates as 30/06/2010.

    ``related_cache`` keeps related objects' names across one page's history (one query per object, not per
    change).
    """
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        cache = related_cache if related_cache is not None else {}
        key = (model_field.related_model, value)
        if key not in cache:
            related = model_field.related_model.objects.filter(pk=value).first()
            cache[key] = str(related) if related is not None else f"#{value}"
        return cache[key]
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _field_changes(model: type[models.Model], new_record, old_record, prefix: str = "",
                   related_cache: dict | None = None) -> list[FieldChange]:
    delta = new_record.diff_against(old_record, excluded_fields=IGNORED_FIELDS)
    related_cache = {} if related_cache is None else related_cache
    changes = []
    for change in delta.changes:
        label = str(model._meta.get_field(change.field).verbose_name)
        changes.append(FieldChange(
            field=change.field,
            label=f"{prefix}{label}" if prefix else label.capitalize(),
            old=display_value(model, change.field, change.old, related_cache),
            new=display_value(model, change.field, change.new, related_cache),
        ))
    return changes


def _entries(model, records, subject: str = "", related_cache: dict | None = None) -> list[HistoryEntry]:
    entries, previous = [], None
    related_cache = {} if related_cache is None else related_cache
    for record in records:
        if previous is None:
            entries.append(
                HistoryEntry(at=record.history_date, user=record.history_user, created=True, subject=subject)
            )
        else:
            changes = _field_changes(model, record, previous, related_cache=related_cache)
            if changes:
                entries.append(HistoryEntry(
                    at=record.history_date, user=record.history_user, created=False, subject=subject, changes=changes,
                ))
        previous = record
    return entries


def history_of(obj: models.Model) -> list[HistoryEntry]:
    """Who changed what and when, newest first."""
    records = obj.history.select_related("history_user").order_by("history_date", "history_id")
    return sorted(_entries(type(obj), records), key=lambda entry: entry.at, reverse=True)


def plan_history(plan) -> list[HistoryEntry]:
    """The plan's own changes and its milestones' (due dates, status), newest first: two queries, plus one per
    related object named in a change (e.g. who approved)."""
    cache: dict = {}
    entries = _entries(
        type(plan), plan.history.select_related("history_user").order_by("history_date", "history_id"),
        related_cache=cache,
    )
    by_milestone = defaultdict(list)
    records = (
        Milestone.history.filter(plan_id=plan.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    for record in records:
        by_milestone[record.id].append(record)
    for milestone_records in by_milestone.values():
        latest = milestone_records[-1]
        subject = f"{latest.number}. {latest.name}"
        # The milestones' creation is the plan's creation: show only their later changes.
        milestone_entries = _entries(Milestone, milestone_records, subject=subject, related_cache=cache)
        entries.extend(entry for entry in milestone_entries if not entry.created)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def changes_since(obj: models.Model, version: int) -> list[FieldChange]:
    """What changed on ``obj`` since the reader loaded it at ``version`` (for the locking conflict message).

    For a plan this includes its milestones' changes saved with or after the plan's next version, e.g. due
    dates edited by someone else (``update_due_dates`` saves the plan first, then the milestones).
    """
    records = obj.history.order_by("-history_date", "-history_id")
    seen = records.filter(version=version).first()
    latest = records.first()
    if seen is None or latest is None:
        return []
    changes = _field_changes(type(obj), latest, seen)
    if obj._meta.model_name == "implementationplan":
        following = obj.history.filter(version__gt=version).order_by("history_date", "history_id").first()
        if following is not None:
            changes.extend(_milestone_changes_from(obj, following.history_date))
    return changes


def _milestone_changes_from(plan, boundary: dt.datetime) -> list[FieldChange]:
    by_milestone = defaultdict(list)
    for record in Milestone.history.filter(plan_id=plan.pk).order_by("history_date", "history_id"):
        by_milestone[record.id].append(record)
    changes = []
    for milestone_records in by_milestone.values():
        before = [record for record in milestone_records if record.history_date < boundary]
        latest = milestone_records[-1]
        if before and latest.history_date >= boundary:
            prefix = f"{latest.number}. {latest.name} — "
            changes.extend(_field_changes(Milestone, latest, before[-1], prefix=prefix))
    return changes


def last_change(obj: models.Model):
    """The newest historical record (who and when), or None."""
    return obj.history.select_related("history_user").order_by("-history_date", "-history_id").first()
