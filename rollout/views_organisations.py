"""DOST's oversight of consultants and certification bodies: each organisation's record, engagements declared
by agencies and confirmed by DOST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import Access, agencies_for_user, may, require
from agencies.forms import show_error
from rollout import organisations
from rollout.forms import EngagementDeclarationForm
from rollout.history import history_of
from rollout.models import Engagement


@login_required
@require_GET
def organisation(request, kind: str, pk: int):
    require(request.user, Access.SEE_PROVINCE)
    if kind not in organisations.KINDS:
        raise Http404("No such organisation")
    item = get_object_or_404(organisations.KINDS[kind], pk=pk)
    today = timezone.localdate()
    record = organisations.organisation_records(today, only=item)[0]
    return render(request, "rollout/organisation.html", {
        "record": record, "today": today, "designation": record.designation,
        "can_edit": may(request.user, Access.KEEP_REGISTRY), "history": history_of(item),
    })


@login_required
@require_http_methods(["GET", "POST"])
def engagement_declare(request):
    agency = agencies_for_user(request.user, Access.MANAGE).order_by("pk").first()
    if agency is None:
        raise PermissionDenied("Only an agency's ISO officer declares its engagements")
    form = EngagementDeclarationForm(request.POST or None, instance=Engagement(agency=agency))
    if request.method == "POST" and form.is_valid():
        try:
            organisations.declare_engagement(form.instance, by=request.user)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The engagement was declared; DOST confirms it."))
            return redirect("rollout:registry")
    return render(request, "rollout/engagement_declare.html", {"form": form, "agency": agency})


@login_required
@require_POST
def engagement_confirm(request, pk: int):
    require(request.user, Access.KEEP_REGISTRY)
    engagement = get_object_or_404(Engagement, pk=pk)
    try:
        organisations.confirm_engagement(engagement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The engagement was confirmed."))
    return redirect("rollout:registry")
