"""Funding pages: the lines the user may see with totals per group and the agencies held back, Finance's
entries, and an agency's own request."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import Access, agencies_for_user, may, restrict
from agencies.forms import show_error
from agencies.models import AgencyGroup
from funding import services
from funding.figures import held_back_lines, totals
from funding.forms import YearForm, line_form_class
from funding.models import FundingLine
from rollout.history import history_of
from rollout.models import Programme
from rollout.services import ConcurrentEditError


def _lines_for(user):
    return restrict(FundingLine.objects.select_related("agency"), user)


@login_required
@require_GET
def index(request):
    year_form = YearForm(request.GET or None)
    lines = _lines_for(request.user)
    if year_form.is_valid() and year_form.cleaned_data["year"]:
        lines = lines.filter(year=year_form.cleaned_data["year"])
    programme = Programme.objects.current()
    held_back = (
        set(
            held_back_lines(programme, timezone.localdate())
            .filter(pk__in=lines.values("pk"))
            .values_list("pk", flat=True)
        )
        if programme
        else set()
    )
    labels = dict(AgencyGroup.choices)
    by_group = [
        (labels.get(row["agency__group"], row["agency__group"]), row)
        for row in lines.order_by()
        .values("agency__group")
        .annotate(
            requested=Sum("requested"),
            approved=Sum("approved"),
            allocated=Sum("allocated"),
            disbursed=Sum("disbursed"),
        )
        .order_by("agency__group")
    ]
    return render(
        request,
        "funding/index.html",
        {
            "lines": lines.order_by("-year", "agency__name"),
            "year_form": year_form,
            "held_back": held_back,
            "by_group": by_group,
            "total": totals(lines),
            "can_add": (
                may(request.user, Access.KEEP_FUNDING) or agencies_for_user(request.user, Access.MANAGE).exists()
            ),
        },
    )


def _save(request, line: FundingLine, *, new: bool, agencies):
    fields = (
        services.editable_fields(request.user, line.agency)
        if not new
        else (services.FINANCE_FIELDS if may(request.user, Access.KEEP_FUNDING) else services.PROPOSAL_FIELDS)
    )
    form_class = line_form_class(fields, new=new)
    form = form_class(
        request.POST or None, instance=None if new else line, agencies=agencies, initial={"version": line.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        if new:
            line = FundingLine(agency=form.cleaned_data["agency"], year=form.cleaned_data["year"])
        try:
            services.save_line(line, form.changes(), by=request.user, expected_version=form.cleaned_data["version"])
        except ConcurrentEditError as error:
            conflict = error
            data = form.data.copy()
            data["version"] = str(error.current_version)
            form.data = data
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The funding line was saved."))
            return redirect("funding:index")
    return render(
        request,
        "funding/line_form.html",
        {
            "form": form,
            "line": None if new else line,
            "conflict": conflict,
            "history": [] if new else history_of(line),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    agencies = agencies_for_user(request.user, Access.VIEW if may(request.user, Access.KEEP_FUNDING) else Access.MANAGE)
    if not may(request.user, Access.KEEP_FUNDING) and not agencies.exists():
        raise PermissionDenied("Only Finance and the agencies' ISO officers record funding")
    return _save(request, FundingLine(), new=True, agencies=agencies.order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    line = _lines_for(request.user).filter(pk=pk).first()
    if line is None or not services.editable_fields(request.user, line.agency):
        raise Http404("No such funding line")
    return _save(request, line, new=False, agencies=[])
