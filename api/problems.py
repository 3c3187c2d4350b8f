"""Errors of the API as RFC 9457 problem details (``application/problem+json``), in the request's language.

Every refusal has the same shape: ``type`` (a stable URI naming the kind of problem), ``title`` (translated,
the same for every problem of the kind), ``status``, ``detail`` (translated, about this occurrence) and
``instance`` (the path asked for); a refused input adds ``errors``, one entry per field and message.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/v1/problems/"

TITLES = {
    400: ("invalid-request", _("The request is not valid")),
    401: ("not-authenticated", _("Authentication is needed")),
    403: ("forbidden", _("Not allowed")),
    404: ("not-found", _("Not found")),
    405: ("method-not-allowed", _("Method not allowed")),
    406: ("not-acceptable", _("Response format not available")),
    409: ("edit-conflict", _("Someone else changed this first")),
    412: ("version-mismatch", _("The version given does not match")),
    413: ("too-large", _("The request is too large")),
    415: ("unsupported-media-type", _("Unsupported media type")),
    428: ("version-required", _("Give the version you are changing")),
    429: ("too-many-requests", _("Too many requests")),
}


def problem(status_code: int, detail, *, instance: str = "", **extra) -> dict:
    slug, title = TITLES.get(status_code, ("error", _("Error")))
    body = {"type": PROBLEM_BASE + slug, "title": str(title), "status": status_code, "detail": str(detail)}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(status_code: int, detail, request, *, headers=None, **extra) -> Response:
    return Response(
        problem(status_code, detail, instance=request.path, **extra),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _flatten(data, field: str = "") -> list[dict]:
    """DRF's nested error dict/list as a flat list of {"field", "detail"} (field empty: the whole request)."""
    if isinstance(data, dict):
        return [
            entry
            for key, value in data.items()
            for entry in _flatten(
                value, "" if key in ("non_field_errors", "__all__") else f"{field}.{key}" if field else str(key)
            )
        ]
    if isinstance(data, list):
        return [entry for item in data for entry in _flatten(item, field)]
    return [{"field": field, "detail": str(data)}]


def problem_details_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["errors"] = _flatten(exc.detail)
        detail = _("Correct the fields listed in errors; nothing was saved.")
    elif isinstance(exc.detail, dict | list):
        detail = " ".join(entry["detail"] for entry in _flatten(exc.detail))
    else:
        detail = exc.detail
    response.data = problem(response.status_code, detail, instance=request.path, **extra)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
