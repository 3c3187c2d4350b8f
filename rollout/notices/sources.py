"""The registry of reminder sources besides milestones: each says which notices are due on a day (unsaved
``ReminderLog`` rows without a milestone, unique by programme, kind, key and recipient), writes them, and says
whether a claimed one is still needed when its turn to be sent comes.

Rollout registers the certificate expiry reminders (``notices.expiry``); the apps above it register theirs in
their ``AppConfig.ready`` (e.g. the annual report to DOST), so the one sweep and the one outbox carry every
e-mail without rollout importing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from rollout.models.reminders import ReminderLog


@dataclass(frozen=True)
class ReminderSource:
    kind: str
    due: Callable[[dt.date], list[ReminderLog]]
    context: Callable[[ReminderLog], dict]
    template: str  # "emails/<name>": <template>_subject.txt and <template>.txt
    still_needed: Callable[[ReminderLog], bool] = lambda log: True


_SOURCES: dict[str, ReminderSource] = {}


def register(source: ReminderSource) -> None:
    _SOURCES[source.kind] = source


def get(kind: str) -> ReminderSource | None:
    return _SOURCES.get(kind)


def all_sources() -> list[ReminderSource]:
    return list(_SOURCES.values())


def not_yet_claimed(planned: list[ReminderLog]) -> list[ReminderLog]:
    """The planned notices no earlier sweep claimed (one query per source)."""
    if not planned:
        return []
    existing = set(
        ReminderLog.objects.filter(
            milestone__isnull=True,
            urge__isnull=True,
            kind__in={log.kind for log in planned},
            key__in={log.key for log in planned},
        ).values_list("programme_id", "kind", "key", "recipient_id")
    )
    return [log for log in planned if (log.programme_id, log.kind, log.key, log.recipient_id) not in existing]


def render(log: ReminderLog) -> tuple[str, str]:
    """Subject and plain text of a source's notice, in the recipient's language."""
    source = _SOURCES[log.kind]
    language = (log.recipient.language if log.recipient else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"log": log, "recipient": log.recipient, "site_url": settings.SITE_URL, **source.context(log)}
        subject = " ".join(render_to_string(f"{source.template}_subject.txt", context).split())
        text = render_to_string(f"{source.template}.txt", context)
    return subject, text
