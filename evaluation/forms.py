from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Criterion
from rollout import measures
from rollout.forms import DateInput


class CriterionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    measure = forms.ChoiceField(label=_("Measured by"))

    class Meta:
        model = Criterion
        fields = ["measure", "weight", "due_on"]
        widgets = {"due_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measures.choices()
