"""The yearly ISO score, worked by hand on a small province: three departments and a district, seven criteria
worth 100 points in 2010, every criterion met, met late and missed. Then who reads it, the committee's
criteria, and the ranking as PDF and XLSX read back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from agencies.models import Agency, AgencyKind
from evaluation import services
from evaluation.models import Criterion
from evaluation.score import yearly_scores
from maintenance.models import ActivityKind, AnnualReport, CorrectiveAction, MaintenanceActivity
from procedures.models import AdministrativeProcedure, ScopeEntry
from rollout.models import Certificate, MilestoneStatus, PlanStatus, PlanTransition
from tests.fixtures_rollout_ui import designated_body, make_plan, make_programme

pytestmark = pytest.mark.django_db
YEAR = 2010
WEIGHTS = {
    "plan_on_time": 10,
    "milestones_on_time": 20,
    "documented_by_target": 30,
    "maintenance_held": 10,
    "annual_report_filed": 10,
    "corrective_actions_closed": 10,
    "procedures_covered": 10,
}


@pytest.fixture(autouse=True)
def english_and_frozen():
    with translation.override("en"), time_machine.travel(dt.datetime(2011, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def programme():
    programme = make_programme()
    for measure, weight in WEIGHTS.items():
        due = dt.date(2007, 12, 31) if measure == "plan_on_time" else None
        Criterion.objects.create(programme=programme, year=YEAR, measure=measure, weight=weight, due_on=due)
    return programme


def approve(plan, on):
    PlanTransition.objects.create(
        plan=plan,
        from_status=PlanStatus.SUBMITTED,
        to_status=PlanStatus.APPROVED,
        at=dt.datetime(on.year, on.month, on.day, 10, tzinfo=dt.UTC),
    )


def complete(plan, on):
    plan.milestones.filter(number=3).update(status=MilestoneStatus.DONE, completed_on=on)


def certify(plan, on, number):
    return Certificate.objects.create(
        plan=plan,
        number=number,
        certification_body=designated_body(f"CB {number}"),
        issued_on=on,
        expires_on=on.replace(year=on.year + 3),
        scope="x",
    )


def held(agency, programme, kind, on):
    MaintenanceActivity.objects.create(agency=agency, programme=programme, kind=kind, due_on=on, held_on=on)


def corrective(agency, programme, due, closed):
    CorrectiveAction.objects.create(
        agency=agency,
        programme=programme,
        found_on=dt.date(2010, 9, 10),
        nonconformity="x",
        action="y",
        owner="z",
        due_on=due,
        closed_on=closed,
    )


def report(agency, programme, filed_on):
    AnnualReport.objects.create(agency=agency, programme=programme, year=YEAR, results="x", filed_on=filed_on)


def late_department(code, name, programme):
    """Plan approved late, its last milestone done late, certified after the target, an internal audit but no
    management review, the report filed late, no corrective action due, no catalogue of procedures."""
    agency = Agency.objects.create(code=code, name=name, kind=AgencyKind.DEPARTMENT, active_from=dt.date(2007, 1, 1))
    plan = make_plan(agency, programme)
    approve(plan, dt.date(2008, 2, 1))
    complete(plan, dt.date(2010, 8, 1))
    certify(plan, dt.date(2010, 8, 1), f"HT-{code}")
    held(agency, programme, ActivityKind.INTERNAL_AUDIT, dt.date(2010, 10, 1))
    report(agency, programme, dt.date(2010, 12, 20))
    return agency


@pytest.fixture
def province(programme, agency_a, agency_b):
    """Agency A does everything on time except one corrective action closed late and one procedure of four
    outside its scope; agency B (a district) has a plan and nothing else; two departments are late alike."""
    plan_a = make_plan(agency_a, programme)
    approve(plan_a, dt.date(2007, 11, 15))
    complete(plan_a, dt.date(2010, 6, 20))
    certificate = certify(plan_a, dt.date(2010, 6, 20), "HT-A")
    for code in ("1", "2", "3", "4"):
        procedure = AdministrativeProcedure.objects.create(
            agency=agency_a, code=code, name="TTHC", field="x", level="province"
        )
        if code != "4":
            ScopeEntry.objects.create(procedure=procedure, certificate=certificate)
    held(agency_a, programme, ActivityKind.INTERNAL_AUDIT, dt.date(2010, 9, 10))
    held(agency_a, programme, ActivityKind.MANAGEMENT_REVIEW, dt.date(2010, 10, 5))
    corrective(agency_a, programme, due=dt.date(2010, 10, 10), closed=dt.date(2010, 10, 1))
    corrective(agency_a, programme, due=dt.date(2010, 10, 10), closed=dt.date(2010, 11, 1))
    report(agency_a, programme, dt.date(2010, 12, 10))
    make_plan(agency_b, programme)
    return {
        "a": agency_a,
        "b": agency_b,
        "c": late_department("STP", "Sở Tư pháp", programme),
        "d": late_department("SYT", "Sở Y tế", programme),
    }


def scores_by_code(programme):
    return {score.agency.code: score for score in yearly_scores(programme, YEAR)}


def points(score):
    return {line.criterion.measure: line.points for line in score.lines}


def test_an_agency_that_does_everything_on_time_loses_only_the_late_action_and_the_uncovered_procedure(
    programme, province
):
    score = scores_by_code(programme)["SKHCN"]
    assert points(score) == {
        "plan_on_time": 10,
        "milestones_on_time": 20,
        "documented_by_target": 30,
        "maintenance_held": 10,
        "annual_report_filed": 10,
        "corrective_actions_closed": 5,
        "procedures_covered": 7.5,
    }
    assert (score.total, score.maximum) == (92.5, 100)


def test_an_agency_late_at_every_step_gets_half_points_and_none_for_what_it_missed(programme, province):
    score = scores_by_code(programme)["STP"]
    assert points(score) == {
        "plan_on_time": 5,
        "milestones_on_time": 0,
        "documented_by_target": 15,
        "maintenance_held": 5,
        "annual_report_filed": 5,
        "corrective_actions_closed": 10,
        "procedures_covered": 0,
    }
    assert score.total == 40


def test_an_agency_with_only_a_plan_scores_nothing_and_every_line_says_why(programme, province):
    score = scores_by_code(programme)["VANLAM"]
    assert score.total == 0
    assert [line.reason for line in score.lines] == [
        "plan not approved by the year's end",
        "0 of 1 milestones due in the year done on time",
        "no certificate or declaration by the year's end",
        "no certificate or declaration at the year's end",
        "annual report not filed",
        "no certificate or declaration at the year's end",
        "no catalogue of administrative procedures",
    ]


def test_each_point_has_its_reason_in_words(programme, province):
    reasons = {line.criterion.measure: line.reason for line in scores_by_code(programme)["STP"].lines}
    assert reasons["plan_on_time"] == "plan approved late, on 01/02/2008 (due by 31/12/2007)"
    assert reasons["annual_report_filed"] == "filed late, on 20/12/2010 (due by 15/12/2010)"
    assert reasons["maintenance_held"] == "1 internal audits and 0 management reviews held"
    assert reasons["corrective_actions_closed"] == "no corrective action was due in the year"


def test_agencies_are_ranked_within_their_group_and_equal_scores_share_a_rank(programme, province):
    ranks = {code: score.rank for code, score in scores_by_code(programme).items()}
    assert ranks == {"SKHCN": 1, "STP": 2, "SYT": 2, "VANLAM": 1}


def test_a_year_without_criteria_scores_nothing(programme, province):
    assert all(score.lines == [] for score in yearly_scores(programme, 2011))


def test_only_the_committee_sets_criteria_and_a_day_criterion_needs_its_day(programme, officer_a, committee_user):
    with pytest.raises(ValidationError, match="Only the steering committee"):
        services.save_criterion(
            Criterion(programme=programme, year=2011, measure="milestones_on_time", weight=5), by=officer_a
        )
    with pytest.raises(ValidationError, match="give the day"):
        services.save_criterion(
            Criterion(programme=programme, year=2011, measure="plan_on_time", weight=5), by=committee_user
        )
    assert services.copy_criteria(programme, from_year=2010, to_year=2011, by=committee_user) == 7


def test_an_officer_sees_only_their_own_agencys_score_with_its_reasons(login, programme, province, officer_a):
    client = login(officer_a)
    page = client.get(reverse("evaluation:index"), {"year": YEAR})
    assert [s.agency.code for _group, members in page.context["groups"] for s in members] == ["SKHCN"]
    own = client.get(reverse("evaluation:agency", args=["SKHCN"]), {"year": YEAR}).content.decode()
    assert "1/2 hành động khắc phục đến hạn trong năm hoàn thành đúng hạn" in own
    assert client.get(reverse("evaluation:agency", args=["STP"]), {"year": YEAR}).status_code == 404
    assert client.get(reverse("evaluation:ranking_xlsx"), {"year": YEAR}).status_code == 403


def test_home_affairs_reads_the_ranking_xlsx_with_every_point_and_reason(login, programme, province, home_affairs):
    response = login(home_affairs).get(reverse("evaluation:ranking_xlsx"), {"year": YEAR})
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1:6] == (1, "SKHCN", "Sở Khoa học và Công nghệ", 92.5, 100)
    assert rows[1][6:] == (10, 20, 30, 10, 10, 5, 7.5)
    reasons = list(workbook.worksheets[1].iter_rows(values_only=True))
    late = ("STP", "Sở Tư pháp", "Nộp báo cáo hằng năm", 5, "nộp muộn, ngày 20/12/2010 (hạn 15/12/2010)")
    assert late in reasons


def test_the_committee_reads_the_ranking_pdf_by_group(login, programme, province, committee_user):
    response = login(committee_user).get(reverse("evaluation:ranking_pdf"), {"year": YEAR})
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "năm 2010" in text
    assert text.index("Sở Khoa học và Công nghệ") < text.index("Sở Tư pháp") < text.index("UBND huyện Văn Lâm")
    assert "92.5/100" in text or "92,5/100" in text
