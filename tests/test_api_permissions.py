"""Who may call which API endpoint: every endpoint for every kind of user, through a personal API token.

As on the pages, an object of another agency answers 404 (as if it did not exist), and so does a change the
user may not make to an object they may see; without credentials the answer is 401, as problem details.
"""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from api.services import create_api_token
from rollout.models import ReminderKind, ReminderLog
from tests.test_permissions_matrix import (
    ANONYMOUS,
    COMMITTEE,
    DOST,
    HEAD_A,
    OFFICER_A,
    OFFICER_B,
    ROLES,
    USER_FIXTURE,
    VIEWER,
    rollout_world,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def everyone(status=200, *, anonymous=401) -> dict[str, int]:
    return {role: anonymous if role == ANONYMOUS else status for role in ROLES}


def own_agency_only() -> dict[str, int]:
    return {**everyone(200), OFFICER_B: 404}


def agency_b_visible() -> dict[str, int]:
    return {**everyone(200), OFFICER_A: 404, HEAD_A: 404}


def officer_a_only(status=200) -> dict[str, int]:
    return {**everyone(404), OFFICER_A: status}


ENDPOINTS = [
    # (method, url name, kwargs, expected, body)
    ("get", "api:programme-list", {}, everyone(), None),
    ("get", "api:programme-detail", lambda w: {"pk": w.programme.pk}, everyone(), None),
    ("get", "api:programme-progress", lambda w: {"pk": w.programme.pk}, everyone(), None),
    ("get", "api:programme-detail", {"pk": 999999}, everyone(404), None),
    ("get", "api:agency-list", {}, everyone(), None),
    ("get", "api:agency-detail", lambda w: {"code": w.agency_a.code}, own_agency_only(), None),
    ("get", "api:agency-detail", lambda w: {"code": w.agency_b.code}, agency_b_visible(), None),
    ("get", "api:plan-list", {}, everyone(), None),
    ("get", "api:plan-detail", lambda w: {"pk": w.plan_a.pk}, own_agency_only(), None),
    ("get", "api:plan-detail", lambda w: {"pk": w.plan_b.pk}, agency_b_visible(), None),
    ("get", "api:milestone-list", {}, everyone(), None),
    ("get", "api:milestone-detail", lambda w: {"pk": w.milestone_a.pk}, own_agency_only(), None),
    ("get", "api:milestone-detail", lambda w: {"pk": w.milestone_b.pk}, agency_b_visible(), None),
    (
        "patch",
        "api:milestone-detail",
        lambda w: {"pk": w.milestone_a.pk},
        officer_a_only(),
        lambda w: {"status": "in_progress", "note": "Đã bắt đầu", "version": w.milestone_a.version},
    ),
    (
        "patch",
        "api:milestone-detail",
        lambda w: {"pk": w.milestone_b.pk},
        {**everyone(404), OFFICER_B: 200},
        lambda w: {"status": "in_progress", "version": w.milestone_b.version},
    ),
    (
        "post",
        "api:milestone-evidence",
        lambda w: {"pk": w.milestone_a.pk},
        officer_a_only(201),
        lambda w: {"file": SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")},
    ),
    ("get", "api:certificate-list", {}, everyone(), None),
    ("get", "api:certificate-detail", lambda w: {"pk": w.certificate_a.pk}, own_agency_only(), None),
    ("get", "api:declaration-list", {}, everyone(), None),
    ("get", "api:declaration-detail", lambda w: {"pk": w.declaration_a.pk}, own_agency_only(), None),
    ("get", "api:reminder-list", {}, everyone(), None),
    ("get", "api:reminder-detail", lambda w: {"pk": w.reminder_a.pk}, officer_a_only(), None),
    ("get", "api:problem_type", {"kind": "edit-conflict"}, everyone(200, anonymous=200), None),
    ("get", "api:schema", {}, everyone(200, anonymous=200), None),
    ("get", "api:docs", {}, everyone(200, anonymous=200), None),
    ("get", "api:redoc", {}, everyone(200, anonymous=200), None),
]


@pytest.fixture
def world(agency_a, agency_b, officer_a):
    world = types.SimpleNamespace(agency_a=agency_a, agency_b=agency_b, **rollout_world(agency_a, agency_b))
    world.programme = world.plan_a.programme
    world.reminder_a = ReminderLog.objects.create(
        milestone=world.milestone_a,
        programme=world.programme,
        kind=ReminderKind.DUE_SOON,
        key="due-soon-7",
        recipient=officer_a,
        email=officer_a.email,
        for_date=dt.date(2007, 9, 23),
    )
    return world


def _bearer(user) -> dict[str, str]:
    _token, secret = create_api_token(user, name="Hệ thống một cửa", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


CASES = [
    pytest.param(endpoint, role, id=f"{endpoint[0]} {endpoint[1]}[{index}]-{role}")
    for index, endpoint in enumerate(ENDPOINTS)
    for role in ROLES
]


@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_each_role_gets_the_expected_answer_from_each_endpoint(endpoint, role, world, client, request):
    method, name, kwargs, expected, body = endpoint
    url = reverse(name, kwargs=kwargs(world) if callable(kwargs) else kwargs)
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if role != ANONYMOUS:
        headers.update(_bearer(request.getfixturevalue(USER_FIXTURE[role])))
    data = body(world) if body else None
    if method == "patch":
        response = client.patch(url, data, content_type="application/json", **headers)
    elif method == "post":
        response = client.post(url, data, **headers)
    else:
        response = client.get(url, **headers)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}: {response.content[:300]!r}"
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code


def test_every_api_endpoint_has_a_row():
    covered = {name.split(":")[1] for _m, name, *_rest in ENDPOINTS}
    api = get_resolver().namespace_dict["api"][1]
    names = {name for name in api.reverse_dict if isinstance(name, str) and not name.endswith("-root")}
    assert names <= covered, f"API endpoints without a row: {sorted(names - covered)}"


def test_every_role_is_expected_in_every_row():
    for _method, name, _kwargs, expected, _body in ENDPOINTS:
        assert set(expected) == set(ROLES), name


def test_lists_hold_only_what_the_user_may_see(world, client, officer_b):
    headers = _bearer(officer_b)
    for name, own in (("api:milestone-list", world.milestone_b.pk), ("api:plan-list", world.plan_b.pk)):
        ids = {row["id"] for row in client.get(reverse(name), **headers).json()["results"]}
        assert own in ids
        assert world.milestone_a.pk not in ids and world.plan_a.pk not in ids
    assert client.get(reverse("api:certificate-list"), **headers).json()["count"] == 0
    codes = [row["code"] for row in client.get(reverse("api:agency-list"), **headers).json()["results"]]
    assert codes == [world.agency_b.code]


@pytest.mark.parametrize("role", [DOST, COMMITTEE, VIEWER])
def test_province_wide_roles_list_every_agency(role, world, client, request):
    headers = _bearer(request.getfixturevalue(USER_FIXTURE[role]))
    codes = {row["code"] for row in client.get(reverse("api:agency-list"), **headers).json()["results"]}
    assert {world.agency_a.code, world.agency_b.code} <= codes
