"""State changes of implementation plans, milestones, evidence, certificates and declarations.

Each action is one short function under ``transaction.atomic`` that checks the acting user's role (through
``agencies.access``) and the object's state, then records who did what and when (``PlanTransition``,
``MilestoneStatusChange`` and the simple_history rows, see ``rollout.history``). An invalid action raises
``TransitionError`` (a ``ValidationError`` with a translated message) and changes nothing; a save based on a
stale copy raises ``ConcurrentEditError``.

Optimistic locking: plans, milestones, certificates and declarations carry ``version``. An action first
claims the row with ``UPDATE … SET version = version + 1 WHERE id = … AND version = <expected>``; when no row
matches, someone else saved in between and nothing is written. The claim also holds the row lock until
commit, so two concurrent saves cannot both pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import locking
from agencies.access import Access, may
from agencies.locking import ConcurrentEditError  # noqa: F401 -- the pages and the apps above import it from here
from agencies.models import UserRole
from rollout.history import changes_since
from rollout.models import (
    Certificate,
    CertificationBody,
    Declaration,
    Engagement,
    Evidence,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    OpinionBody,
    PlanOpinion,
    PlanStatus,
    PlanTransition,
    Regime,
)
from rollout.planning import create_plan
from rollout.validators import clean_file_name, validate_evidence_file

EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)
RUNNING_PLAN_STATUSES = (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED)


class TransitionError(ValidationError):
    """The action is not allowed: wrong role, or the object is not in a state that permits it."""


# --- small shared steps -------------------------------------------------------------------------------------

def _refuse(message, **params):
    raise TransitionError(str(message % params) if params else str(message), code="invalid_transition")


def _require(user, agency, access: Access, message) -> None:
    if not may(user, access, agency):
        _refuse(message)


def _claim(obj, expected_version: int | None):
    """Raise the stored version by one if it is still ``expected_version``; answer a fresh copy read under the lock.

    The caller's instance is left alone, so a refused action leaves it as it was; ``_sync`` copies the result
    back once the action has succeeded.
    """
    return locking.claim_version(obj, expected_version, changes=changes_since)


def claim_version(obj, expected_version: int | None):
    """Optimistic locking for any versioned model with history, also the registers of the apps above rollout:
    a fresh copy with the version raised, or ``ConcurrentEditError`` when someone saved in between."""
    return _claim(obj, expected_version)




def _claim_current(obj):
    """Claim a row that a service changes as a consequence of the user's action, whatever its version."""
    model = type(obj)
    model.objects.filter(pk=obj.pk).update(version=F("version") + 1)
    return model.objects.get(pk=obj.pk)


def _sync(original, fresh) -> None:
    for model_field in type(original)._meta.concrete_fields:
        setattr(original, model_field.attname, getattr(fresh, model_field.attname))


def _save(obj, by) -> None:
    obj._history_user = by
    obj.save()


def _move(plan: ImplementationPlan, to_status: str, *, by, comment: str = "") -> None:
    PlanTransition.objects.create(plan=plan, from_status=plan.status, to_status=to_status, by=by, comment=comment)
    plan.status = to_status


def _refuse_if_locked(programme, day: dt.date | None) -> None:
    """A locked programme accepts no backdated entry (see ``Programme.refuses_entry_on``); the lock is read
    afresh, as the caller's copy may predate it."""
    programme = type(programme).objects.get(pk=programme.pk)
    if programme.refuses_entry_on(day):
        _refuse(
            _("%(programme)s was locked by DOST on %(locked)s: entries dated on or before its target date "
              "%(target)s are no longer accepted. Nothing was saved."),
            programme=programme.name, locked=timezone.localdate(programme.locked_at).strftime("%d/%m/%Y"),
            target=programme.target_date.strftime("%d/%m/%Y"),
        )


@transaction.atomic
def lock_programme(programme, *, by):
    """DOST closes a programme's records: from now on, no entry dated on or before its target is accepted."""
    if not may(by, Access.LOCK_PROGRAMMES):
        _refuse(_("Only DOST can lock a programme."))
    fresh = type(programme).objects.select_for_update().get(pk=programme.pk)
    if fresh.locked_at is not None:
        _refuse(_("This programme is already locked."))
    if not fresh.target_date < timezone.localdate():
        _refuse(_("Only a programme whose target date has passed can be locked."))
    fresh.locked_at, fresh.locked_by = timezone.now(), by
    _save(fresh, by)
    programme.locked_at, programme.locked_by = fresh.locked_at, fresh.locked_by
    return programme


