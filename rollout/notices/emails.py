"""The e-mails of the outbox: reminders, escalations (with the draft urging letter), the weekly digest and the
urging letter, each written in its recipient's language (formal letters in Vietnamese)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from rollout.models import ImplementationPlan, Milestone, MilestoneStatus, Programme
from rollout.models.reminders import ReminderKind, ReminderLog
from rollout.notices import sources


def clear_caches() -> None:
    _urging_letter.cache_clear()
    _digest_context.cache_clear()


def milestone_url(milestone: Milestone) -> str:
    return settings.SITE_URL + reverse("rollout:milestone", kwargs={"pk": milestone.pk})


def reminder_context(log: ReminderLog) -> dict:
    context = {
        "log": log,
        "recipient": log.recipient,
        "site_url": settings.SITE_URL,
        "reminders_url": settings.SITE_URL + reverse("rollout:my_reminders"),
    }
    if log.milestone_id is None:
        context.update(_digest_context(log.programme_id, log.for_date))
        return context
    milestone = log.milestone
    days = (log.for_date - milestone.due_date).days
    context.update(
        {
            "milestone": milestone,
            "plan": milestone.plan,
            "agency": milestone.plan.agency,
            "programme": milestone.plan.programme,
            "days_left": max(-days, 0),
            "days_overdue": max(days, 0),
            "milestone_url": milestone_url(milestone),
            "off_track": log.reason == "off_track",
        }
    )
    return context


@lru_cache(maxsize=8)
def _digest_context(programme_id: int, day: dt.date) -> dict:
    """The same figures for every committee member within one send run (cleared at the start of each)."""
    return digest_context(Programme.objects.get(pk=programme_id), day)


def digest_context(programme: Programme, day: dt.date) -> dict:
    """The week before ``day``: the figures against the target, and what fell overdue or was completed."""
    from rollout.progress import overdue_on, programme_progress

    figures = programme_progress(programme, day)
    week_start = day - dt.timedelta(days=7)
    milestones = Milestone.objects.filter(plan__programme=programme).select_related("plan__agency")
    # Overdue as the progress engine says it was on the day (not as the milestone stands when the mail is written).
    newly_overdue = overdue_on(milestones, day).filter(due_date__gte=week_start)
    newly_completed = milestones.filter(status=MilestoneStatus.DONE, completed_on__gte=week_start, completed_on__lt=day)
    completed_agencies = [row for row in figures.agencies if row.completed_on and week_start <= row.completed_on < day]
    return {
        "programme": programme,
        "figures": figures,
        "days_past_target": max(-figures.days_to_target, 0),
        "week_start": week_start,
        "week_end": day - dt.timedelta(days=1),
        "newly_overdue": list(newly_overdue.order_by("due_date", "plan__agency__code", "number")[:50]),
        "newly_overdue_count": newly_overdue.count(),
        "newly_completed": list(newly_completed.order_by("-completed_on", "plan__agency__code", "number")[:50]),
        "newly_completed_count": newly_completed.count(),
        "completed_agencies": completed_agencies,
    }


def _template(kind: str) -> str:
    return "digest" if kind == ReminderKind.DIGEST else "milestone"


def render_reminder(log: ReminderLog) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a reminder, in the recipient's language."""
    language = log.recipient.language or settings.LANGUAGE_CODE
    name = _template(log.kind)
    with translation.override(language):
        context = reminder_context(log)
        context["language"] = language
        subject = " ".join(render_to_string(f"emails/reminders/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/reminders/{name}.txt", context)
        html = render_to_string(f"emails/reminders/{name}.html", context)
    return subject, text, html


def build_message(log: ReminderLog, mailer=None) -> EmailMultiAlternatives:
    headers = {"Message-ID": log.message_id, "X-ISO-Reminder": log.identity}
    if log.kind == ReminderKind.URGING:
        subject, text = render_urging(log)
        message = EmailMultiAlternatives(subject, text, to=[log.email], connection=mailer, headers=headers)
        plan = ImplementationPlan.objects.filter(agency=log.urge.agency, programme=log.urge.programme).first()
        if log.urge.with_letter and plan is not None:
            from rollout.letters import urging_letter_filename

            message.attach(
                urging_letter_filename(plan.agency, log.for_date),
                _urging_letter(plan.pk, log.for_date),
                "application/pdf",
            )
        return message
    if sources.get(log.kind) is not None:
        subject, text = sources.render(log)
        return EmailMultiAlternatives(subject, text, to=[log.email], connection=mailer, headers=headers)
    subject, text, html = render_reminder(log)
    message = EmailMultiAlternatives(subject, text, to=[log.email], connection=mailer, headers=headers)
    message.attach_alternative(html, "text/html")
    if log.kind == ReminderKind.ESCALATION_COMMITTEE:
        from rollout.letters import urging_letter_filename

        plan = log.milestone.plan
        message.attach(
            urging_letter_filename(plan.agency, log.for_date), _urging_letter(plan.pk, log.for_date), "application/pdf"
        )
    return message


@lru_cache(maxsize=32)
def _urging_letter(plan_id: int, day: dt.date) -> bytes:
    """One letter per plan and day: the DOST coordinators and the secretary, and every escalated milestone of
    the plan that day, get the same document (it lists all the plan's overdue milestones)."""
    from rollout.letters import urging_letter_pdf

    return urging_letter_pdf(ImplementationPlan.objects.select_related("agency", "programme").get(pk=plan_id), day)


def urging_context(log: ReminderLog) -> dict:
    """The urging e-mail lists the milestones overdue on the day the committee or DOST wrote it."""
    record = log.urge
    overdue = (
        Milestone.objects.overdue_on(log.for_date)
        .filter(plan__agency=record.agency, plan__programme=record.programme)
        .order_by("due_date", "number")
    )
    return {
        "record": record,
        "agency": record.agency,
        "programme": record.programme,
        "sender": record.by.display_name if record.by else "",
        "overdue": list(overdue),
        "sent_on": timezone.localtime(record.at),
        "agency_url": settings.SITE_URL + record.agency.get_absolute_url(),
    }


def render_urging(log: ReminderLog) -> tuple[str, str]:
    """A formal Vietnamese letter, so written in Vietnamese whatever the recipient's or sender's language."""
    with translation.override("vi"):
        context = urging_context(log)
        subject = " ".join(render_to_string("emails/urge_subject.txt", context).split())
        body = render_to_string("emails/urge_body.txt", context)
    return subject, body
