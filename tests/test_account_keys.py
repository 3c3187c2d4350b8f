"""A user's own keys: API tokens made and revoked on their page, and the secret calendar address with their
deadlines as iCalendar."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from api.models import ApiToken, CalendarFeed
from api.services import open_calendar_feed
from rollout.models import Certificate, CertificationBody, MilestoneStatus
from tests import fixtures_rollout_ui as fx

programme, plan_a, plan_b = fx.programme, fx.plan_a, fx.plan_b

NOW = dt.datetime(2008, 3, 3, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def events_of(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_new_token_is_shown_once_and_then_only_by_its_first_characters(login, officer_a):
    client = login(officer_a)
    created = client.post(reverse("account:api_tokens"), {"name": "Một cửa Văn Lâm", "days": "90"})
    assert created.status_code == 201
    secret = created.context["new_secret"]
    assert secret in created.content.decode()
    token = ApiToken.objects.get()
    assert (token.name, token.expires_at - token.created_at) == ("Một cửa Văn Lâm", dt.timedelta(days=90))
    listed = client.get(reverse("account:api_tokens")).content.decode()
    assert secret not in listed and f"{token.shown_part}…" in listed


def test_a_token_without_a_name_or_beyond_the_longest_validity_is_not_made(login, officer_a, settings):
    client = login(officer_a)
    response = client.post(
        reverse("account:api_tokens"),
        {"name": " ", "days": str(settings.API_TOKEN_MAX_DAYS + 1)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working(login, client, officer_a):
    page = login(officer_a)
    secret = page.post(reverse("account:api_tokens"), {"name": "e-ISO", "days": "30"}).context["new_secret"]
    page.post(reverse("account:api_token_revoke", kwargs={"pk": ApiToken.objects.get().pk}))
    page.logout()
    assert client.get(reverse("api:plan-list"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_an_officers_feed_holds_their_agencys_open_milestones_and_certificate_expiry(client, officer_a, plan_a, plan_b):
    plan_a.milestones.filter(number=1).update(status=MilestoneStatus.DONE, completed_on=dt.date(2007, 9, 1))
    Certificate.objects.create(
        plan=plan_a,
        number="HT 1",
        certification_body=CertificationBody.objects.create(name="QUACERT"),
        issued_on=dt.date(2008, 2, 1),
        expires_on=dt.date(2011, 2, 1),
        scope="TTHC",
    )
    _feed, key = open_calendar_feed(officer_a)
    response = client.get(reverse("account:calendar_feed", kwargs={"key": key}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = events_of(response)
    open_milestones = plan_a.milestones.exclude(number=1)
    expected = {f"milestone-{m.pk}@iso-portal" for m in open_milestones} | {
        f"certificate-{Certificate.objects.get().pk}-expiry@iso-portal",
        f"annual-report-{plan_a.programme.pk}-{plan_a.agency.pk}-2008@iso-portal",  # certified: reports yearly
    }
    assert set(events) == expected
    documentation = events[f"milestone-{plan_a.milestones.get(number=2).pk}@iso-portal"]
    assert documentation.decoded("DTSTART") == dt.date(2008, 12, 31)
    assert "Documentation" in str(documentation["SUMMARY"])
    assert CalendarFeed.objects.get().last_read_at is not None


def test_a_new_address_closes_the_old_one_and_revoking_closes_both(client, login, officer_a):
    _feed, old = open_calendar_feed(officer_a)
    _feed, new = open_calendar_feed(officer_a)
    assert client.get(reverse("account:calendar_feed", kwargs={"key": old})).status_code == 404
    assert client.get(reverse("account:calendar_feed", kwargs={"key": new})).status_code == 200
    login(officer_a).post(reverse("account:calendar"), {"action": "revoke"})
    assert client.get(reverse("account:calendar_feed", kwargs={"key": new})).status_code == 404


def test_a_deactivated_users_feed_is_closed(client, officer_a):
    _feed, key = open_calendar_feed(officer_a)
    officer_a.is_active = False
    officer_a.save()
    assert client.get(reverse("account:calendar_feed", kwargs={"key": key})).status_code == 404


def test_the_committees_feed_holds_the_programmes_target_date(client, committee_user, programme):
    _feed, key = open_calendar_feed(committee_user)
    events = events_of(client.get(reverse("account:calendar_feed", kwargs={"key": key})))
    target = events[f"programme-{programme.pk}-target@iso-portal"]
    assert target.decoded("DTSTART") == programme.target_date


def test_the_feed_holds_maintenance_not_yet_held_and_the_annual_report_until_filed(client, officer_a, plan_a, agency_a):
    from maintenance.models import AnnualReport, MaintenanceActivity

    Certificate.objects.create(
        plan=plan_a,
        number="HT 2",
        certification_body=CertificationBody.objects.create(name="QUACERT"),
        issued_on=dt.date(2008, 2, 1),
        expires_on=dt.date(2011, 2, 1),
        scope="TTHC",
    )
    audit = MaintenanceActivity.objects.create(
        agency=agency_a, programme=plan_a.programme, kind="internal_audit", due_on=dt.date(2008, 9, 1)
    )
    MaintenanceActivity.objects.create(
        agency=agency_a,
        programme=plan_a.programme,
        kind="management_review",
        due_on=dt.date(2008, 2, 1),
        held_on=dt.date(2008, 2, 1),
    )
    _feed, key = open_calendar_feed(officer_a)
    url = reverse("account:calendar_feed", kwargs={"key": key})
    events = events_of(client.get(url))
    report_uid = f"annual-report-{plan_a.programme.pk}-{agency_a.pk}-2008@iso-portal"
    assert f"maintenance-{audit.pk}@iso-portal" in events
    assert len([uid for uid in events if uid.startswith("maintenance-")]) == 1
    assert events[report_uid].decoded("DTSTART") == dt.date(2008, 12, 15)
    AnnualReport.objects.create(
        agency=agency_a, programme=plan_a.programme, year=2008, results="Tốt", filed_on=dt.date(2008, 3, 1)
    )
    assert report_uid not in events_of(client.get(url))
