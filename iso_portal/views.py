from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.access import Access, may
from iso_portal.unavailable import away_error, database_unavailable
from reports.views_dashboard import render_dashboard
from rollout.officer_home import render_officer_home


@login_required
def home(request):
    """Each role starts where its work is: the committee, DOST and viewers on the province's dashboard,
    agency users on their own agency's plan."""
    if may(request.user, Access.SEE_PROVINCE):
        return render_dashboard(request)
    return render_officer_home(request)


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # The database going away outside a view (a session saved after it, say) is a 503 too.
    if error := away_error():
        return database_unavailable(request, error)
    return render(request, "500.html", status=500)
