"""The dashboard page of the provincial steering committee, DOST and the read-only viewers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.access import sees_all_agencies
from reports.dashboard import build_dashboard


def render_dashboard(request):
    """Also the home page of the users who see the whole province (see ``iso_portal.views.home``)."""
    if not sees_all_agencies(request.user):
        raise PermissionDenied
    return render(request, "reports/dashboard.html", build_dashboard(request.GET))


@login_required
@require_GET
def dashboard(request):
    return render_dashboard(request)
