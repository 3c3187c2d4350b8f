"""Administering the portal's users. Every change to a user's rights goes through ``record_change``, so the
record of who gave whom which right is complete; each action is one short, atomic function."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from administration.models import RoleChange, RoleChangeKind
from agencies.models import PROVINCE_WIDE_GROUPS, Agency, AgencyGroup, SteeringCommittee, User, UserRole
from agencies.services import sync_agency_permissions
from rollout.models import ImplementationPlan, PlanStatus, Programme


def describe_role(user: User) -> str:
    """The user's role in their agency, in words, as the record keeps it (in the portal's language)."""
    if not user.agency_id:
        return ""
    # Kept in the portal's language whoever made the change, so the record reads the same for everyone.
    with translation.override(settings.LANGUAGE_CODE):
        role = user.get_role_display() if user.role else _("no role")
    return f"{role} — {user.agency.code}"


def record_change(user: User, kind: str, *, by: User | None, before: str = "", after: str = "") -> RoleChange:
    return RoleChange.objects.create(user=user, by=by, kind=kind, before=before[:300], after=after[:300])


def check_fits(*, agency: Agency | None, role: str, groups: list[str]) -> None:
    """A province-wide role (committee, DOST, secretariat) or the viewer role only for the staff of the
    provincial People's Committee or of a department or sector."""
    province_wide = groups or role == UserRole.VIEWER
    if province_wide and agency is not None and not agency.may_hold_province_scope:
        raise ValidationError(
            {
                "role": _("%(agency)s is not a provincial body: its staff cannot be given a role across the province.")
                % {"agency": agency}
            }
        )
    if role and agency is None:
        raise ValidationError({"agency": _("A user with a role in an agency must belong to that agency.")})


def _check_email_free(email: str, *, exclude: User | None = None) -> None:
    taken = User.objects.filter(email__iexact=email.strip())
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if email and taken.exists():
        raise ValidationError({"email": _("A user with the e-mail %(email)s already exists.") % {"email": email}})


