"""What the catalogue adds to rollout's pages (registered in ``ProceduresConfig.ready``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from agencies.access import Access, may
from procedures.models import AdministrativeProcedure
from procedures.services import owner_field, owner_plan, scope_of


def _scope_panel(request, owner) -> str:
    plan = owner_plan(owner)
    return render_to_string(
        "procedures/includes/scope_panel.html",
        {
            "owner": owner,
            "kind": owner_field(owner),
            "procedures": list(scope_of(owner)),
            "catalogue_size": AdministrativeProcedure.objects.listed().filter(agency_id=plan.agency_id).count(),
            "agency": plan.agency,
            "can_choose": may(request.user, Access.MANAGE, plan),
        },
        request=request,
    )


def plan_scope(request, plan) -> str:
    return _scope_panel(request, plan)


def result_scope(request, item) -> str:
    return _scope_panel(request, item)
