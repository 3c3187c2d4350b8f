"""Who is trained, as of a day: the agencies with staff who attended a course that had ended, and those with
an internal auditor whose certificate was valid."""

from __future__ import annotations

import datetime as dt

from training.models import TRAINED_RESULTS, Attendance, AuditorCertificate


def trained_attendances(as_of: dt.date):
    return Attendance.objects.filter(course__ends_on__lte=as_of, result__in=TRAINED_RESULTS)


def valid_auditor_certificates(as_of: dt.date):
    return AuditorCertificate.objects.filter(issued_on__lte=as_of, expires_on__gt=as_of)


def trained_agency_ids(as_of: dt.date) -> set[int]:
    return set(trained_attendances(as_of).values_list("agency_id", flat=True).distinct())


def auditor_agency_ids(as_of: dt.date) -> set[int]:
    return set(valid_auditor_certificates(as_of).values_list("agency_id", flat=True).distinct())
