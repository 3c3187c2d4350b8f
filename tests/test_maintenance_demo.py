"""The demo after certification: 2010–2012 maintenance records and annual reports for most certified agencies
(some late, some missing), and the score criteria of 2010 and 2011 ranking every scored agency."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine

from agencies import demo as agencies_demo
from evaluation import demo as evaluation_demo
from evaluation.models import Criterion
from evaluation.score import ranking, yearly_scores
from maintenance import demo
from maintenance.models import AnnualReport, CorrectiveAction, MaintenanceActivity
from maintenance.records import Filing
from maintenance.summary import filing_counts, province_rows
from procedures import demo as procedures_demo
from rollout import demo as rollout_demo
from rollout.models import Programme

TODAY = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def programme(db):
    with time_machine.travel(TODAY, tick=False):
        for module in (agencies_demo, rollout_demo, procedures_demo, demo, evaluation_demo):
            module.load(StringIO())
    return Programme.objects.get(name=rollout_demo.PROGRAMME_2007)


def test_most_certified_agencies_file_each_year_and_some_are_late_or_missing(programme):
    for year in (2010, 2011, 2012):
        counts = filing_counts(province_rows(programme, year))
        assert counts[Filing.FILED] > counts[Filing.LATE] + counts[Filing.MISSING]
        assert counts[Filing.MISSING] > 0
    assert sum(filing_counts(province_rows(programme, year))[Filing.LATE] for year in (2010, 2011, 2012)) > 0


def test_the_records_hold_every_kind_of_activity_and_actions_closed_late_and_open(programme):
    kinds = set(MaintenanceActivity.objects.values_list("kind", flat=True))
    assert kinds == {"internal_audit", "management_review", "surveillance_audit", "edition_update"}
    actions = CorrectiveAction.objects.all()
    assert actions.filter(closed_on__isnull=True).exists()
    assert any(a.closed_on and a.closed_on > a.due_on for a in actions)


def test_the_2010_and_2011_criteria_are_worth_100_points_and_rank_every_group(programme):
    for year in (2010, 2011):
        assert sum(Criterion.objects.filter(programme=programme, year=year).values_list("weight", flat=True)) == 100
        groups = dict(ranking(yearly_scores(programme, year)))
        assert {"departments", "districts"} <= set(groups)
        assert all(0 <= score.total <= 100 for members in groups.values() for score in members)
        assert all(members[0].rank == 1 for members in groups.values())


def test_a_second_run_changes_nothing(programme):
    before = (MaintenanceActivity.objects.count(), AnnualReport.objects.count(), Criterion.objects.count())
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        demo.load(out)
        evaluation_demo.load(out)
    assert (MaintenanceActivity.objects.count(), AnnualReport.objects.count(), Criterion.objects.count()) == before
    assert "already loaded" in out.getvalue()
