from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from maintenance.models import AnnualReport, CorrectiveAction, MaintenanceActivity, ReportingRule


@admin.register(MaintenanceActivity)
class MaintenanceActivityAdmin(SimpleHistoryAdmin):
    list_display = ("agency", "kind", "due_on", "held_on")
    list_filter = ("kind",)
    raw_id_fields = ("agency",)


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(SimpleHistoryAdmin):
    list_display = ("agency", "found_on", "owner", "due_on", "closed_on", "verified_on")
    raw_id_fields = ("agency", "activity")


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ("agency", "year", "filed_on")
    list_filter = ("year",)
    raw_id_fields = ("agency",)


@admin.register(ReportingRule)
class ReportingRuleAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "deadline_day", "deadline_month")
