"""While the database is away (a restart, a failover) every page answers 503 with a short translated page and
``Retry-After`` instead of a server error; the next request after it is back reconnects by itself."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_AWAY = (OperationalError, InterfaceError)


def database_unavailable(request, error: BaseException) -> HttpResponse:
    logger.warning(
        "Database unavailable, answered 503 to %s %s: %s",
        request.method,
        request.path,
        str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
    )
    # Rendered without the request: the context processors would ask the database again.
    page = render_to_string("503.html", {"language": get_language(), "retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database away answers 503 (see ``server_error`` for the other layers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_AWAY):
            return database_unavailable(request, exception)
        return None


def away_error() -> BaseException | None:
    """The exception being handled, if it is the database being away."""
    error = sys.exc_info()[1]
    return error if isinstance(error, DATABASE_AWAY) else None
