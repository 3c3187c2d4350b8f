"""The user's own keys: API tokens (create, name, revoke; shown once) and the calendar feed address; and the
feed itself, read by calendar applications with the secret address alone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import services
from api.calendar_feed import calendar_for
from api.forms import ApiTokenForm
from api.models import CalendarFeed, digest


def _feed_url(request, secret: str) -> str:
    return request.build_absolute_uri(reverse("account:calendar_feed", kwargs={"key": secret}))


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.create_api_token(
                request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "tokens": request.user.api_tokens.all(),
            "now": timezone.now(),
        },
        status=201 if new_secret else 200,
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = services.revoke_api_token(request.user, pk)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("account:api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_feed(request.user)
            messages.success(request, _("Your calendar address was revoked: it no longer works."))
            return redirect("account:calendar")
        _feed, secret = services.open_calendar_feed(request.user)
        new_url = _feed_url(request, secret)
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "api/calendar.html", {"feed": feed, "new_url": new_url})


@require_GET
def calendar_feed(request, key: str):
    feed = CalendarFeed.objects.select_related("user").filter(key_digest=digest(key), revoked_at__isnull=True).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar")
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    response = HttpResponse(calendar_for(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="iso-deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
