"""The portal's one date field: typed as dd/mm/yyyy in a text input, in every language.

The browser's own date field follows the browser's language (mm/dd/yyyy in an English Chromium), so a text
field with the format named is clearer; dates are read with ``DATE_INPUT_FORMATS`` (iso_portal/formats).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DAY_FORMAT = "%d/%m/%Y"


class DayInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"inputmode": "numeric", "placeholder": _("dd/mm/yyyy"), "size": 10, "maxlength": 10,
                    "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DAY_FORMAT)
