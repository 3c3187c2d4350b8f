"""Who may open which page: the portal's permission matrix, in one table.

Each Row names a URL, how to build its arguments (and query string), and the status every kind of user must
get (a GET unless the row says ``method="post"``, with ``data``): 200 (allowed), LOGIN (redirected to the
login page), REDIRECT (another redirect, e.g. the login page for a user already logged in), 400 (allowed, but
the input is refused), 403 (a page the role may never use), 404 (an object outside the user's reach, answered
as if it did not exist) or 405. The refusals follow the convention written in ``agencies.access``.

How to add your pages
---------------------
1. If your URL needs objects (a plan, a milestone …), create them in the ``world`` fixture below and
   give them a name, e.g. ``world.plan_a = …`` (agency A is the officer's and head's own agency,
   agency B belongs to officer B).
2. Append a Row to ROWS: ``Row("rollout:plan_detail", lambda w: {"pk": w.plan_a.pk}, own_agency_only())``.
   For an action, add ``method="post"`` and ``data=lambda w: {...}``; every case runs on a fresh database.
   Build the expectations with the helpers (``everyone``, ``own_agency_only``, ``officer_a_only``,
   ``reviewers_only``, ``overseers_only``, ``province_only``, ``dost_only``) or write the dict out: one entry
   per role in ROLES.
3. Every named URL of the portal must have a row (the administration's pages are checked all together, for
   staff only): a test fails when one has none, so a new page cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
import io
import types
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse
from openpyxl import Workbook

from agencies.models import Agency, CommitteeMember
from api.services import create_api_token, open_calendar_feed
from evaluation.models import Criterion
from funding.models import FundingLine
from imports.models import ChangeSet
from library.models import Edition, GuidanceDocument
from maintenance.models import CorrectiveAction, MaintenanceActivity
from procedures.models import AdministrativeProcedure
from reports.models import ReportJob
from rollout.models import (
    Certificate,
    CertificationBody,
    Declaration,
    Engagement,
    Evidence,
    Programme,
    Regime,
    ReminderLog,
)
from tests.fixtures_rollout_ui import make_plan, make_programme
from training.models import Attendance, Course

ANONYMOUS, OFFICER_A, OFFICER_B, HEAD_A, DOST, COMMITTEE, VIEWER, HOME_AFFAIRS = (
    "anonymous", "officer_a", "officer_b", "head_a", "dost", "committee", "viewer", "home_affairs",
)
# VIEWER is Finance's staff; HOME_AFFAIRS is Home Affairs' (a viewer too, who keeps the procedures catalogue).
ROLES = (ANONYMOUS, OFFICER_A, OFFICER_B, HEAD_A, DOST, COMMITTEE, VIEWER, HOME_AFFAIRS)
USER_FIXTURE = {
    OFFICER_A: "officer_a", OFFICER_B: "officer_b", HEAD_A: "head_a",
    DOST: "dost_user", COMMITTEE: "committee_user", VIEWER: "viewer", HOME_AFFAIRS: "home_affairs",
}
LOGIN, REDIRECT = "login redirect", "redirect"
API_ANONYMOUS = 401  # the API asks for credentials instead of sending to the login page


def everyone(status=200, *, anonymous=LOGIN) -> dict[str, object]:
    return {role: anonymous if role == ANONYMOUS else status for role in ROLES}


def own_agency_only() -> dict[str, object]:
    """Readable by agency A's own users and by the province-wide roles; officer B gets 404."""
    return {**everyone(200), OFFICER_B: 404}


def officer_a_only() -> dict[str, object]:
    """Changes to agency A: its ISO officer only; everyone else logged in gets 404."""
    return {**everyone(404), OFFICER_A: 200}


def reviewers_only(allowed=200, other=403) -> dict[str, object]:
    """Reviewing plans: DOST, the committee's standing body (the committee itself oversees and urges)."""
    return {**everyone(other), DOST: allowed}


def administrators_only(allowed=200) -> dict[str, object]:
    """Administering the portal: the committee's secretariat and DOST; the other roles get 403."""
    return {**everyone(403), DOST: allowed}


def overseers_only(allowed=200, other=403) -> dict[str, object]:
    """Overseeing the rollout (urging, the undelivered reminders): the committee and DOST."""
    return {**everyone(other), DOST: allowed, COMMITTEE: allowed}


def urgers(allowed=200, *, district=404) -> dict[str, object]:
    """Urging an agency: the committee and DOST everywhere; a district's ISO officer (officer B) the units of
    the district, 404 for any other agency; the roles that may never urge get 403 before any lookup."""
    return {**overseers_only(allowed), OFFICER_B: district}


