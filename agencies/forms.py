"""Forms of the agencies app: the registry filter and the steering committee editors."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.locking import VersionedModelForm
from agencies.models import Agency, AgencyGroup, AgencyKind, CommitteeMember, SteeringCommittee, User
from agencies.widgets import DayInput


def show_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field where the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def fold(text: str) -> str:
    """Lower-case Vietnamese text without diacritics, for searching: 'Đại Đồng' → 'dai dong'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    group = forms.ChoiceField(label=_("Group"), required=False, choices=[("", _("All groups")), *AgencyGroup.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *AgencyKind.choices])
    district = forms.ModelChoiceField(
        label=_("District"), required=False, empty_label=_("All districts"), to_field_name="code",
        queryset=Agency.objects.in_group(AgencyGroup.DISTRICTS).order_by("name"),
    )

    def __init__(self, *args, agencies=None, **kwargs):
        """``agencies``: those the user may see. A filter that cannot change the answer among them (one group,
        one kind, no district to choose) is left out, and the choices are the ones present. One query."""
        super().__init__(*args, **kwargs)
        self.agency_count = None
        if agencies is None:
            return
        rows = list(agencies.order_by().values_list("pk", "group", "kind", "parent_id"))
        self.agency_count = len(rows)
        groups = {group for _pk, group, _kind, _parent in rows}
        kinds = {kind for _pk, _group, kind, _parent in rows}
        districts = {pk for pk, group, _kind, _parent in rows if group == AgencyGroup.DISTRICTS}
        outside = [pk for pk, _group, _kind, parent in rows if pk not in districts and parent not in districts]
        self.fields["group"].choices = [("", _("All groups"))] + [c for c in AgencyGroup.choices if c[0] in groups]
        self.fields["kind"].choices = [("", _("All kinds"))] + [c for c in AgencyKind.choices if c[0] in kinds]
        self.fields["district"].queryset = self.fields["district"].queryset.filter(pk__in=districts)
        if len(groups) <= 1:
            del self.fields["group"]
        if len(kinds) <= 1:
            del self.fields["kind"]
        if not districts or (len(districts) == 1 and not outside):
            del self.fields["district"]

    def filter(self, agencies):
        """Apply the valid filters; an invalid choice is reported by the form and ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        if query := fold(data.get("q") or ""):
            # Matched in Python so that case and diacritics never matter ("dai dong" finds "Đại Đồng"),
            # whatever the database's collation; the registry is a few thousand rows at most.
            matching = [
                pk for pk, name, code in agencies.values_list("pk", "name", "code")
                if query in fold(name) or query in fold(code)
            ]
            agencies = agencies.filter(pk__in=matching)
        if data.get("group"):
            agencies = agencies.filter(group=data["group"])
        if data.get("kind"):
            agencies = agencies.filter(kind=data["kind"])
        if data.get("district"):
            agencies = agencies.filter(Q(parent=data["district"]) | Q(pk=data["district"].pk))
        return agencies


class SteeringCommitteeForm(VersionedModelForm):
    class Meta:
        model = SteeringCommittee
        fields = ["decision_number", "decision_date", "management_representative"]
        widgets = {"decision_date": DayInput}


class CommitteeMemberForm(VersionedModelForm):
    """A member of one agency's committee; the model's rule (the chair is the agency head) shows as a field error."""

    class Meta:
        model = CommitteeMember
        fields = ["name", "position", "role", "user", "training_notes"]

    def __init__(self, *args, committee: SteeringCommittee, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's clean() needs the committee to check the chair rule.
        self.instance.committee = committee
        self.fields["user"].queryset = User.objects.filter(agency=committee.agency, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
        self.fields["user"].label_from_instance = lambda user: f"{user.display_name} ({user.username})"
