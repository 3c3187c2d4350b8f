from django.contrib import admin

from accounts.models import AccessEvent, UserSession


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access audit, read-only: sign-ins, failures, lock-outs (lifted under Axes → Access attempts),
    password changes, and who gave whom which right."""

    list_display = ("at", "kind", "username", "user", "by", "ip_address", "detail")
    list_filter = ("kind", "at")
    search_fields = ("username", "user__username", "by__username", "ip_address", "detail")
    date_hierarchy = "at"
    list_select_related = ("user", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "ip_address", "user_agent")
    search_fields = ("user__username", "ip_address")
    list_select_related = ("user",)
