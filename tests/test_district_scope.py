"""A district People's Committee oversees its communes, wards, townships and public units: its ISO officer and
head read their plans and urge them; a commune of another district answers 404; communes never see each other."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.access import Access, agencies_for_user, may
from agencies.models import Agency, AgencyKind, UserRole
from agencies.services import sync_agency_permissions
from rollout.access import plans_for_user
from rollout.models import UrgeRecord
from tests.conftest import make_user
from tests.fixtures_rollout_ui import make_plan, make_programme


def unit(code, name, kind, parent, **extra):
    return Agency.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)


def account(username, agency, role=UserRole.ISO_OFFICER):
    user = make_user(username, agency=agency, role=role)
    sync_agency_permissions(user)
    return user


@pytest.fixture
def district(agency_b):
    """Văn Lâm (agency B) with a commune and a public unit; Yên Mỹ with a commune of its own."""
    yen_my = Agency.objects.create(code="YENMY", name="UBND huyện Yên Mỹ", kind=AgencyKind.DISTRICT)
    return {
        "own_commune": unit("LACHONG", "UBND xã Lạc Hồng", AgencyKind.COMMUNE, agency_b, email="lh@example.gov.vn"),
        "own_unit": unit("TTYT-VL", "Trung tâm Y tế huyện Văn Lâm", AgencyKind.PUBLIC_SERVICE_UNIT, agency_b),
        "other_commune": unit("TANLAP", "UBND xã Tân Lập", AgencyKind.COMMUNE, yen_my),
    }


def test_a_district_officer_reads_the_communes_and_public_units_of_the_district(officer_b, agency_b, district):
    assert set(agencies_for_user(officer_b).values_list("code", flat=True)) == {"VANLAM", "LACHONG", "TTYT-VL"}
    assert may(officer_b, Access.VIEW, district["own_commune"])
    assert not may(officer_b, Access.VIEW, district["other_commune"])


def test_the_district_head_oversees_as_the_officer_does(agency_b, district):
    head = account("head-vanlam", agency_b, UserRole.AGENCY_HEAD)
    assert may(head, Access.URGE, district["own_commune"])
    assert not may(head, Access.URGE, district["other_commune"])
    assert agencies_for_user(head).filter(code="LACHONG").exists()


def test_a_district_officer_changes_nothing_of_a_commune(officer_b, district):
    assert list(agencies_for_user(officer_b, Access.MANAGE).values_list("code", flat=True)) == ["VANLAM"]
    plan = make_plan(district["own_commune"], make_programme())
    assert plans_for_user(officer_b).filter(pk=plan.pk).exists()
    assert not plans_for_user(officer_b, Access.MANAGE).filter(pk=plan.pk).exists()


def test_a_commune_officer_never_sees_another_commune(agency_b, district):
    commune_officer = account("officer-lachong", district["own_commune"])
    assert list(agencies_for_user(commune_officer).values_list("code", flat=True)) == ["LACHONG"]
    assert not may(commune_officer, Access.URGE, district["own_unit"])
    assert not may(commune_officer, Access.URGE)


def test_a_district_officer_opens_their_commune_and_gets_404_for_another_districts(client, officer_b, district):
    client.force_login(officer_b)
    assert client.get(reverse("agencies:detail", kwargs={"code": "LACHONG"})).status_code == 200
    assert client.get(reverse("agencies:detail", kwargs={"code": "TANLAP"})).status_code == 404
    assert client.get(reverse("rollout:urge", kwargs={"code": "TANLAP"})).status_code == 404
    assert client.get(reverse("rollout:urge", kwargs={"code": "LACHONG"})).status_code == 200


def test_a_commune_officer_who_may_never_urge_is_refused_before_any_agency_is_read(client, agency_b, district):
    client.force_login(account("officer-lachong", district["own_commune"]))
    assert client.get(reverse("rollout:urge", kwargs={"code": "TANLAP"})).status_code == 403
    assert client.get(reverse("rollout:urge", kwargs={"code": "NO-SUCH-AGENCY"})).status_code == 403


def test_a_district_officer_urges_a_commune_of_theirs_and_the_urging_is_recorded(client, officer_b, district):
    programme = make_programme()
    client.force_login(officer_b)
    response = client.post(
        reverse("rollout:urge", kwargs={"code": "LACHONG"}),
        {"programme": programme.pk, "message": "Đề nghị xã hoàn thành việc thành lập Ban chỉ đạo ISO."},
    )
    assert response.status_code == 302
    record = UrgeRecord.objects.get()
    assert (record.agency, record.by) == (district["own_commune"], officer_b)
    assert record.recipients == ["lh@example.gov.vn"]


def test_a_district_officer_cannot_urge_a_department(client, officer_b, agency_a, district):
    client.force_login(officer_b)
    assert client.get(reverse("rollout:urge", kwargs={"code": agency_a.code})).status_code == 404
