"""The report pickers: programme and as-of date (and the agency, table and format where they apply)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import agencies_for_user
from reports.exports import FORMATS
from rollout.models import Programme

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]


class ReportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.order_by("-is_current", "-start_date"),
        required=False,
        empty_label=None,
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD or DD/MM/YYYY.")},
        help_text=_("Figures as they stood at the end of this day. Empty: today."),
    )

    def clean(self):
        data = super().clean()
        programme = data.get("programme") or Programme.objects.current()
        if programme is None:
            raise forms.ValidationError(_("There is no programme to report on yet."))
        data["programme"] = programme
        if "as_of" not in data:  # the date did not parse; its own error says so
            return data
        as_of: dt.date = data.get("as_of") or timezone.localdate()
        if as_of < programme.start_date:
            self.add_error(
                "as_of",
                _("The date cannot precede the programme's start (%(start)s).")
                % {"start": programme.start_date.strftime("%d/%m/%Y")},
            )
        elif as_of > timezone.localdate():
            self.add_error("as_of", _("The date cannot be in the future."))
        data["as_of"] = as_of
        return data


class AgencyReportForm(ReportForm):
    agency = forms.CharField(
        label=_("Agency code"),
        max_length=32,
        help_text=_("The agency's short code, e.g. SKHCN or VANLAM."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_agency(self):
        code = self.cleaned_data["agency"].strip().upper()
        agency = agencies_for_user(self.user).filter(code__iexact=code).first()
        if agency is None:
            # The same message for an unknown code and for another agency's: nothing is revealed.
            raise forms.ValidationError(_("No agency with the code %(code)s.") % {"code": code})
        return agency


class ExportForm(ReportForm):
    table = forms.ChoiceField(
        label=_("Table"),
        choices=[
            ("agencies", _("Agencies and their progress")),
            ("certificates", _("Certificate and declaration register")),
        ],
    )
    format = forms.ChoiceField(label=_("Format"), choices=[(fmt, fmt.upper()) for fmt in FORMATS])
