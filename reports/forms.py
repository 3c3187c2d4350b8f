"""The report pickers: programme and as-of date (and the agency, table and format where they apply)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import agencies_for_user
from agencies.widgets import DayInput
from reports.exports import FORMATS
from rollout.models import Programme

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


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
        widget=DayInput,
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 30/06/2010.")},
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


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, so "van lam" finds "Văn Lâm"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


AGENCY_OPTIONS_ID = "agency-options"
MAX_NAMED_MATCHES = 8


class AgencyReportForm(ReportForm):
    """The agency report's picker: the agency's code, or part of its name (accents optional). The page lists the
    agencies the user may see in a <datalist>, so the browser suggests them as the user types: no script."""

    agency = forms.CharField(
        label=_("Agency"),
        max_length=200,
        help_text=_("Type part of the name or the code (e.g. Văn Lâm or VANLAM) and pick from the suggestions."),
        widget=forms.TextInput(attrs={"list": AGENCY_OPTIONS_ID, "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def agency_options(self):
        return agencies_for_user(self.user).order_by("name").values_list("code", "name")

    def clean_agency(self):
        text = " ".join(self.cleaned_data["agency"].split())
        agencies = agencies_for_user(self.user)
        code = text.split(" — ")[0].strip()
        by_code = agencies.filter(code__iexact=code).first()
        if by_code is not None:
            return by_code
        wanted = fold(text)
        matches = [agency for agency in agencies.only("pk", "code", "name") if wanted and wanted in fold(agency.name)]
        exact = [agency for agency in matches if fold(agency.name) == wanted]
        if len(exact) == 1:
            matches = exact
        if len(matches) == 1:
            return agencies.get(pk=matches[0].pk)
        if not matches:
            # The same message for an unknown agency and for another agency's: nothing is revealed.
            raise forms.ValidationError(_("No agency matches “%(text)s”.") % {"text": text})
        names = "; ".join(f"{agency.name} ({agency.code})" for agency in matches[:MAX_NAMED_MATCHES])
        if len(matches) > MAX_NAMED_MATCHES:
            names += "; …"
        raise forms.ValidationError(
            _("%(count)s agencies match “%(text)s”: %(names)s. Type more of the name, or the code.")
            % {"count": len(matches), "text": text, "names": names}
        )


class ExportForm(ReportForm):
    table = forms.ChoiceField(
        label=_("Table"),
        choices=[
            ("agencies", _("Agencies and their progress")),
            ("certificates", _("Certificate and declaration register")),
        ],
    )
    format = forms.ChoiceField(label=_("Format"), choices=[(fmt, fmt.upper()) for fmt in FORMATS])