def province_only(allowed=200) -> dict[str, object]:
    """Pages of the roles that see the whole province (the committee, DOST, viewers): the others get 403."""
    return {**everyone(403), DOST: allowed, COMMITTEE: allowed, VIEWER: allowed, HOME_AFFAIRS: allowed}


def dost_only(allowed=200) -> dict[str, object]:
    return {**everyone(403), DOST: allowed}


def home_affairs_only(allowed=200) -> dict[str, object]:
    return {**everyone(403), HOME_AFFAIRS: allowed}


@dataclass
class Row:
    url_name: str
    kwargs: Callable[[types.SimpleNamespace], dict] | dict = field(default_factory=dict)
    expected: dict[str, object] = field(default_factory=everyone)
    method: str = "get"
    data: Callable[[types.SimpleNamespace], dict] | dict = field(default_factory=dict)
    query: str = ""

    def url(self, world) -> str:
        kwargs = self.kwargs(world) if callable(self.kwargs) else self.kwargs
        url = reverse(self.url_name, kwargs=kwargs)
        return f"{url}?{self.query}" if self.query else url


ROWS: list[Row] = [
    # Portal and authentication
    Row("home"),
    Row("healthz", expected=everyone(200, anonymous=200)),
    Row("login", expected={**everyone(REDIRECT), ANONYMOUS: 200}),
    Row("logout", expected=everyone(405, anonymous=405)),
    Row("password_change"),
    Row("password_change_done"),
    Row("password_reset", expected=everyone(200, anonymous=200)),
    Row("password_reset_done", expected=everyone(200, anonymous=200)),
    Row("password_reset_confirm", {"uidb64": "MQ", "token": "not-a-token"}, everyone(200, anonymous=200)),
    Row("password_reset_complete", expected=everyone(200, anonymous=200)),
    # Signing in: the second factor (the committee and DOST have given theirs), one's own sessions, CSP reports
    Row("accounts:verify", expected={**everyone(200), DOST: REDIRECT, COMMITTEE: REDIRECT}),
    Row("accounts:setup"),
    Row("accounts:recovery_codes", expected=everyone(405)),
    Row("accounts:sessions"),
    Row("csp_report", expected=everyone(405, anonymous=405)),
    Row("set_language", method="post", data={"language": "en", "next": "/"}, expected=everyone(REDIRECT,
        anonymous=REDIRECT)),
    # Agencies
    Row("agencies:list"),
    Row("agencies:detail", lambda w: {"code": w.agency_a.code}, own_agency_only()),
    Row("agencies:detail", {"code": "NO-SUCH-AGENCY"}, everyone(404)),
    Row("agencies:committee_edit", lambda w: {"code": w.agency_a.code}, officer_a_only()),
    Row("agencies:member_add", lambda w: {"code": w.agency_a.code}, officer_a_only()),
    Row("agencies:member_edit", lambda w: {"code": w.agency_a.code, "pk": w.member_a.pk}, officer_a_only()),
    Row("agencies:member_remove", lambda w: {"code": w.agency_a.code, "pk": w.member_a.pk}, officer_a_only()),
    # Agency B's member reached through agency A's code is still not found, even by A's officer.
    Row("agencies:member_edit", lambda w: {"code": w.agency_a.code, "pk": w.member_b.pk}, everyone(404)),
    Row("logout", method="post", expected=everyone(LOGIN, anonymous=LOGIN)),
    Row("agencies:member_remove", lambda w: {"code": w.agency_a.code, "pk": w.member_a.pk},
        {**officer_a_only(), OFFICER_A: REDIRECT}, method="post"),
    Row("agencies:committee_edit", lambda w: {"code": w.agency_a.code}, {**officer_a_only(), OFFICER_A: REDIRECT},
        method="post", data={"decision_number": "1/QĐ", "decision_date": "2007-06-01", "version": 1}),
    # Rollout: plans, milestones, evidence, certificates and declarations, review, registry
    Row("rollout:plan", lambda w: {"pk": w.plan_a.pk}, own_agency_only()),
    Row("rollout:plan", lambda w: {"pk": w.plan_b.pk}, {**everyone(200), OFFICER_A: 404, HEAD_A: 404}),
    # A district oversees its communes and public units (agency B is the district of Văn Lâm, officer B its
    # ISO officer): it reads and urges them and changes nothing of theirs; a commune of another district answers
    # 404; a role that may never urge gets 403 before any agency is looked up
    Row("agencies:detail", lambda w: {"code": w.commune_b.code}, {**everyone(200), OFFICER_A: 404, HEAD_A: 404}),
    Row("agencies:detail", lambda w: {"code": w.commune_elsewhere.code},
        {**everyone(200), OFFICER_A: 404, HEAD_A: 404, OFFICER_B: 404}),
    Row("rollout:plan", lambda w: {"pk": w.plan_commune_b.pk}, {**everyone(200), OFFICER_A: 404, HEAD_A: 404}),
    Row("rollout:plan_revise", lambda w: {"pk": w.plan_commune_b.pk}, everyone(404)),
    Row("rollout:urge", lambda w: {"code": w.commune_b.code}, urgers(district=200)),
    Row("rollout:urge", lambda w: {"code": w.commune_elsewhere.code}, urgers()),
    Row("rollout:urge_letter", lambda w: {"code": w.commune_b.code, "programme": w.plan_commune_b.programme_id},
        urgers(district=200)),
    Row("rollout:my_plan", expected={**province_only(403), OFFICER_A: REDIRECT, OFFICER_B: REDIRECT, HEAD_A: REDIRECT}),
    Row("rollout:plan_due_dates", lambda w: {"pk": w.plan_a.pk}, officer_a_only()),
    Row("rollout:plan_revise", lambda w: {"pk": w.plan_a.pk}, officer_a_only()),
    Row("rollout:plan_revise", lambda w: {"pk": w.plan_b.pk}, {**everyone(404), OFFICER_B: 200}),
    Row("rollout:milestone_add", lambda w: {"pk": w.plan_a.pk}, everyone(405)),
    Row("rollout:milestone_change", lambda w: {"pk": w.plan_a.pk}, everyone(405)),
    Row("rollout:milestone_remove", lambda w: {"pk": w.plan_a.pk}, everyone(405)),
    Row("rollout:milestone_remove", lambda w: {"pk": w.plan_a.pk}, {**officer_a_only(), OFFICER_A: REDIRECT},
        method="post", data=lambda w: {"milestone": w.milestone_a.pk, "version": w.plan_a.version}),
    Row("rollout:plan_document", lambda w: {"pk": w.plan_a.pk}, everyone(404)),  # no document uploaded
    Row("rollout:plan_submit", lambda w: {"pk": w.plan_a.pk}, officer_a_only()),
    Row("rollout:plan_head_approve", lambda w: {"pk": w.plan_a.pk}, {**everyone(404), HEAD_A: 200}),
    Row("rollout:plan_approve", lambda w: {"pk": w.plan_a.pk}, reviewers_only()),
    Row("rollout:plan_return", lambda w: {"pk": w.plan_a.pk}, reviewers_only()),
    Row("rollout:plan_approve", lambda w: {"pk": w.plan_b.pk}, reviewers_only()),
    Row("rollout:certificate_new", lambda w: {"pk": w.plan_a.pk}, officer_a_only()),
    Row("rollout:certificate_new", lambda w: {"pk": w.plan_b.pk}, {**everyone(404), OFFICER_B: 200}),
    Row("rollout:declaration_new", lambda w: {"pk": w.plan_a.pk}, everyone(404)),  # certification programme
    Row("rollout:declaration_new", lambda w: {"pk": w.declaration_plan_a.pk}, officer_a_only()),
    Row("rollout:review_queue", expected=reviewers_only()),
    Row("rollout:programme_lock", lambda w: {"pk": w.plan_a.programme_id}, everyone(405)),
    Row("rollout:programme_lock", lambda w: {"pk": w.plan_a.programme_id}, dost_only(REDIRECT),
        method="post"),
    Row("rollout:milestone", lambda w: {"pk": w.milestone_a.pk}, own_agency_only()),
    Row("rollout:milestone", lambda w: {"pk": w.milestone_b.pk}, {**everyone(200), OFFICER_A: 404, HEAD_A: 404}),
    Row("rollout:evidence", lambda w: {"pk": w.evidence_a.pk}, own_agency_only()),
    Row("rollout:certificate", lambda w: {"pk": w.certificate_a.pk}, own_agency_only()),
    Row("rollout:declaration", lambda w: {"pk": w.declaration_a.pk}, own_agency_only()),
    Row("rollout:registry"),
    Row("rollout:registry_new", {"kind": "body"}, dost_only()),
    Row("rollout:registry_new", {"kind": "no-such-kind"}, dost_only(404)),
    Row("rollout:registry_new", {"kind": "designation"}, dost_only()),
    Row("rollout:registry_new", {"kind": "expert"}, dost_only()),
    Row("rollout:registry_edit", lambda w: {"kind": "body", "pk": w.certification_body.pk}, dost_only()),
    # DOST's oversight of the organisations: their records are for the province-wide roles
    Row("rollout:organisation", lambda w: {"kind": "body", "pk": w.certification_body.pk}, province_only()),
    Row("rollout:organisation", lambda w: {"kind": "agency", "pk": w.certification_body.pk}, province_only(404)),
    Row("rollout:plan_opinion", lambda w: {"pk": w.plan_a.pk}, home_affairs_only()),
    Row("rollout:engagement_declare", expected={**everyone(403), OFFICER_A: 200, OFFICER_B: 200}),
    Row("rollout:engagement_confirm", lambda w: {"pk": w.declared_engagement_a.pk}, everyone(405)),
    Row("rollout:engagement_confirm", lambda w: {"pk": w.declared_engagement_a.pk}, dost_only(REDIRECT),
        method="post"),
    Row("reports:register_export", {"register": "organisations"}, province_only()),
    Row("rollout:urge", lambda w: {"code": w.agency_a.code}, urgers()),
    Row("rollout:urge", {"code": "NO-SUCH-AGENCY"}, urgers(404)),
    Row("rollout:urge_letter", lambda w: {"code": w.agency_a.code, "programme": w.plan_a.programme_id},
        urgers()),
    Row("rollout:quick_update", lambda w: {"pk": w.milestone_a.pk}, everyone(405)),
    Row("rollout:quick_update", lambda w: {"pk": w.milestone_a.pk}, {**officer_a_only(), OFFICER_A: REDIRECT},
        method="post", data=lambda w: {f"m{w.milestone_a.pk}-version": w.milestone_a.version,
                                       f"m{w.milestone_a.pk}-status": "in_progress"}),
    Row("rollout:my_reminders"),
    Row("rollout:reminder_queue", expected=overseers_only()),
    # Reports: a date that does not parse answers 400 to whoever may ask for the report, after the access check.
    Row("reports:dashboard", expected=province_only()),
    Row("reports:index"),
    # Who joined a programme: every reader, each over the agencies within reach (a district: its own units)
    Row("reports:participation"),
    Row("reports:province", query="as_of=not-a-date", expected=province_only(400)),
    Row("reports:dost", query="as_of=not-a-date", expected=province_only(400)),
    Row("reports:export", query="as_of=not-a-date", expected=province_only(400)),
    Row("reports:agency", lambda w: {"code": w.agency_a.code}, {**everyone(400), OFFICER_B: 404},
        query="as_of=not-a-date"),
    Row("reports:agency_pick", query="agency=SKHCN", expected={**everyone(REDIRECT), OFFICER_B: 400}),
    Row("reports:job", lambda w: {"pk": w.job_a.pk}, {**everyone(404), OFFICER_A: 200}),
    Row("reports:job_download", lambda w: {"pk": w.job_a.pk}, everyone(404)),  # not ready: for no one
    # Administrative procedures: Home Affairs keeps the catalogue; officers choose their own agency's scopes
    Row("procedures:index"),
    Row("procedures:agency", lambda w: {"code": w.agency_a.code}, own_agency_only()),
    Row("procedures:new", lambda w: {"code": w.agency_a.code}, home_affairs_only()),
    Row("procedures:edit", lambda w: {"code": w.agency_a.code, "pk": w.procedure_a.pk}, home_affairs_only()),
    # Agency B's procedure through agency A's code is not found.
    Row("procedures:edit", lambda w: {"code": w.agency_a.code, "pk": w.procedure_b.pk}, home_affairs_only(404)),
    Row("procedures:import", lambda w: {"code": w.agency_a.code}, everyone(405)),
    Row("procedures:import", lambda w: {"code": w.agency_a.code}, home_affairs_only(REDIRECT), method="post"),
    Row("procedures:scope", lambda w: {"kind": "plan", "pk": w.plan_a.pk}, officer_a_only()),
    Row("procedures:scope", lambda w: {"kind": "certificate", "pk": w.certificate_a.pk}, officer_a_only()),
    Row("procedures:scope", lambda w: {"kind": "declaration", "pk": w.declaration_a.pk}, officer_a_only()),
    Row("procedures:scope", lambda w: {"kind": "plan", "pk": w.plan_b.pk}, {**everyone(404), OFFICER_B: 200}),
    Row("procedures:scope", lambda w: {"kind": "agency", "pk": w.plan_a.pk}, everyone(404)),
    # Training: DOST manages courses and results; officers request places for their own people
    Row("training:index"),
    Row("training:people"),
    Row("training:course", lambda w: {"pk": w.course.pk}),
    Row("training:course_new", expected=dost_only()),
    Row("training:course_edit", lambda w: {"pk": w.course.pk}, dost_only()),
    Row("training:request_place", lambda w: {"pk": w.course.pk}, everyone(405)),
    Row("training:request_place", lambda w: {"pk": w.course.pk},
        {**everyone(403), OFFICER_A: REDIRECT, OFFICER_B: 400, DOST: REDIRECT}, method="post",
        data=lambda w: {"agency": w.agency_a.pk, "person_name": "Lê Văn Cường"}),
    Row("training:attendance", lambda w: {"pk": w.attendance_a.pk}, dost_only()),
    Row("reports:register_export", {"register": "training"}),
    # Funding: Finance (the viewer) records every figure; an agency's officer proposes its own request
    Row("funding:index"),
    Row("funding:new", expected={**everyone(403), VIEWER: 200, OFFICER_A: 200, OFFICER_B: 200}),
    Row("funding:edit", lambda w: {"pk": w.funding_a.pk}, {**everyone(404), VIEWER: 200, OFFICER_A: 200}),
    Row("funding:edit", lambda w: {"pk": w.funding_a.pk}, {**everyone(404), VIEWER: REDIRECT, OFFICER_A: REDIRECT},
        method="post", data=lambda w: {"requested": 5, "note": "", "approved": 0, "allocated": 0, "disbursed": 0,
                                       "decision_number": "", "decision_date": "", "version": w.funding_a.version}),
    Row("reports:register_export", {"register": "funding"}),
    # Guidance library: DOST publishes, every agency reads
    Row("library:index"),
    Row("library:document", lambda w: {"pk": w.guidance.pk}),
    Row("library:document_new", expected=dost_only()),
    Row("library:document_edit", lambda w: {"pk": w.guidance.pk}, dost_only()),
    Row("library:publish", lambda w: {"pk": w.guidance.pk}, everyone(405)),
    Row("library:publish", lambda w: {"pk": w.guidance.pk}, dost_only(400), method="post"),
    Row("library:download", lambda w: {"pk": w.guidance_edition.pk}),
    Row("reports:register_export", {"register": "library"}),
    Row("reports:register_export", {"register": "procedures"}),
    Row("reports:register_export", {"register": "no-such-register"}, everyone(404)),
    # Reports: DOST's certificate register reads across the province
    Row("reports:register", expected=province_only()),
]
ROWS += [
    # The user's own keys: API tokens and the calendar feed address
    Row("account:api_tokens"),
    Row("account:api_tokens", expected=everyone(201, anonymous=LOGIN), method="post",
        data={"name": "Một cửa", "days": "30"}),
    Row("account:api_token_revoke", lambda w: {"pk": w.token_a.pk}, {**everyone(404), OFFICER_A: REDIRECT},
        method="post"),
    Row("account:calendar"),
    Row("account:calendar", expected=everyone(200, anonymous=LOGIN), method="post", data={"action": "open"}),
    Row("account:calendar_feed", lambda w: {"key": w.calendar_key_a}, everyone(200, anonymous=200)),
    Row("account:calendar_feed", {"key": "cal_not-a-key"}, everyone(404, anonymous=404)),
    # The public transparency pages: anyone, signed in or not
    Row("public:transparency", expected=everyone(200, anonymous=200)),
    Row("public:agency", lambda w: {"code": w.agency_a.code}, everyone(200, anonymous=200)),
    Row("public:agency", {"code": "NO-SUCH-AGENCY"}, everyone(404, anonymous=404)),
    # Spreadsheet imports: each user their own change sets; the template holds the milestones they may manage
    Row("imports:index"),
    Row("imports:template"),
    Row("imports:agency_template", expected={**everyone(404), OFFICER_A: 200, OFFICER_B: 200, DOST: 200}),
    Row("imports:preview", lambda w: {"pk": w.change_set_a.pk}, {**everyone(404), OFFICER_A: 200}),
    # Maintaining the system: each agency its own records, its officer changes them; the province's summary
    # for DOST, the committee and the province-wide readers
    Row("maintenance:index"),
    Row("maintenance:agency", lambda w: {"code": w.agency_a.code}, own_agency_only()),
    Row("maintenance:activity_new", lambda w: {"code": w.agency_a.code}, officer_a_only()),
    Row("maintenance:action_new", lambda w: {"code": w.agency_a.code}, officer_a_only()),
    Row("maintenance:activity", lambda w: {"pk": w.activity_a.pk}, own_agency_only()),
    Row("maintenance:activity", lambda w: {"pk": w.activity_a.pk}, {**everyone(404), OFFICER_A: 400},
        method="post"),
    Row("maintenance:action", lambda w: {"pk": w.action_a.pk}, own_agency_only()),
    Row("maintenance:annual_report", lambda w: {"code": w.agency_a.code, "year": 2010}, own_agency_only()),
    Row("maintenance:annual_report", lambda w: {"code": w.agency_a.code, "year": 2010},
        {**everyone(404), OFFICER_A: 400}, method="post"),
    Row("maintenance:summary_pdf", expected=province_only()),
    Row("maintenance:summary_xlsx", expected=province_only()),
    # The yearly score: the ranking for the committee, DOST and Home Affairs; each agency its own score; the
    # committee sets the criteria
    Row("evaluation:index"),
    Row("evaluation:agency", lambda w: {"code": w.agency_a.code}, {**own_agency_only(), VIEWER: 404}),
    Row("evaluation:criteria"),
    Row("evaluation:criteria", expected={**everyone(403), COMMITTEE: REDIRECT}, method="post"),
    Row("evaluation:criterion_new", expected={**everyone(403), COMMITTEE: 200}),
    Row("evaluation:criterion", lambda w: {"pk": w.criterion.pk}, {**everyone(403), COMMITTEE: 200}),
    Row("evaluation:ranking_pdf", expected={**everyone(403), DOST: 200, COMMITTEE: 200, HOME_AFFAIRS: 200}),
    Row("evaluation:ranking_xlsx", expected={**everyone(403), DOST: 200, COMMITTEE: 200, HOME_AFFAIRS: 200}),
    # Administration: the committee's secretariat and DOST
    Row("administration:users", expected=administrators_only()),
    Row("administration:invite", expected=administrators_only()),
    Row("administration:bulk", expected=administrators_only()),
    Row("administration:user", lambda w: {"pk": w.officer_a.pk}, administrators_only()),
    Row("administration:user", {"pk": 999_999}, administrators_only(404)),
    Row("administration:set_active", lambda w: {"pk": w.officer_a.pk}, administrators_only(REDIRECT),
        method="post", data={"active": "0"}),
    Row("administration:reset_password", lambda w: {"pk": w.officer_a.pk}, administrators_only(REDIRECT),
        method="post"),
    Row("administration:agency_access", lambda w: {"code": w.agency_a.code}, administrators_only()),
    Row("administration:agencies", expected=administrators_only()),
    Row("administration:agency_new", expected=administrators_only()),
    Row("administration:agency_edit", lambda w: {"code": w.agency_b.code}, administrators_only()),
    Row("administration:agency_close", lambda w: {"code": w.agency_b.code}, administrators_only(REDIRECT),
        method="post", data={"reopen": "1"}),
    Row("administration:programmes", expected=administrators_only()),
    Row("administration:programme_new", expected=administrators_only()),
    Row("administration:programme_edit", lambda w: {"pk": w.plan_a.programme_id}, administrators_only()),
    Row("administration:programme_current", lambda w: {"pk": w.plan_a.programme_id},
        administrators_only(REDIRECT), method="post"),
    # The API: its documents are public; the rest needs a token or a session (anonymous callers get 401) and
    # answers 404 for another agency's object
    Row("api:schema", expected=everyone(200, anonymous=200)),
    Row("api:docs", expected=everyone(200, anonymous=200)),
    Row("api:redoc", expected=everyone(200, anonymous=200)),
    Row("api:problem_type", {"kind": "not-found"}, everyone(200, anonymous=200)),
    Row("api:programme-list", expected=everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:programme-detail", lambda w: {"pk": w.plan_a.programme_id}, everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:programme-progress", lambda w: {"pk": w.plan_a.programme_id}, everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:agency-list", expected=everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:agency-detail", lambda w: {"code": w.agency_a.code}, {**own_agency_only(), ANONYMOUS: API_ANONYMOUS}),
    Row("api:plan-list", expected=everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:plan-detail", lambda w: {"pk": w.plan_a.pk}, {**own_agency_only(), ANONYMOUS: API_ANONYMOUS}),
    Row("api:milestone-list", expected=everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:milestone-detail", lambda w: {"pk": w.milestone_a.pk}, {**own_agency_only(), ANONYMOUS: API_ANONYMOUS}),
    Row("api:milestone-evidence", lambda w: {"pk": w.milestone_a.pk}, everyone(405, anonymous=API_ANONYMOUS)),
    Row("api:certificate-list", expected=everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:certificate-detail", lambda w: {"pk": w.certificate_a.pk},
        {**own_agency_only(), ANONYMOUS: API_ANONYMOUS}),
    Row("api:declaration-list", expected=everyone(200, anonymous=API_ANONYMOUS)),
    Row("api:declaration-detail", lambda w: {"pk": w.declaration_a.pk},
        {**own_agency_only(), ANONYMOUS: API_ANONYMOUS}),
    Row("api:reminder-list", expected=everyone(200, anonymous=API_ANONYMOUS)),
    # A reminder is its recipient's only.
    Row("api:reminder-detail", lambda w: {"pk": w.reminder_a.pk}, {**everyone(404, anonymous=API_ANONYMOUS),
                                                                      OFFICER_A: 200}),
]

def empty_workbook() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(agency_a, agency_b, officer_a):
    """The objects the rows point at. Add yours here (see the module docstring)."""
    member_a = CommitteeMember.objects.create(
        committee=agency_a.steering_committee, name="Lê Văn Cường", position="Phó Giám đốc", role="deputy"
    )
    member_b = CommitteeMember.objects.create(
        committee=agency_b.steering_committee, name="Phạm Thị Dung", position="Chánh Văn phòng", role="member"
    )
    token_a, _secret = create_api_token(officer_a, name="e-ISO", days=30)
    rollout = rollout_world(agency_a, agency_b)
    _feed, calendar_key_a = open_calendar_feed(officer_a)
    change_set_a = ChangeSet(kind="milestones", uploaded_by=officer_a, original_name="a.xlsx", sha256="0" * 64)
    change_set_a.file.save("a.xlsx", ContentFile(empty_workbook()), save=True)
    return types.SimpleNamespace(
        agency_a=agency_a, agency_b=agency_b, officer_a=officer_a, member_a=member_a, member_b=member_b,
        token_a=token_a, calendar_key_a=calendar_key_a, change_set_a=change_set_a, **rollout,
        **procedures_world(agency_a, agency_b),
        **training_world(agency_a),
        job_a=ReportJob.objects.create(requested_by=officer_a, kind="agency", parameters={}),
        reminder_a=ReminderLog.objects.create(recipient=officer_a, kind="digest", key="2010-06-30/digest",
                                              programme=rollout["plan_a"].programme, for_date=dt.date(2010, 6, 30)),
        funding_a=FundingLine.objects.create(agency=agency_a, year=2008, requested=100_000_000),
        **library_world(),
        **maintenance_world(agency_a),
        **district_world(agency_b),
    )


def district_world(agency_b) -> dict:
    commune_b = Agency.objects.create(code="LACHONG", name="UBND xã Lạc Hồng", kind="commune", parent=agency_b)
    elsewhere = Agency.objects.create(code="YENMY", name="UBND huyện Yên Mỹ", kind="district")
    return {
        "commune_b": commune_b,
        "commune_elsewhere": Agency.objects.create(code="TANLAP", name="UBND xã Tân Lập", kind="commune",
                                                   parent=elsewhere),
        "plan_commune_b": make_plan(commune_b, Programme.objects.current()),
    }


def maintenance_world(agency_a) -> dict:
    programme = Programme.objects.current()
    activity = MaintenanceActivity.objects.create(agency=agency_a, programme=programme, kind="internal_audit",
                                                  due_on=dt.date(2010, 6, 30))
    action = CorrectiveAction.objects.create(agency=agency_a, programme=programme, found_on=dt.date(2010, 7, 1),
                                             nonconformity="Thiếu hồ sơ", action="Bổ sung", owner="Văn phòng",
                                             due_on=dt.date(2010, 8, 1))
    criterion = Criterion.objects.create(programme=programme, year=2010, measure="annual_report_filed", weight=10)
    return {"activity_a": activity, "action_a": action, "criterion": criterion}


def library_world() -> dict:
    guidance = GuidanceDocument.objects.create(title="Mẫu Sổ tay chất lượng", kind="manual_template")
    edition = Edition(document=guidance, number=1, original_name="so-tay.pdf", content_type="application/pdf",
                      size=9, sha256="0" * 64)
    edition.file.save("so-tay.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"guidance": guidance, "guidance_edition": edition}


def training_world(agency_a) -> dict:
    course = Course.objects.create(kind="awareness", title="Nhận thức chung", starts_on=dt.date(2007, 8, 20),
                                   ends_on=dt.date(2007, 8, 21), place="Sở KH&CN")
    return {"course": course, "attendance_a": Attendance.objects.create(course=course, agency=agency_a,
                                                                        person_name="Nguyễn Thị Hoa")}


def procedures_world(agency_a, agency_b) -> dict:
    def listed(agency, code):
        return AdministrativeProcedure.objects.create(agency=agency, code=code, name="TTHC", field="Đất đai",
                                                      level="province")

    return {"procedure_a": listed(agency_a, "1.001"), "procedure_b": listed(agency_b, "2.001")}


def rollout_world(agency_a, agency_b) -> dict:
    """Plans of agencies A and B (certification programme), agency A's self-declaration plan, a milestone each,
    evidence, a certificate and a declaration of agency A."""
    programme = make_programme()
    plan_a, plan_b = make_plan(agency_a, programme), make_plan(agency_b, programme)
    declaration_plan_a = make_plan(agency_a, make_programme(Regime.SELF_DECLARATION, is_current=False, name="2015"))
    milestone_a, milestone_b = plan_a.milestones.get(number=1), plan_b.milestones.get(number=1)
    evidence_a = Evidence(milestone=milestone_a, original_name="QĐ.pdf", content_type="application/pdf", size=9,
                          sha256="0" * 64)
    evidence_a.file.save("qd.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    body = CertificationBody.objects.create(name="QUACERT")
    certificate_a = Certificate.objects.create(
        plan=plan_a, number="HT 1", certification_body=body, issued_on=dt.date(2010, 5, 1),
        expires_on=dt.date(2013, 5, 1), scope="TTHC",
    )
    declaration_a = Declaration.objects.create(
        plan=declaration_plan_a, decision_number="1/QĐ", decision_date=dt.date(2020, 1, 1), scope="TTHC"
    )
    return {
        "plan_a": plan_a, "plan_b": plan_b, "declaration_plan_a": declaration_plan_a, "milestone_a": milestone_a,
        "milestone_b": milestone_b, "evidence_a": evidence_a, "certificate_a": certificate_a,
        "declaration_a": declaration_a, "certification_body": body,
        "declared_engagement_a": Engagement.objects.create(
            agency=agency_a, programme=programme, certification_body=body
        ),
    }


CASES = [
    pytest.param(row, role, id=f"{row.method} {row.url_name}[{index}]-{role}")
    for index, row in enumerate(ROWS) for role in ROLES
]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_each_role_gets_the_expected_answer(row, role, world, client, request):
    if role != ANONYMOUS:
        client.force_login(request.getfixturevalue(USER_FIXTURE[role]))
    url = row.url(world)
    if row.method == "post":
        data = row.data(world) if callable(row.data) else row.data
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    else:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    expected = row.expected[role]
    assert_answer(response, expected, f"{role} {row.method.upper()} {url}")


def assert_answer(response, expected, context: str, login_url: str = "") -> None:
    login_url = login_url or reverse("login")
    if expected == LOGIN:
        assert response.status_code == 302, context
        assert response.url.startswith(login_url), response.url
    elif expected == REDIRECT:
        assert response.status_code == 302, context
        assert not response.url.startswith(login_url), response.url
    else:
        assert response.status_code == expected, context


def test_every_row_lists_every_role():
    for row in ROWS:
        assert set(row.expected) == set(ROLES), row.url_name


def url_names(namespace: str | None) -> set[str]:
    resolver = get_resolver()
    if namespace is not None:
        resolver = resolver.namespace_dict[namespace][1]
    prefix = f"{namespace}:" if namespace else ""
    return {prefix + name for name in resolver.reverse_dict if isinstance(name, str)}


def admin_url(name: str) -> str:
    """An administration URL with placeholder arguments: the answer comes before any object is read."""
    (bits, *_rest), *_others = get_resolver().namespace_dict["admin"][1].reverse_dict.getlist(name)
    params = bits[0][1]
    if any(param.startswith("_") for param in params):
        return reverse(f"admin:{name}", args=["1"] * len(params))
    return reverse(f"admin:{name}", kwargs={param: "agencies" if param == "app_label" else "1" for param in params})


ADMIN_ANSWERS = {
    "admin:login": everyone(200, anonymous=200),
    "admin:logout": everyone(REDIRECT, anonymous=REDIRECT),  # back to the administration, hence to its login
}


@pytest.mark.parametrize("role", ROLES)
def test_the_administration_is_for_staff_only(role, client, request, db):
    """No role of the portal is staff: every page of the administration sends them to its own login page."""
    if role != ANONYMOUS:
        client.force_login(request.getfixturevalue(USER_FIXTURE[role]))
    for name in sorted(url_names("admin")):
        url = admin_url(name.removeprefix("admin:"))
        expected = ADMIN_ANSWERS.get(name, everyone(LOGIN, anonymous=LOGIN))[role]
        assert_answer(client.get(url), expected, f"{role} GET {url}", login_url=reverse("admin:login"))


def test_every_url_of_the_portal_has_a_row():
    namespaces = [namespace for namespace in get_resolver().namespace_dict if namespace != "admin"]
    named = url_names(None).union(*(url_names(namespace) for namespace in namespaces))
    assert named - {row.url_name for row in ROWS} == set()
