"""What each role must do now, first on its home page, each with the button that does it.

- An agency's ISO officer: create the plan; revise a returned plan (with the reviewer's comment); submit a plan
  the head has approved; update overdue milestones.
- An agency's head: approve the plan awaiting their approval.
- DOST: review the submitted plans, the longest waiting first.
- The provincial steering committee and DOST: the mandatory agencies that are late (from the progress engine),
  to follow and urge.
Information that asks nothing of the user (e.g. "waiting for the head") is shown as such, with a link to the
plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import Access, may
from rollout.access import plans_for_user
from rollout.models import ImplementationPlan, PlanStatus
from rollout.services import EDITABLE_PLAN_STATUSES, head_approval_needed


@dataclass(frozen=True)
class Step:
    text: str
    button: str
    url: str
    detail: str = ""  # e.g. the reviewer's comment
    urgent: bool = True  # False: information, nothing to do now


def agency_steps(user, agency, programme, plan: ImplementationPlan | None, overdue: int = 0) -> list[Step]:
    """The agency user's steps on the programme's plan (``overdue``: its milestones overdue today)."""
    if agency is None or programme is None:
        return []
    manage = may(user, Access.MANAGE, agency)
    head = may(user, Access.APPROVE_AS_HEAD, agency)
    if plan is None:
        if manage:
            return [Step(_("Your agency has no implementation plan for %(programme)s yet.") % {
                "programme": programme.name}, _("Create the plan"),
                f"{reverse('rollout:my_plan')}?programme={programme.pk}")]
        return []
    steps = []
    url = plan.get_absolute_url()
    if plan.status in EDITABLE_PLAN_STATUSES:
        waiting_for_head = head_approval_needed(plan)
        if plan.status == PlanStatus.RETURNED and manage:
            steps.append(Step(_("DOST returned the plan for revision."), _("Revise the plan"),
                              reverse("rollout:plan_revise", args=[plan.pk]), detail=plan.review_comment))
        if waiting_for_head and head:
            steps.append(Step(_("The plan awaits your approval before it is submitted."), _("Approve the plan"),
                              reverse("rollout:plan_head_approve", args=[plan.pk])))
        elif waiting_for_head and manage:
            steps.append(Step(_("The plan waits for the agency head's approval."), _("Open the plan"), url,
                              urgent=False))
        elif manage:
            steps.append(Step(_("The plan is ready: submit it for DOST's review."), _("Submit for approval"),
                              reverse("rollout:plan_submit", args=[plan.pk])))
    elif plan.status == PlanStatus.SUBMITTED:
        steps.append(Step(_("The plan awaits DOST's review since %(day)s.") % {
            "day": timezone.localdate(plan.submitted_at).strftime("%d/%m/%Y") if plan.submitted_at else "—"},
            _("Open the plan"), url, urgent=False))
    if overdue:
        text = _("%(count)s milestones are overdue.") % {"count": overdue}
        if manage:
            steps.append(Step(text, _("Update the overdue milestones"), f"{reverse('home')}#milestones-heading"))
        else:
            steps.append(Step(text, _("Open the plan"), url))
    return steps


def review_steps(user) -> list[Step]:
    """DOST's plans to review."""
    if not may(user, Access.REVIEW):
        return []
    waiting = plans_for_user(user).filter(status=PlanStatus.SUBMITTED).order_by("submitted_at")
    count = waiting.count()
    if not count:
        return []
    oldest = waiting.values_list("submitted_at", flat=True).first()
    text = _("%(count)s plans await your review; the oldest since %(day)s.") % {
        "count": count, "day": timezone.localdate(oldest).strftime("%d/%m/%Y") if oldest else "—"}
    return [Step(text, _("Review the plans"), reverse("rollout:review_queue"))]


def late_agencies_step(progress, dashboard_url: str) -> list[Step]:
    """The committee's and DOST's: the mandatory agencies late today, from the engine's answer."""
    mandatory = progress.mandatory
    late = mandatory.at_risk + mandatory.off_track if mandatory else 0
    if not late:
        return []
    text = _("%(count)s mandatory agencies are late (at risk or off track), %(overdue)s with overdue milestones.") % {
        "count": late, "overdue": mandatory.with_overdue}
    return [Step(text, _("See them, most overdue first"), dashboard_url)]
