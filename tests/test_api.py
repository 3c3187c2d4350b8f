"""The REST API: tokens, optimistic locking, bad input, problem details, pagination, throttling, the schema."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import create_api_token, revoke_api_token
from rollout.models import Evidence, Milestone, MilestoneStatus, MilestoneStatusChange
from rollout.progress import programme_progress
from tests import fixtures_rollout_ui as fx

programme, plan_a, plan_b = fx.programme, fx.plan_a, fx.plan_b

NOW = dt.datetime(2008, 3, 3, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bearer(db):
    def _bearer(user, **options):
        _token, secret = create_api_token(user, name=options.get("name", "một cửa"), days=options.get("days", 30))
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": options.get("language", "en")}

    return _bearer


@pytest.fixture
def milestone_a(plan_a) -> Milestone:
    return plan_a.milestones.get(number=1)


def patch(client, milestone, body, headers, **extra):
    return client.patch(
        reverse("api:milestone-detail", kwargs={"pk": milestone.pk}),
        body,
        content_type="application/json",
        **headers,
        **extra,
    )


# --- tokens ----------------------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_digest(officer_a):
    token, secret = create_api_token(officer_a, name="e-ISO", days=10)
    stored = ApiToken.objects.filter(pk=token.pk).values_list(*[f.attname for f in ApiToken._meta.fields]).get()
    assert secret not in [str(value) for value in stored]
    assert secret.startswith(token.shown_part)


def test_a_token_acts_as_its_user_and_records_its_last_use(client, officer_a, plan_a, bearer):
    response = client.get(reverse("api:plan-list"), **bearer(officer_a))
    assert [row["id"] for row in response.json()["results"]] == [plan_a.pk]
    assert ApiToken.objects.get().last_used_at == timezone.now()


@pytest.mark.parametrize("spoil", ["revoke", "expire", "deactivate", "garble"])
def test_a_revoked_expired_garbled_or_deactivated_users_token_is_refused(spoil, client, officer_a, bearer):
    headers = bearer(officer_a, days=1)
    if spoil == "revoke":
        revoke_api_token(officer_a, ApiToken.objects.get().pk)
    elif spoil == "deactivate":
        officer_a.is_active = False
        officer_a.save()
    elif spoil == "garble":
        headers["HTTP_AUTHORIZATION"] += "x"
    travel = dt.timedelta(days=2 if spoil == "expire" else 0)
    with time_machine.travel(NOW + travel, tick=False):
        response = client.get(reverse("api:plan-list"), **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_user_cannot_revoke_someone_elses_token(officer_a, officer_b):
    token, _secret = create_api_token(officer_a, name="e-ISO", days=10)
    with pytest.raises(Exception) as refused:
        revoke_api_token(officer_b, token.pk)
    assert refused.typename == "Http404"
    assert ApiToken.objects.get().revoked_at is None


def test_a_token_cannot_outlive_the_longest_validity(officer_a, settings):
    with pytest.raises(Exception) as refused:
        create_api_token(officer_a, name="e-ISO", days=settings.API_TOKEN_MAX_DAYS + 1)
    assert "days" in refused.value.message_dict
    assert not ApiToken.objects.exists()


# --- optimistic locking ------------------------------------------------------------------------------------------


def test_a_milestone_answers_its_version_as_etag_and_an_update_with_it_goes_through_the_service(
    client, officer_a, milestone_a, bearer
):
    headers = bearer(officer_a)
    read = client.get(reverse("api:milestone-detail", kwargs={"pk": milestone_a.pk}), **headers)
    assert read["ETag"] == f'"{milestone_a.version}"'
    response = patch(
        client,
        milestone_a,
        {"status": "done", "completed_on": "2008-03-01", "note": "Xong"},
        headers,
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert response["ETag"] == f'"{milestone_a.version + 1}"'
    change = MilestoneStatusChange.objects.get(milestone=milestone_a)
    assert (change.by, change.to_status, change.effective_on, change.note) == (
        officer_a,
        "done",
        dt.date(2008, 3, 1),
        "Xong",
    )


def test_a_stale_version_answers_409_with_the_current_values_and_saves_nothing(client, officer_a, milestone_a, bearer):
    headers = bearer(officer_a)
    stale = f'"{milestone_a.version}"'
    assert patch(client, milestone_a, {"status": "in_progress"}, headers, HTTP_IF_MATCH=stale).status_code == 200
    response = patch(
        client, milestone_a, {"status": "blocked", "blocked_reason": "Chờ kinh phí"}, headers, HTTP_IF_MATCH=stale
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["status"] == "in_progress"
    assert body["current"]["version"] == milestone_a.version + 1
    assert response["ETag"] == f'"{milestone_a.version + 1}"'
    assert any(change["field"] == "status" for change in body["changes"])
    milestone_a.refresh_from_db()
    assert milestone_a.status == MilestoneStatus.IN_PROGRESS
    assert MilestoneStatusChange.objects.filter(milestone=milestone_a).count() == 1


def test_an_update_without_a_version_is_refused_with_428(client, officer_a, milestone_a, bearer):
    response = patch(client, milestone_a, {"status": "in_progress"}, bearer(officer_a))
    assert response.status_code == 428
    assert Milestone.objects.get(pk=milestone_a.pk).status == MilestoneStatus.NOT_STARTED


def test_the_version_may_come_in_the_body(client, officer_a, milestone_a, bearer):
    response = patch(client, milestone_a, {"status": "in_progress", "version": milestone_a.version}, bearer(officer_a))
    assert response.status_code == 200


# --- bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "done", "completed_on": "2008-03-04"}, "completed_on"),  # tomorrow
        ({"status": "done"}, "completed_on"),
        ({"status": "finished"}, "status"),
        ({"status": "blocked"}, "blocked_reason"),
        ({"status": "done", "completed_on": "03/01/2008"}, "completed_on"),
    ],
)
def test_bad_input_names_its_field_and_saves_nothing(body, field, client, officer_a, milestone_a, bearer):
    response = patch(client, milestone_a, {**body, "version": milestone_a.version}, bearer(officer_a))
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["type"].endswith("/invalid-request")
    assert field in [error["field"] for error in problem["errors"]]
    assert not MilestoneStatusChange.objects.exists()
    assert Milestone.objects.get(pk=milestone_a.pk).version == milestone_a.version


def test_evidence_is_checked_by_the_pages_validators(client, officer_a, milestone_a, bearer):
    fake = SimpleUploadedFile("bien-ban.pdf", b"<html>%PDF-1.4</html>", content_type="application/pdf")
    response = client.post(
        reverse("api:milestone-evidence", kwargs={"pk": milestone_a.pk}), {"file": fake}, **bearer(officer_a)
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("query", ["as_of=30/06/2010", "as_of=2010-02-30", "group=planets", "page=0"])
def test_a_bad_query_parameter_answers_400(query, client, committee_user, programme, bearer):
    url = reverse("api:programme-progress", kwargs={"pk": programme.pk})
    response = client.get(f"{url}?{query}", **bearer(committee_user))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


def test_problems_are_told_in_the_users_language(client, officer_a, bearer):
    response = client.get(reverse("api:plan-detail", kwargs={"pk": 999}), **bearer(officer_a, language="vi"))
    assert response.status_code == 404
    assert response.json()["title"] == "Không tìm thấy"
    english = client.get(reverse("api:plan-detail", kwargs={"pk": 999}), **bearer(officer_a, language="en"))
    assert english.json()["title"] == "Not found"


def test_an_unknown_api_address_answers_a_problem(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


# --- reads ------------------------------------------------------------------------------------------------------


def test_progress_is_the_engines_answer_on_the_date(client, committee_user, plan_a, plan_b, bearer):
    milestone = plan_a.milestones.get(number=1)
    MilestoneStatusChange.objects.create(milestone=milestone, to_status="done", effective_on=dt.date(2007, 9, 1))
    url = reverse("api:programme-progress", kwargs={"pk": plan_a.programme.pk})
    body = client.get(f"{url}?as_of=2008-01-01", **bearer(committee_user)).json()
    engine = programme_progress(plan_a.programme, dt.date(2008, 1, 1))
    assert body["as_of"] == "2008-01-01"
    assert [(g["group"], g["total"], g["completed"], g["on_track"]) for g in body["groups"]] == [
        (g.group, g.total, g.completed, g.on_track) for g in engine.groups
    ]
    assert {(a["code"], a["status"], a["milestones_done"]) for a in body["agencies"]} == {
        (a.code, a.status, a.milestones_done) for a in engine.agencies
    }


def test_an_officer_gets_the_progress_of_their_own_agency_only(client, officer_a, plan_a, plan_b, bearer):
    url = reverse("api:programme-progress", kwargs={"pk": plan_a.programme.pk})
    body = client.get(url, **bearer(officer_a)).json()
    assert [a["code"] for a in body["agencies"]] == [plan_a.agency.code]
    assert body["province"]["total"] == 1


def test_pages_of_a_list_neither_overlap_nor_miss(client, committee_user, plan_a, plan_b, bearer):
    headers, seen, url = bearer(committee_user), [], reverse("api:milestone-list") + "?page_size=2"
    while url:
        page = client.get(url, **headers).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted(Milestone.objects.values_list("pk", flat=True))


def test_milestones_filter_by_agency_status_and_due_date(client, committee_user, plan_a, plan_b, bearer):
    url = reverse("api:milestone-list") + f"?agency={plan_b.agency.code}&due_before=2008-12-31&status=not_started"
    rows = client.get(url, **bearer(committee_user)).json()["results"]
    assert [(row["agency"], row["number"]) for row in rows] == [(plan_b.agency.code, 1), (plan_b.agency.code, 2)]


def test_agencies_are_listed_as_they_were_on_the_date(client, committee_user, agency_a, agency_b, bearer):
    agency_b.active_from = dt.date(2009, 1, 1)
    agency_b.save()
    url = reverse("api:agency-list")
    then = [row["code"] for row in client.get(url + "?as_of=2008-06-30", **bearer(committee_user)).json()["results"]]
    assert agency_a.code in then and agency_b.code not in then


# --- throttling and sessions ------------------------------------------------------------------------------------


def test_each_token_has_its_own_request_budget(client, officer_a, settings, bearer):
    settings.API_RATE = "2/minute"
    cache.clear()  # budgets are kept in the cache, which outlives a test's database
    first, second = bearer(officer_a, name="one"), bearer(officer_a, name="two")
    answers = [client.get(reverse("api:plan-list"), **first).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get(reverse("api:plan-list"), **second).status_code == 200


def test_a_browser_session_reads_but_must_send_its_csrf_token_to_write(officer_a, milestone_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_a)
    assert browser.get(reverse("api:milestone-list")).status_code == 200
    response = patch(browser, milestone_a, {"status": "in_progress", "version": 1}, {})
    assert response.status_code == 403
    assert Milestone.objects.get(pk=milestone_a.pk).status == MilestoneStatus.NOT_STARTED


# --- the schema -------------------------------------------------------------------------------------------------


def test_the_committed_schema_is_the_one_the_code_generates_without_warnings(tmp_path):
    generated = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--lang",
        "en",
        "--file",
        str(generated),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    committed = (__import__("pathlib").Path(__file__).parents[1] / "api" / "schema.yaml").read_text()
    assert generated.read_text() == committed, (
        "api/schema.yaml is out of date: run `python manage.py spectacular --lang en --file api/schema.yaml`"
    )


def test_plans_of_other_programmes_do_not_leak_into_a_filtered_list(client, officer_a, plan_a, bearer):
    other = fx.make_plan(plan_a.agency, fx.make_programme(is_current=False, name="2015"))
    rows = client.get(reverse("api:plan-list") + f"?programme={plan_a.programme.pk}", **bearer(officer_a)).json()
    assert [row["id"] for row in rows["results"]] == [plan_a.pk]
    assert other.pk not in [row["id"] for row in rows["results"]]


def test_the_provinces_progress_is_kept_only_while_the_records_are_unchanged(client, committee_user, plan_a, bearer):
    headers, url = bearer(committee_user), reverse("api:programme-progress", kwargs={"pk": plan_a.programme.pk})
    assert client.get(url, **headers).json()["province"]["completed"] == 0
    from rollout.models import Certificate, CertificationBody

    Certificate.objects.create(
        plan=plan_a,
        number="HT 9",
        certification_body=CertificationBody.objects.create(name="QUACERT"),
        issued_on=dt.date(2008, 3, 1),
        expires_on=dt.date(2011, 3, 1),
        scope="TTHC",
    )
    assert client.get(url, **headers).json()["province"]["completed"] == 1


def test_progress_can_answer_what_the_portal_knew_on_the_day(client, committee_user, plan_a, bearer):
    milestone = plan_a.milestones.get(number=1)
    recorded_later = dt.datetime(2008, 3, 2, 9, 0, tzinfo=dt.UTC)
    MilestoneStatusChange.objects.create(
        milestone=milestone, to_status="done", effective_on=dt.date(2007, 9, 1), at=recorded_later
    )
    url = reverse("api:programme-progress", kwargs={"pk": plan_a.programme.pk}) + "?as_of=2008-01-01"
    headers = bearer(committee_user)

    def done(query=""):
        rows = client.get(url + query, **headers).json()["agencies"]
        return next(row["milestones_done"] for row in rows if row["code"] == plan_a.agency.code)

    assert (done(), done("&as_recorded=true")) == (1, 0)
