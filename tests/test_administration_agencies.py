"""The secretariat and DOST keep the agencies and the programmes without the Django admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from agencies.models import SECRETARIAT_GROUP, Agency
from rollout.models import Programme
from tests.conftest import make_user
from tests.fixtures_rollout_ui import make_plan, make_programme


@pytest.fixture
def secretariat(client, db):
    user = make_user("secretariat", groups=[Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0]])
    client.force_login(user)
    return user


def test_the_secretariat_creates_an_agency_with_its_steering_committee(client, secretariat, agency_b):
    data = {
        "code": "LACHONG",
        "name": "Xã Lạc Hồng",
        "kind": "commune",
        "parent": agency_b.pk,
        "active_from": "01/01/2008",
    }
    response = client.post(reverse("administration:agency_new"), data)
    assert response.status_code == 302
    agency = Agency.objects.get(code="LACHONG")
    assert (agency.group, agency.tier, agency.parent) == ("communes", "encouraged", agency_b)
    assert agency.steering_committee is not None
    assert agency.history.get().history_user == secretariat


def test_a_rename_and_a_new_kind_move_the_agency_to_its_group_and_are_recorded(client, secretariat, agency_b):
    data = {"name": "UBND thị xã Văn Lâm", "kind": "town", "active_from": "01/01/2007"}
    client.post(reverse("administration:agency_edit", kwargs={"code": agency_b.code}), data)
    agency_b.refresh_from_db()
    assert (agency_b.name, agency_b.kind, agency_b.group) == ("UBND thị xã Văn Lâm", "town", "districts")
    assert agency_b.history.first().history_user == secretariat


def test_closing_an_agency_with_an_open_plan_is_refused_and_nothing_changes(client, secretariat, agency_b):
    make_plan(agency_b, make_programme())
    url = reverse("administration:agency_close", kwargs={"code": agency_b.code})
    response = client.post(url, {"active_to": "31/12/2010"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "still has a plan that is not completed" in response.content.decode()
    agency_b.refresh_from_db()
    assert agency_b.active_to is None


def test_an_agency_without_an_open_plan_closes_and_reopens(client, secretariat, agency_b):
    url = reverse("administration:agency_close", kwargs={"code": agency_b.code})
    client.post(url, {"active_to": "31/12/2010"})
    agency_b.refresh_from_db()
    assert agency_b.active_to == dt.date(2010, 12, 31)
    client.post(url, {"reopen": "1"})
    agency_b.refresh_from_db()
    assert agency_b.active_to is None


def programme_data(**changes):
    return {
        "name": "Đề án 2015",
        "legal_basis": "Quyết định 19/2014/QĐ-TTg",
        "regime": "self_declaration",
        "iso_edition": "2015",
        "start_date": "01/01/2016",
        "target_date": "31/12/2018",
        "mandatory_groups": ["departments", "districts"],
        **changes,
    }


def test_a_programme_is_created_with_its_regime_edition_dates_and_mandatory_groups(client, secretariat):
    client.post(reverse("administration:programme_new"), programme_data())
    programme = Programme.objects.get(name="Đề án 2015")
    assert (programme.regime, programme.iso_edition, programme.target_date) == (
        "self_declaration",
        "2015",
        dt.date(2018, 12, 31),
    )
    assert programme.mandatory_groups == ["departments", "districts"]
    assert programme.history.get().history_user == secretariat


def test_a_programme_whose_target_precedes_its_start_is_refused(client, secretariat):
    response = client.post(
        reverse("administration:programme_new"), programme_data(target_date="01/06/2015"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The target date must come after the start date." in response.content.decode()
    assert not Programme.objects.exists()


def test_marking_a_programme_current_leaves_only_that_one_current(client, secretariat):
    first = make_programme()
    second = make_programme(is_current=False, name="2015")
    client.post(reverse("administration:programme_current", kwargs={"pk": second.pk}))
    assert list(Programme.objects.filter(is_current=True)) == [second]
    first.refresh_from_db()
    assert not first.is_current
