from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from library.models import GuidanceDocument
from rollout.validators import ACCEPTED_EXTENSIONS


class DocumentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GuidanceDocument
        fields = ["title", "kind", "description"]


class EditionForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
        help_text=_("PDF, DOCX, XLSX, ODT, JPG or PNG."),
    )
    note = forms.CharField(label=_("What changed"), max_length=250, required=False)
