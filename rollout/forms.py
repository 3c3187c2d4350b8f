"""Forms of the rollout pages. Forms only read and check input; the service functions change state.

Forms that change a versioned object carry its ``version`` in a hidden field: the service refuses the save
when the object has changed since the form was loaded (see ``rollout.services``).
"""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from agencies.locking import VersionedModelForm, VersionField
from agencies.models import Agency
from agencies.widgets import DayInput
from rollout.models import (
    Certificate,
    CertificationBody,
    Consultant,
    Declaration,
    Designation,
    Engagement,
    Expert,
    Milestone,
    Programme,
)
from rollout.validators import ACCEPTED_EXTENSIONS, validate_evidence_file


class DateInput(DayInput):
    """The portal's date field (see ``agencies.widgets``), under the name the forms of other apps import."""


class VersionedForm(forms.Form):
    version = VersionField()


class MilestoneStatusForm(VersionedModelForm):
    """Status update with a note and, optionally, an evidence file. Reusable as a quick form (use a prefix).
    The milestone's own rules (a done milestone needs its date, a blocked one its reason, no future date)
    show as this form's errors; the form works on a copy, so a refused update leaves the milestone as it was."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label=_("Evidence file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
    )
    evidence_description = forms.CharField(label=_("Description of the file"), required=False, max_length=250)

    class Meta:
        model = Milestone
        fields = ["status", "completed_on", "blocked_reason"]
        widgets = {"completed_on": DateInput, "blocked_reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "completed_on": _("Required when the milestone is done."),
            "blocked_reason": _("Required when the milestone is blocked."),
        }

    def __init__(self, *args, milestone: Milestone, **kwargs):
        super().__init__(*args, instance=copy.copy(milestone), **kwargs)
        self.milestone = milestone
        self.fields["evidence"].help_text = evidence_help()

    def clean_evidence(self):
        uploaded = self.cleaned_data.get("evidence")
        if uploaded:
            validate_evidence_file(uploaded)
        return uploaded

    def update(self) -> dict:
        """The arguments of ``rollout.services.update_milestone``."""
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "status": data["status"],
            "note": data["note"],
            "completed_on": data["completed_on"],
            "blocked_reason": data["blocked_reason"],
            "evidence": data["evidence"] or None,
            "evidence_description": data["evidence_description"],
        }


class DueDatesForm(VersionedForm):
    """One date field per milestone, named ``due_<milestone id>``."""

    def __init__(self, *args, plan, milestones, **kwargs):
        initial = {"version": plan.version} | {f"due_{m.pk}": m.due_date for m in milestones}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.plan = plan
        for milestone in milestones:
            self.fields[f"due_{milestone.pk}"] = forms.DateField(label=str(milestone), widget=DateInput)

    def due_dates(self) -> dict[int, object]:
        return {int(name[4:]): value for name, value in self.cleaned_data.items() if name.startswith("due_")}


def evidence_help() -> str:
    """What an upload field accepts, said before the upload."""
    return str(_("PDF, DOCX, XLSX, ODT, JPG or PNG, up to %(limit)s.") % {
        "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)})


class PlanContentForm(VersionedForm):
    """The plan's scope and its document (the revision page)."""

    scope = forms.CharField(
        label=_("Scope (administrative procedures covered)"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    document = forms.FileField(
        label=_("Plan document"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = evidence_help()

    def clean_document(self):
        uploaded = self.cleaned_data.get("document")
        if uploaded:
            validate_evidence_file(uploaded)
        return uploaded


class MilestoneEditForm(VersionedForm):
    """A milestone's name, due date and owner, on the revision page (``version`` is the plan's)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False, empty_label="—")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = plan.agency.users.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["owner"].label_from_instance = lambda user: user.display_name


class MilestoneAddForm(MilestoneEditForm):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=None, empty_label=None)

    field_order = ["stage", "name", "due_date", "owner"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["stage"].queryset = plan.programme.stages.order_by("number")


class PlanActionForm(VersionedForm):
    """Submit, approve as head, or approve: an optional comment."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnPlanForm(VersionedForm):
    comment = forms.CharField(
        label=_("What must be revised"), widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what must be revised when returning a plan.")},
    )


class CertificateForm(forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ["number", "certification_body", "issued_on", "expires_on", "scope", "procedures_count"]
        widgets = {"issued_on": DateInput, "expires_on": DateInput, "scope": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = CertificationBody.objects.filter(active=True)
        if self.instance.certification_body_id:
            bodies = CertificationBody.objects.filter(active=True) | CertificationBody.objects.filter(
                pk=self.instance.certification_body_id)
        self.fields["certification_body"].queryset = bodies


class CertificateEditForm(CertificateForm):
    version = VersionField()


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = Declaration
        fields = ["decision_number", "decision_date", "notified_on", "scope", "procedures_count"]
        widgets = {"decision_date": DateInput, "notified_on": DateInput, "scope": forms.Textarea(attrs={"rows": 4})}


class DeclarationEditForm(DeclarationForm):
    version = VersionField()


class CertificationBodyForm(VersionedModelForm):
    class Meta:
        model = CertificationBody
        fields = ["name", "short_name", "designation", "address", "contact", "active"]


class ConsultantForm(VersionedModelForm):
    class Meta:
        model = Consultant
        fields = ["name", "address", "contact", "active"]


class EngagementForm(VersionedModelForm):
    class Meta:
        model = Engagement
        fields = ["agency", "programme", "consultant", "certification_body", "contract_number", "start_date",
                  "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["programme"].queryset = Programme.objects.all()


class EngagementFilterForm(forms.Form):
    """The registry's filter on who works with which agency: an agency's name or code, a programme, a partner."""

    q = forms.CharField(label=_("Agency"), required=False, max_length=100, help_text=_("Name or code"))
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False, empty_label=_("All")
    )
    partner = forms.ChoiceField(label=_("Consultant or certification body"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [
            ("", _("All")),
            (_("Certification bodies"), [(f"body-{b.pk}", b.name) for b in CertificationBody.objects.all()]),
            (_("Consultants"), [(f"consultant-{c.pk}", c.name) for c in Consultant.objects.all()]),
        ]

    def filter(self, engagements):
        if not self.is_valid():
            return engagements.none()
        data = self.cleaned_data
        if data["q"].strip():
            text = data["q"].strip()
            engagements = engagements.filter(Q(agency__name__icontains=text) | Q(agency__code__icontains=text))
        if data["programme"]:
            engagements = engagements.filter(programme=data["programme"])
        kind, _sep, pk = data["partner"].partition("-")
        if kind == "body":
            engagements = engagements.filter(certification_body_id=pk)
        elif kind == "consultant":
            engagements = engagements.filter(consultant_id=pk)
        return engagements


class DesignationForm(VersionedModelForm):
    class Meta:
        model = Designation
        fields = ["certification_body", "consultant", "number", "issued_by", "valid_from", "valid_until", "scope"]
        widgets = {"valid_from": DateInput, "valid_until": DateInput}


class ExpertForm(VersionedModelForm):
    class Meta:
        model = Expert
        fields = ["certification_body", "consultant", "name", "qualification", "certificate_number", "active"]


class EngagementDeclarationForm(forms.ModelForm):
    """An agency's own declaration: the agency is the officer's, not chosen."""

    class Meta:
        model = Engagement
        fields = ["programme", "consultant", "certification_body", "contract_number", "start_date", "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}
