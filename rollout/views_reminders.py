"""The reminders a user was sent, and for the committee and DOST the reminders not (yet) delivered."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.access import Access, require
from rollout.models import ReminderLog, ReminderStatus

PAGE_SIZE = 50
BADGE_OF_STATUS = {
    ReminderStatus.SENT: "done",
    ReminderStatus.PENDING: "in_progress",
    ReminderStatus.SENDING: "in_progress",
    ReminderStatus.FAILED: "at_risk",
    ReminderStatus.GIVEN_UP: "off_track",
    ReminderStatus.CANCELLED: "not_started",
}


def _rows(queryset, request):
    page = Paginator(
        queryset.select_related("milestone__plan__agency", "programme", "recipient"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for log in page:
        log.badge = BADGE_OF_STATUS.get(log.status, "not_started")
    return page


@login_required
@require_GET
def my_reminders(request):
    page = _rows(ReminderLog.objects.filter(recipient=request.user), request)
    return render(request, "rollout/reminders/mine.html", {"page": page})


@login_required
@require_GET
def reminder_queue(request):
    """Reminders waiting, failing or given up, so no undelivered one goes unnoticed."""
    require(request.user, Access.OVERSEE)
    queryset = ReminderLog.objects.exclude(status__in=[ReminderStatus.SENT, ReminderStatus.CANCELLED])
    status = request.GET.get("status", "")
    if status in ReminderStatus.values:
        queryset = queryset.filter(status=status)
    page = _rows(queryset.order_by("status", "next_attempt_at", "pk"), request)
    choices = [choice for choice in ReminderStatus.choices if choice[0] not in ("sent", "cancelled")]
    return render(request, "rollout/reminders/queue.html", {"page": page, "status": status, "choices": choices})
