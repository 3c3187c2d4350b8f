from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from training.models import Attendance, AuditorCertificate, Course


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "starts_on", "ends_on", "place", "trainer")
    list_filter = ("kind",)


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("person_name", "agency", "course", "status", "result")
    list_filter = ("status", "result")
    raw_id_fields = ("agency", "course")


@admin.register(AuditorCertificate)
class AuditorCertificateAdmin(SimpleHistoryAdmin):
    list_display = ("number", "person_name", "agency", "issued_on", "expires_on")
    raw_id_fields = ("agency", "attendance")