def head_approval_needed(plan: ImplementationPlan) -> bool:
    """The head approves the plan before it is submitted, where the agency's head has an account."""
    if plan.head_approved_at:
        return False
    return plan.agency.users.filter(role=UserRole.AGENCY_HEAD, is_active=True).exists()


# --- plan lifecycle -----------------------------------------------------------------------------------------

@transaction.atomic
def start_plan(agency, programme, *, by) -> ImplementationPlan:
    """Create the agency's plan for the programme from the stage template (the officer's "create" button)."""
    _require(by, agency, Access.MANAGE, _("Only the agency's ISO officer can create its plan."))
    if ImplementationPlan.objects.filter(agency=agency, programme=programme).exists():
        _refuse(_("This agency already has a plan for this programme."))
    plan = create_plan(agency, programme, by=by)
    committee = getattr(agency, "steering_committee", None)
    if committee is not None and committee.decision_number and committee.decision_date:
        complete_committee_milestones(committee, by=by)
    return plan


@transaction.atomic
def approve_as_head(plan: ImplementationPlan, *, by, expected_version: int | None = None,
                    comment: str = "") -> ImplementationPlan:
    _require(by, plan.agency, Access.APPROVE_AS_HEAD, _("Only the agency's head can approve its plan."))
    fresh = _claim(plan, expected_version)
    if fresh.status not in EDITABLE_PLAN_STATUSES:
        _refuse(_("The head approves a plan before it is submitted; this plan is %(status)s."),
                status=fresh.get_status_display())
    if fresh.head_approved_at:
        _refuse(_("The head has already approved this plan."))
    fresh.head_approved_by = by
    fresh.head_approved_at = timezone.now()
    PlanTransition.objects.create(
        plan=fresh, from_status=fresh.status, to_status=fresh.status, by=by,
        comment=comment.strip() or str(_("Approved by the agency head.")),
    )
    _save(fresh, by)
    _sync(plan, fresh)
    return plan


@transaction.atomic
def submit_plan(plan: ImplementationPlan, *, by, expected_version: int, comment: str = "") -> ImplementationPlan:
    _require(by, plan.agency, Access.MANAGE, _("Only the agency's ISO officer can submit its plan."))
    fresh = _claim(plan, expected_version)
    if fresh.status not in EDITABLE_PLAN_STATUSES:
        _refuse(_("Only a draft or returned plan can be submitted; this plan is %(status)s."),
                status=fresh.get_status_display())
    if not fresh.milestones.exists():
        _refuse(_("The plan has no milestones to submit."))
    if head_approval_needed(fresh):
        _refuse(_("The agency head must approve the plan before it is submitted."))
    fresh.submitted_at = timezone.now()
    _move(fresh, PlanStatus.SUBMITTED, by=by, comment=comment.strip())
    _save(fresh, by)
    _sync(plan, fresh)
    return plan


def _review(plan: ImplementationPlan, *, by, expected_version: int | None) -> ImplementationPlan:
    if not may(by, Access.REVIEW):
        _refuse(_("Plans are reviewed by DOST, the steering committee's standing body."))
    fresh = _claim(plan, expected_version)
    if fresh.status != PlanStatus.SUBMITTED:
        _refuse(_("Only a submitted plan can be reviewed; this plan is %(status)s."),
                status=fresh.get_status_display())
    return fresh


@transaction.atomic
def approve_plan(plan: ImplementationPlan, *, by, comment: str = "",
                 expected_version: int | None = None) -> ImplementationPlan:
    fresh = _review(plan, by=by, expected_version=expected_version)
    fresh.approved_by = by
    fresh.approved_at = timezone.now()
    fresh.review_comment = (comment or "").strip()
    _move(fresh, PlanStatus.APPROVED, by=by, comment=fresh.review_comment)
    if fresh.milestones.exclude(status=MilestoneStatus.NOT_STARTED).exists():
        # Work had begun while the plan was under review: it is in progress from approval on.
        _move(fresh, PlanStatus.IN_PROGRESS, by=by, comment=str(_("Milestones already under way.")))
    _save(fresh, by)
    _sync(plan, fresh)
    return plan


