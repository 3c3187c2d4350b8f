"""Agency registry and steering committee pages. Every lookup goes through agencies.access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies import services
from agencies.access import Access, agencies_for_user, agency_for_user, may
from agencies.forms import AgencyFilterForm, CommitteeMemberForm, SteeringCommitteeForm, show_error
from agencies.history import committee_changes
from agencies.locking import ConcurrentEditError, keep_input_after_conflict
from agencies.models import AgencyGroup, CommitteeMember, SteeringCommittee

AGENCIES_PER_PAGE = 50


@login_required
def agency_list(request):
    reachable = agencies_for_user(request.user)
    form = AgencyFilterForm(request.GET or None, agencies=reachable)
    # The directive's order of groups; inside a group by code, which for communes is the official GSO order.
    group_rank = Case(*(When(group=group, then=rank) for rank, group in enumerate(AgencyGroup.values)))
    agencies = reachable.select_related("parent").order_by(group_rank, "code")
    if form.is_bound:
        agencies = form.filter(agencies)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "agencies/agency_list.html", {
        # With one agency to see (an agency's own users), no filter can change the answer.
        "form": form if form.agency_count > 1 else None, "page": page, "query": query.urlencode(),
    })


@login_required
def agency_detail(request, code: str):
    agency = agency_for_user(request.user, code)
    committee = SteeringCommittee.objects.filter(agency=agency).first()
    children = (
        agencies_for_user(request.user).filter(parent=agency).order_by("code")
        if agency.group in (AgencyGroup.PROVINCE, AgencyGroup.DISTRICTS, AgencyGroup.DEPARTMENTS) else None
    )
    predecessors, successors = agency.lineage()
    # Earlier and later agencies are named to everyone who sees this one, linked only where the link would open.
    openable = set(
        agencies_for_user(request.user)
        .filter(pk__in=[a.pk for a in predecessors + successors])
        .values_list("pk", flat=True)
    )
    return render(request, "agencies/agency_detail.html", {
        "agency": agency,
        "predecessors": predecessors,
        "successors": successors,
        "openable": openable,
        "committee": committee,
        "members": committee.members.select_related("user") if committee else [],
        "children": children,
        "can_manage": may(request.user, Access.MANAGE, agency),
        # Officers see only their own agency: link the parent only where the link would open.
        "parent_visible": agency.parent_id is not None and may(request.user, Access.VIEW, agency.parent),
        "history": committee_changes(committee) if committee else [],
    })


def _apply(request, form, service, target) -> tuple[bool, ConcurrentEditError | None]:
    """Run a service on the form's data; a rule the model enforces becomes a form error instead of a 500, and a
    save someone else made in between becomes the conflict shown above the form (with what the user typed kept)."""
    try:
        service(target, by=request.user, **form.cleaned_data)
    except ConcurrentEditError as conflict:
        keep_input_after_conflict(form, conflict)
        return False, conflict
    except ValidationError as error:
        show_error(form, error)
        return False, None
    return True, None


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request, code: str):
    agency = agency_for_user(request.user, code, Access.MANAGE)
    committee = SteeringCommittee.objects.filter(agency=agency).first() or SteeringCommittee(agency=agency)
    form = SteeringCommitteeForm(request.POST or None, instance=committee)
    saved, conflict = _apply(request, form, services.update_committee, agency) if form.is_valid() else (False, None)
    if saved:
        messages.success(request, _("The steering committee was saved."))
        return redirect(agency)
    return render(request, "agencies/committee_form.html", {"agency": agency, "form": form, "conflict": conflict})


def _committee_or_setup(request, agency):
    committee = SteeringCommittee.objects.filter(agency=agency).first()
    if committee is None:
        messages.info(request, _("Record the committee's establishing decision first, then add its members."))
    return committee


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, code: str):
    agency = agency_for_user(request.user, code, Access.MANAGE)
    committee = _committee_or_setup(request, agency)
    if committee is None:
        return redirect("agencies:committee_edit", code=agency.code)
    form = CommitteeMemberForm(request.POST or None, committee=committee)
    saved, _conflict = (
        _apply(request, form, services.add_committee_member, committee) if form.is_valid() else (False, None)
    )
    if saved:
        messages.success(request, _("%(name)s was added to the committee.") % {"name": form.cleaned_data["name"]})
        return redirect(agency)
    return render(request, "agencies/member_form.html", {"agency": agency, "form": form, "member": None})


def _member_for_user(user, code: str, pk: int) -> CommitteeMember:
    agency = agency_for_user(user, code, Access.MANAGE)
    members = CommitteeMember.objects.select_related("committee__agency")
    return get_object_or_404(members, pk=pk, committee__agency=agency)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, code: str, pk: int):
    member = _member_for_user(request.user, code, pk)
    agency = member.committee.agency
    form = CommitteeMemberForm(request.POST or None, instance=member, committee=member.committee)
    saved, conflict = (
        _apply(request, form, services.update_committee_member, member) if form.is_valid() else (False, None)
    )
    if saved:
        messages.success(request, _("The member %(name)s was saved.") % {"name": member.name})
        return redirect(agency)
    return render(
        request, "agencies/member_form.html", {"agency": agency, "form": form, "member": member, "conflict": conflict}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, code: str, pk: int):
    member = _member_for_user(request.user, code, pk)
    agency = member.committee.agency
    if request.method == "POST":
        services.remove_committee_member(member, by=request.user)
        messages.success(request, _("%(name)s was removed from the committee.") % {"name": member.name})
        return redirect(agency)
    return render(request, "agencies/member_confirm_remove.html", {"agency": agency, "member": member})
