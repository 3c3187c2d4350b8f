"""Template helpers of the rollout pages: status badges and the agency page's rollout summary."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from agencies.access import Access, may
from rollout.access import plans_for_user
from rollout.models import Programme
from rollout.progress import agency_progress, late_entries

register = template.Library()


@register.simple_tag
def plan_status_badge(plan):
    return format_html('<span class="badge badge-{}">{}</span>', plan.status, plan.get_status_display())


@register.simple_tag
def milestone_status_badge(milestone):
    return format_html('<span class="badge badge-{}">{}</span>', milestone.status, milestone.get_status_display())


@register.simple_tag
def agency_plans(agency, user, as_of=None) -> list[dict]:
    """One row per programme: the agency's plan (if the user may see it) and its progress from the engine on
    ``as_of`` (today if not given)."""
    if agency is None or not may(user, Access.VIEW, agency):
        return []
    plans = {plan.programme_id: plan for plan in plans_for_user(user).filter(agency=agency)}
    may_create = may(user, Access.MANAGE, agency) and user.agency_id == agency.pk
    rows = []
    for programme in Programme.objects.all():
        plan = plans.get(programme.pk)
        progress = agency_progress(programme, agency, as_of) if plan is not None else None
        rows.append({
            "programme": programme,
            "plan": plan,
            "progress": progress,
            "can_create": plan is None and may_create,
            "late_entries": late_entries(programme, agency=agency, as_of=as_of) if plan is not None else [],
        })
    return rows
