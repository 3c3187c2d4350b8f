from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. the one-stop system of the district.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The longest validity is the deployment's (API_TOKEN_MAX_DAYS), read when the form is made.
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS, initial=90
        )
