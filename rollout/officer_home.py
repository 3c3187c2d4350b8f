"""The home page of an agency's own users: their plan for the current programme, the overdue and next due
milestones first, and a quick status update per milestone (plain forms; the result reaches the dashboard at
once because the dashboard reads the same records through the progress engine)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.access import Access, may
from agencies.forms import show_error
from agencies.locking import keep_input_after_conflict
from rollout.access import milestone_for_user, plans_for_user
from rollout.forms import MilestoneStatusForm
from rollout.models import MilestoneStatus, Programme
from rollout.next_steps import agency_steps
from rollout.progress import agency_progress
from rollout.services import ConcurrentEditError, update_milestone

DUE_SOON_DAYS = 30


def _form_prefix(milestone) -> str:
    return f"m{milestone.pk}"


def _ordered(milestones, today):
    """Overdue first (oldest due first), then the open ones by due date, then the done ones by number."""

    def key(milestone):
        if milestone.status == MilestoneStatus.DONE:
            return (2, milestone.number, milestone.due_date)
        return (0 if milestone.due_date < today else 1, milestone.due_date, milestone.number)

    return sorted(milestones, key=key)


def render_officer_home(request, *, bound_form: MilestoneStatusForm | None = None):
    user = request.user
    agency = user.agency
    programme = Programme.objects.current()
    context = {"agency": agency, "programme": programme, "plan": None}
    if agency is None or programme is None:
        return render(request, "home_agency.html", context)
    plan = (
        plans_for_user(user).filter(agency=agency, programme=programme).prefetch_related("milestones__evidence").first()
    )
    context["plan"] = plan
    if plan is None:
        context["next_steps"] = agency_steps(user, agency, programme, None)
        return render(request, "home_agency.html", context)
    today = timezone.localdate()
    may_update = may(user, Access.MANAGE, agency)
    items = []
    for milestone in _ordered(plan.milestones.all(), today):
        form = None
        if bound_form is not None and bound_form.milestone.pk == milestone.pk:
            form = bound_form
        elif may_update and milestone.status != MilestoneStatus.DONE:
            form = MilestoneStatusForm(milestone=milestone, prefix=_form_prefix(milestone))
        days_left = (milestone.due_date - today).days
        items.append(
            {
                "milestone": milestone,
                "form": form,
                "is_open": milestone.status != MilestoneStatus.DONE,
                "is_overdue": milestone.is_overdue_on(today),
                "is_due_soon": milestone.status != MilestoneStatus.DONE and 0 <= days_left <= DUE_SOON_DAYS,
                "days_left": days_left,
                "days_late": -days_left,
            }
        )
    progress = agency_progress(programme, agency, today)
    context.update(
        {
            "progress": progress,
            "items": items,
            "overdue_count": sum(item["is_overdue"] for item in items),
            "may_update": may_update,
        }
    )
    context["next_steps"] = agency_steps(user, agency, programme, plan, context["overdue_count"])
    return render(request, "home_agency.html", context)


@login_required
@require_POST
def quick_update(request, pk: int):
    """Status, note and evidence of one milestone from the officer home; back to the home page after."""
    milestone = milestone_for_user(request.user, pk, Access.MANAGE)
    form = MilestoneStatusForm(request.POST, request.FILES, milestone=milestone, prefix=_form_prefix(milestone))
    if form.is_valid():
        try:
            update_milestone(milestone, by=request.user, **form.update())
        except ConcurrentEditError as error:
            keep_input_after_conflict(form, error)
            form.add_error(None, error.message)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("“%(milestone)s” was updated.") % {"milestone": milestone})
            return redirect("home")
    return render_officer_home(request, bound_form=form)
