"""The reminder pages are valid HTML (Nu Html Checker) with reminders of every status on them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rollout.models import ImplementationPlan, Milestone, PlanStatus, Programme, ReminderLog, ReminderStatus
from tests.html_checker import html_errors


def test_the_reminder_pages_are_valid_html(client, agency_a, officer_a, dost_user, tmp_path):
    programme = Programme.objects.create(
        name="Đề án ISO", legal_basis="Chỉ thị 18/04/2007", iso_edition="2000",
        start_date=dt.date(2007, 5, 1), target_date=dt.date(2010, 6, 30), is_current=True,
    )
    plan = ImplementationPlan.objects.create(
        agency=agency_a, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=dt.date(2007, 6, 1)
    )
    milestone = Milestone.objects.create(plan=plan, number=1, name="Đào tạo nhận thức", due_date=dt.date(2009, 3, 16))
    for number, status in enumerate(ReminderStatus.values):
        ReminderLog.objects.create(
            milestone=milestone, programme=programme, kind="overdue", key=f"2009-03-16/+{number}", recipient=officer_a,
            email=officer_a.email, for_date=dt.date(2009, 3, 17), status=status, attempts=number,
            next_attempt_at=timezone.now(), last_error="SMTPServerDisconnected" if status == "failed" else "",
            sent_at=timezone.now() if status == "sent" else None,
        )
    ReminderLog.objects.create(
        programme=programme, kind="digest", key="2009-03-16", recipient=officer_a, email=officer_a.email,
        for_date=dt.date(2009, 3, 16), status="sent",
    )
    pages = {}
    client.force_login(officer_a)
    pages["mine"] = client.get("/rollout/reminders/")
    client.force_login(dost_user)
    pages["mine_empty"] = client.get("/rollout/reminders/")
    pages["queue"] = client.get("/rollout/reminders/undelivered/")
    pages["queue_failed"] = client.get("/rollout/reminders/undelivered/", {"status": "failed"})
    for name, response in pages.items():
        assert response.status_code == 200, name
    assert "SMTPServerDisconnected" in pages["queue_failed"].content.decode()
    assert "Đào tạo nhận thức" in pages["mine"].content.decode()

    errors = html_errors({name: response.content for name, response in pages.items()}, tmp_path)
    assert errors == [], "\n".join(errors)
