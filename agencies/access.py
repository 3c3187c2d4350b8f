"""The access layer: the one vocabulary that decides what a user may see and do.

Actions (``Access``) are of two kinds:

- **on an agency's objects** — ``VIEW``, ``MANAGE`` (its ISO officers change its committee, plan, milestones,
  evidence and result), ``APPROVE_AS_HEAD`` (its head approves the plan before submission). They are
  django-guardian object permissions on Agency, granted from the user's role in their own agency; the
  provincial committee, DOST and viewers (e.g. Home Affairs, Finance) ``VIEW`` every agency. ``URGE`` (send
  an agency a reminder, an urging letter): the provincial committee and DOST urge every agency, a district's
  overseers the units of their district.
- **a district's scope** — the ISO officer and the head of a district, town or city People's Committee
  oversee its communes, wards, townships and public units: they ``VIEW`` those units' objects and ``URGE``
  them, and change nothing of theirs (``overseen_district_id``).
- **of a role, province-wide** — ``OVERSEE`` (urge agencies, follow the reminders: the provincial committee
  and DOST), ``ADMINISTER`` (users and their roles, agencies, programmes: the committee's secretariat and
  DOST), ``READ_RANKING`` (the yearly scores of every agency: the overseers and Home Affairs),
  ``SET_CRITERIA`` (the scores' criteria: the committee), ``IMPORT_FOR_ALL`` (spreadsheet imports for any
  agency: DOST), ``REVIEW`` (approve or return plans: DOST, the committee's standing body that guides the
  agencies' plans, directive point 3), ``KEEP_REGISTRY`` (certification bodies, consultants, engagements:
  DOST), ``RUN_TRAINING`` (courses, attendees, results: DOST), ``LOCK_PROGRAMMES`` (close a finished
  programme's records: DOST), ``KEEP_LIBRARY`` (the guidance documents: DOST), ``GIVE_OPINION`` (on a
  submitted plan: the staff of Home Affairs and of Planning and Investment), ``KEEP_PROCEDURES`` (the catalogue of
  administrative procedures: the staff of Home Affairs), ``KEEP_FUNDING`` (what is approved, allocated and
  disbursed: the staff of Finance), ``SEE_PROVINCE`` (the dashboard and the province's reports: the
  committee, its secretariat, DOST and viewers), ``WORK_ON_OWN_PLAN`` (the agency's own ISO officers and
  head).

Refusals follow one convention, used by every view and every test (tests/test_permissions_matrix.py):

- **403** for a page the user's role may never use (an action of a role): nothing about any object is read
  first, so the answer reveals nothing;
- **404** for an object outside the user's reach for the action asked (another agency's plan, or an agency's
  plan that the user may read but not change; for a district's overseer, a unit of another district): the
  answer is the same as for an object that does not exist.

``URGE`` is both: a role that may urge no agency at all gets 403 before any lookup; one that may urge some
agencies gets 404 for the others.

Views ask ``require(user, action, obj)`` or look objects up through a helper that answers 404 for what the
user may not reach (``agency_for_user`` here; ``plan_for_user``, ``milestone_for_user`` … in
``rollout.access``); querysets are limited with ``restrict``. Templates read ``may.<action>`` (the role's
actions, from ``agencies.context_processors``) or what their view asked ``may`` for an object, never a role.
Services check the same actions with ``may`` and refuse with their own message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
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
    # On an agency's objects: the values are the guardian permissions on Agency.
    VIEW = "agencies.view_agency"
    MANAGE = "agencies.manage_rollout"
    APPROVE_AS_HEAD = "agencies.approve_as_head"
    URGE = "urge"
    # Of a role, province-wide.
    OVERSEE = "oversee"
    ADMINISTER = "administer"
    READ_RANKING = "read_ranking"
    SET_CRITERIA = "set_criteria"
    IMPORT_FOR_ALL = "import_for_all"
    REVIEW = "review"
    KEEP_REGISTRY = "keep_registry"
    RUN_TRAINING = "run_training"
    LOCK_PROGRAMMES = "lock_programmes"
    KEEP_LIBRARY = "keep_library"
    GIVE_OPINION = "give_opinion"
    KEEP_PROCEDURES = "keep_procedures"
    KEEP_FUNDING = "keep_funding"
    SEE_PROVINCE = "see_province"
    WORK_ON_OWN_PLAN = "work_on_own_plan"


AGENCY_ACTIONS = (Access.VIEW, Access.MANAGE, Access.APPROVE_AS_HEAD, Access.URGE)
GUARDIAN_ACTIONS = (Access.VIEW, Access.MANAGE, Access.APPROVE_AS_HEAD)
ROLE_ACTIONS = tuple(action for action in Access if action not in AGENCY_ACTIONS)


def _group_names(user) -> set[str]:
    # Cached on the user object: one query per request, however many checks a page makes.
    if not hasattr(user, "_iso_group_names"):
        user._iso_group_names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._iso_group_names


def _holds_role_action(user, action: Access) -> bool:
    if not user.is_authenticated:
        return False
    if action is Access.WORK_ON_OWN_PLAN:
        return bool(user.agency_id) and user.role in (UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD)
    if user.is_superuser:
        return True
    dost = DOST_GROUP in _group_names(user)
    overseer = dost or COMMITTEE_GROUP in _group_names(user)
    secretariat = SECRETARIAT_GROUP in _group_names(user)
    return {
        Access.OVERSEE: overseer,
        Access.ADMINISTER: secretariat or dost,
        Access.READ_RANKING: overseer or _acts_for(user, CoordinatingRole.HOME_AFFAIRS),
        Access.SET_CRITERIA: COMMITTEE_GROUP in _group_names(user),
        Access.IMPORT_FOR_ALL: dost,
        Access.REVIEW: dost,
        Access.KEEP_REGISTRY: dost,
        Access.RUN_TRAINING: dost,
        Access.LOCK_PROGRAMMES: dost,
        Access.KEEP_LIBRARY: dost,
        Access.GIVE_OPINION: _acts_for(user, CoordinatingRole.HOME_AFFAIRS, CoordinatingRole.PLANNING),
        Access.KEEP_PROCEDURES: _acts_for(user, CoordinatingRole.HOME_AFFAIRS),
        Access.KEEP_FUNDING: _acts_for(user, CoordinatingRole.FINANCE),
        Access.SEE_PROVINCE: overseer or secretariat or user.role == UserRole.VIEWER,
    }[action]


def agency_of(obj) -> Agency:
    """The agency that owns ``obj``: an agency itself, or anything with ``agency``, ``plan`` or ``milestone``."""
    while not isinstance(obj, Agency):
        obj = next(getattr(obj, name) for name in ("agency", "plan", "milestone", "committee") if hasattr(obj, name))
    return obj


def may(user, action: Access, obj=None) -> bool:
    """Whether the user may take the action (on ``obj``, for the actions on an agency's objects)."""
    action = Access(action)
    if action in ROLE_ACTIONS:
        return _holds_role_action(user, action)
    if not user.is_authenticated:
        return False
    if action is Access.URGE:
        return _may_urge(user, None if obj is None else agency_of(obj))
    if action is Access.VIEW and may(user, Access.SEE_PROVINCE):
        return True
    if user.is_superuser:
        return True
    agency = agency_of(obj)
    if action is Access.VIEW and _in_overseen_district(user, agency):
        return True
    return user.has_perm(action.value, agency)


def require(user, action: Access, obj=None) -> None:
    """Refuse by the convention of this module: 403 for a role's action the user lacks, 404 for an object
    outside the user's reach for the action."""
    if may(user, action, obj):
        return
    if Access(action) in ROLE_ACTIONS or (Access(action) is Access.URGE and not may(user, Access.URGE)):
        raise PermissionDenied(action)
    raise Http404("Not within reach")


def reach(user, access: Access) -> Access:
    """The action on an agency's objects that a lookup for ``access`` needs: a role's action is required first
    (403, before any object is read), then its objects are those the user may view."""
    access = Access(access)
    if access in ROLE_ACTIONS:
        require(user, access)
        return Access.VIEW
    if access is Access.URGE:
        require(user, access)
    return access


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


def _in_overseen_district(user, agency: Agency) -> bool:
    district = overseen_district_id(user)
    return district is not None and agency.parent_id == district


def _may_urge(user, agency: Agency | None) -> bool:
    """The committee and DOST urge any agency; a district's officer and head urge the units of their district.
    Without an agency: whether the user may urge any agency at all (a role that may never urge gets 403)."""
    if may(user, Access.OVERSEE):
        return True
    if agency is None:
        return overseen_district_id(user) is not None
    return _in_overseen_district(user, agency)


def agencies_for_user(user, access: Access = Access.VIEW) -> QuerySet[Agency]:
    """Agencies the user may see (VIEW), act on (MANAGE, APPROVE_AS_HEAD), or reach for a role's action."""
    access = reach(user, access)
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_superuser or access is Access.VIEW and may(user, Access.SEE_PROVINCE):
        return Agency.objects.all()
    if access is Access.URGE:
        if may(user, Access.OVERSEE):
            return Agency.objects.all()
        return Agency.objects.filter(parent_id=overseen_district_id(user))
    granted = get_objects_for_user(user, access.value, klass=Agency, accept_global_perms=False, with_superuser=False)
    district = overseen_district_id(user) if access is Access.VIEW else None
    if district is None:
        return granted
    return Agency.objects.filter(Q(pk__in=granted.values("pk")) | Q(parent_id=district))


def restrict(queryset: QuerySet, user, access: Access = Access.VIEW, *, agency_field: str = "agency") -> QuerySet:
    """Limit any queryset of agency-owned objects to what the user may reach."""
    access = reach(user, access)
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser or access is Access.VIEW and may(user, Access.SEE_PROVINCE):
        return queryset
    return queryset.filter(**{f"{agency_field}__in": agencies_for_user(user, access)})


def agency_for_user(user, code: str, access: Access = Access.VIEW) -> Agency:
    """The agency with this code if the user may reach it; otherwise 404, as if it did not exist."""
    try:
        return agencies_for_user(user, access).get(code=code)
    except Agency.DoesNotExist:
        raise Http404("No such agency") from None


def _acts_for(user, *duties: str) -> bool:
    """Does the user act for a provincial body that holds one of these duties of the directive
    (``CoordinatingRole``)? Staff of that body with the viewer role do (e.g. Finance's funding, Home Affairs'
    procedures); its ISO officer and head work on the body's own plan like any agency's."""
    agency = user.agency if user.agency_id else None
    return agency is not None and user.role == UserRole.VIEWER and agency.coordinating_role in duties


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
    if may(user, Access.SEE_PROVINCE):
        abilities.append(Ability(_("Read plans, progress and records"), everywhere))
    else:
        for agency in agencies_for_user(user, Access.VIEW):
            abilities.append(Ability(_("Read plans, progress and records"), agency.name))
    for agency in agencies_for_user(user, Access.MANAGE) if not user.is_superuser else []:
        abilities.append(Ability(_("Change the steering committee, plan, milestones and evidence"), agency.name))
    for agency in agencies_for_user(user, Access.APPROVE_AS_HEAD) if not user.is_superuser else []:
        abilities.append(Ability(_("Approve the plan as the agency's head"), agency.name))
    if may(user, Access.OVERSEE):
        abilities.append(Ability(_("Urge late agencies"), everywhere))
    elif (district := overseen_district_id(user)) is not None:
        district_name = Agency.objects.get(pk=district).name
        abilities.append(Ability(_("Read and urge the communes and public units of the district"), district_name))
    if may(user, Access.REVIEW):
        abilities.append(Ability(_("Review plans (approve or return)"), everywhere))
    if may(user, Access.ADMINISTER):
        abilities.append(Ability(_("Administer users, their roles, agencies and programmes"), everywhere))
    for duty, label in CoordinatingRole.choices:
        if _acts_for(user, duty) and not user.is_superuser:
            abilities.append(Ability(_("Act for %(duty)s") % {"duty": label}, everywhere))
    return abilities
