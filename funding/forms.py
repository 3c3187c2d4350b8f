from __future__ import annotations

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from funding.models import FundingLine
from rollout.forms import DateInput


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


def line_form_class(fields: tuple[str, ...], *, new: bool):
    """A form with the fields this user may change (Finance: all; an officer: the request), plus the agency and
    year for a new line, plus the version for optimistic locking."""
    names = (("agency", "year") if new else ()) + fields
    form_class = modelform_factory(FundingLine, fields=names, widgets={"decision_date": DateInput})

    class LineForm(form_class):
        version = forms.IntegerField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, agencies=None, **kwargs):
            super().__init__(*args, **kwargs)
            if "agency" in self.fields:
                # Any agency is accepted; the service refuses one the user may not fund or propose for.
                self.fields["agency"].queryset = Agency.objects.all()
                self.fields["agency"].choices = [(a.pk, a.name) for a in agencies or []]

        def validate_unique(self):
            # The service checks the whole line (it may be refused first, with a clearer message).
            pass

        def _post_clean(self):
            pass

        def changes(self) -> dict:
            return {name: self.cleaned_data[name] for name in fields}

    return LineForm