@transaction.atomic
def return_plan(plan: ImplementationPlan, *, by, comment: str,
                expected_version: int | None = None) -> ImplementationPlan:
    if not (comment or "").strip():
        _refuse(_("Say what must be revised when returning a plan."))
    fresh = _review(plan, by=by, expected_version=expected_version)
    fresh.review_comment = comment.strip()
    # The revised plan is a new plan for the head: it needs their approval again.
    fresh.head_approved_by = None
    fresh.head_approved_at = None
    _move(fresh, PlanStatus.RETURNED, by=by, comment=fresh.review_comment)
    _save(fresh, by)
    _sync(plan, fresh)
    return plan


@transaction.atomic
def update_due_dates(plan: ImplementationPlan, due_dates: dict[int, dt.date], *, by,
                     expected_version: int) -> list[Milestone]:
    """Change milestones' due dates (draft or returned plan). Answers the milestones that changed."""
    _require(by, plan.agency, Access.MANAGE, _("Only the agency's ISO officer can change the plan's due dates."))
    fresh = _claim(plan, expected_version)
    if fresh.status not in EDITABLE_PLAN_STATUSES:
        _refuse(_("Due dates can be changed only while the plan is a draft or returned; this plan is %(status)s."),
                status=fresh.get_status_display())
    milestones = {m.pk: m for m in Milestone.objects.select_for_update().filter(plan=fresh)}
    errors, changed = {}, []
    for milestone_id, due_date in due_dates.items():
        milestone = milestones.get(int(milestone_id))
        if milestone is None:
            _refuse(_("A milestone does not belong to this plan."))
        if due_date is None:
            errors[str(milestone.pk)] = _("Enter a due date.")
        elif due_date != milestone.due_date:
            milestone.due_date = due_date
            try:
                milestone.clean()  # the model's rules: not before the plan's start, not past the horizon
            except ValidationError as error:
                errors[str(milestone.pk)] = error.message_dict.get("due_date") or error.messages
            else:
                changed.append(milestone)
    if errors:
        raise ValidationError(errors)
    if changed and fresh.head_approved_at:
        # The head approved other dates.
        fresh.head_approved_by = None
        fresh.head_approved_at = None
    # The plan's new version is saved before its milestones: rollout.history.changes_since reads the
    # milestone rows saved after it as this edit's changes.
    _save(fresh, by)
    for milestone in changed:
        milestone.version += 1  # the rows are locked (select_for_update) until commit
        _save(milestone, by)
    _sync(plan, fresh)
    return changed


# --- revising a draft or returned plan ------------------------------------------------------------------------
#
# While a plan is a draft or returned, its officer revises its content: the scope, the plan document, and the
# milestones (added within the template's stages, renamed, given an owner or a due date, removed). Each change
# is a step in the plan's record (who, when, what) besides the rows' own history, and a revised plan needs the
# head's approval again before it is submitted.


def _revisable(plan: ImplementationPlan, *, by, expected_version) -> ImplementationPlan:
    _require(by, plan.agency, Access.MANAGE, _("Only the agency's ISO officer can revise its plan."))
    fresh = _claim(plan, expected_version)
    if fresh.status not in EDITABLE_PLAN_STATUSES:
        _refuse(_("A plan can be revised only while it is a draft or returned; this plan is %(status)s."),
                status=fresh.get_status_display())
    return fresh


def _record_revision(fresh: ImplementationPlan, *, by, what: str) -> None:
    if fresh.head_approved_at:
        fresh.head_approved_by = None
        fresh.head_approved_at = None
        again = _("The head approves the revised plan again.")
        what = f"{what} {again}"
    PlanTransition.objects.create(plan=fresh, from_status=fresh.status, to_status=fresh.status, by=by, comment=what)
    _save(fresh, by)


@transaction.atomic
def revise_plan(plan: ImplementationPlan, *, by, expected_version: int, scope: str,
                document=None) -> ImplementationPlan:
    """Change the plan's scope (the administrative procedures it covers) and/or upload its document."""
    fresh = _revisable(plan, by=by, expected_version=expected_version)
    scope = (scope or "").strip()
    changes = []
    if scope != fresh.scope:
        fresh.scope = scope
        changes.append(str(_("Scope revised.")))
    if document is not None:
        kind = validate_evidence_file(document)
        name = clean_file_name(document.name)
        fresh.document.save(f"plan.{kind.extension}", document, save=False)
        fresh.document_name, fresh.document_content_type = name, kind.content_type
        changes.append(str(_("Plan document uploaded: %(name)s.") % {"name": name}))
    if not changes:
        _refuse(_("Nothing changed: revise the scope or choose a document."))
    _record_revision(fresh, by=by, what=" ".join(changes))
    _sync(plan, fresh)
    return plan


