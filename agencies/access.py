"""The access layer: the one place that decides which agencies, and so which objects, a user may reach.

Views never check permissions ad hoc. They ask for a queryset (``agencies_for_user``, ``restrict``) or for
one object through a lookup helper that answers 404 when the object is another agency's
(``agency_for_user`` here; ``plan_for_user``, ``milestone_for_user`` … in ``rollout.access``).

Object-level permissions are django-guardian's, on Agency:
- ``agencies.view_agency``: an agency's own users (officer, head) see it;
- ``agencies.manage_rollout``: its ISO officers change its committee, plan and milestones;
- ``agencies.approve_as_head``: its head approves the plan before submission.
Members of the provincial steering committee and DOST coordinators see every agency and urge late ones;
DOST, the committee's standing body that guides the agencies' plans (directive point 3), reviews them
(approves or returns); viewers (e.g. Home Affairs, Finance) read every agency and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_objects_for_user

from agencies.models import (
    COMMITTEE_GROUP,
    DOST_GROUP,
    SECRETARIAT_GROUP,
    Agency,
    AgencyKind,
    CoordinatingRole,
    UserRole,
)

DISTRICT_KINDS = (AgencyKind.DISTRICT, AgencyKind.TOWN, AgencyKind.CITY)


class Access(StrEnum):
    VIEW = "agencies.view_agency"
    MANAGE = "agencies.manage_rollout"
    APPROVE_AS_HEAD = "agencies.approve_as_head"


def _group_names(user) -> set[str]:
    # Cached on the user object: one query per request, however many checks a page makes.
    if not hasattr(user, "_iso_group_names"):
        user._iso_group_names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._iso_group_names


def is_committee(user) -> bool:
    return user.is_authenticated and (user.is_superuser or COMMITTEE_GROUP in _group_names(user))


def is_dost(user) -> bool:
    return user.is_authenticated and (user.is_superuser or DOST_GROUP in _group_names(user))


def is_secretariat(user) -> bool:
    return user.is_authenticated and (user.is_superuser or SECRETARIAT_GROUP in _group_names(user))


def is_administrator(user) -> bool:
    """Administers the portal (users, their roles, agencies, programmes): the committee's secretariat and DOST."""
    return is_secretariat(user) or is_dost(user)


def is_overseer(user) -> bool:
    """Oversees the rollout: urges agencies and follows the reminders; the provincial committee and DOST."""
    return is_committee(user) or is_dost(user)


def is_reviewer(user) -> bool:
    """Reviews plans (approves or returns them): DOST, the committee's standing body (directive point 3)."""
    return is_dost(user)


def sees_all_agencies(user) -> bool:
    return is_overseer(user) or is_secretariat(user) or (user.is_authenticated and user.role == UserRole.VIEWER)


def overseen_district_id(user) -> int | None:
    """The district whose communes, wards, townships and public units this user oversees: the ISO officer's
    or the head's own district, town or city People's Committee (directive point 2: the district organises its
    communes). They read those units' records and urge them; they change nothing of theirs."""
    if not user.is_authenticated or user.role not in (UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD):
        return None
    if not hasattr(user, "_iso_district_id"):
        agency = user.agency if user.agency_id else None
        user._iso_district_id = agency.pk if agency is not None and agency.kind in DISTRICT_KINDS else None
    return user._iso_district_id


def may_urge(user, agency: Agency) -> bool:
    """The committee and DOST urge any agency; a district's officer and head urge the units of their district."""
    district = overseen_district_id(user)
    return is_overseer(user) or (district is not None and agency.parent_id == district)


def agencies_for_user(user, access: Access = Access.VIEW) -> QuerySet[Agency]:
    """Agencies the user may see (VIEW) or act on (MANAGE, APPROVE_AS_HEAD)."""
    access = Access(access)
    if not user.is_authenticated:
        return Agency.objects.none()
    if access is Access.VIEW and sees_all_agencies(user):
        return Agency.objects.all()
    if user.is_superuser:
        return Agency.objects.all()
    granted = get_objects_for_user(user, access.value, klass=Agency, accept_global_perms=False, with_superuser=False)
    district = overseen_district_id(user) if access is Access.VIEW else None
    if district is None:
        return granted
    return Agency.objects.filter(Q(pk__in=granted.values("pk")) | Q(parent_id=district))


def restrict(queryset: QuerySet, user, access: Access = Access.VIEW, *, agency_field: str = "agency") -> QuerySet:
    """Limit any queryset of agency-owned objects to what the user may reach."""
    access = Access(access)
    if access is Access.VIEW and sees_all_agencies(user) or user.is_superuser:
        return queryset if user.is_authenticated else queryset.none()
    return queryset.filter(**{f"{agency_field}__in": agencies_for_user(user, access)})


def agency_for_user(user, code: str, access: Access = Access.VIEW) -> Agency:
    """The agency with this code if the user may reach it; otherwise 404, as if it did not exist."""
    try:
        return agencies_for_user(user, access).get(code=code)
    except Agency.DoesNotExist:
        raise Http404("No such agency") from None


def can(user, agency: Agency, access: Access) -> bool:
    """For templates and menus: may this user act on this agency? (Views use the lookups above.)"""
    access = Access(access)
    if access is Access.VIEW and sees_all_agencies(user):
        return True
    if access is Access.VIEW and agency.parent_id is not None and agency.parent_id == overseen_district_id(user):
        return True
    return user.is_authenticated and (user.is_superuser or user.has_perm(access.value, agency))


def acts_for(user, duty: str) -> bool:
    """Does the user act for the provincial body that holds this duty of the directive (``CoordinatingRole``)?

    Staff of that body with the viewer role do (e.g. Finance's funding, Home Affairs' procedures); its ISO officer
    and head work on the body's own plan like any agency's.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    agency = user.agency if user.agency_id else None
    return agency is not None and user.role == UserRole.VIEWER and agency.coordinating_role == duty


@dataclass(frozen=True)
class Ability:
    """One line of "who can do what": what the user may do, and where."""

    what: str
    where: str


def abilities_of(user) -> list[Ability]:
    """What this user may do, read from the rules above (the same answers every page gets)."""
    if not user.is_active:
        return []
    everywhere = _("every agency of the province")
    abilities = []
    if sees_all_agencies(user):
        abilities.append(Ability(_("Read plans, progress and records"), everywhere))
    else:
        for agency in agencies_for_user(user, Access.VIEW):
            abilities.append(Ability(_("Read plans, progress and records"), agency.name))
    for agency in agencies_for_user(user, Access.MANAGE) if not user.is_superuser else []:
        abilities.append(Ability(_("Change the steering committee, plan, milestones and evidence"), agency.name))
    for agency in agencies_for_user(user, Access.APPROVE_AS_HEAD) if not user.is_superuser else []:
        abilities.append(Ability(_("Approve the plan as the agency's head"), agency.name))
    if is_overseer(user):
        abilities.append(Ability(_("Urge late agencies"), everywhere))
    elif (district := overseen_district_id(user)) is not None:
        abilities.append(Ability(_("Read and urge the communes and public units of the district"),
                                 Agency.objects.get(pk=district).name))
    if is_reviewer(user):
        abilities.append(Ability(_("Review plans (approve or return)"), everywhere))
    if is_administrator(user):
        abilities.append(Ability(_("Administer users, their roles, agencies and programmes"), everywhere))
    for duty, label in CoordinatingRole.choices:
        if acts_for(user, duty) and not user.is_superuser:
            abilities.append(Ability(_("Act for %(duty)s") % {"duty": label}, everywhere))
    return abilities
