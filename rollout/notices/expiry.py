"""Certificate expiry reminders: 90 and 30 days before a certificate expires and once it has expired, to the
agency's ISO officers and head and to DOST, unless the plan has a newer certificate by then (a renewal). A
certificate that expired more than 30 days before the first sweep that sees it is not reminded any more."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery

from agencies.models import DOST_GROUP, User, UserRole
from rollout.models import Certificate
from rollout.models.reminders import ReminderKind, ReminderLog
from rollout.notices import sources

STEPS = (90, 30)  # days before expiry; then "expired" on the day itself
EXPIRED_GRACE_DAYS = 30


def step_on(expires_on: dt.date, day: dt.date) -> str | None:
    """The latest step reached on ``day``: "90", "30", "expired", or None (too early or too long ago)."""
    days_left = (expires_on - day).days
    if days_left <= 0:
        return "expired" if -days_left <= EXPIRED_GRACE_DAYS else None
    reached = [step for step in STEPS if days_left <= step]
    return str(min(reached)) if reached else None


def _latest_of_plan():
    newer = Certificate.objects.filter(plan_id=OuterRef("plan_id")).order_by("-issued_on", "-pk").values("pk")[:1]
    return Subquery(newer)


def certificates_to_remind(day: dt.date):
    """Each plan's latest certificate issued by ``day``, expiring within 90 days or expired within the grace,
    of agencies active on ``day``."""
    return (
        Certificate.objects.filter(issued_on__lte=day)
        .filter(expires_on__lte=day + dt.timedelta(days=max(STEPS)))
        .filter(expires_on__gte=day - dt.timedelta(days=EXPIRED_GRACE_DAYS))
        .filter(plan__agency__active_from__lte=day)
        .filter(Q(plan__agency__active_to__isnull=True) | Q(plan__agency__active_to__gte=day))
        .annotate(latest=_latest_of_plan())
        .filter(pk=F("latest"))
        .select_related("plan__agency", "plan__programme")
    )


def _recipients(agency_ids):
    users = User.objects.filter(is_active=True).exclude(email="")
    agency_users = users.filter(agency_id__in=agency_ids, role__in=[UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD])
    dost = list(users.filter(groups__name=DOST_GROUP).distinct().order_by("pk"))
    by_agency: dict[int, list[User]] = {}
    for user in agency_users.order_by("pk"):
        by_agency.setdefault(user.agency_id, []).append(user)
    return by_agency, dost


def due(day: dt.date) -> list[ReminderLog]:
    certificates = [(c, step_on(c.expires_on, day)) for c in certificates_to_remind(day)]
    certificates = [(c, step) for c, step in certificates if step]
    by_agency, dost = _recipients({c.plan.agency_id for c, _step in certificates})
    planned = []
    for certificate, step in certificates:
        key = f"{certificate.pk}/{certificate.expires_on.isoformat()}/{step}"
        for user in [*by_agency.get(certificate.plan.agency_id, []), *dost]:
            planned.append(
                ReminderLog(
                    programme_id=certificate.plan.programme_id,
                    kind=ReminderKind.CERTIFICATE_EXPIRY,
                    key=key,
                    recipient=user,
                    email=user.email,
                    for_date=day,
                    reason=step,
                )
            )
    return planned


def _certificate(log: ReminderLog) -> Certificate:
    return Certificate.objects.select_related("plan__agency", "certification_body").get(pk=log.key.split("/")[0])


def context(log: ReminderLog) -> dict:
    certificate = _certificate(log)
    return {
        "certificate": certificate,
        "agency": certificate.plan.agency,
        "expired": log.reason == "expired",
        "days_left": max((certificate.expires_on - log.for_date).days, 0),
        "agency_url": settings.SITE_URL + certificate.plan.agency.get_absolute_url(),
    }


def still_needed(log: ReminderLog) -> bool:
    """Not once the plan has a newer certificate (renewed) or the certificate is gone."""
    certificate = Certificate.objects.filter(pk=log.key.split("/")[0]).first()
    return (
        certificate is not None
        and not Certificate.objects.filter(plan_id=certificate.plan_id, issued_on__gt=certificate.issued_on).exists()
    )


sources.register(
    sources.ReminderSource(
        ReminderKind.CERTIFICATE_EXPIRY, due, context, "emails/notices/certificate_expiry", still_needed
    )
)
