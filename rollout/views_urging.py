"""The urge action on an agency: the committee or DOST writes, the agency's officers and head get it now."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import Access, agency_for_user
from agencies.forms import show_error
from rollout.letters import urging_letter_filename, urging_letter_pdf
from rollout.models import ImplementationPlan, Programme, UrgeRecord
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
    with_letter = forms.BooleanField(
        label=gettext_lazy("Attach the formal urging letter (PDF)"),
        required=False,
        help_text=gettext_lazy("The committee's letter to the agency, as previewed below, goes with the e-mail."),
    )


def urge_history(agency, limit: int = 10):
    return UrgeRecord.objects.filter(agency=agency).select_related("by", "programme")[:limit]


@login_required
@require_http_methods(["GET", "POST"])
def urge(request, code: str):
    agency = agency_for_user(request.user, code, Access.URGE)
    form = UrgeForm(request.POST or None, initial={"programme": Programme.objects.current()})
    if request.method == "POST" and form.is_valid():
        try:
            record = urge_agency(
                agency,
                form.cleaned_data["programme"],
                by=request.user,
                message=form.cleaned_data["message"],
                with_letter=form.cleaned_data["with_letter"],
            )
        except ValidationError as error:
            show_error(form, error)
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
            "can_urge": True,
            "form": form,
            "urges": urge_history(agency),
            "recipients": urge_recipients(agency),
            "letter_plans": letter_plans(agency),
        },
    )


def letter_plans(agency):
    """The agency's plans, one urging letter each (newest programme first)."""
    plans = ImplementationPlan.objects.filter(agency=agency).select_related("programme")
    return plans.order_by("-programme__start_date")


@login_required
@require_GET
def urge_letter(request, code: str, programme: int):
    """The formal urging letter of the agency's plan in the programme, as it would go out today: shown in the
    browser (preview) or, with ``?download=1``, saved as a file."""
    agency = agency_for_user(request.user, code, Access.URGE)
    plan = get_object_or_404(
        ImplementationPlan.objects.select_related("agency", "programme"), agency=agency, programme_id=programme
    )
    day = timezone.localdate()
    response = HttpResponse(urging_letter_pdf(plan, day), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{urging_letter_filename(agency, day)}"'
    return response
