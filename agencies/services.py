"""Actions on agencies and their committees; each is one short, atomic function that checks the acting
user's access (``agencies.access``), validates the model (``full_clean``) and records who made the change."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from agencies.access import GUARDIAN_ACTIONS, Access, may
from agencies.locking import claim_version
from agencies.models import (
    COMMITTEE_GROUP,
    DOST_GROUP,
    Agency,
    AgencyUserObjectPermission,
    CommitteeMember,
    SteeringCommittee,
    User,
    UserRole,
)

PERMISSIONS_OF_ROLE: dict[str, set[str]] = {
    UserRole.ISO_OFFICER: {Access.VIEW.value, Access.MANAGE.value},
    UserRole.AGENCY_HEAD: {Access.VIEW.value, Access.APPROVE_AS_HEAD.value},
    UserRole.VIEWER: {Access.VIEW.value},
}
_ALL_AGENCY_PERMISSIONS = {access.value for access in GUARDIAN_ACTIONS}

# Sent inside the transaction that records a committee's establishing decision (number and date both known),
# with ``committee`` and ``by``: the rollout completes the plans' committee milestone from it.
committee_established = Signal()


@transaction.atomic
def sync_agency_permissions(user: User) -> None:
    """Grant exactly the role's permissions on the user's own agency, and none on any other."""
    wanted = PERMISSIONS_OF_ROLE.get(user.role, set()) if user.agency_id else set()
    for agency in Agency.objects.filter(agencyuserobjectpermission__user=user).distinct():
        held = {f"agencies.{codename}" for codename in get_perms(user, agency)} & _ALL_AGENCY_PERMISSIONS
        keep = wanted if agency.pk == user.agency_id else set()
        for perm in held - keep:
            remove_perm(perm, user, agency)
    if user.agency_id:
        for perm in wanted:
            assign_perm(perm, user, user.agency)
    if hasattr(user, "_iso_group_names"):
        del user._iso_group_names


def grant_role_permissions(new_users: list[User]) -> None:
    """Bulk variant of sync_agency_permissions for users just created in bulk (who hold no permissions yet)."""
    permissions = {
        f"agencies.{permission.codename}": permission
        for permission in Permission.objects.filter(content_type__app_label="agencies", content_type__model="agency")
    }
    AgencyUserObjectPermission.objects.bulk_create([
        AgencyUserObjectPermission(user=user, permission=permissions[perm], content_object_id=user.agency_id)
        for user in new_users if user.agency_id
        for perm in sorted(PERMISSIONS_OF_ROLE.get(user.role, ()))
    ])


def ensure_role_groups() -> tuple[Group, Group]:
    committee, _ = Group.objects.get_or_create(name=COMMITTEE_GROUP)
    dost, _ = Group.objects.get_or_create(name=DOST_GROUP)
    return committee, dost


def _require_manage(by: User, agency: Agency) -> None:
    if not may(by, Access.MANAGE, agency):
        raise ValidationError(_("Only the agency's ISO officer can change its steering committee."))


def _save(obj, by: User, exclude=None) -> None:
    obj.full_clean(exclude=exclude)
    obj._history_user = by  # the author of the history row, in a request or not
    obj.save()


@transaction.atomic
def update_committee(
    agency: Agency,
    *,
    by: User,
    decision_number: str,
    decision_date,
    management_representative: str,
    version: int | None = None,
) -> SteeringCommittee:
    """Record the committee's establishing decision and management representative (creating it if needed).

    ``version`` is the one the editor loaded: ``ConcurrentEditError`` if someone saved the committee since."""
    _require_manage(by, agency)
    committee = SteeringCommittee.objects.filter(agency=agency).first()
    committee = SteeringCommittee(agency=agency) if committee is None else claim_version(committee, version)
    committee.decision_number = decision_number
    committee.decision_date = decision_date
    committee.management_representative = management_representative
    _save(committee, by, exclude=["agency"])
    if committee.decision_number and committee.decision_date:
        committee_established.send(sender=SteeringCommittee, committee=committee, by=by)
    return committee


@transaction.atomic
def add_committee_member(committee: SteeringCommittee, *, by: User, **fields) -> CommitteeMember:
    """Add a member to the committee; the model refuses a chair who is not the agency head."""
    _require_manage(by, committee.agency)
    fields.pop("version", None)
    member = CommitteeMember(committee=committee, **fields)
    _save(member, by)
    return member


@transaction.atomic
def update_committee_member(
    member: CommitteeMember, *, by: User, version: int | None = None, **fields
) -> CommitteeMember:
    """Change a member; ``ConcurrentEditError`` if someone saved the member after ``version`` was loaded."""
    _require_manage(by, member.committee.agency)
    fresh = claim_version(member, version)
    for name, value in fields.items():
        setattr(fresh, name, value)
    _save(fresh, by)
    return fresh


@transaction.atomic
def remove_committee_member(member: CommitteeMember, *, by: User) -> None:
    _require_manage(by, member.committee.agency)
    member._history_user = by
    member.delete()
