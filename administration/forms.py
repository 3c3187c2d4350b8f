from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from administration.services import GROUPS_FOR_BULK_CREATION
from agencies.models import COMMITTEE_GROUP, DOST_GROUP, SECRETARIAT_GROUP, Agency, AgencyGroup, UserRole
from agencies.widgets import DayInput
from rollout.models import Programme

PROVINCE_WIDE_CHOICES = [
    (COMMITTEE_GROUP, _("Member of the provincial steering committee")),
    (DOST_GROUP, _("DOST coordinator")),
    (SECRETARIAT_GROUP, _("Secretariat administrator")),
]


class RoleForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role in the agency"), choices=[("", "—"), *UserRole.choices], required=False)
    groups = forms.MultipleChoiceField(
        label=_("Roles across the province"),
        choices=PROVINCE_WIDE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read on every request: "current" is today's.
        self.fields["agency"].queryset = Agency.objects.current().order_by("name")


class InviteForm(RoleForm):
    username = forms.SlugField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    last_name = forms.CharField(label=_("Family and middle names"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)

    field_order = ["username", "email", "last_name", "first_name", "position", "agency", "role", "groups"]


class BulkForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Group of agencies"),
        choices=[(g.value, AgencyGroup(g).label) for g in GROUPS_FOR_BULK_CREATION],
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, user name or e-mail"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False)


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "parent", "gso_code", "head_name", "head_title", "email", "active_from"]
        widgets = {"active_from": DayInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Agency.objects.current().order_by("name")
        if self.instance.pk:
            # The code names the agency's accounts and addresses: it stays.
            del self.fields["code"]
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)


class CloseAgencyForm(forms.Form):
    active_to = forms.DateField(label=_("Closed on"), widget=DayInput())


class ProgrammeForm(forms.ModelForm):
    mandatory_groups = forms.MultipleChoiceField(
        label=_("Mandatory groups"),
        choices=AgencyGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Groups of agencies that must complete; the others are encouraged."),
    )

    class Meta:
        model = Programme
        fields = ["name", "legal_basis", "regime", "iso_edition", "start_date", "target_date", "mandatory_groups"]
        widgets = {"start_date": DayInput(), "target_date": DayInput()}
