from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procedures.models import AdministrativeProcedure


@admin.register(AdministrativeProcedure)
class AdministrativeProcedureAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "field", "level", "agency", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name", "field", "agency__name")
    raw_id_fields = ("agency",)
