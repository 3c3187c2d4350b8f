from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.access import is_reviewer


@login_required
def home(request):
    """Each role starts where its work is: reviewers on the province's figures, agency users on their own agency."""
    user = request.user
    if is_reviewer(user) or user.role == "viewer":
        return render(request, "home_province.html", {})
    return render(request, "home_agency.html", {"agency": user.agency})


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
