"""Pages of the rollout: plans, milestones, evidence, certificates and declarations, the review queue and
DOST's registry. Views are thin: they look objects up through ``rollout.access`` for the action they take
(refusals by the convention of ``agencies.access``: 403 for a page the role may never use, 404 for an object
outside the user's reach), read forms, and call one service function each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import Access, may, require, restrict
from agencies.asof import read_as_of
from agencies.forms import show_error
from agencies.locking import keep_input_after_conflict
from agencies.models import SteeringCommittee
from rollout import panels, services
from rollout.access import (
    certificate_for_user,
    declaration_for_user,
    evidence_for_user,
    milestone_for_user,
    plan_for_user,
    plans_for_user,
)
from rollout.forms import (
    CertificateEditForm,
    CertificateForm,
    CertificationBodyForm,
    ConsultantForm,
    DeclarationEditForm,
    DeclarationForm,
    DesignationForm,
    DueDatesForm,
    EngagementFilterForm,
    EngagementForm,
    ExpertForm,
    MilestoneAddForm,
    MilestoneEditForm,
    MilestoneStatusForm,
    PlanActionForm,
    PlanContentForm,
    ReturnPlanForm,
)
from rollout.history import history_of, plan_history
from rollout.models import (
    CertificationBody,
    Consultant,
    Designation,
    Engagement,
    Evidence,
    Expert,
    ImplementationPlan,
    Milestone,
    MilestoneStatusChange,
    PlanStatus,
    Programme,
    is_overdue,
)
from rollout.progress import end_of_day, milestones_on
from rollout.services import ConcurrentEditError
from rollout.validators import served_content_type

# --- helpers ------------------------------------------------------------------------------------------------


def plan_actions(user, plan: ImplementationPlan) -> dict[str, bool]:
    """What the page offers this user on this plan; the services check the same again."""
    manage = may(user, Access.MANAGE, plan)
    editable = plan.status in services.EDITABLE_PLAN_STATUSES
    running = plan.status in services.RUNNING_PLAN_STATUSES
    certification = plan.programme.is_certification
    return {
        "can_manage": manage,
        "can_edit_due_dates": manage and editable,
        "can_submit": manage and editable,
        "needs_head_approval": editable and services.head_approval_needed(plan),
        "can_head_approve": editable and not plan.head_approved_at and may(user, Access.APPROVE_AS_HEAD, plan),
        "can_review": plan.status == PlanStatus.SUBMITTED and may(user, Access.REVIEW),
        "can_urge": may(user, Access.URGE, plan),
        "can_record_certificate": manage and running and certification,
        "can_record_declaration": manage and running and not certification,
    }


# --- plans --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan(request, pk: int):
    plan = plan_for_user(request.user, pk)
    as_of = read_as_of(request)
    end = end_of_day(as_of.day)
    evidence = Evidence.objects.filter(uploaded_at__lt=end).select_related("uploaded_by")
    milestones = list(
        milestones_on(plan.milestones.select_related("owner"), as_of.day).prefetch_related(
            Prefetch("evidence", queryset=evidence)
        )
    )
    for milestone in milestones:
        # Shown as they stood at the end of the day (the page only reads these copies).
        milestone.status, milestone.completed_on = milestone.status_on, milestone.done_on
        milestone.overdue = is_overdue(milestone.due_date, milestone.status_on, as_of.day)
    transitions = list(plan.transitions.filter(at__lt=end).select_related("by").order_by("at", "pk"))
    if not as_of.is_today and transitions:
        plan.status = transitions[-1].to_status
    actions = plan_actions(request.user, plan) if as_of.is_today else {}
    return render(request, "rollout/plan_detail.html", {
        "plan": plan,
        "milestones": milestones,
        "done_count": sum(1 for m in milestones if m.status == "done"),
        "overdue_count": sum(1 for m in milestones if m.overdue),
        "transitions": transitions,
        "certificates": plan.certificates.filter(issued_on__lte=as_of.day).select_related("certification_body"),
        "declarations": plan.declarations.filter(decision_date__lte=as_of.day),
        "history": plan_history(plan),
        "today": as_of.day,
        "panels": panels.render("plan", request, plan),
        **actions,
    })


@login_required
@require_http_methods(["GET", "POST"])
def my_plan(request):
    """The officer's or head's plan for the current programme (or ``?programme=<id>``)."""
    user = request.user
    require(user, Access.WORK_ON_OWN_PLAN)
    programme_id = request.GET.get("programme") or request.POST.get("programme")
    if programme_id:
        programme = get_object_or_404(Programme, pk=programme_id) if str(programme_id).isdigit() else None
        if programme is None:
            raise Http404("No such programme")
    else:
        programme = Programme.objects.current()
    if programme is not None:
        existing = plans_for_user(user).filter(agency=user.agency, programme=programme).first()
        if existing is not None:
            return redirect(existing)
    if request.method == "POST":
        if programme is None:
            raise Http404("No programme")
        try:
            created = services.start_plan(user.agency, programme, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The plan was created from the stage template. Check the due dates."))
            return redirect(created)
    return render(request, "rollout/my_plan.html", {
        "agency": user.agency,
        "programme": programme,
        "programmes": Programme.objects.all(),
        "can_create": programme is not None and may(user, Access.MANAGE, user.agency),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_due_dates(request, pk: int):
    plan = plan_for_user(request.user, pk, Access.MANAGE)
    milestones = list(plan.milestones.all())
    form = DueDatesForm(request.POST or None, plan=plan, milestones=milestones)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_due_dates(
                plan, form.due_dates(), by=request.user, expected_version=form.cleaned_data["version"]
            )
        except ConcurrentEditError as error:
            conflict = error
            keep_input_after_conflict(form, error)
        except ValidationError as error:
            show_error(form, _prefixed_due_errors(error))
        else:
            messages.success(request, _("Due dates saved (%(count)s changed).") % {"count": len(changed)})
            return redirect(plan)
    return render(request, "rollout/plan_due_dates.html", {"plan": plan, "form": form, "conflict": conflict})


# --- revising a draft or returned plan ----------------------------------------------------------------------


def _revision_page(request, plan, *, content_form=None, add_form=None, edit_forms=None, status=200):
    edit_forms = edit_forms or {}
    milestones = list(plan.milestones.select_related("stage", "owner"))
    rows = [
        (
            milestone,
            edit_forms.get(milestone.pk)
            or MilestoneEditForm(
                plan=plan, prefix=f"m{milestone.pk}",
                initial={"version": plan.version, "name": milestone.name, "due_date": milestone.due_date,
                         "owner": milestone.owner_id},
            ),
        )
        for milestone in milestones
    ]
    return render(request, "rollout/plan_revise.html", {
        "plan": plan,
        "rows": rows,
        "content_form": content_form or PlanContentForm(initial={"version": plan.version, "scope": plan.scope}),
        "add_form": add_form or MilestoneAddForm(plan=plan, prefix="add", initial={"version": plan.version}),
    }, status=status)


def _revisable_plan(request, pk: int):
    """The plan the user may revise, and where to go instead when it can no longer be revised."""
    plan = plan_for_user(request.user, pk, Access.MANAGE)
    if plan.status in services.EDITABLE_PLAN_STATUSES:
        return plan, None
    messages.error(request, _("A plan can be revised only while it is a draft or returned."))
    return plan, redirect(plan)


def _run_revision(request, form, action, success: str) -> bool:
    """Call the service; put its refusal on the form. True when it succeeded."""
    try:
        action()
    except ConcurrentEditError as error:
        form.add_error(None, error.message)
    except ValidationError as error:
        show_error(form, error)
    else:
        messages.success(request, success)
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request, pk: int):
    """The officer revises a draft or returned plan: scope, plan document and milestones."""
    plan, leave = _revisable_plan(request, pk)
    if leave:
        return leave
    if request.method == "GET":
        return _revision_page(request, plan)
    form = PlanContentForm(request.POST, request.FILES)
    if form.is_valid() and _run_revision(request, form, lambda: services.revise_plan(
        plan, by=request.user, expected_version=form.cleaned_data["version"], scope=form.cleaned_data["scope"],
        document=form.cleaned_data.get("document"),
    ), _("The plan was revised.")):
        return redirect("rollout:plan_revise", pk=plan.pk)
    return _revision_page(request, plan, content_form=form, status=400)


@login_required
@require_POST
def milestone_add(request, pk: int):
    plan, leave = _revisable_plan(request, pk)
    if leave:
        return leave
    form = MilestoneAddForm(request.POST, plan=plan, prefix="add")
    if form.is_valid() and _run_revision(request, form, lambda: services.add_milestone(
        plan, by=request.user, expected_version=form.cleaned_data["version"], stage=form.cleaned_data["stage"],
        name=form.cleaned_data["name"], due_date=form.cleaned_data["due_date"], owner=form.cleaned_data["owner"],
    ), _("The milestone was added.")):
        return redirect("rollout:plan_revise", pk=plan.pk)
    return _revision_page(request, plan, add_form=form, status=400)


def _plan_milestone(request, plan, milestone_pk) -> Milestone:
    try:
        return plan.milestones.get(pk=int(milestone_pk))
    except (Milestone.DoesNotExist, TypeError, ValueError):
        raise Http404("No such milestone") from None


@login_required
@require_POST
def milestone_change(request, pk: int):
    plan, leave = _revisable_plan(request, pk)
    if leave:
        return leave
    milestone = _plan_milestone(request, plan, request.POST.get("milestone"))
    form = MilestoneEditForm(request.POST, plan=plan, prefix=f"m{milestone.pk}")
    if form.is_valid() and _run_revision(request, form, lambda: services.change_milestone(
        milestone, by=request.user, expected_version=form.cleaned_data["version"], name=form.cleaned_data["name"],
        due_date=form.cleaned_data["due_date"], owner=form.cleaned_data["owner"],
    ), _("The milestone was changed.")):
        return redirect("rollout:plan_revise", pk=plan.pk)
    return _revision_page(request, plan, edit_forms={milestone.pk: form}, status=400)


@login_required
@require_POST
def milestone_remove(request, pk: int):
    plan, leave = _revisable_plan(request, pk)
    if leave:
        return leave
    milestone = _plan_milestone(request, plan, request.POST.get("milestone"))
    try:
        services.remove_milestone(milestone, by=request.user, expected_version=request.POST.get("version") or 0)
    except ConcurrentEditError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The milestone was removed."))
    return redirect("rollout:plan_revise", pk=plan.pk)


@login_required
@require_GET
def plan_document(request, pk: int):
    plan = plan_for_user(request.user, pk)
    if not plan.document:
        raise Http404("No plan document")
    try:
        handle = plan.document.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing") from None
    response = FileResponse(handle, as_attachment=True, filename=plan.document_name or "plan",
                            content_type=served_content_type(plan.document_content_type))
    response["Cache-Control"] = "private, no-store"
    return response


def _prefixed_due_errors(error: ValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError({f"due_{key}": value for key, value in error.error_dict.items()})
    return error


def _plan_action(request, pk: int, *, template_title: str, form_class, run, access: Access, success: str,
                 intro: str = "", button: str = ""):
    plan = plan_for_user(request.user, pk, access)
    form = form_class(request.POST or None, initial={"version": plan.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            run(plan, form.cleaned_data)
        except ConcurrentEditError as error:
            conflict = error
            keep_input_after_conflict(form, error)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, success)
            return redirect(plan)
    return render(request, "rollout/plan_action.html", {
        "plan": plan, "form": form, "conflict": conflict, "title": template_title, "intro": intro,
        "button": button or template_title, **plan_actions(request.user, plan),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_submit(request, pk: int):
    return _plan_action(
        request, pk, template_title=_("Submit the plan for approval"), form_class=PlanActionForm,
        access=Access.MANAGE,
        run=lambda plan, data: services.submit_plan(
            plan, by=request.user, expected_version=data["version"], comment=data["comment"]),
        success=_("The plan was submitted to the provincial steering committee and DOST."),
        intro=_("Once submitted, the plan cannot be changed until it is approved or returned."),
        button=_("Submit"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_head_approve(request, pk: int):
    return _plan_action(
        request, pk, template_title=_("Approve the plan as the agency head"), form_class=PlanActionForm,
        access=Access.APPROVE_AS_HEAD,
        run=lambda plan, data: services.approve_as_head(
            plan, by=request.user, expected_version=data["version"], comment=data["comment"]),
        success=_("You approved the plan; the ISO officer can now submit it."),
        button=_("Approve"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_approve(request, pk: int):
    return _plan_action(
        request, pk, template_title=_("Approve the plan"), form_class=PlanActionForm,
        access=Access.REVIEW,
        run=lambda plan, data: services.approve_plan(
            plan, by=request.user, comment=data["comment"], expected_version=data["version"]),
        success=_("The plan was approved."),
        button=_("Approve"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_return(request, pk: int):
    return _plan_action(
        request, pk, template_title=_("Return the plan for revision"), form_class=ReturnPlanForm,
        access=Access.REVIEW,
        run=lambda plan, data: services.return_plan(
            plan, by=request.user, comment=data["comment"], expected_version=data["version"]),
        success=_("The plan was returned to the agency with your comments."),
        button=_("Return"),
    )


@login_required
@require_GET
def review_queue(request):
    require(request.user, Access.REVIEW)
    # The longest wait first (the default), or the latest submitted first.
    latest_first = request.GET.get("sort") == "latest"
    plans = list(
        plans_for_user(request.user).filter(status=PlanStatus.SUBMITTED)
        .annotate(milestone_count=Count("milestones"))
        .prefetch_related("opinions")
        .order_by(*(("-submitted_at", "-pk") if latest_first else ("submitted_at", "pk")))
    )
    today = timezone.localdate()
    for plan in plans:
        plan.waiting_days = (today - timezone.localdate(plan.submitted_at)).days if plan.submitted_at else None
    recently = (
        plans_for_user(request.user).filter(status__in=[PlanStatus.RETURNED, PlanStatus.APPROVED])
        .exclude(approved_at__isnull=True, review_comment="")
        .order_by("-updated_at")[:10]
    )
    return render(request, "rollout/review_queue.html", {"plans": plans, "recently": recently,
                                                         "latest_first": latest_first})


@login_required
@require_POST
def programme_lock(request, pk: int):
    """DOST locks a closed programme's records."""
    require(request.user, Access.LOCK_PROGRAMMES)
    programme = get_object_or_404(Programme, pk=pk)
    try:
        services.lock_programme(programme, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(programme)s is locked: no backdated entry will be accepted.") % {
            "programme": programme.name})
    return redirect(f"{reverse('home')}?programme={programme.pk}")


