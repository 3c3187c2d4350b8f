"""``{% urge_panel agency %}``: the urge form (committee and DOST) and the urgings sent, for any agency page."""

from __future__ import annotations

from django import template

from agencies.access import Access, may
from rollout.models import Programme
from rollout.urging import urge_recipients
from rollout.views_urging import UrgeForm, letter_plans, urge_history

register = template.Library()


@register.inclusion_tag("rollout/includes/urge_panel.html", takes_context=True)
def urge_panel(context, agency):
    user = context["request"].user
    can_urge = may(user, Access.URGE, agency)
    return {
        "agency": agency,
        "urges": urge_history(agency),
        "can_urge": can_urge,
        "recipients": urge_recipients(agency) if can_urge else [],
        "letter_plans": letter_plans(agency) if can_urge else [],
        "urge_form": UrgeForm(initial={"programme": Programme.objects.current()}, auto_id="urge_%s")
        if can_urge
        else None,
        "csrf_token": context.get("csrf_token"),
    }
