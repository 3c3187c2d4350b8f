"""Readable change history of a steering committee: who changed what, and when.

simple_history keeps one row per saved version; here consecutive versions of the committee and of each
member are compared in Python, so the page needs a fixed number of queries however long the history is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from agencies.models import CommitteeMember, SteeringCommittee, User

COMMITTEE_FIELDS = ("decision_number", "decision_date", "management_representative")
MEMBER_FIELDS = ("name", "position", "role", "user", "training_notes")
ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("removed")}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    type: str  # simple_history's "+", "~" or "-"
    subject: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def action(self) -> str:
        return str(ACTIONS[self.type])

    @property
    def is_addition(self) -> bool:
        return self.type == "+"


def _display(model, name: str, value, users: dict[int, str]) -> str:
    if value in (None, ""):
        return "—"
    if name == "user":
        return users.get(value, str(value))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    choices = dict(model._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


def _entries(model, records, fields: tuple[str, ...], subject_of, users: dict[int, str]) -> list[HistoryEntry]:
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        changes = []
        if record.history_type != "-":
            for name in fields:
                attname = model._meta.get_field(name).attname
                new = getattr(record, attname)
                old = getattr(before, attname) if before else None
                if new != old and not (before is None and new in (None, "")):
                    changes.append(FieldChange(
                        str(model._meta.get_field(name).verbose_name).capitalize(),
                        _display(model, name, old, users), _display(model, name, new, users),
                    ))
            if record.history_type == "~" and not changes:
                continue
        who = record.history_user.display_name if record.history_user else str(_("system"))
        entries.append(HistoryEntry(record.history_date, who, record.history_type, subject_of(record), changes))
    return entries


def committee_changes(committee: SteeringCommittee, limit: int = 50) -> list[HistoryEntry]:
    """The latest changes to the committee and its members, newest first."""
    committee_records = committee.history.select_related("history_user").order_by("history_date", "history_id")
    member_records = list(
        CommitteeMember.history.filter(committee_id=committee.pk)
        .select_related("history_user").order_by("history_date", "history_id")
    )
    user_ids = {record.user_id for record in member_records if record.user_id}
    users = {user.pk: user.display_name for user in User.objects.filter(pk__in=user_ids)}
    committee_entries = _entries(
        SteeringCommittee, committee_records, COMMITTEE_FIELDS, lambda r: str(_("Committee")), users
    )
    member_entries = _entries(CommitteeMember, member_records, MEMBER_FIELDS, lambda r: r.name, users)
    # Newest first; entries saved in the same instant keep their saved order (the position breaks the tie).
    ordered = sorted(
        [(entry.when, position, entry) for entries in (committee_entries, member_entries)
         for position, entry in enumerate(entries)],
        key=lambda item: item[:2], reverse=True,
    )
    return [entry for _when, _position, entry in ordered[:limit]]
