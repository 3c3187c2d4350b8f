"""Time travel: the committee picks the 2007 programme, sees it on its target date, and every page it drills
down to (agency, plan, milestone, reports) keeps that day and says so."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from rollout.models import Programme
from tests.fixtures_dashboard import build_province

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hà Nội


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def province(db):
    province = build_province()
    Programme.objects.filter(pk=province["programme"].pk).update(is_current=False)
    province["current"] = Programme.objects.create(
        name="Kế hoạch 2026",
        legal_basis="QĐ 19/2014",
        iso_edition="2015",
        regime="self_declaration",
        start_date=dt.date(2026, 8, 1),
        target_date=dt.date(2027, 8, 31),
        is_current=True,
    )
    return province


def page(client, path, **params) -> str:
    response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_a_closed_programme_picked_without_a_date_is_shown_on_its_target_date(client, province):
    client.force_login(province["committee"])
    html = page(client, "/", programme=province["programme"].pk)
    assert "Figures as of 30/06/2010." in html
    assert "As of 30/06/2010" in html
    # Relative to the chosen day, not to today (which is in 2026).
    assert "Target date: 30/06/2010." in html and "The target date is today." not in html


def test_the_current_programme_is_shown_today(client, province):
    client.force_login(province["committee"])
    html = page(client, "/", programme=province["current"].pk)
    assert "Figures as of 01/12/2026." in html
    assert 'class="as-of-banner"' not in html


def test_the_dashboard_script_submits_the_programme_choice_without_the_old_date(client, province):
    client.force_login(province["committee"])
    html = page(client, "/")
    assert re.search(r'<script src="[^"]*js/dashboard\.js" defer></script>', html)
    assert "<script>" not in html and "onchange" not in html


def test_the_agency_link_keeps_the_day_and_the_agency_page_says_so(client, province):
    client.force_login(province["committee"])
    html = page(client, "/", programme=province["programme"].pk, as_of="30/06/2009")
    assert 'href="/agencies/SYT/?as_of=30%2F06%2F2009"' in html
    agency = page(client, "/agencies/SYT/", as_of="30/06/2009")
    assert "As of 30/06/2009" in agency
    plan = province["plans"]["SYT"]
    assert f'href="/rollout/plans/{plan.pk}/?as_of=30%2F06%2F2009"' in agency


def test_the_plan_page_shows_the_milestones_as_they_stood_on_the_day(client, province):
    client.force_login(province["committee"])
    plan = province["plans"]["SYT"]  # milestone 2 done on 10/02/2009
    before = page(client, plan.get_absolute_url(), as_of="31/12/2008")
    assert "As of 31/12/2008" in before
    assert "10/02/2009" not in before
    assert "Milestones done</dt><dd>1 / 3" in before
    milestone = plan.milestones.get(number=2)
    assert f'href="/rollout/milestones/{milestone.pk}/?as_of=31%2F12%2F2008"' in before
    after = page(client, plan.get_absolute_url(), as_of="28/02/2009")
    assert "Milestones done</dt><dd>2 / 3" in after


def test_the_milestone_page_shows_its_status_on_the_day_and_offers_no_change(client, province):
    milestone = province["plans"]["SYT"].milestones.get(number=2)
    client.force_login(province["officer_syt"])
    then = page(client, milestone.get_absolute_url(), as_of="31/12/2008")
    assert "As of 31/12/2008" in then
    assert "badge-not_started" in then and "<form method=\"post\" enctype" not in then
    today = page(client, milestone.get_absolute_url())
    assert "badge-done" in today and "<form method=\"post\" enctype" in today


def test_the_reports_page_starts_from_the_day_carried_to_it(client, province):
    client.force_login(province["committee"])
    html = page(client, reverse("reports:index"), programme=province["programme"].pk, as_of="30/06/2010")
    assert "As of 30/06/2010" in html
    assert 'value="2010-06-30"' in html or 'value="30/06/2010"' in html


def test_a_day_that_is_not_a_date_shows_today_and_says_why(client, province):
    client.force_login(province["committee"])
    html = page(client, "/agencies/SYT/", as_of="31/02/2009")
    assert "“31/02/2009” is not a date the portal can show; showing today, 01/12/2026." in html
    assert 'class="as-of-banner"' not in html


def test_group_labels_follow_the_chosen_day(client, province):
    from agencies.models import Agency, AgencyKind

    Agency.objects.create(code="TPHY", name="UBND thành phố Hưng Yên", kind=AgencyKind.CITY,
                          active_from=dt.date(2009, 1, 9))
    client.force_login(province["committee"])
    before = page(client, "/", programme=province["programme"].pk, as_of="30/06/2008")
    after = page(client, "/", programme=province["programme"].pk, as_of="30/06/2010")
    assert '<h3 id="tile-districts">Districts</h3>' in before
    assert '<h3 id="tile-districts">Districts, cities</h3>' in after
