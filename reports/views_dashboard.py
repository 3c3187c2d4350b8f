"""The dashboard page of the provincial steering committee, DOST and the read-only viewers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from agencies.access import Access, may, require
from reports.dashboard import build_dashboard
from rollout.models import Programme
from rollout.next_steps import late_agencies_step, review_steps


def render_dashboard(request):
    """Also the home page of the users who see the whole province (see ``iso_portal.views.home``)."""
    require(request.user, Access.SEE_PROVINCE)
    context = build_dashboard(request.GET)
    context["next_steps"] = _next_steps(request.user, context)
    return render(request, "reports/dashboard.html", context)


def _next_steps(user, context) -> list:
    """What DOST and the committee must do now: plans to review, late agencies to follow and urge (as of today,
    in the current programme)."""
    steps = review_steps(user)
    programme, progress = context.get("programme"), context.get("progress")
    current = Programme.objects.current()
    if may(user, Access.OVERSEE) and progress is not None and programme == current and context.get("as_of_is_today"):
        url = f"{reverse('home')}?{urlencode({'programme': programme.pk, 'group': 'mandatory', 'sort': '-overdue'})}"
        steps += late_agencies_step(progress, url)
    return steps


@login_required
@require_GET
def dashboard(request):
    return render_dashboard(request)
