from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from funding.models import FundingLine


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    list_display = ("agency", "year", "requested", "approved", "allocated", "disbursed", "decision_number")
    list_filter = ("year",)
    raw_id_fields = ("agency",)