def _owner_of(plan: ImplementationPlan, owner):
    if owner is not None and owner.agency_id != plan.agency_id:
        _refuse(_("A milestone's owner works in the plan's agency."))
    return owner


def _check_milestone(milestone: Milestone) -> None:
    milestone.name = (milestone.name or "").strip()
    if not milestone.name:
        raise ValidationError({"name": _("Name the milestone.")})
    if milestone.due_date is None:
        raise ValidationError({"due_date": _("Enter a due date.")})
    milestone.clean()


def _renumber(plan: ImplementationPlan, *, by, from_number: int, shift: int) -> None:
    """Move the milestones numbered ``from_number`` and after by ``shift`` (numbers stay 1…n, in order)."""
    moved = Milestone.objects.select_for_update().filter(plan=plan, number__gte=from_number)
    # One at a time, in the order that never meets a taken number.
    for milestone in moved.order_by("-number" if shift > 0 else "number"):
        milestone.number += shift
        milestone.version += 1
        _save(milestone, by)


@transaction.atomic
def add_milestone(plan: ImplementationPlan, *, by, expected_version: int, stage, name: str, due_date: dt.date,
                  owner=None) -> Milestone:
    """A milestone within one of the template's stages, placed after that stage's milestones."""
    fresh = _revisable(plan, by=by, expected_version=expected_version)
    if stage is None or stage.programme_id != fresh.programme_id:
        _refuse(_("Choose one of the programme's stages."))
    last = (
        Milestone.objects.filter(plan=fresh, stage__number__lte=stage.number).order_by("-number").values_list(
            "number", flat=True).first()
    )
    number = (last or 0) + 1
    milestone = Milestone(plan=fresh, stage=stage, number=number, name=name, due_date=due_date,
                          owner=_owner_of(fresh, owner))
    _check_milestone(milestone)
    _renumber(fresh, by=by, from_number=number, shift=1)
    _save(milestone, by)
    _record_revision(fresh, by=by, what=str(_("Milestone added: %(milestone)s (due %(due)s).") % {
        "milestone": milestone, "due": due_date.strftime("%d/%m/%Y")}))
    _sync(plan, fresh)
    return milestone


@transaction.atomic
def change_milestone(milestone: Milestone, *, by, expected_version: int, name: str, due_date: dt.date,
                     owner=None) -> Milestone:
    """Rename a milestone, change its due date or its owner (``expected_version`` is the plan's)."""
    fresh_plan = _revisable(milestone.plan, by=by, expected_version=expected_version)
    fresh = _claim_current(milestone)
    before = (fresh.name, fresh.due_date, fresh.owner_id)
    fresh.name, fresh.due_date, fresh.owner = name, due_date, _owner_of(fresh_plan, owner)
    _check_milestone(fresh)
    if (fresh.name, fresh.due_date, fresh.owner_id) == before:
        _refuse(_("Nothing changed in this milestone."))
    _save(fresh, by)
    _record_revision(fresh_plan, by=by, what=str(_("Milestone changed: %(milestone)s (due %(due)s).") % {
        "milestone": fresh, "due": fresh.due_date.strftime("%d/%m/%Y")}))
    _sync(milestone, fresh)
    _sync(milestone.plan, fresh_plan)
    return milestone


@transaction.atomic
def remove_milestone(milestone: Milestone, *, by, expected_version: int) -> None:
    """Remove a milestone that holds no recorded work; each stage of the template keeps at least one, and the
    completion milestone stays."""
    fresh_plan = _revisable(milestone.plan, by=by, expected_version=expected_version)
    fresh = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if fresh.is_completion:
        _refuse(_("The milestone that completes the programme cannot be removed."))
    if fresh.status_changes.exists() or fresh.evidence.exists():
        _refuse(_("This milestone has recorded work or evidence; it cannot be removed."))
    if fresh.stage_id and not Milestone.objects.filter(plan=fresh_plan, stage_id=fresh.stage_id).exclude(
            pk=fresh.pk).exists():
        _refuse(_("Each stage of the template keeps at least one milestone."))
    label, number = str(fresh), fresh.number
    fresh._history_user = by
    fresh.delete()
    _renumber(fresh_plan, by=by, from_number=number + 1, shift=-1)
    _record_revision(fresh_plan, by=by, what=str(_("Milestone removed: %(milestone)s.") % {"milestone": label}))
    _sync(milestone.plan, fresh_plan)