def password_link(user: User) -> str:
    """A link to set the password: Django's token, which expires after PASSWORD_RESET_TIMEOUT and once used."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _send_password_link(user: User, *, invitation: bool) -> None:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    with translation.override(user.language or "vi"):
        context = {"user": user, "link": password_link(user), "days": days, "site_url": settings.SITE_URL}
        template = "invitation" if invitation else "password_reset"
        subject = render_to_string(f"emails/administration/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/administration/{template}_body.txt", context)
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))


def _set_groups(user: User, groups: list[str], *, by: User | None) -> None:
    held = set(user.groups.filter(name__in=PROVINCE_WIDE_GROUPS).values_list("name", flat=True))
    wanted = set(groups)
    for name in sorted(wanted - held):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
        record_change(user, RoleChangeKind.GROUP_GRANTED, by=by, after=name)
    for name in sorted(held - wanted):
        user.groups.remove(Group.objects.get(name=name))
        record_change(user, RoleChangeKind.GROUP_REVOKED, by=by, before=name)
    if hasattr(user, "_iso_group_names"):
        del user._iso_group_names


@transaction.atomic
def invite_user(
    *,
    by: User | None,
    username: str,
    email: str,
    agency: Agency | None,
    role: str,
    groups: list[str] = (),
    first_name: str = "",
    last_name: str = "",
    position: str = "",
) -> User:
    """A new account without a password; an e-mail invites its owner to set one."""
    groups = list(groups)
    check_fits(agency=agency, role=role, groups=groups)
    _check_email_free(email)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The user name %(username)s is taken.") % {"username": username}})
    user = User(
        username=username,
        email=email.strip(),
        agency=agency,
        role=role,
        first_name=first_name,
        last_name=last_name,
        position=position,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    sync_agency_permissions(user)
    record_change(user, RoleChangeKind.INVITED, by=by, after=describe_role(user))
    _set_groups(user, groups, by=by)
    _send_password_link(user, invitation=True)
    return user


@transaction.atomic
def change_role(user: User, *, by: User | None, agency: Agency | None, role: str, groups: list[str]) -> None:
    """Move the user to another agency or role, and give or take province-wide roles; each change recorded."""
    groups = list(groups)
    check_fits(agency=agency, role=role, groups=groups)
    before = describe_role(user)
    user.agency, user.role = agency, role
    user.full_clean(exclude=["password"])
    user.save(update_fields=["agency", "role"])
    after = describe_role(user)
    if before != after:
        sync_agency_permissions(user)
        record_change(user, RoleChangeKind.ROLE, by=by, before=before, after=after)
    _set_groups(user, groups, by=by)


@transaction.atomic
def set_active(user: User, active: bool, *, by: User | None) -> None:
    """Deactivate (never delete: the history keeps the name) or reactivate an account."""
    if by is not None and user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_change(user, RoleChangeKind.REACTIVATED if active else RoleChangeKind.DEACTIVATED, by=by)


@transaction.atomic
def send_password_reset(user: User, *, by: User | None) -> None:
    if not user.email:
        raise ValidationError(_("This account has no e-mail address to send the link to."))
    if not user.is_active:
        raise ValidationError(_("Reactivate the account before resetting its password."))
    record_change(user, RoleChangeKind.PASSWORD_RESET, by=by)
    _send_password_link(user, invitation=False)


@transaction.atomic
def create_accounts_for_group(group: str, *, by: User | None) -> list[User]:
    """One ISO officer and one head account for every current agency of the group that has none yet, named
    ``officer-<code>`` and ``head-<code>``; those whose agency has an e-mail address are invited by e-mail."""
    created = []
    agencies = Agency.objects.current().filter(group=group).order_by("code")
    for agency in agencies:
        for role, prefix in ((UserRole.ISO_OFFICER, "officer"), (UserRole.AGENCY_HEAD, "head")):
            if User.objects.filter(agency=agency, role=role).exists():
                continue
            username = f"{prefix}-{agency.code.lower()}"
            if User.objects.filter(username__iexact=username).exists():
                continue
            user = User(username=username, agency=agency, role=role)
            if role == UserRole.AGENCY_HEAD and agency.head_name:
                user.last_name, _space, user.first_name = agency.head_name.rpartition(" ")
            user.set_unusable_password()
            user.save()
            sync_agency_permissions(user)
            record_change(user, RoleChangeKind.INVITED, by=by, after=describe_role(user))
            created.append(user)
    return created


GROUPS_FOR_BULK_CREATION = [g for g in AgencyGroup if g != AgencyGroup.PROVINCE]


@transaction.atomic
def save_agency(agency: Agency, *, by: User | None) -> Agency:
    """Create or change an agency (its name, kind and so its group, parent); the history records who and when."""
    agency._history_user = by
    agency.full_clean()
    agency.save()
    if not hasattr(agency, "steering_committee"):
        SteeringCommittee.objects.create(agency=agency)
    return agency


@transaction.atomic
def close_agency(agency: Agency, day, *, by: User | None) -> None:
    """An agency closes on a day; one with a plan not yet completed is refused, so no work is orphaned."""
    open_plans = ImplementationPlan.objects.filter(agency=agency).exclude(status=PlanStatus.COMPLETED)
    if open_plans.exists():
        raise ValidationError(
            _("%(agency)s still has a plan that is not completed (%(programme)s): it cannot be closed.")
            % {"agency": agency, "programme": open_plans.select_related("programme").first().programme}
        )
    agency.active_to = day
    save_agency(agency, by=by)


@transaction.atomic
def reopen_agency(agency: Agency, *, by: User | None) -> None:
    agency.active_to = None
    save_agency(agency, by=by)


@transaction.atomic
def save_programme(programme: Programme, *, by: User | None) -> Programme:
    programme._history_user = by
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def mark_current(programme: Programme, *, by: User | None) -> None:
    """The programme pages show by default; only one is."""
    for other in Programme.objects.select_for_update().filter(is_current=True).exclude(pk=programme.pk):
        other.is_current = False
        save_programme(other, by=by)
    programme.is_current = True
    save_programme(programme, by=by)
