"""``manage.py progress``: the JSON object matches figures worked out by hand from a small province."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from agencies.models import Agency, AgencyKind
from rollout.models import Certificate, CertificationBody, Milestone, Programme, Regime
from tests.test_progress import finish, make_plan

D = dt.date
AS_OF = "2010-03-31"
# Due dates of milestones 1…9, every 130 days from the plan's start on 1/6/2007: 9/10/2007, 16/2/2008,
# 25/6/2008, 2/11/2008, 12/3/2009, 20/7/2009, 27/11/2009, 6/4/2010, 14/8/2010. Before 31/3/2010: 1–7.
DUE = {number: D(2007, 6, 1) + dt.timedelta(days=130 * number) for number in range(1, 10)}


def agency(code: str, kind=AgencyKind.DEPARTMENT) -> Agency:
    return Agency.objects.create(code=code, name=f"Cơ quan {code}", kind=kind, active_from=D(2007, 1, 1))


def plan_with_due_dates(agency_, programme):
    plan = make_plan(agency_, programme)
    for number, due in DUE.items():
        Milestone.objects.filter(plan=plan, number=number).update(due_date=due)
    return plan


def run(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def province(db):
    """S1 certified on 15/1/2010; S2 done 1–7, the last on 23/8/2009; S3 done 1–2 by 2008; H1 no plan;
    X1 (commune, encouraged) a plan with nothing done."""
    programme = Programme.objects.create(
        name="Đề án 2007",
        legal_basis="Chỉ thị 18/04/2007",
        regime=Regime.CERTIFICATION,
        iso_edition="2000",
        start_date=D(2007, 4, 18),
        target_date=D(2010, 6, 30),
    )
    body = CertificationBody.objects.create(name="Trung tâm Chứng nhận Phù hợp")
    s1 = plan_with_due_dates(agency("S1"), programme)
    finish(s1, range(1, 9), D(2007, 9, 1), 100)  # 1–8 done, the last on 7/8/2009
    Certificate.objects.create(
        plan=s1,
        number="HT 1",
        certification_body=body,
        issued_on=D(2010, 1, 15),
        expires_on=D(2013, 1, 15),
        scope="TTHC",
    )
    finish(plan_with_due_dates(agency("S2"), programme), range(1, 8), D(2007, 9, 1), 120)
    finish(plan_with_due_dates(agency("S3"), programme), [1, 2], D(2007, 9, 1), 131)
    agency("H1", AgencyKind.DISTRICT)
    plan_with_due_dates(agency("X1", AgencyKind.COMMUNE), programme)
    return programme


def group(name, mandatory, total, completed, percent, on_track=0, at_risk=0, off_track=0, not_started=0, overdue=0):
    return {
        "group": name,
        "mandatory": mandatory,
        "total": total,
        "completed": completed,
        "percent_completed": percent,
        "on_track": on_track,
        "at_risk": at_risk,
        "off_track": off_track,
        "not_started": not_started,
        "with_overdue": overdue,
    }


def test_json_matches_the_figures_worked_out_by_hand(province):
    answer = json.loads(run("--programme", str(province.pk), "--as-of", AS_OF, "--json"))
    # S2: 7 done in 1,034 days since 1/6/2007, 1 left up to the certificate (milestone 8) → forecast
    # 31/3/2010 + 148 days = 26/8/2010: after the target but within 90 days → at risk.
    # S3: 2 done → 6 left at 517 days each → years late → off track; milestones 3–7 overdue.
    # X1: nothing done but 1–7 overdue: one milestone done today would be 1,034 days each, 7 left → off track.
    # Percentages count the 8 milestones completion needs: S1 completed 100%, S2 7/8, S3 2/8.
    assert answer["as_of"] == AS_OF
    assert answer["target_date"] == "2010-06-30"
    assert answer["groups"] == [
        group("departments", True, 3, 1, 33.3, at_risk=1, off_track=1, overdue=1),
        group("districts", True, 1, 0, 0.0, not_started=1),
        group("communes", False, 1, 0, 0.0, off_track=1, overdue=1),
        group("public_service", False, 0, 0, 0.0),
        group("mandatory", True, 4, 1, 25.0, at_risk=1, off_track=1, not_started=1, overdue=1),
        group("province", False, 5, 1, 20.0, at_risk=1, off_track=2, not_started=1, overdue=2),
    ]

    def row(code, kind, agency_group, mandatory, status, stage, percent, overdue, completed_on=None):
        return {
            "code": code,
            "name": f"Cơ quan {code}",
            "kind": kind,
            "group": agency_group,
            "mandatory": mandatory,
            "status": status,
            "stage": stage,
            "percent_done": percent,
            "overdue": overdue,
            "completed_on": completed_on,
        }

    assert answer["agencies"] == [
        row("H1", "district", "districts", True, "not_started", 0, 0.0, 0),
        row("S1", "department", "departments", True, "completed", 8, 100.0, 0, "2010-01-15"),
        row("S2", "department", "departments", True, "at_risk", 7, 87.5, 0),
        row("S3", "department", "departments", True, "off_track", 2, 25.0, 5),
        row("X1", "commune", "communes", False, "off_track", 0, 0.0, 7),
    ]


def test_an_earlier_date_gives_the_answer_of_that_day(province):
    answer = json.loads(run("--programme", str(province.pk), "--as-of", "2009-12-31", "--json"))
    statuses = {row["code"]: row["status"] for row in answer["agencies"]}
    # S1 was not certified yet: 8 done by 7/8/2009 at 994 days since the start → forecast on the date itself.
    assert statuses["S1"] == "on_track"
    assert answer["groups"][0]["completed"] == 0


def test_table_lists_groups_and_agencies(province):
    text = run("--programme", str(province.pk), "--as-of", AS_OF)
    assert "Departments and sectors" in text
    assert "Mandatory agencies" in text
    s2 = next(line for line in text.splitlines() if line.startswith("S2 "))
    assert "At risk" in s2 and "87.5" in s2


def test_default_programme_is_the_current_one(province):
    current = Programme.objects.create(
        name="2015",
        legal_basis="QĐ 19/2014",
        regime=Regime.SELF_DECLARATION,
        iso_edition="2015",
        start_date=D(2019, 1, 1),
        target_date=D(2020, 12, 31),
        is_current=True,
    )
    assert json.loads(run("--json", "--as-of", "2019-06-01"))["target_date"] == current.target_date.isoformat()
    current.is_current = False
    current.save()
    assert json.loads(run("--json", "--as-of", "2019-06-01"))["target_date"] == current.target_date.isoformat()


def test_bad_date_is_refused_with_a_clear_message(province):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--as-of", "31/03/2010")


def test_unknown_programme_is_refused(province):
    with pytest.raises(CommandError, match="No programme with id 999"):
        run("--programme", "999")


def test_no_programme_at_all_is_refused(db):
    with pytest.raises(CommandError, match="no programme"):
        run()


def test_a_date_before_the_programmes_start_says_it_had_not_started(province):
    text = run("--programme", str(province.pk), "--as-of", "2006-06-30")
    assert f"The programme had not started on 30/06/2006: it starts on {province.start_date:%d/%m/%Y}" in text
    assert "days to the target" not in text
    assert json.loads(run("--programme", str(province.pk), "--as-of", "2006-06-30", "--json"))["started"] is False
    assert json.loads(run("--programme", str(province.pk), "--as-of", AS_OF, "--json"))["started"] is True
