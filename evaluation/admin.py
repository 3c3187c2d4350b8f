from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import Criterion


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "year", "measure", "weight", "due_on")
    list_filter = ("year",)
