"""Admin for reminder rules and the reminder log: failures are easy to find and can be retried by hand."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rollout.models import ReminderLog, ReminderRule, ReminderStatus


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = [
        "programme", "enabled", "days_before", "overdue_repeat_days",
        "escalate_to_head_after_days", "escalate_to_committee_after_days", "escalate_when_off_track",
    ]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["for_date", "kind", "key", "email", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind", "for_date"]
    search_fields = ["email", "key", "milestone__plan__agency__code", "milestone__plan__agency__name"]
    date_hierarchy = "for_date"
    raw_id_fields = ["milestone", "recipient", "urge"]
    readonly_fields = ["claim_token", "claimed_at", "created_at", "sent_at", "attempts", "last_error"]
    actions = ["retry_now"]

    @admin.action(description=_("Send again now (failed or given-up reminders)"))
    def retry_now(self, request, queryset):
        from rollout.notices import outbox

        count = queryset.filter(status__in=[ReminderStatus.FAILED, ReminderStatus.GIVEN_UP]).update(
            status=ReminderStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claim_token=None
        )
        if count:
            outbox.wake(count)
        self.message_user(
            request, ngettext("%(count)d reminder queued again.", "%(count)d reminders queued again.", count)
            % {"count": count}, messages.SUCCESS,
        )
