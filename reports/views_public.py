"""The public transparency pages: no sign-in, nothing personal (see ``reports.public``)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from agencies.asof import read_as_of
from agencies.models import Agency
from reports.public import agency_records, public_figures
from rollout.models import Programme
from rollout.progress import agency_progress


def _programme(request) -> Programme:
    raw = request.GET.get("programme", "").strip()
    if raw:
        programme = Programme.objects.filter(pk=raw).first() if raw.isdigit() else None
        if programme is None:
            raise Http404("No such programme")
        return programme
    programme = Programme.objects.current()
    if programme is None:
        raise Http404("No programme yet")
    return programme


@require_GET
def transparency(request):
    programme = _programme(request)
    as_of = read_as_of(request)
    return render(
        request,
        "reports/public.html",
        {
            "programme": programme,
            "programmes": Programme.objects.all(),
            "as_of": as_of,
            "figures": public_figures(programme, as_of.day),
            "demo": settings.DEMO,
        },
    )


@require_GET
def agency(request, code: str):
    agency = get_object_or_404(Agency, code=code)
    programme = _programme(request)
    as_of = read_as_of(request)
    return render(
        request,
        "reports/public_agency.html",
        {
            "agency": agency,
            "programme": programme,
            "as_of": as_of,
            "progress": agency_progress(programme, agency, as_of.day),
            "records": agency_records(agency, as_of.day),
            "demo": settings.DEMO,
        },
    )
