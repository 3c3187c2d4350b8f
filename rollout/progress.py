"""The progress engine: the only place where rollout progress is computed.

Dashboard, reports, exports, reminders and the ``progress`` command all call ``programme_progress``
(or ``agency_progress`` / ``completion_series``); none of them count milestones themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NOT_STARTED = "not_started", _("Not started")


@dataclass(frozen=True)
class AgencyProgress:
    agency_id: int
    code: str
    name: str
    kind: str
    group: str
    tier: str  # mandatory / encouraged, for this programme
    parent_id: int | None
    status: str  # a ProgressStatus value
    stage: int  # highest stage number whose milestone is done as of the date (0: none)
    stage_name: str
    milestones_total: int
    milestones_done: int
    percent_done: float  # 0–100, one decimal
    overdue: int  # milestones due before the date and not done on it
    completed_on: dt.date | None
    forecast_on: dt.date | None  # projected completion from the agency's own pace
    plan_id: int | None
    plan_status: str | None
    last_update: dt.datetime | None


@dataclass(frozen=True)
class GroupProgress:
    group: str  # an AgencyGroup value; "province" for the totals of all tracked agencies
    label: str
    mandatory: bool
    total: int
    completed: int
    percent_completed: float
    on_track: int
    at_risk: int
    off_track: int
    not_started: int


@dataclass(frozen=True)
class ProgrammeProgress:
    programme_id: int
    as_of: dt.date
    target_date: dt.date
    days_to_target: int  # negative once the target has passed
    agencies: list[AgencyProgress] = field(default_factory=list)
    groups: list[GroupProgress] = field(default_factory=list)  # one per tracked group, in directive order
    mandatory: GroupProgress | None = None  # totals of the mandatory groups: the 100% target
    province: GroupProgress | None = None  # totals of every tracked agency
