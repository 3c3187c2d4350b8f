"""Per-object lookups for the rollout app, built on ``agencies.access``.

Each helper answers the object only when the user may reach its agency with the requested access;
otherwise it raises 404, exactly as if the object did not exist. Views never check permissions themselves.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from agencies.access import Access, restrict
from rollout.models import Certificate, Declaration, Evidence, ImplementationPlan, Milestone

__all__ = [
    "Access",
    "certificate_for_user",
    "declaration_for_user",
    "evidence_for_user",
    "milestone_for_user",
    "milestones_for_user",
    "plan_for_user",
    "plans_for_user",
]


def _get_or_404(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {queryset.model._meta.model_name}") from None


def plans_for_user(user, access: Access = Access.VIEW) -> QuerySet[ImplementationPlan]:
    return restrict(ImplementationPlan.objects.select_related("agency", "programme"), user, access)


def plan_for_user(user, pk, access: Access = Access.VIEW) -> ImplementationPlan:
    return _get_or_404(plans_for_user(user, access), pk)


def milestones_for_user(user, access: Access = Access.VIEW) -> QuerySet[Milestone]:
    queryset = Milestone.objects.select_related("plan__agency", "plan__programme", "stage", "owner")
    return restrict(queryset, user, access, agency_field="plan__agency")


def milestone_for_user(user, pk, access: Access = Access.VIEW) -> Milestone:
    return _get_or_404(milestones_for_user(user, access), pk)


def evidence_for_user(user, pk, access: Access = Access.VIEW) -> Evidence:
    queryset = Evidence.objects.select_related("milestone__plan__agency")
    return _get_or_404(restrict(queryset, user, access, agency_field="milestone__plan__agency"), pk)


def certificate_for_user(user, pk, access: Access = Access.VIEW) -> Certificate:
    queryset = Certificate.objects.select_related("plan__agency", "plan__programme", "certification_body")
    return _get_or_404(restrict(queryset, user, access, agency_field="plan__agency"), pk)


def declaration_for_user(user, pk, access: Access = Access.VIEW) -> Declaration:
    queryset = Declaration.objects.select_related("plan__agency", "plan__programme")
    return _get_or_404(restrict(queryset, user, access, agency_field="plan__agency"), pk)
