"""Agencies of the province, their ISO steering committees, and the people who use the portal."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from agencies.dates import DateChecks, not_in_future

COMMITTEE_GROUP = "provincial steering committee"
DOST_GROUP = "DOST coordinator"
# The committee's secretariat administers the portal: users by invitation, agencies, programmes.
SECRETARIAT_GROUP = "secretariat administrator"
PROVINCE_WIDE_GROUPS = (COMMITTEE_GROUP, DOST_GROUP, SECRETARIAT_GROUP)


class AgencyKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department")
    SECTOR = "sector", _("Sector agency")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")
    CITY = "city", _("Provincial city")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    TOWNSHIP = "township", _("Township")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")


class AgencyGroup(models.TextChoices):
    """The groups the directive names; progress is reported per group."""

    PROVINCE = "province", _("Provincial People's Committee")
    DEPARTMENTS = "departments", _("Departments and sectors")
    DISTRICTS = "districts", _("Districts and towns")
    COMMUNES = "communes", _("Communes, wards and townships")
    PUBLIC_SERVICE = "public_service", _("Public service units")


class Tier(models.TextChoices):
    MANDATORY = "mandatory", _("Mandatory")
    ENCOURAGED = "encouraged", _("Encouraged")


GROUP_OF_KIND = {
    AgencyKind.PROVINCIAL_COMMITTEE: AgencyGroup.PROVINCE,
    AgencyKind.DEPARTMENT: AgencyGroup.DEPARTMENTS,
    AgencyKind.SECTOR: AgencyGroup.DEPARTMENTS,
    AgencyKind.DISTRICT: AgencyGroup.DISTRICTS,
    AgencyKind.TOWN: AgencyGroup.DISTRICTS,
    AgencyKind.CITY: AgencyGroup.DISTRICTS,
    AgencyKind.COMMUNE: AgencyGroup.COMMUNES,
    AgencyKind.WARD: AgencyGroup.COMMUNES,
    AgencyKind.TOWNSHIP: AgencyGroup.COMMUNES,
    AgencyKind.PUBLIC_SERVICE_UNIT: AgencyGroup.PUBLIC_SERVICE,
}
# Directive point 2: departments/sectors and district/town People's Committees must apply the QMS;
# communes, wards, townships and public service units are encouraged to.
MANDATORY_GROUPS = (AgencyGroup.DEPARTMENTS, AgencyGroup.DISTRICTS)
TRACKED_GROUPS = (AgencyGroup.DEPARTMENTS, AgencyGroup.DISTRICTS, AgencyGroup.COMMUNES, AgencyGroup.PUBLIC_SERVICE)


PEOPLES_COMMITTEE_KINDS = (
    AgencyKind.PROVINCIAL_COMMITTEE, AgencyKind.DISTRICT, AgencyKind.TOWN, AgencyKind.CITY,
    AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.TOWNSHIP,
)


def abbreviate_committee(text: str) -> str:
    """ "Ủy ban nhân dân" (either spelling of Ủy) written "UBND", the abbreviation formal documents use."""
    return re.sub(r"(?i)(ủy|uỷ) ban nhân dân", "UBND", " ".join(text.split()))


# How a group is named from the kinds of agency it holds, so that its label follows the time a page is about:
# Hưng Yên's district level was "huyện, thị xã" in 2007 and "huyện, thị xã, thành phố" once the town became a
# city in 2009.
KIND_IN_GROUP_LABEL = {
    AgencyKind.DEPARTMENT: pgettext_lazy("group label", "departments"),
    AgencyKind.SECTOR: pgettext_lazy("group label", "sectors"),
    AgencyKind.DISTRICT: pgettext_lazy("group label", "districts"),
    AgencyKind.TOWN: pgettext_lazy("group label", "towns"),
    AgencyKind.CITY: pgettext_lazy("group label", "cities"),
    AgencyKind.COMMUNE: pgettext_lazy("group label", "communes"),
    AgencyKind.WARD: pgettext_lazy("group label", "wards"),
    AgencyKind.TOWNSHIP: pgettext_lazy("group label", "townships"),
    AgencyKind.PUBLIC_SERVICE_UNIT: pgettext_lazy("group label", "public service units"),
}


def group_labels(day) -> dict[str, str]:
    """Each group's label on ``day``: the kinds of agency active in it then (in the directive's order), else
    the group's usual label. One query."""
    present: dict[str, set[str]] = {}
    for group, kind in Agency.objects.active_on(day).order_by().values_list("group", "kind").distinct():
        present.setdefault(group, set()).add(kind)
    labels = {}
    for group in AgencyGroup:
        kinds = [kind for kind in AgencyKind if kind in present.get(group, ()) and kind in KIND_IN_GROUP_LABEL]
        text = ", ".join(str(KIND_IN_GROUP_LABEL[kind]) for kind in kinds)
        labels[str(group)] = text[:1].upper() + text[1:] if text else str(group.label)
    return labels


