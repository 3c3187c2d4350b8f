"""Django admin for the agencies app. Object permissions are derived from each user's agency and role
(agencies.services.sync_agency_permissions), so the admin shows them read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import (
    Agency,
    AgencyGroupObjectPermission,
    AgencyUserObjectPermission,
    CommitteeMember,
    SteeringCommittee,
    User,
)


class AgencyUserPermissionInline(admin.TabularInline):
    model = AgencyUserObjectPermission
    verbose_name = _("user permission on this agency")
    verbose_name_plural = _("user permissions on this agency (follow each user's agency and role)")
    fields = ["user", "permission"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SteeringCommitteeInline(admin.StackedInline):
    model = SteeringCommittee
    fields = ["decision_number", "decision_date", "management_representative"]
    extra = 0


@admin.register(Agency)
class AgencyAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "tier", "parent", "head_name", "active_from", "active_to"]
    list_filter = ["group", "tier", "kind", "coordinating_role"]
    search_fields = ["code", "name", "head_name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "successor"]
    readonly_fields = ["group", "tier"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "group", "tier", "parent", "gso_code", "coordinating_role"]}),
        (_("Head"), {"fields": ["head_name", "head_title", "email"]}),
        (_("Active period"), {"fields": ["active_from", "active_to", "successor"]}),
    ]
    inlines = [SteeringCommitteeInline, AgencyUserPermissionInline]


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    fields = ["name", "position", "role", "user", "training_notes"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(SteeringCommittee)
class SteeringCommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "decision_number", "decision_date", "management_representative"]
    list_filter = ["agency__group"]
    search_fields = ["agency__name", "agency__code", "decision_number"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    inlines = [CommitteeMemberInline]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "role", "committee"]
    list_filter = ["role"]
    search_fields = ["name", "position", "committee__agency__name"]
    list_select_related = ["committee__agency"]
    autocomplete_fields = ["committee", "user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_active", "is_staff"]
    list_filter = ["role", "groups", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__name", "agency__code"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Agency and role"), {"fields": ["agency", "role", "position", "language", "reminders_opt_out"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Agency and role"), {"fields": ["agency", "role", "email", "first_name", "last_name"]}),
    ]


class ObjectPermissionAdmin(admin.ModelAdmin):
    """Read-only: these rows are written by sync_agency_permissions from each user's agency and role."""

    list_select_related = ["content_object", "permission"]
    search_fields = ["content_object__code", "content_object__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgencyUserObjectPermission)
class AgencyUserObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ["content_object", "user", "permission"]
    list_select_related = ["content_object", "permission", "user"]


@admin.register(AgencyGroupObjectPermission)
class AgencyGroupObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ["content_object", "group", "permission"]
    list_select_related = ["content_object", "permission", "group"]
