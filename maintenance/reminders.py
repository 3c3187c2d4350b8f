"""Reminders of the maintenance cycle through the outbox (registered in ``MaintenanceConfig.ready``).

* The annual report: 14 days before the programme's deadline and on the day to the ISO officers of every agency
  holding a certificate or declaration that has not filed; the day after the deadline, the missing report to its
  officers, its head and DOST.
* Each audit, review or renewal not yet held: 14 days before it is due and on the day to the agency's ISO
  officers; 7 days after, still not held, to its officers and head.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from agencies.models import DOST_GROUP, User, UserRole
from maintenance.models import AnnualReport, MaintenanceActivity, report_deadline
from maintenance.records import agencies_maintaining
from rollout.models import Programme
from rollout.models.reminders import ReminderKind, ReminderLog
from rollout.notices import sources

BEFORE = (14, 0)
LATE_STEP = "late"
LATE_WINDOW_DAYS = 30


def step_on(deadline: dt.date, day: dt.date) -> str | None:
    days_left = (deadline - day).days
    if days_left < 0:
        return LATE_STEP if -days_left <= LATE_WINDOW_DAYS else None
    reached = [step for step in BEFORE if days_left <= step]
    return f"-{min(reached)}" if reached else None


def _users(**filters):
    return User.objects.filter(is_active=True).exclude(email="").filter(**filters).distinct().order_by("pk")


def due(day: dt.date) -> list[ReminderLog]:
    planned = []
    # The report of a year is due by the deadline in that year; in January the late notice is last year's.
    for programme in Programme.objects.filter(start_date__lte=day):
        for year in (day.year, day.year - 1):
            deadline = report_deadline(programme, year)
            step = step_on(deadline, day)
            if step is None:
                continue
            maintaining = set(agencies_maintaining(programme, year))
            filed = set(AnnualReport.objects.filter(programme=programme, year=year).values_list("agency_id", flat=True))
            missing = maintaining - filed
            if not missing:
                continue
            roles = [UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD] if step == LATE_STEP else [UserRole.ISO_OFFICER]
            recipients = list(_users(agency_id__in=missing, role__in=roles))
            if step == LATE_STEP:
                dost = list(_users(groups__name=DOST_GROUP))
            for agency_id in sorted(missing):
                users = [user for user in recipients if user.agency_id == agency_id]
                if step == LATE_STEP:
                    users += dost
                key = f"{agency_id}/{year}/{step}"
                planned += [
                    ReminderLog(
                        programme=programme,
                        kind=ReminderKind.ANNUAL_REPORT,
                        key=key,
                        recipient=user,
                        email=user.email,
                        for_date=day,
                        reason=step,
                    )
                    for user in users
                ]
    return planned


def _parts(log: ReminderLog) -> tuple[int, int]:
    agency_id, year, _step = log.key.split("/")
    return int(agency_id), int(year)


def context(log: ReminderLog) -> dict:
    from agencies.models import Agency

    agency_id, year = _parts(log)
    agency = Agency.objects.get(pk=agency_id)
    return {
        "agency": agency,
        "year": year,
        "deadline": report_deadline(log.programme, year),
        "late": log.reason == LATE_STEP,
        "report_url": settings.SITE_URL
        + reverse("maintenance:annual_report", kwargs={"code": agency.code, "year": year}),
    }


def still_needed(log: ReminderLog) -> bool:
    agency_id, year = _parts(log)
    return not AnnualReport.objects.filter(agency_id=agency_id, programme_id=log.programme_id, year=year).exists()


ACTIVITY_STEPS = (14, 0)
ACTIVITY_OVERDUE_DAYS = 7


def activity_step_on(due_on: dt.date, day: dt.date) -> str | None:
    days_left = (due_on - day).days
    if days_left < 0:
        return "late" if ACTIVITY_OVERDUE_DAYS <= -days_left <= ACTIVITY_OVERDUE_DAYS + LATE_WINDOW_DAYS else None
    reached = [step for step in ACTIVITY_STEPS if days_left <= step]
    return f"-{min(reached)}" if reached else None


def activities_due(day: dt.date) -> list[ReminderLog]:
    window = (day - dt.timedelta(days=ACTIVITY_OVERDUE_DAYS + LATE_WINDOW_DAYS), day + dt.timedelta(days=14))
    activities = [
        (activity, step)
        for activity in MaintenanceActivity.objects.filter(held_on__isnull=True, due_on__range=window)
        .filter(agency__active_from__lte=day)
        .exclude(agency__active_to__lt=day)
        if (step := activity_step_on(activity.due_on, day))
    ]
    users = list(
        _users(
            agency_id__in={a.agency_id for a, _step in activities},
            role__in=[UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD],
        )
    )
    planned = []
    for activity, step in activities:
        roles = {UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD} if step == "late" else {UserRole.ISO_OFFICER}
        for user in users:
            if user.agency_id == activity.agency_id and user.role in roles:
                planned.append(
                    ReminderLog(
                        programme_id=activity.programme_id,
                        kind=ReminderKind.MAINTENANCE_DUE,
                        key=f"{activity.pk}/{activity.due_on.isoformat()}/{step}",
                        recipient=user,
                        email=user.email,
                        for_date=day,
                        reason=step,
                    )
                )
    return planned


def _activity(log: ReminderLog) -> MaintenanceActivity | None:
    return MaintenanceActivity.objects.select_related("agency").filter(pk=log.key.split("/")[0]).first()


def activity_context(log: ReminderLog) -> dict:
    activity = _activity(log)
    return {
        "activity": activity,
        "agency": activity.agency,
        "late": log.reason == "late",
        "activity_url": settings.SITE_URL + activity.get_absolute_url(),
    }


def activity_still_needed(log: ReminderLog) -> bool:
    """Not once it is held, moved to another day, or deleted."""
    activity = _activity(log)
    return activity is not None and activity.held_on is None and log.key.split("/")[1] == activity.due_on.isoformat()


def register() -> None:
    sources.register(
        sources.ReminderSource(
            ReminderKind.MAINTENANCE_DUE,
            activities_due,
            activity_context,
            "emails/notices/maintenance_due",
            activity_still_needed,
        )
    )
    sources.register(
        sources.ReminderSource(ReminderKind.ANNUAL_REPORT, due, context, "emails/notices/annual_report", still_needed)
    )
