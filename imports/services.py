"""Uploading a spreadsheet (kept as a change set waiting for confirmation) and confirming it."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from imports import agency_list, milestones
from imports.models import ChangeSet, ChangeSetStatus, ImportKind

READERS = {ImportKind.MILESTONES: milestones, ImportKind.AGENCIES: agency_list}


def reader(change_set: ChangeSet):
    """The module that reads and applies this kind of spreadsheet (``read``, ``apply``)."""
    return READERS[ImportKind(change_set.kind)]


def upload(user, uploaded_file, kind: str = ImportKind.MILESTONES) -> ChangeSet:
    """Keep the file as a change set to preview; ``NotASpreadsheet`` (nothing kept) if it is not a workbook."""
    content = uploaded_file.read()
    milestones.open_workbook(content).close()
    change_set = ChangeSet(
        kind=kind,
        uploaded_by=user,
        original_name=(uploaded_file.name or "")[-200:],
        sha256=hashlib.sha256(content).hexdigest(),
    )
    change_set.file.save("import.xlsx", uploaded_file, save=False)
    try:
        change_set.save()
    except Exception:
        change_set.file.delete(save=False)
        raise
    return change_set


def change_set_for_user(user, pk) -> ChangeSet:
    """One of the user's own change sets; anyone else's answers 404."""
    try:
        return ChangeSet.objects.get(pk=pk, uploaded_by=user)
    except (ChangeSet.DoesNotExist, ValueError, TypeError):
        raise Http404("No such change set") from None


def content_of(change_set: ChangeSet) -> bytes:
    with change_set.file.open("rb") as handle:
        return handle.read()


@transaction.atomic
def confirm(change_set: ChangeSet, user) -> ChangeSet:
    """Apply the change set's rows, all or none (``ImportRefused`` says why none). Confirming twice
    applies once: the change set is claimed under a row lock."""
    claimed = ChangeSet.objects.select_for_update().get(pk=change_set.pk)
    if claimed.status == ChangeSetStatus.APPLIED:
        return claimed
    claimed.changes = reader(claimed).apply(content_of(claimed), user)
    claimed.status, claimed.applied_at = ChangeSetStatus.APPLIED, timezone.now()
    claimed.save(update_fields=["changes", "status", "applied_at"])
    return claimed
