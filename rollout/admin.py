"""Admin for the rollout models. Plans' and milestones' lifecycle fields are read-only here: their changes go
through the service functions so that every transition is checked and recorded."""

from django.apps import apps
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rollout.models import (
    Certificate,
    CertificationBody,
    Consultant,
    Declaration,
    Engagement,
    Evidence,
    ImplementationPlan,
    Milestone,
    MilestoneStatusChange,
    PlanTransition,
    Programme,
    StageTemplate,
)


class StageTemplateInline(admin.TabularInline):
    model = StageTemplate
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "regime", "iso_edition", "start_date", "target_date", "is_current"]
    list_filter = ["regime", "iso_edition", "is_current"]
    inlines = [StageTemplateInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["number", "name", "due_date", "status", "completed_on", "owner"]
    readonly_fields = ["status", "completed_on"]
    show_change_link = True


class PlanTransitionInline(admin.TabularInline):
    model = PlanTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]
    can_delete = False


@admin.register(ImplementationPlan)
class ImplementationPlanAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "programme", "status", "start_date", "submitted_at", "approved_at", "completed_on"]
    list_filter = ["programme", "status", "agency__group"]
    search_fields = ["agency__name", "agency__code"]
    list_select_related = ["agency", "programme"]
    readonly_fields = ["status", "head_approved_by", "head_approved_at", "submitted_at", "approved_by", "approved_at",
                       "completed_on", "version", "updated_at"]
    autocomplete_fields = ["agency"]
    inlines = [MilestoneInline, PlanTransitionInline]


class MilestoneStatusChangeInline(admin.TabularInline):
    model = MilestoneStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "effective_on", "by", "at", "note"]
    can_delete = False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "name", "due_date", "status", "completed_on"]
    list_filter = ["status", "plan__programme"]
    search_fields = ["plan__agency__name", "name"]
    list_select_related = ["plan__agency", "plan__programme"]
    readonly_fields = ["status", "completed_on", "blocked_reason", "version", "updated_at"]
    raw_id_fields = ["plan", "owner"]
    inlines = [MilestoneStatusChangeInline, EvidenceInline]


@admin.register(PlanTransition)
class PlanTransitionAdmin(admin.ModelAdmin):
    list_display = ["plan", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    raw_id_fields = ["plan", "by"]


@admin.register(MilestoneStatusChange)
class MilestoneStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["milestone", "from_status", "to_status", "effective_on", "by", "at"]
    list_filter = ["to_status"]
    raw_id_fields = ["milestone", "by"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "milestone", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["file", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    raw_id_fields = ["milestone"]


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    list_display = ["number", "plan", "certification_body", "issued_on", "expires_on", "procedures_count"]
    list_filter = ["certification_body"]
    search_fields = ["number", "plan__agency__name"]
    raw_id_fields = ["plan", "recorded_by"]
    readonly_fields = ["version"]


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["decision_number", "plan", "decision_date", "notified_on", "procedures_count"]
    search_fields = ["decision_number", "plan__agency__name"]
    raw_id_fields = ["plan", "recorded_by"]
    readonly_fields = ["version"]


@admin.register(CertificationBody)
class CertificationBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "designation", "active"]
    list_filter = ["active"]
    search_fields = ["name", "short_name"]


@admin.register(Consultant)
class ConsultantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "contact", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "programme", "consultant", "certification_body", "contract_number", "start_date"]
    list_filter = ["programme", "consultant", "certification_body"]
    autocomplete_fields = ["agency"]


from rollout import admin_reminders  # noqa: E402,F401  (reminder rules and log, before the generic loop)

# The remaining rollout models (reminders, urging records …) get a plain, history-aware admin.
for model in apps.get_app_config("rollout").get_models():
    if not admin.site.is_registered(model) and not model._meta.model_name.startswith("historical"):
        admin.site.register(model, SimpleHistoryAdmin if hasattr(model, "history") else admin.ModelAdmin)
