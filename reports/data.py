"""What each report shows, gathered in one place for the PDFs, the exports and the command.

Every figure (status, stage, % done, overdue, totals per group) comes from ``rollout.progress``; this module
only adds the records a report lists beside the figures (certificates, declarations, committee members,
evidence, history) and the certificate register's validity as of the report's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyGroup, CommitteeMember, Tier
from reports.duties import Duties, duty_figures
from rollout.models import (
    Certificate,
    Declaration,
    Engagement,
    Evidence,
    ImplementationPlan,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanStatus,
    PlanTransition,
    Programme,
)
from rollout.organisations import OrganisationRecord, organisation_records
from rollout.progress import (
    AgencyProgress,
    LateEntry,
    MilestoneOnDate,
    ProgrammeProgress,
    ProgressStatus,
    agency_progress,
    completion_series,
    documents_on,
    end_of_day,
    late_entries,
    plan_milestones_on,
    programme_progress,
)

EXPIRY_WARNING_DAYS = 90


class Validity:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    LABELS = {
        VALID: _("Valid"),
        EXPIRING: _("Expiring within 90 days"),
        EXPIRED: _("Expired"),
    }


@dataclass(frozen=True)
class ComplianceRecord:
    """A certificate or a declaration, as the register lists it on a date."""

    kind: str  # "certificate" / "declaration"
    agency_id: int
    agency_code: str
    agency_name: str
    number: str
    issued_on: dt.date
    expires_on: dt.date | None
    issuer: str  # certification body, or the agency head for a declaration
    scope: str
    procedures_count: int
    notified_on: dt.date | None
    validity: str
    pk: int  # of the certificate or declaration
    agency_group: str = ""
    district_code: str = ""  # the district-level agency it is or belongs to, for the register's district filter
    body_id: int | None = None  # the certification body; None for a declaration

    @property
    def kind_label(self) -> str:
        return "Giấy chứng nhận" if self.kind == "certificate" else "Công bố"

    @property
    def validity_label(self) -> str:
        return str(Validity.LABELS[self.validity])


def validity_on(expires_on: dt.date | None, as_of: dt.date) -> str:
    if expires_on is None:
        return Validity.VALID
    if expires_on < as_of:
        return Validity.EXPIRED
    if expires_on <= as_of + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return Validity.EXPIRING
    return Validity.VALID


def district_code(agency: Agency) -> str:
    """The code of the district-level agency this agency is, or belongs to; empty for provincial agencies."""
    if agency.group == AgencyGroup.DISTRICTS:
        return agency.code
    if agency.parent is not None and agency.parent.group == AgencyGroup.DISTRICTS:
        return agency.parent.code
    return ""


def compliance_records(programme: Programme, as_of: dt.date, *, agency: Agency | None = None) -> list[ComplianceRecord]:
    """Certificates and declarations of the programme issued on or before ``as_of``, by agency code."""
    plans = Q(plan__programme=programme)
    if agency is not None:
        plans &= Q(plan__agency=agency)
    certificates = (
        Certificate.objects.filter(plans, issued_on__lte=as_of)
        .select_related("plan__agency__parent", "certification_body")
        .order_by("plan__agency__code", "issued_on", "pk")
    )
    declarations = (
        Declaration.objects.filter(plans, decision_date__lte=as_of)
        .select_related("plan__agency__parent")
        .order_by("plan__agency__code", "decision_date", "pk")
    )
    records = [
        ComplianceRecord(
            kind="certificate",
            agency_id=c.plan.agency_id,
            agency_code=c.plan.agency.code,
            agency_name=c.plan.agency.name,
            number=c.number,
            issued_on=c.issued_on,
            expires_on=c.expires_on,
            issuer=str(c.certification_body.name),
            scope=c.scope,
            procedures_count=c.procedures_count,
            notified_on=None,
            validity=validity_on(c.expires_on, as_of),
            pk=c.pk,
            agency_group=c.plan.agency.group,
            district_code=district_code(c.plan.agency),
            body_id=c.certification_body_id,
        )
        for c in certificates.iterator(chunk_size=2000)
    ]
    records += [
        ComplianceRecord(
            kind="declaration",
            agency_id=d.plan.agency_id,
            agency_code=d.plan.agency.code,
            agency_name=d.plan.agency.name,
            number=d.decision_number,
            issued_on=d.decision_date,
            expires_on=None,
            issuer=d.plan.agency.head_name or d.plan.agency.name,
            scope=d.scope,
            procedures_count=d.procedures_count,
            notified_on=d.notified_on if d.notified_on and d.notified_on <= as_of else None,
            validity=Validity.VALID,
            pk=d.pk,
            agency_group=d.plan.agency.group,
            district_code=district_code(d.plan.agency),
        )
        for d in declarations.iterator(chunk_size=2000)
    ]
    records.sort(key=lambda r: (r.agency_code, r.issued_on))
    return records


def record_by_agency(programme: Programme, as_of: dt.date, records: list[ComplianceRecord]) -> dict:
    """Each agency's record on ``as_of``: the one the progress engine names as its plan's document."""
    named = {(document._meta.model_name, document.pk) for document in documents_on(programme, as_of).values()}
    return {record.agency_id: record for record in records if (record.kind, record.pk) in named}


@dataclass
class ReportRow:
    """One line of the per-agency table: the engine's figures plus the agency's certificate or declaration."""

    progress: AgencyProgress
    record: ComplianceRecord | None

    @property
    def group_label(self) -> str:
        return str(AgencyGroup(self.progress.group).label)

    @property
    def tier_label(self) -> str:
        return str(Tier(self.progress.tier).label)

    @property
    def stage_label(self) -> str:
        if not self.progress.stage:
            return "—"
        return f"{self.progress.stage}. {self.progress.stage_name}".strip()


@dataclass
class ProvinceReport:
    programme: Programme
    as_of: dt.date
    progress: ProgrammeProgress
    rows: list[ReportRow]
    overdue: list[ReportRow]
    at_risk: list[ReportRow]
    series: dict = field(default_factory=dict)
    late_entries: list[LateEntry] = field(default_factory=list)  # a closed programme's entries made after it

    @cached_property
    def lagging_all(self) -> list[ReportRow]:
        """Overdue or at risk (or off track), mandatory agencies first."""
        at_risk = {row.progress.agency_id for row in self.at_risk}
        overdue = {row.progress.agency_id for row in self.overdue}
        return sorted((r for r in self.rows if r.progress.agency_id in at_risk | overdue), key=_priority)

    @cached_property
    def lagging(self) -> list[ReportRow]:
        """Section II of the province report names the lagging agencies the 100% target binds; the encouraged
        ones are counted there and listed in the appendix with everyone else."""
        return [row for row in self.lagging_all if row.progress.tier == Tier.MANDATORY]

    @property
    def lagging_encouraged_count(self) -> int:
        return len(self.lagging_all) - len(self.lagging)


def _priority(row: ReportRow):
    return (row.progress.tier != Tier.MANDATORY, -row.progress.overdue, row.progress.code)


def province_report(programme: Programme, as_of: dt.date, *, with_series: bool = True) -> ProvinceReport:
    progress = programme_progress(programme, as_of)
    records = record_by_agency(programme, as_of, compliance_records(programme, as_of))
    rows = [ReportRow(agency, records.get(agency.agency_id)) for agency in progress.agencies]
    overdue = sorted(
        (r for r in rows if r.progress.overdue > 0 and r.progress.status != ProgressStatus.COMPLETED), key=_priority
    )
    at_risk = sorted(
        (r for r in rows if r.progress.status in (ProgressStatus.AT_RISK, ProgressStatus.OFF_TRACK)), key=_priority
    )
    series = {}
    if with_series:
        from reports.charts import chart_dates

        series = completion_series(programme, chart_dates(programme, as_of))
    late = late_entries(programme, as_of=as_of)
    return ProvinceReport(programme, as_of, progress, rows, overdue, at_risk, series, late)


@dataclass
class HistoryLine:
    at: dt.datetime
    subject: str
    change: str
    by: str
    note: str


@dataclass
class AgencyReport:
    programme: Programme
    as_of: dt.date
    agency: Agency
    progress: AgencyProgress
    committee: object | None
    members: list
    plan: ImplementationPlan | None
    milestones: list[MilestoneOnDate]
    evidence: list
    records: list[ComplianceRecord]
    history: list[HistoryLine]
    late_entries: list[LateEntry] = field(default_factory=list)


def _person(user) -> str:
    return user.display_name if user else ""


def agency_report(programme: Programme, agency: Agency, as_of: dt.date) -> AgencyReport:
    """The agency's committee, plan, milestones as they stood on ``as_of``, evidence, result and history."""
    progress = agency_progress(programme, agency, as_of)
    committee = getattr(agency, "steering_committee", None)
    members = list(CommitteeMember.objects.filter(committee=committee)) if committee else []
    plan = ImplementationPlan.objects.filter(agency=agency, programme=programme).first()
    milestones, evidence, history = [], [], []
    if plan is not None:
        end = end_of_day(as_of)
        milestones = plan_milestones_on(plan, as_of)
        changes = MilestoneStatusChange.objects.filter(
            milestone__plan=plan, effective_on__lte=as_of, at__lt=end
        ).select_related("milestone", "by")
        evidence = list(
            Evidence.objects.filter(milestone__plan=plan, uploaded_at__lt=end)
            .select_related("milestone", "uploaded_by")
            .order_by("milestone__number", "uploaded_at")
        )
        transitions = PlanTransition.objects.filter(plan=plan, at__lt=end).select_related("by")
        history = sorted(
            chain(
                (
                    HistoryLine(
                        t.at,
                        str(_("Plan")),
                        f"{PlanStatus(t.from_status).label if t.from_status else '—'} → "
                        f"{PlanStatus(t.to_status).label}",
                        _person(t.by),
                        t.comment,
                    )
                    for t in transitions
                ),
                (
                    HistoryLine(
                        c.at,
                        f"{c.milestone.number}. {c.milestone.name}",
                        f"{MilestoneStatus(c.from_status).label if c.from_status else '—'} → "
                        f"{MilestoneStatus(c.to_status).label}",
                        _person(c.by),
                        c.note,
                    )
                    for c in changes
                ),
            ),
            key=lambda line: line.at,
        )
    return AgencyReport(
        programme=programme,
        as_of=as_of,
        agency=agency,
        progress=progress,
        committee=committee,
        members=members,
        plan=plan,
        milestones=milestones,
        evidence=evidence,
        records=compliance_records(programme, as_of, agency=agency),
        late_entries=late_entries(programme, agency=agency, as_of=as_of),
        history=history,
    )