# --- milestones and evidence --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def milestone(request, pk: int):
    milestone = milestone_for_user(request.user, pk)
    plan = milestone.plan
    if request.method == "POST":
        require(request.user, Access.MANAGE, milestone)
    can_manage = may(request.user, Access.MANAGE, milestone)
    form = MilestoneStatusForm(request.POST or None, request.FILES or None, milestone=milestone)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_milestone(milestone, by=request.user, **form.update())
        except ConcurrentEditError as error:
            conflict = error
            keep_input_after_conflict(form, error)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Milestone updated."))
            return redirect(milestone)
    as_of = read_as_of(request)
    end = end_of_day(as_of.day)
    if not as_of.is_today:
        # Shown as it stood at the end of the day (the page only reads this copy); changes are made today.
        then = milestones_on(Milestone.objects.filter(pk=milestone.pk), as_of.day).get()
        milestone.status, milestone.completed_on = then.status_on, then.done_on
    return render(request, "rollout/milestone_detail.html", {
        "milestone": milestone,
        "plan": plan,
        "form": form if can_manage and as_of.is_today else None,
        "conflict": conflict,
        "overdue": is_overdue(milestone.due_date, milestone.status, as_of.day),
        "timeline": MilestoneStatusChange.objects.filter(milestone=milestone, at__lt=end).select_related("by")
        .order_by("-at", "-pk"),
        "evidence": milestone.evidence.filter(uploaded_at__lt=end).select_related("uploaded_by"),
        "history": history_of(milestone),
        "panels": panels.render("milestone", request, milestone),
        "committee": _committee_of(milestone),
    })


