"""How the API presents the portal's records. Read-only except the milestone update and the evidence upload,
whose input is checked again by the same services as the pages' forms."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from agencies.models import Agency, AgencyGroup, AgencyKind
from rollout.models import (
    Certificate,
    Declaration,
    Evidence,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    PlanStatus,
    Programme,
    ReminderLog,
)
from rollout.progress import ProgressStatus


class ModelSerializer(serializers.ModelSerializer):
    """Integer fields without the database's own upper bound: it differs between SQLite and PostgreSQL, and the
    published schema must not depend on where it was generated."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("max_value", None)
        kwargs["validators"] = [v for v in kwargs.get("validators", []) if not isinstance(v, MaxValueValidator)]
        return field_class, kwargs


class ProgrammeSerializer(ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "legal_basis",
            "regime",
            "iso_edition",
            "start_date",
            "target_date",
            "mandatory_groups",
            "is_current",
        ]


class AgencySerializer(ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "kind",
            "group",
            "tier",
            "parent",
            "gso_code",
            "coordinating_role",
            "head_name",
            "head_title",
            "active_from",
            "active_to",
            "successor",
        ]


class PlanSerializer(ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ImplementationPlan
        fields = [
            "id",
            "agency",
            "programme",
            "status",
            "start_date",
            "scope",
            "head_approved_at",
            "submitted_at",
            "approved_at",
            "completed_on",
            "version",
            "updated_at",
        ]


class EvidenceSerializer(ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "milestone", "original_name", "content_type", "size", "sha256", "description", "uploaded_at"]


class MilestoneSerializer(ModelSerializer):
    agency = serializers.CharField(source="plan.agency.code", read_only=True)
    owner = serializers.CharField(source="owner.display_name", read_only=True, default=None)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "plan",
            "agency",
            "number",
            "name",
            "due_date",
            "status",
            "completed_on",
            "blocked_reason",
            "is_completion",
            "owner",
            "version",
            "updated_at",
            "evidence",
        ]


class MilestoneUpdateSerializer(serializers.Serializer):
    """A status change, as on the milestone page: the version comes in ``If-Match`` or here."""

    status = serializers.ChoiceField(choices=MilestoneStatus.choices)
    completed_on = serializers.DateField(required=False, allow_null=True)
    blocked_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The version you read; or send it as the ETag in If-Match.")
    )


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=250)


class CertificateSerializer(ModelSerializer):
    agency = serializers.CharField(source="plan.agency.code", read_only=True)
    programme = serializers.IntegerField(source="plan.programme_id", read_only=True)
    certification_body = serializers.CharField(source="certification_body.name", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "plan",
            "agency",
            "programme",
            "number",
            "certification_body",
            "issued_on",
            "expires_on",
            "scope",
            "procedures_count",
            "recorded_at",
            "version",
        ]


class DeclarationSerializer(ModelSerializer):
    agency = serializers.CharField(source="plan.agency.code", read_only=True)
    programme = serializers.IntegerField(source="plan.programme_id", read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "id",
            "plan",
            "agency",
            "programme",
            "decision_number",
            "decision_date",
            "notified_on",
            "scope",
            "procedures_count",
            "recorded_at",
            "version",
        ]


class ReminderSerializer(ModelSerializer):
    agency = serializers.CharField(source="milestone.plan.agency.code", read_only=True, default=None)
    # A plain string, not an enum: the kinds of notice grow with the apps that send them, and the published
    # schema should not change each time one is added.
    kind = serializers.CharField(read_only=True, help_text=_("The kind of notice, e.g. due_soon, overdue."))

    class Meta:
        model = ReminderLog
        fields = [
            "id",
            "kind",
            "milestone",
            "agency",
            "programme",
            "for_date",
            "reason",
            "status",
            "created_at",
            "sent_at",
        ]


# --- the progress engine's answer ----------------------------------------------------------------------------


class GroupProgressSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    mandatory = serializers.BooleanField()
    total = serializers.IntegerField()
    completed = serializers.IntegerField()
    percent_completed = serializers.FloatField()
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    not_started = serializers.IntegerField()


class AgencyProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=AgencyKind.choices)
    group = serializers.ChoiceField(choices=AgencyGroup.choices)
    tier = serializers.CharField()
    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    stage = serializers.IntegerField()
    stage_name = serializers.CharField()
    milestones_total = serializers.IntegerField()
    milestones_done = serializers.IntegerField()
    percent_done = serializers.FloatField()
    overdue = serializers.IntegerField()
    completed_on = serializers.DateField(allow_null=True)
    forecast_on = serializers.DateField(allow_null=True)
    plan_id = serializers.IntegerField(allow_null=True)
    plan_status = serializers.ChoiceField(choices=PlanStatus.choices, allow_null=True)
    last_update = serializers.DateTimeField(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    programme = serializers.IntegerField(source="programme_id")
    as_of = serializers.DateField()
    target_date = serializers.DateField()
    days_to_target = serializers.IntegerField()
    groups = GroupProgressSerializer(many=True)
    mandatory = GroupProgressSerializer()
    province = GroupProgressSerializer()
    agencies_count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    agencies = AgencyProgressSerializer(many=True)


# --- query parameters ----------------------------------------------------------------------------------------


class AsOfQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("A day (YYYY-MM-DD); default: today."))

    def validate_as_of(self, value: dt.date) -> dt.date:
        if value.year < 1990 or value.year > 2100:
            raise serializers.ValidationError(_("Give a day between 1990 and 2100."))
        return value


class AgencyQuery(AsOfQuery):
    group = serializers.ChoiceField(choices=AgencyGroup.choices, required=False)
    kind = serializers.ChoiceField(choices=AgencyKind.choices, required=False)
    parent = serializers.CharField(required=False, help_text=_("Code of the parent agency (e.g. a district)."))


class ProgressQuery(AsOfQuery):
    as_recorded = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true: what the portal knew on the day (records made by its end); false: what was true by effective dates."
        ),
    )
    group = serializers.ChoiceField(choices=AgencyGroup.choices, required=False)
    status = serializers.ChoiceField(choices=ProgressStatus.choices, required=False)
    parent = serializers.CharField(required=False, help_text=_("Code of the parent agency (e.g. a district)."))
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500)


class PlanQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False)
    agency = serializers.CharField(required=False, help_text=_("Agency code."))
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)


class MilestoneQuery(PlanQuery):
    plan = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, required=False)
    due_after = serializers.DateField(required=False, help_text=_("Due on or after this day."))
    due_before = serializers.DateField(required=False, help_text=_("Due on or before this day."))


class ResultQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False)
    agency = serializers.CharField(required=False, help_text=_("Agency code."))
