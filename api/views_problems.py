"""The documents that the problem ``type`` URIs name, and a problem answer for an unknown API address."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from api.problems import PROBLEM_CONTENT_TYPE, TITLES, problem


@require_GET
def problem_type(request, kind: str):
    for status_code, (slug, title) in TITLES.items():
        if slug == kind:
            return JsonResponse({"type": request.path, "title": str(title), "status": status_code})
    return unknown_endpoint(request)


def unknown_endpoint(request, *args, **kwargs):
    body = problem(404, _("No API endpoint at this address; see /api/v1/docs/."), instance=request.path)
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