def tier_of_group(group: str) -> str:
    return Tier.MANDATORY if group in MANDATORY_GROUPS else Tier.ENCOURAGED


class CoordinatingRole(models.TextChoices):
    DOST = "dost", _("Science and Technology (guides and trains)")
    HOME_AFFAIRS = "home_affairs", _("Home Affairs (administrative reform)")
    PLANNING = "planning", _("Planning and Investment")
    FINANCE = "finance", _("Finance (funding)")


class AgencyQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(active_from__lte=day), Q(active_to__isnull=True) | Q(active_to__gte=day))

    def current(self):
        return self.active_on(timezone.localdate())

    def in_group(self, group: str):
        return self.filter(kind__in=[kind for kind, g in GROUP_OF_KIND.items() if g == group])


class Agency(models.Model):
    code = models.SlugField(
        _("code"), max_length=32, unique=True, allow_unicode=False,
        help_text=_("Short code used in account names and URLs, e.g. SKHCN or VANLAM."),
    )
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    group = models.CharField(_("group"), max_length=20, choices=AgencyGroup.choices, editable=False, db_index=True)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    gso_code = models.PositiveIntegerField(
        _("statistics office code"), null=True, blank=True, unique=True,
        help_text=_("Official administrative unit code of the General Statistics Office, where one exists."),
    )
    coordinating_role = models.CharField(
        _("coordinating role"), max_length=20, choices=CoordinatingRole.choices, blank=True
    )
    head_name = models.CharField(_("head's name"), max_length=120, blank=True)
    head_title = models.CharField(_("head's title"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active_from = models.DateField(_("active from"), default=timezone.localdate)
    active_to = models.DateField(
        _("active to"), null=True, blank=True,
        help_text=_("Set when the agency is renamed, merged or dissolved; its history is kept."),
    )
    successor = models.ForeignKey(
        "self", verbose_name=_("successor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="predecessors",
    )

    objects = AgencyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        permissions = [
            ("manage_rollout", _("Can manage the agency's ISO rollout")),
            ("approve_as_head", _("Can approve the agency's plan as its head")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="agency_active_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.derive_group_and_tier()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("agencies:detail", kwargs={"code": self.code})

    def derive_group_and_tier(self) -> None:
        """Group and tier follow from the kind; bulk inserts call this since they skip save()."""
        self.group = GROUP_OF_KIND[AgencyKind(self.kind)]
        self.tier = tier_of_group(self.group)

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An agency cannot be its own parent.")})
        if self.active_to and self.active_from and self.active_to < self.active_from:
            raise ValidationError({"active_to": _("The end date cannot precede the start date.")})

    @property
    def short_name(self) -> str:
        """The name with "Ủy ban nhân dân" written "UBND", as formal documents head it: "UBND tỉnh Hưng Yên"."""
        return abbreviate_committee(self.name)

    @property
    def document_abbreviation(self) -> str:
        """The issuer's abbreviation after a document's number ("Số: …/BC-UBND", "…/BC-SYT"): a People's
        Committee writes UBND, any other agency its code."""
        return "UBND" if self.kind in PEOPLES_COMMITTEE_KINDS else self.code.upper()

    @property
    def head_title_with_agency(self) -> str:
        """The head's title followed by the agency, the shared words written once: "Chủ tịch UBND huyện" and
        "UBND huyện Văn Lâm" give "Chủ tịch UBND huyện Văn Lâm"; "Giám đốc" and "Sở Y tế" "Giám đốc Sở Y tế"."""
        title = abbreviate_committee(self.head_title or "Thủ trưởng").split()
        name = self.short_name.split()
        if " ".join(name).casefold() in " ".join(title).casefold():
            return " ".join(title)
        folded_title, folded_name = [w.casefold() for w in title], [w.casefold() for w in name]
        for shared in range(min(len(title), len(name)), 0, -1):
            if folded_title[-shared:] == folded_name[:shared]:
                return " ".join(title + name[shared:])
        return " ".join(title + name)

    @property
    def may_hold_province_scope(self) -> bool:
        """Only the provincial People's Committee and the departments/sectors hold staff who read or act across
        the province (viewers, committee members, DOST coordinators, the secretariat); a district's or a
        commune's staff never do."""
        return self.group in (AgencyGroup.PROVINCE, AgencyGroup.DEPARTMENTS)

    def lineage(self) -> tuple[list[Agency], list[Agency]]:
        """Its predecessors (the agencies it succeeded, and theirs; the most recently closed first) and its
        successors (its successor, that one's, and so on, in order), read from ``successor``. A loop in the
        records ends the walk instead of repeating it. One query per generation."""
        seen = {self.pk}
        predecessors: list[Agency] = []
        generation = [self.pk]
        while generation:
            found = list(
                Agency.objects.filter(successor__in=generation).exclude(pk__in=seen).order_by("-active_to", "code")
            )
            predecessors += found
            seen.update(agency.pk for agency in found)
            generation = [agency.pk for agency in found]
        successors: list[Agency] = []
        current = self
        while current.successor_id and current.successor_id not in seen:
            current = Agency.objects.get(pk=current.successor_id)
            successors.append(current)
            seen.add(current.pk)
        return predecessors, successors

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.active_from <= today and (self.active_to is None or self.active_to >= today)


class AgencyUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key object permissions, as django-guardian advises for speed."""

    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


class AgencyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


class UserRole(models.TextChoices):
    ISO_OFFICER = "iso_officer", _("ISO officer")
    AGENCY_HEAD = "agency_head", _("Agency head")
    VIEWER = "viewer", _("Viewer")


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    role = models.CharField(_("role in the agency"), max_length=20, choices=UserRole.choices, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)
    language = models.CharField(
        _("language for e-mails"), max_length=5, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )
    reminders_opt_out = models.BooleanField(
        _("no routine reminders"), default=False,
        help_text=_("Escalations are still sent; only routine deadline reminders stop."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if self.role and not self.agency_id:
            raise ValidationError({"agency": _("A user with a role in an agency must belong to that agency.")})
        if self.role == UserRole.VIEWER and self.agency_id and not self.agency.may_hold_province_scope:
            raise ValidationError({
                "role": _("A viewer reads the whole province: only the staff of the provincial People's Committee "
                          "or of a department or sector may be one, not the staff of %(agency)s.")
                % {"agency": self.agency}
            })

    @property
    def display_name(self) -> str:
        # Vietnamese order: family and middle names (last_name) before the given name (first_name).
        return " ".join(part for part in (self.last_name, self.first_name) if part) or self.username


class SteeringCommittee(models.Model):
    """Ban chỉ đạo ISO: one per agency; the provincial one belongs to the provincial People's Committee."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="steering_committee"
    )
    decision_number = models.CharField(_("establishing decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("establishing decision date"), null=True, blank=True)
    management_representative = models.CharField(_("management representative"), max_length=120, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ISO steering committee")
        verbose_name_plural = _("ISO steering committees")

    def __str__(self) -> str:
        return str(_("ISO steering committee of %(agency)s") % {"agency": self.agency})

    def clean(self) -> None:
        dates = DateChecks()
        dates.check("decision_date", not_in_future, self.decision_date)
        dates.raise_errors()


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


def normalise_person_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        SteeringCommittee, verbose_name=_("steering committee"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=160)
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    user = models.ForeignKey(
        User, verbose_name=_("user account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="committee_memberships",
    )
    training_notes = models.TextField(_("training notes"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", models.Case(
            models.When(role=MemberRole.CHAIR, then=0),
            models.When(role=MemberRole.DEPUTY, then=1),
            models.When(role=MemberRole.SECRETARY, then=2),
            default=3,
        ), "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"], condition=Q(role="chair"), name="one_chair_per_committee",
                violation_error_message=_("This committee already has a chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Directive point 1: the committee is headed by the agency's head.
        if self.role != MemberRole.CHAIR or not self.committee_id:
            return
        agency = self.committee.agency
        if not agency.head_name:
            raise ValidationError({"role": _("Record the agency head's name before naming a chair.")})
        if normalise_person_name(self.name) != normalise_person_name(agency.head_name):
            raise ValidationError({
                "name": _("The chair must be the agency's head, %(head)s.") % {"head": agency.head_name}
            })
        # Checked here as well as by the constraint: forms skip constraints on fields they do not show.
        others = CommitteeMember.objects.filter(committee_id=self.committee_id, role=MemberRole.CHAIR)
        if others.exclude(pk=self.pk).exists():
            raise ValidationError({"role": _("This committee already has a chair.")})