# --- milestones and evidence --------------------------------------------------------------------------------

@transaction.atomic
def update_milestone(milestone: Milestone, *, by, expected_version: int, status: str, note: str = "",
                     completed_on: dt.date | None = None, blocked_reason: str = "", evidence=None,
                     evidence_description: str = "") -> Milestone:
    """A milestone's update from any entry point (its page, the officer's quick update, the API, an import):
    the status with a note, and an evidence file. All of it is recorded, or nothing. An evidence file alone,
    with the status as it is and no note, records no status change."""
    if evidence is None or (note or "").strip() or milestone.changes_status(status, completed_on, blocked_reason):
        record_milestone_status(milestone, by=by, status=status, expected_version=expected_version, note=note,
                                completed_on=completed_on, blocked_reason=blocked_reason)
    if evidence is not None:
        add_evidence(milestone, evidence, by=by, description=evidence_description)
    return milestone


@transaction.atomic
def record_milestone_status(milestone: Milestone, *, by, status: str, expected_version: int, note: str = "",
                            completed_on: dt.date | None = None, blocked_reason: str = "") -> Milestone:
    plan = milestone.plan
    _require(by, plan.agency, Access.MANAGE, _("Only the agency's ISO officer can update its milestones."))
    if status not in MilestoneStatus.values:
        _refuse(_("Unknown milestone status."))
    fresh = _claim(milestone, expected_version)
    note = (note or "").strip()
    if not fresh.changes_status(status, completed_on, blocked_reason) and not note:
        _refuse(_("Nothing changed: choose another status or write a note."))
    from_status = fresh.status
    fresh.status, fresh.completed_on, fresh.blocked_reason = Milestone.status_values(
        status, completed_on, blocked_reason
    )
    _refuse_if_locked(plan.programme, fresh.completed_on or timezone.localdate())
    fresh.full_clean()
    _save(fresh, by)
    MilestoneStatusChange.objects.create(
        milestone=fresh, from_status=from_status, to_status=status, by=by, note=note,
        effective_on=fresh.completed_on or timezone.localdate(),
    )
    if status != MilestoneStatus.NOT_STARTED:
        _start_work(plan, by=by)
    _sync(milestone, fresh)
    return milestone


def _start_work(plan: ImplementationPlan, *, by) -> None:
    """An approved plan is in progress from its first milestone update on."""
    if not ImplementationPlan.objects.filter(pk=plan.pk, status=PlanStatus.APPROVED).exists():
        return
    fresh = _claim_current(plan)
    _move(fresh, PlanStatus.IN_PROGRESS, by=by, comment=str(_("First milestone update.")))
    _save(fresh, by)
    _sync(plan, fresh)


@transaction.atomic
def add_evidence(milestone: Milestone, uploaded_file, *, by, description: str = "") -> Evidence:
    _require(by, milestone.plan.agency, Access.MANAGE, _("Only the agency's ISO officer can upload evidence."))
    description = (description or "").strip()
    if len(description) > 250:
        raise ValidationError({"description": _("Keep the description under 250 characters.")})
    kind = validate_evidence_file(uploaded_file)
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    evidence = Evidence(
        milestone=milestone, original_name=clean_file_name(uploaded_file.name), content_type=kind.content_type,
        size=uploaded_file.size, sha256=digest.hexdigest(), description=description, uploaded_by=by,
    )
    evidence.file.save(f"evidence.{kind.extension}", uploaded_file, save=False)
    try:
        _save(evidence, by)
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


# --- the committee's establishing decision completes the committee milestone -----------------------------------

COMMITTEE_STAGE_NUMBER = 1  # DESIGN.md's stage 1: steering committee established (decision no./date)


