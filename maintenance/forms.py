from __future__ import annotations

from django import forms

from maintenance.models import AnnualReport, CorrectiveAction, MaintenanceActivity
from rollout.forms import DateInput


class ActivityForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MaintenanceActivity
        fields = ["kind", "due_on", "held_on", "scope", "findings", "edition"]
        widgets = {"due_on": DateInput, "held_on": DateInput, "scope": forms.Textarea(attrs={"rows": 2})}


class CorrectiveActionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CorrectiveAction
        fields = [
            "activity",
            "found_on",
            "nonconformity",
            "cause",
            "action",
            "owner",
            "due_on",
            "closed_on",
            "verified_on",
        ]
        widgets = {
            "found_on": DateInput,
            "due_on": DateInput,
            "closed_on": DateInput,
            "verified_on": DateInput,
            "nonconformity": forms.Textarea(attrs={"rows": 2}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "action": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = MaintenanceActivity.objects.filter(agency=agency)


class AnnualReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AnnualReport
        fields = [
            "procedures_covered",
            "internal_audits",
            "management_reviews",
            "actions_raised",
            "actions_closed",
            "results",
            "difficulties",
        ]
        widgets = {"results": forms.Textarea(attrs={"rows": 4}), "difficulties": forms.Textarea(attrs={"rows": 3})}
