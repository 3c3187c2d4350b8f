from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeProcedure


class ProcedureForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AdministrativeProcedure
        fields = ["code", "name", "field", "level", "active"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_(
            "First row: Mã, Tên thủ tục, Lĩnh vực, Cấp (code, name, field, level: tỉnh, huyện or xã). "
            "Procedures with a code already listed are updated; the others are added."
        ),
    )


class ScopeForm(forms.Form):
    procedures = forms.ModelMultipleChoiceField(
        label=_("Administrative procedures in scope"),
        queryset=AdministrativeProcedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here: the service refuses another agency's procedure with a clear message.
        self.fields["procedures"].queryset = AdministrativeProcedure.objects.all()
        self.listed = AdministrativeProcedure.objects.listed().filter(agency=agency).order_by("field", "code")
        self.fields["procedures"].choices = [(p.pk, str(p)) for p in self.listed]

    def clean_procedures(self):
        return [procedure.pk for procedure in self.cleaned_data["procedures"]]