def committee_milestones(agency):
    """The agency's open milestones of the committee stage, one per plan (the first of the stage)."""
    of_stage = Q(stage__number=COMMITTEE_STAGE_NUMBER) | Q(stage__isnull=True, number=COMMITTEE_STAGE_NUMBER)
    open_ones = Milestone.objects.filter(of_stage, plan__agency=agency).order_by("plan_id", "number")
    first_per_plan = {}
    for milestone in open_ones.select_related("plan__programme"):
        first_per_plan.setdefault(milestone.plan_id, milestone)
    return [m for m in first_per_plan.values() if m.status != MilestoneStatus.DONE]


@transaction.atomic
def complete_committee_milestones(committee, *, by) -> list[Milestone]:
    """The committee's establishing decision is the evidence of stage 1: each plan's committee milestone is done
    on the decision's date (or the programme's start, for a committee set up before it), the decision named in
    the status change's note. The caller has checked the user may change the agency's committee."""
    note = str(
        _("Steering committee established by decision %(number)s of %(date)s (recorded on the agency page).")
        % {"number": committee.decision_number, "date": committee.decision_date.strftime("%d/%m/%Y")}
    )
    completed = []
    for milestone in committee_milestones(committee.agency):
        # A committee set up before the programme began serves it from its start.
        done_on = max(committee.decision_date, milestone.plan.programme.start_date)
        if milestone.plan.programme.refuses_entry_on(done_on):
            continue  # a locked programme's records stay as they were
        from_status = milestone.status
        fresh = _claim_current(milestone)
        fresh.status, fresh.completed_on, fresh.blocked_reason = MilestoneStatus.DONE, done_on, ""
        _save(fresh, by)
        MilestoneStatusChange.objects.create(
            milestone=fresh, from_status=from_status, to_status=MilestoneStatus.DONE, by=by, note=note,
            effective_on=done_on,
        )
        _start_work(fresh.plan, by=by)
        completed.append(fresh)
    return completed


# --- certificate or declaration: completing the plan --------------------------------------------------------

def _check_can_complete(plan: ImplementationPlan, *, by, regime: str) -> None:
    _require(by, plan.agency, Access.MANAGE,
             _("Only the agency's ISO officer can record its certificate or declaration."))
    if plan.programme.regime != regime:
        if regime == Regime.CERTIFICATION:
            _refuse(_("This programme works by self-declaration: record the head's declaration, not a certificate."))
        _refuse(_("This programme works by certification: record the certificate, not a declaration."))
    if plan.status not in RUNNING_PLAN_STATUSES:
        _refuse(_("The plan must be approved before its result is recorded; this plan is %(status)s."),
                status=plan.get_status_display())


def _complete(plan: ImplementationPlan, *, by, on: dt.date, note: str) -> None:
    """The certificate or declaration completes the plan and its completion milestone."""
    fresh = _claim_current(plan)
    if fresh.status != PlanStatus.COMPLETED:
        _move(fresh, PlanStatus.COMPLETED, by=by, comment=note)
        fresh.completed_on = on
    _save(fresh, by)
    _sync(plan, fresh)
    for milestone in fresh.milestones.filter(is_completion=True).exclude(status=MilestoneStatus.DONE):
        from_status = milestone.status
        milestone = _claim_current(milestone)
        milestone.status, milestone.completed_on, milestone.blocked_reason = MilestoneStatus.DONE, on, ""
        _save(milestone, by)
        MilestoneStatusChange.objects.create(
            milestone=milestone, from_status=from_status, to_status=MilestoneStatus.DONE, by=by, note=note,
            effective_on=on,
        )


def _full_clean(obj) -> None:
    obj.full_clean(exclude=["plan", "recorded_by"])


@transaction.atomic
def record_certificate(plan: ImplementationPlan, *, by, number: str, certification_body: CertificationBody,
                       issued_on: dt.date, expires_on: dt.date, scope: str, procedures_count: int = 0) -> Certificate:
    _check_can_complete(plan, by=by, regime=Regime.CERTIFICATION)
    _refuse_if_locked(plan.programme, issued_on)
    certificate = Certificate(
        plan=plan, number=(number or "").strip(), certification_body=certification_body, issued_on=issued_on,
        expires_on=expires_on, scope=(scope or "").strip(), procedures_count=procedures_count or 0, recorded_by=by,
    )
    _full_clean(certificate)
    _save(certificate, by)
    _complete(plan, by=by, on=issued_on,
              note=str(_("Certificate %(number)s recorded.") % {"number": certificate.number}))
    return certificate


