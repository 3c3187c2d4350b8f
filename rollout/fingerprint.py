"""A fingerprint of the records the progress engine reads, cheap enough to take on every request.

On national data the engine needs about a second; its answer only changes when the records it reads change.
Pages and the API keep its answers under this fingerprint: the highest history id of every model the engine
reads (simple_history writes a row on every save and delete, whichever process made it), the highest id of
the append-only status logs, and the agencies' count and highest id (bulk inserts write no history) — read in
one query — plus a per-process generation raised by every save or delete signal, so a rolled-back test
database that reuses ids never meets an old answer.
"""

from __future__ import annotations

import functools
import threading

from django.db import connection
from django.db.models.signals import post_delete, post_save

from agencies.models import Agency
from rollout.models import (
    Certificate,
    Declaration,
    ImplementationPlan,
    Milestone,
    MilestoneStatusChange,
    PlanTransition,
    Programme,
    StageTemplate,
)

_HISTORY_MODELS = (Agency, ImplementationPlan, Milestone, Certificate, Declaration, Programme)
_LOG_MODELS = (PlanTransition, MilestoneStatusChange, StageTemplate)
_lock = threading.Lock()
_generation = [0]


@functools.cache
def _fingerprint_sql() -> str:
    parts = [f"(SELECT MAX(history_id) FROM {m.history.model._meta.db_table})" for m in _HISTORY_MODELS]
    parts += [f"(SELECT MAX(id) FROM {m._meta.db_table})" for m in _LOG_MODELS]
    parts += [f"(SELECT COUNT(*) FROM {Agency._meta.db_table})", f"(SELECT MAX(id) FROM {Agency._meta.db_table})"]
    return "SELECT " + ", ".join(parts)


def records_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        fingerprint = cursor.fetchone()
    return "-".join(str(value or 0) for value in (*fingerprint, _generation[0]))


def _new_generation(sender, **kwargs) -> None:
    with _lock:
        _generation[0] += 1


for _model in (*_HISTORY_MODELS, *_LOG_MODELS):
    post_save.connect(_new_generation, sender=_model, dispatch_uid=f"records-version-save-{_model.__name__}")
    post_delete.connect(_new_generation, sender=_model, dispatch_uid=f"records-version-delete-{_model.__name__}")
