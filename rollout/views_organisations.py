"""DOST's oversight of consultants and certification bodies: each organisation's record, engagements declared
by agencies and confirmed by DOST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import Access, agencies_for_user, is_dost, sees_all_agencies
from rollout import organisations
from rollout.forms import EngagementDeclarationForm
from rollout.history import history_of
from rollout.models import Engagement


@login_required
@require_GET
def organisation(request, kind: str, pk: int):
    if kind not in organisations.KINDS or not sees_all_agencies(request.user):
        raise Http404("No such organisation")
    item = get_object_or_404(organisations.KINDS[kind], pk=pk)
    today = timezone.localdate()
    record = organisations.organisation_records(today, only=item)[0]
    return render(request, "rollout/organisation.html", {
        "record": record, "today": today, "designation": record.designation,
        "can_edit": is_dost(request.user), "history": history_of(item),
    })


@login_required
@require_http_methods(["GET", "POST"])
def engagement_declare(request):
    agency = agencies_for_user(request.user, Access.MANAGE).order_by("pk").first()
    if agency is None:
        raise Http404("No agency to declare for")
    form = EngagementDeclarationForm(request.POST or None, instance=Engagement(agency=agency))
    if request.method == "POST" and form.is_valid():
        try:
            organisations.declare_engagement(form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The engagement was declared; DOST confirms it."))
            return redirect("rollout:registry")
    return render(request, "rollout/engagement_declare.html", {"form": form, "agency": agency})


@login_required
@require_POST
def engagement_confirm(request, pk: int):
    if not is_dost(request.user):
        raise Http404("Not allowed")
    engagement = get_object_or_404(Engagement, pk=pk)
    try:
        organisations.confirm_engagement(engagement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The engagement was confirmed."))
    return redirect("rollout:registry")