@transaction.atomic
def record_declaration(plan: ImplementationPlan, *, by, decision_number: str, decision_date: dt.date,
                       notified_on: dt.date | None, scope: str, procedures_count: int = 0) -> Declaration:
    _check_can_complete(plan, by=by, regime=Regime.SELF_DECLARATION)
    _refuse_if_locked(plan.programme, decision_date)
    declaration = Declaration(
        plan=plan, decision_number=(decision_number or "").strip(), decision_date=decision_date,
        notified_on=notified_on, scope=(scope or "").strip(), procedures_count=procedures_count or 0, recorded_by=by,
    )
    _full_clean(declaration)
    _save(declaration, by)
    _complete(plan, by=by, on=decision_date,
              note=str(_("Declaration %(number)s recorded.") % {"number": declaration.decision_number}))
    return declaration


_CERTIFICATE_FIELDS = ("number", "certification_body", "issued_on", "expires_on", "scope", "procedures_count")
_DECLARATION_FIELDS = ("decision_number", "decision_date", "notified_on", "scope", "procedures_count")


def _correct(obj, fields: tuple[str, ...], changes: dict, *, by, expected_version: int):
    _require(by, obj.plan.agency, Access.MANAGE,
             _("Only the agency's ISO officer can correct its certificate or declaration."))
    unknown = set(changes) - set(fields)
    if unknown:
        _refuse(_("These fields cannot be changed: %(fields)s"), fields=", ".join(sorted(unknown)))
    fresh = _claim(obj, expected_version)
    for name, value in changes.items():
        setattr(fresh, name, value.strip() if isinstance(value, str) else value)
    _refuse_if_locked(obj.plan.programme, getattr(fresh, "issued_on", None) or getattr(fresh, "decision_date", None))
    _full_clean(fresh)
    _save(fresh, by)
    _sync(obj, fresh)
    return obj


@transaction.atomic
def update_certificate(certificate: Certificate, *, by, expected_version: int, **changes) -> Certificate:
    """Correct a recorded certificate (e.g. a mistyped number or the scope after a surveillance audit)."""
    return _correct(certificate, _CERTIFICATE_FIELDS, changes, by=by, expected_version=expected_version)


@transaction.atomic
def update_declaration(declaration: Declaration, *, by, expected_version: int, **changes) -> Declaration:
    return _correct(declaration, _DECLARATION_FIELDS, changes, by=by, expected_version=expected_version)


# --- DOST's registry ----------------------------------------------------------------------------------------

@transaction.atomic
def save_registry_entry(entry, *, by):
    """Create or change a certification body, consultant or engagement; DOST keeps the registry."""
    if not may(by, Access.KEEP_REGISTRY):
        _refuse(_("Only DOST keeps the registry of certification bodies and consultants."))
    if entry.pk is not None:
        # Fails with ConcurrentEditError when someone saved the entry after ``entry.version`` was loaded.
        entry.version = _claim(entry, entry.version).version
    if isinstance(entry, Engagement) and not entry.confirmed_at:
        entry.confirmed_by, entry.confirmed_at = by, timezone.now()  # DOST's own entry needs no confirmation
    entry.full_clean()
    _save(entry, by)
    return entry


# --- co-review ----------------------------------------------------------------------------------------------

def opinion_body_of(user) -> str | None:
    """The co-reviewing body the user speaks for (Home Affairs or Planning & Investment), if any."""
    if not (may(user, Access.GIVE_OPINION) and user.agency_id):
        return None
    return user.agency.coordinating_role if user.agency.coordinating_role in OpinionBody.values else None


@transaction.atomic
def add_opinion(plan: ImplementationPlan, *, by, text: str) -> PlanOpinion:
    """Home Affairs or Planning & Investment gives its opinion on a submitted plan, before DOST decides."""
    body = opinion_body_of(by)
    if body is None:
        _refuse(_("Only Home Affairs and Planning and Investment give opinions on plans."))
    if not ImplementationPlan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).exists():
        _refuse(_("Opinions are given on a submitted plan, before DOST decides."))
    if not (text or "").strip():
        _refuse(_("Write the opinion."))
    opinion = PlanOpinion(plan=plan, body=body, text=text.strip(), by=by)
    _save(opinion, by)
    return opinion