def _committee_of(milestone: Milestone):
    """The agency's steering committee, shown on the committee stage's milestone (its decision completes it)."""
    stage_number = milestone.stage.number if milestone.stage else milestone.number
    if stage_number != services.COMMITTEE_STAGE_NUMBER:
        return None
    return SteeringCommittee.objects.filter(agency=milestone.plan.agency).first() or SteeringCommittee(
        agency=milestone.plan.agency
    )


@login_required
@require_GET
def evidence(request, pk: int):
    item = evidence_for_user(request.user, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing") from None
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=served_content_type(item.content_type)
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- certificates and declarations --------------------------------------------------------------------------


def _plan_for_result(request, pk: int, *, certification: bool) -> ImplementationPlan:
    plan = plan_for_user(request.user, pk, Access.MANAGE)
    if plan.programme.is_certification != certification:
        raise Http404("This programme has the other regime")
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def certificate_new(request, pk: int):
    plan = _plan_for_result(request, pk, certification=True)
    form = CertificateForm(request.POST or None, initial={"scope": plan.scope})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_certificate(plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The certificate was recorded; the plan is completed."))
            return redirect(plan)
    return render(request, "rollout/result_form.html", {
        "plan": plan, "form": form, "title": _("Record the certificate"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def declaration_new(request, pk: int):
    plan = _plan_for_result(request, pk, certification=False)
    form = DeclarationForm(request.POST or None, initial={"scope": plan.scope})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_declaration(plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The declaration was recorded; the plan is completed."))
            return redirect(plan)
    return render(request, "rollout/result_form.html", {
        "plan": plan, "form": form, "title": _("Record the self-declaration"),
    })


def _result_page(request, item, *, form_class, update, kind: str):
    if request.method == "POST":
        require(request.user, Access.MANAGE, item)
    can_manage = may(request.user, Access.MANAGE, item)
    form = None
    conflict = None
    if can_manage:
        form = form_class(request.POST or None, instance=item, initial={"version": item.version})
        if request.method == "POST" and form.is_valid():
            fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            try:
                update(item, by=request.user, expected_version=form.cleaned_data["version"], **fields)
            except ConcurrentEditError as error:
                conflict = error
                keep_input_after_conflict(form, error)
            except ValidationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(request.path)
        item.refresh_from_db()
    return render(request, "rollout/result_detail.html", {
        "item": item, "plan": item.plan, "form": form, "conflict": conflict, "kind": kind,
        "history": history_of(item), "panels": panels.render("result", request, item),
    })


@login_required
@require_http_methods(["GET", "POST"])
def certificate(request, pk: int):
    item = certificate_for_user(request.user, pk)
    return _result_page(request, item, form_class=CertificateEditForm, update=services.update_certificate,
                        kind="certificate")


@login_required
@require_http_methods(["GET", "POST"])
def declaration(request, pk: int):
    item = declaration_for_user(request.user, pk)
    return _result_page(request, item, form_class=DeclarationEditForm, update=services.update_declaration,
                        kind="declaration")


REGISTRY_PAGE_SIZE = 20

# --- DOST's registry ----------------------------------------------------------------------------------------


@login_required
@require_GET
def registry(request):
    """Certification bodies and consultants, and who works with which agency (filtered, paged)."""
    filters = EngagementFilterForm(request.GET)
    engagements = filters.filter(
        restrict(Engagement.objects.select_related("agency", "programme", "consultant", "certification_body"),
                 request.user).order_by("agency__name", "pk")
    )
    page = Paginator(engagements, REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "rollout/registry.html", {
        "bodies": CertificationBody.objects.annotate(
            certificate_count=Count("certificates", distinct=True),
            engagement_count=Count("engagements", distinct=True),
        ),
        "consultants": Consultant.objects.annotate(engagement_count=Count("engagements")),
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_edit": may(request.user, Access.KEEP_REGISTRY),
    })


REGISTRY_FORMS = {
    "body": (CertificationBody, CertificationBodyForm),
    "consultant": (Consultant, ConsultantForm),
    "engagement": (Engagement, EngagementForm),
    "designation": (Designation, DesignationForm),
    "expert": (Expert, ExpertForm),
}


@login_required
@require_http_methods(["GET", "POST"])
def registry_edit(request, kind: str, pk: int | None = None):
    """Create (no pk) or change a registry entry; DOST only."""
    require(request.user, Access.KEEP_REGISTRY)
    if kind not in REGISTRY_FORMS:
        raise Http404("No such registry")
    model, form_class = REGISTRY_FORMS[kind]
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    form = form_class(request.POST or None, instance=instance)
    conflict = None
    if request.method == "POST" and form.is_valid():
        if form.instance.pk is not None:
            form.instance.version = form.cleaned_data["version"]  # the version the editor loaded
        try:
            services.save_registry_entry(form.instance, by=request.user)
        except ConcurrentEditError as error:
            conflict = error
            keep_input_after_conflict(form, error)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Registry saved."))
            return redirect("rollout:registry")
    return render(request, "rollout/registry_form.html", {
        "form": form, "instance": instance, "verbose_name": model._meta.verbose_name, "conflict": conflict,
        "history": history_of(instance) if instance is not None else [],
    })
