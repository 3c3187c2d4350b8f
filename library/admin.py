from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from library.models import Edition, GuidanceDocument


@admin.register(GuidanceDocument)
class GuidanceDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind")
    list_filter = ("kind",)


@admin.register(Edition)
class EditionAdmin(SimpleHistoryAdmin):
    list_display = ("document", "number", "original_name", "published_at", "published_by")
    raw_id_fields = ("document",)
