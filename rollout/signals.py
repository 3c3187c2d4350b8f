"""Rollout's answers to what happens in the agencies app (which cannot import the rollout)."""

from django.dispatch import receiver

from agencies.services import committee_established
from rollout.services import complete_committee_milestones


@receiver(committee_established, dispatch_uid="rollout-committee-milestones")
def committee_decision_recorded(sender, committee, by=None, **kwargs) -> None:
    complete_committee_milestones(committee, by=by)
