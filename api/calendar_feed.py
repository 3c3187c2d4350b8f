"""A user's deadlines as an iCalendar document (RFC 5545), written with the ``icalendar`` package.

What "their deadlines" are: for an agency's ISO officer or head, the open milestones of their agency's plans, the
maintenance activities not yet held (internal audits, management reviews, surveillance audits, renewals), this
year's annual report to DOST while it is not filed (agencies that hold a certificate or declaration), and the
expiry of its certificates; for the committee, DOST and viewers, each programme's target date and the expiry of
every certificate still valid a year ago. Each event is an all-day event with a stable UID, so a calendar
application updates it in place when a due date moves.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from agencies.access import Access, agencies_for_user, may
from maintenance.models import AnnualReport, MaintenanceActivity, report_deadline
from rollout.models import Certificate, Milestone, Programme

UID_DOMAIN = "iso-portal"


def _event(uid: str, day: dt.date, summary: str, description: str, url: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", settings.SITE_URL + url)
    event.add("transp", "TRANSPARENT")
    return event


def deadline_events(user, stamp: dt.datetime) -> list[Event]:
    events = []
    if may(user, Access.SEE_PROVINCE):
        for programme in Programme.objects.order_by("pk"):
            events.append(
                _event(
                    f"programme-{programme.pk}-target",
                    programme.target_date,
                    _("Target date: %(programme)s") % {"programme": programme.name},
                    programme.legal_basis,
                    reverse("home"),
                    stamp,
                )
            )
        certificates = Certificate.objects.filter(expires_on__gte=timezone.localdate() - dt.timedelta(days=365))
    else:
        agencies = agencies_for_user(user)
        milestones = (
            Milestone.objects.open().filter(plan__agency__in=agencies).select_related("plan__agency").order_by("pk")
        )
        for milestone in milestones:
            events.append(
                _event(
                    f"milestone-{milestone.pk}",
                    milestone.due_date,
                    _("%(agency)s: %(milestone)s due") % {"agency": milestone.plan.agency.name, "milestone": milestone},
                    _("Milestone %(number)s of the implementation plan; status: %(status)s.")
                    % {"number": milestone.number, "status": milestone.get_status_display()},
                    milestone.get_absolute_url(),
                    stamp,
                )
            )
        certificates = Certificate.objects.filter(plan__agency__in=agencies)
        events += _maintenance_events(agencies, stamp)
    for certificate in certificates.select_related("plan__agency", "certification_body").order_by("pk"):
        events.append(
            _event(
                f"certificate-{certificate.pk}-expiry",
                certificate.expires_on,
                _("%(agency)s: certificate %(number)s expires")
                % {"agency": certificate.plan.agency.name, "number": certificate.number},
                _("Issued on %(issued)s by %(body)s.")
                % {"issued": certificate.issued_on.strftime("%d/%m/%Y"), "body": certificate.certification_body},
                reverse("rollout:certificate", kwargs={"pk": certificate.pk}),
                stamp,
            )
        )
    return events


def _maintenance_events(agencies, stamp: dt.datetime) -> list[Event]:
    """Audits, reviews and renewals not yet held, and this year's annual report to DOST while not filed."""
    events = []
    activities = MaintenanceActivity.objects.filter(agency__in=agencies, held_on__isnull=True)
    for activity in activities.select_related("agency").order_by("due_on", "pk"):
        events.append(
            _event(
                f"maintenance-{activity.pk}",
                activity.due_on,
                _("%(agency)s: %(activity)s due")
                % {"agency": activity.agency.name, "activity": activity.get_kind_display()},
                activity.scope,
                activity.get_absolute_url(),
                stamp,
            )
        )
    programme, year = Programme.objects.current(), timezone.localdate().year
    if programme is not None:
        filed = set(AnnualReport.objects.filter(programme=programme, year=year).values_list("agency_id", flat=True))
        due = report_deadline(programme, year)
        completed = (
            agencies.filter(plans__programme=programme)
            .filter(Q(plans__certificates__isnull=False) | Q(plans__declarations__isnull=False))
            .distinct()
        )
        for agency in completed.exclude(pk__in=filed).order_by("code"):
            events.append(
                _event(
                    f"annual-report-{programme.pk}-{agency.pk}-{year}",
                    due,
                    _("%(agency)s: annual report %(year)s to DOST due") % {"agency": agency.name, "year": year},
                    programme.name,
                    reverse("maintenance:agency", kwargs={"code": agency.code}),
                    stamp,
                )
            )
    return events


def calendar_for(user) -> bytes:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Hung Yen//ISO 9001 rollout portal//VI")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("ISO deadlines — %(name)s") % {"name": user.display_name})
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        for event in deadline_events(user, timezone.now()):
            calendar.add_component(event)
        return calendar.to_ical()