@dataclass
class PartnerLine:
    kind: str  # "certification_body" / "consultant"
    name: str
    agencies: list[tuple[str, str]]  # (code, name)


@dataclass
class DostReport:
    programme: Programme
    as_of: dt.date
    progress: ProgrammeProgress
    records: list[ComplianceRecord]
    partners: list[PartnerLine]
    not_compliant: list[AgencyProgress]
    duties: Duties | None = None
    organisations: list[OrganisationRecord] = field(default_factory=list)

    def with_validity(self, validity: str) -> list[ComplianceRecord]:
        return [r for r in self.records if r.validity == validity]

    @property
    def valid(self):
        return self.with_validity(Validity.VALID)

    @property
    def expiring(self):
        return self.with_validity(Validity.EXPIRING)

    @property
    def expired(self):
        return self.with_validity(Validity.EXPIRED)


def partners(programme: Programme, as_of: dt.date) -> list[PartnerLine]:
    """Certification bodies and consultants with the agencies they serve in the programme on ``as_of``."""
    engagements = (
        Engagement.objects.filter(programme=programme)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=as_of))
        .select_related("agency", "consultant", "certification_body")
        .order_by("agency__code")
    )
    lines: dict[tuple[str, int], PartnerLine] = {}
    for engagement in engagements:
        for kind, partner in (
            ("certification_body", engagement.certification_body),
            ("consultant", engagement.consultant),
        ):
            if partner is None:
                continue
            line = lines.setdefault((kind, partner.pk), PartnerLine(kind, partner.name, []))
            entry = (engagement.agency.code, engagement.agency.name)
            if entry not in line.agencies:
                line.agencies.append(entry)
    return sorted(lines.values(), key=lambda line: (line.kind, line.name))


def dost_report(programme: Programme, as_of: dt.date) -> DostReport:
    progress = programme_progress(programme, as_of)
    not_compliant = sorted(
        (a for a in progress.agencies if a.status != ProgressStatus.COMPLETED),
        key=lambda a: (a.tier != Tier.MANDATORY, a.code),
    )
    return DostReport(
        programme=programme,
        as_of=as_of,
        progress=progress,
        records=compliance_records(programme, as_of),
        partners=partners(programme, as_of),
        not_compliant=not_compliant,
        duties=duty_figures(programme, as_of, progress.agencies),
        organisations=organisation_records(as_of),
    )
