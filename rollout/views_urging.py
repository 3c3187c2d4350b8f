"""The urge action on an agency: the committee or DOST writes, the agency's officers and head get it now."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from agencies.access import agency_for_user, is_overseer
from rollout.models import Programme, UrgeRecord
from rollout.urging import MESSAGE_MAX_LENGTH, urge_agency, urge_recipients


class UrgeForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.all(), empty_label=None
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the agency"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Sent at once by e-mail to the agency's ISO officers and head, and kept on this page; a letter that "
            "cannot be delivered is retried and listed under reminders not yet delivered."
        ),
    )


def urge_history(agency, limit: int = 10):
    return UrgeRecord.objects.filter(agency=agency).select_related("by", "programme")[:limit]


@login_required
@require_http_methods(["GET", "POST"])
def urge(request, code: str):
    agency = agency_for_user(request.user, code)
    if not is_overseer(request.user):
        raise PermissionDenied
    form = UrgeForm(request.POST or None, initial={"programme": Programme.objects.current()})
    if request.method == "POST" and form.is_valid():
        try:
            record = urge_agency(
                agency, form.cleaned_data["programme"], by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The urging letter is recorded and goes out now to %(recipients)s.")
                % {"recipients": ", ".join(record.recipients)},
            )
            return redirect(agency.get_absolute_url())
    return render(
        request,
        "rollout/urge.html",
        {
            "agency": agency,
            "form": form,
            "urges": urge_history(agency),
            "recipients": urge_recipients(agency),
        },
    )
