"""DOST's register of certificates and declarations on a page: the records of ``reports.data.compliance_records``
as of a date, filtered (validity, certification body, group, district, expiring within N days), sorted, paged,
and exported as shown (every page of the filtered, sorted list)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import TRACKED_GROUPS, Agency, AgencyKind
from reports.data import ComplianceRecord, Validity, compliance_records
from reports.exports import FORMATS
from reports.forms import ReportForm
from rollout.models import CertificationBody

PAGE_SIZE = 25
DECLARATIONS = "declarations"  # the body filter's choice for self-declarations (no certification body)
MAX_EXPIRY_DAYS = 3650
DISTRICT_KINDS = (AgencyKind.DISTRICT, AgencyKind.TOWN, AgencyKind.CITY)
_FAR_FUTURE = dt.date.max

SORTS = {
    "agency": (_("Agency"), lambda r: (r.agency_name.casefold(), r.issued_on)),
    "number": (_("Number"), lambda r: (r.number.casefold(), r.agency_code)),
    "issuer": (_("Certification body or declarant"), lambda r: (r.issuer.casefold(), r.agency_code)),
    "issued": (_("Issue date"), lambda r: (r.issued_on, r.agency_code)),
    "expires": (_("Expiry date"), lambda r: (r.expires_on or _FAR_FUTURE, r.agency_code)),
    "validity": (_("Validity"), lambda r: (list(Validity.LABELS).index(r.validity), r.agency_code)),
}
DEFAULT_SORT = "agency"


def sort_choices():
    for key, (label, _key) in SORTS.items():
        yield key, label
        yield f"-{key}", _("%(column)s, descending") % {"column": label}


class RegisterForm(ReportForm):
    validity = forms.ChoiceField(
        label=_("Validity"), required=False, choices=[("", _("All")), *Validity.LABELS.items()]
    )
    body = forms.ChoiceField(label=_("Certification body"), required=False)
    group = forms.ChoiceField(
        label=_("Group"),
        required=False,
        choices=[("", _("All")), *((group.value, group.label) for group in TRACKED_GROUPS)],
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    expiring_within = forms.IntegerField(
        label=_("Expiring within (days)"),
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        help_text=_("Only certificates whose validity ends within this many days of the date."),
        error_messages={
            "invalid": _("Enter a whole number of days."),
            "min_value": _("Enter at least 1 day."),
            "max_value": _("Enter at most %(limit_value)s days."),
        },
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=sort_choices)
    format = forms.ChoiceField(required=False, choices=[(fmt, fmt.upper()) for fmt in FORMATS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [
            ("", _("All")),
            (DECLARATIONS, _("Self-declarations (no certification body)")),
            *((str(pk), name) for pk, name in CertificationBody.objects.order_by("name").values_list("pk", "name")),
        ]
        self.fields["district"].choices = [
            ("", _("Whole province")),
            *Agency.objects.filter(kind__in=DISTRICT_KINDS).order_by("name").values_list("code", "name"),
        ]


def matches(record: ComplianceRecord, data: dict) -> bool:
    if data.get("validity") and record.validity != data["validity"]:
        return False
    body = data.get("body")
    if body == DECLARATIONS and record.kind != "declaration":
        return False
    if body and body != DECLARATIONS and str(record.body_id) != body:
        return False
    if data.get("group") and record.agency_group != data["group"]:
        return False
    if data.get("district") and record.district_code != data["district"]:
        return False
    within = data.get("expiring_within")
    if within:
        as_of = data["as_of"]
        if record.expires_on is None or not as_of <= record.expires_on <= as_of + dt.timedelta(days=within):
            return False
    return True


def register_records(data: dict) -> list[ComplianceRecord]:
    """The register as the form's cleaned ``data`` asks: filtered, then sorted."""
    records = [r for r in compliance_records(data["programme"], data["as_of"]) if matches(r, data)]
    sort = data.get("sort") or DEFAULT_SORT
    _label, key = SORTS[sort.lstrip("-")]
    records.sort(key=key, reverse=sort.startswith("-"))
    return records
