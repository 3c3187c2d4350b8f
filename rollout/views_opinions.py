"""Co-review: Home Affairs and Planning & Investment give their opinion on a submitted plan; the plan page and
DOST's review queue show the opinions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from agencies.access import Access
from agencies.forms import show_error
from rollout import services
from rollout.access import plan_for_user
from rollout.models import PlanStatus


class OpinionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Opinion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


@login_required
@require_http_methods(["GET", "POST"])
def plan_opinion(request, pk: int):
    plan = plan_for_user(request.user, pk, Access.GIVE_OPINION)
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_opinion(plan, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your opinion was added to the plan; DOST sees it before deciding."))
            return redirect(plan)
    return render(request, "rollout/plan_opinion.html", {"plan": plan, "form": form})


def opinions_panel(request, plan) -> str:
    """The plan page's co-review section (registered as a panel in ``RolloutConfig.ready``)."""
    opinions = list(plan.opinions.select_related("by"))
    can_add = plan.status == PlanStatus.SUBMITTED and services.opinion_body_of(request.user) is not None
    if not opinions and not can_add:
        return ""
    return render_to_string("rollout/includes/opinions_panel.html", {
        "plan": plan, "opinions": opinions, "can_add": can_add,
    }, request=request)
