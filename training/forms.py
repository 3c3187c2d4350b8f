from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from rollout.forms import DateInput
from rollout.models import Consultant
from training.models import Attendance, AuditorCertificate, Course


class CourseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Course
        fields = ["kind", "title", "starts_on", "ends_on", "place", "trainer", "places"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = Consultant.objects.all()
        self.fields["trainer"].empty_label = str(_("Department of Science and Technology"))


class PlaceRequestForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.all())
    person_name = forms.CharField(label=_("Full name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=160, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        # Any agency is accepted here; the service refuses one the user does not belong to, with a message.
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]


class AttendanceForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Attendance
        fields = ["status", "result"]


class AuditorCertificateForm(forms.ModelForm):
    class Meta:
        model = AuditorCertificate
        fields = ["number", "issued_on", "expires_on"]
        widgets = {"issued_on": DateInput, "expires_on": DateInput}
