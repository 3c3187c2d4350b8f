"""Deadline reminders: the rules of each programme, and the outbox row that makes every notice go out once.

A ``ReminderLog`` row *is* the notice (a reminder, an escalation, a digest or an urging letter to one
address): it is claimed (a database unique constraint on what identifies it) before any e-mail is written;
a sender then moves it pending → sending → sent, or to failed (retried with backoff) and finally given up.
See ``rollout.notices`` for the whole design.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS_BEFORE = (14, 7, 1, 0)


def default_days_before() -> list[int]:
    return list(DEFAULT_DAYS_BEFORE)


class ReminderRule(models.Model):
    """When a programme's milestones are reminded and escalated. A programme without a saved rule uses
    these defaults while it is the current programme (``ReminderRule.for_programme``); an earlier round is
    reminded only if a rule is saved for it."""

    programme = models.OneToOneField(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reminder_rule"
    )
    enabled = models.BooleanField(_("send reminders"), default=True)
    days_before = models.JSONField(
        _("days before the due date"), default=default_days_before,
        help_text=_("The ISO officers are reminded this many days before a milestone is due; 0 is the due day."),
    )
    overdue_first_after_days = models.PositiveSmallIntegerField(
        _("first overdue notice after (days)"), default=1,
        help_text=_("Days after the due date when the first overdue notice goes out."),
    )
    overdue_repeat_days = models.PositiveSmallIntegerField(
        _("repeat overdue notice every (days)"), default=7,
    )
    escalate_to_head_after_days = models.PositiveSmallIntegerField(
        _("escalate to the agency head when overdue more than (days)"), default=7,
    )
    escalate_to_committee_after_days = models.PositiveSmallIntegerField(
        _("escalate to DOST and the committee secretary when overdue more than (days)"), default=30,
    )
    escalate_when_off_track = models.BooleanField(
        _("escalate to DOST and the committee secretary when the agency is off track"), default=True,
        help_text=_("An overdue milestone of an agency whose progress status is off track is escalated at once."),
    )

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return str(_("Reminder rule of %(programme)s") % {"programme": self.programme})

    @classmethod
    def for_programme(cls, programme) -> ReminderRule:
        rule = cls.objects.filter(programme=programme).first()
        return rule or cls(programme=programme, enabled=programme.is_current)

    def clean(self) -> None:
        days = self.days_before
        if not isinstance(days, list) or not all(isinstance(day, int) and 0 <= day <= 365 for day in days):
            raise ValidationError(
                {"days_before": _("Give whole numbers of days between 0 and 365, e.g. [14, 7, 1, 0].")}
            )
        if self.overdue_repeat_days < 1:
            raise ValidationError({"overdue_repeat_days": _("Repeat the notice at least every day.")})
        if self.overdue_first_after_days < 1:
            raise ValidationError(
                {"overdue_first_after_days": _("A milestone is overdue from the day after it is due.")}
            )
        if self.escalate_to_committee_after_days < self.escalate_to_head_after_days:
            raise ValidationError({
                "escalate_to_committee_after_days": _("Escalate to DOST no earlier than to the agency head.")
            })

    @property
    def sorted_days_before(self) -> list[int]:
        return sorted(set(self.days_before or []))


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Deadline approaching")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION_HEAD = "escalation_head", _("Escalation to the agency head")
    ESCALATION_COMMITTEE = "escalation_committee", _("Escalation to DOST and the committee")
    DIGEST = "digest", _("Weekly digest")
    URGING = "urging", _("Urging letter")
    # Notices of the reminder sources (``rollout.notices.sources``), registered by the app owning the record.
    CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiry")
    ANNUAL_REPORT = "annual_report", _("Annual report to DOST")
    MAINTENANCE_DUE = "maintenance_due", _("Maintenance activity due")


ESCALATION_KINDS = (ReminderKind.ESCALATION_HEAD, ReminderKind.ESCALATION_COMMITTEE)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GIVEN_UP = "given_up", _("Not delivered (given up)")
    CANCELLED = "cancelled", _("Not needed any more")


UNFINISHED_STATUSES = (ReminderStatus.PENDING, ReminderStatus.SENDING, ReminderStatus.FAILED)


class ReminderLog(models.Model):
    """One notice to one address. Unique on what identifies it, so it is claimed exactly once."""

    milestone = models.ForeignKey(
        "rollout.Milestone", verbose_name=_("milestone"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="reminders",
    )
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    key = models.CharField(
        _("key"), max_length=40,
        help_text=_("What makes the reminder unique besides milestone and kind: the due date and the threshold, "
                    "or the week of a digest."),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="reminders",
        help_text=_("Empty for an agency's own mailbox, which is not a user."),
    )
    urge = models.ForeignKey(
        "rollout.UrgeRecord", verbose_name=_("urging"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="notices",
    )
    email = models.EmailField(_("e-mail address"))
    for_date = models.DateField(_("for the day"), help_text=_("The day the sweep found the reminder due."))
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "kind", "key", "recipient"], condition=Q(milestone__isnull=False),
                name="one_reminder_per_milestone_kind_key_recipient",
            ),
            models.UniqueConstraint(
                fields=["programme", "kind", "key", "recipient"],
                condition=Q(milestone__isnull=True, urge__isnull=True),
                name="one_digest_per_programme_week_recipient",
            ),
            models.UniqueConstraint(
                fields=["urge", "email"], condition=Q(urge__isnull=False), name="one_urging_letter_per_address"
            ),
        ]
        indexes = [
            # The senders look only at unfinished rows; the index stays as small as the queue.
            models.Index(
                fields=["next_attempt_at"], condition=Q(status__in=["pending", "sending", "failed"]),
                name="reminder_queue_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="reminder_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.key} → {self.email}"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a mail client can fold a rare duplicate into one."""
        domain = (settings.DEFAULT_FROM_EMAIL or "iso-portal").rpartition("@")[2] or "iso-portal"
        return f"<reminder-{self.pk}@{domain}>"

    @property
    def identity(self) -> str:
        return f"{self.milestone_id or '-'}|{self.kind}|{self.key}|{self.recipient_id or self.email}"


def reminder_key(due_date: dt.date, threshold: str) -> str:
    """``2010-06-30/-7`` (seven days before), ``2010-06-30/+8`` (eighth day overdue), ``2010-06-30/head``.
    The due date is part of the key, so a milestone moved to a new due date is reminded afresh."""
    return f"{due_date.isoformat()}/{threshold}"
