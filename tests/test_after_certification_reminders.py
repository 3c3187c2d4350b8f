"""Reminders after certification, through the one outbox, on frozen days: a certificate expiring in 90 and 30
days and expired, to the officer, the head and DOST (none once renewed); the annual report due to DOST, to the
officers of agencies that have not filed, and the day after the deadline to the head and DOST too."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from maintenance.models import AnnualReport
from rollout.models import Certificate, ReminderKind, ReminderLog, ReminderRule
from rollout.notices import outbox
from rollout.notices import sweep as notice_sweep
from tests.fixtures_rollout_ui import designated_body, make_plan, make_programme

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def sweep(day: dt.date) -> list:
    before = len(mail.outbox)
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 7, tzinfo=TZ), tick=False):
        notice_sweep.run_sweep()
        outbox.send_pending()
    return mail.outbox[before:]


def mails_by_day(first: dt.date, last: dt.date, address: str) -> dict[dt.date, list]:
    found = {}
    day = first
    while day <= last:
        sent = [message for message in sweep(day) if message.to == [address]]
        if sent:
            found[day] = sent
        day += dt.timedelta(days=1)
    return found


@pytest.fixture
def programme():
    programme = make_programme()
    # The milestones' own reminders are not what these tests are about.
    ReminderRule.objects.create(programme=programme, enabled=False)
    return programme


@pytest.fixture
def certificate(agency_a, programme, officer_a, head_a, dost_user, officer_b):
    officer_a.language = head_a.language = dost_user.language = "en"
    for user in (officer_a, head_a, dost_user):
        user.save()
    return Certificate.objects.create(
        plan=make_plan(agency_a, programme),
        number="HT 2046",
        certification_body=designated_body(),
        issued_on=dt.date(2009, 5, 4),
        expires_on=dt.date(2012, 5, 4),
        scope="Cấp phép",
        procedures_count=3,
    )


def test_the_officer_is_told_90_and_30_days_before_the_certificate_expires_and_when_it_has(certificate, officer_a):
    sent = mails_by_day(dt.date(2012, 1, 20), dt.date(2012, 6, 10), officer_a.email)
    assert list(sent) == [dt.date(2012, 2, 4), dt.date(2012, 4, 4), dt.date(2012, 5, 4)]
    assert sent[dt.date(2012, 2, 4)][0].subject == (
        "[ISO] The certificate HT 2046 of Sở Khoa học và Công nghệ expires in 90 days"
    )
    assert "expires on 04/05/2012, in 90 days" in sent[dt.date(2012, 2, 4)][0].body
    assert "has expired" in sent[dt.date(2012, 5, 4)][0].subject


def test_the_head_and_dost_are_told_too_and_another_agency_is_not(certificate, head_a, dost_user, officer_b):
    for day in (dt.date(2012, 2, 4), dt.date(2012, 4, 4), dt.date(2012, 5, 4)):
        recipients = {message.to[0] for message in sweep(day)}
        assert {head_a.email, dost_user.email} <= recipients
        assert officer_b.email not in recipients


def test_a_sweep_that_missed_days_sends_the_latest_step_once(certificate, officer_a):
    assert [m.subject for m in sweep(dt.date(2012, 4, 20)) if m.to == [officer_a.email]] == [
        "[ISO] The certificate HT 2046 of Sở Khoa học và Công nghệ expires in 14 days"
    ]
    assert sweep(dt.date(2012, 4, 21)) == []


def test_a_renewed_certificate_is_not_reminded_as_expired(certificate, officer_a):
    sweep(dt.date(2012, 4, 4))
    Certificate.objects.create(
        plan=certificate.plan,
        number="HT 3001",
        certification_body=certificate.certification_body,
        issued_on=dt.date(2012, 4, 28),
        expires_on=dt.date(2015, 4, 28),
        scope="Cấp phép",
    )
    assert mails_by_day(dt.date(2012, 4, 28), dt.date(2012, 6, 10), officer_a.email) == {}


def test_a_certificate_long_expired_before_the_first_sweep_is_not_reminded(certificate):
    assert [m for m in sweep(dt.date(2013, 1, 10)) if "certificate" in m.subject] == []


def test_agencies_that_have_not_filed_are_reminded_before_and_on_the_deadline_then_told_it_is_late(
    certificate, officer_a, head_a, dost_user
):
    sent = mails_by_day(dt.date(2011, 11, 25), dt.date(2012, 1, 31), officer_a.email)
    annual = {day: m for day, messages in sent.items() for m in messages if "annual report" in m.subject}
    assert list(annual) == [dt.date(2011, 12, 1), dt.date(2011, 12, 15), dt.date(2011, 12, 16)]
    assert annual[dt.date(2011, 12, 1)].subject == (
        "[ISO] The annual report 2011 of Sở Khoa học và Công nghệ is due by 15/12/2011"
    )
    assert "/maintenance/agency/SKHCN/report/2011/" in annual[dt.date(2011, 12, 1)].body
    late = ReminderLog.objects.filter(kind=ReminderKind.ANNUAL_REPORT, reason="late")
    assert set(late.values_list("email", flat=True)) == {officer_a.email, head_a.email, dost_user.email}


def test_an_agency_that_filed_is_not_reminded_again(certificate, officer_a, programme, agency_a):
    sweep(dt.date(2011, 12, 1))
    AnnualReport.objects.create(
        agency=agency_a, programme=programme, year=2011, results="x", filed_on=dt.date(2011, 12, 5)
    )
    later = mails_by_day(dt.date(2011, 12, 2), dt.date(2012, 1, 31), officer_a.email)
    assert [m for messages in later.values() for m in messages if "annual report" in m.subject] == []


def test_a_reminder_claimed_before_the_report_was_filed_is_not_sent(certificate, officer_a, programme, agency_a):
    with time_machine.travel(dt.datetime(2011, 12, 1, 7, tzinfo=TZ), tick=False):
        notice_sweep.run_sweep()
        AnnualReport.objects.create(
            agency=agency_a, programme=programme, year=2011, results="x", filed_on=dt.date(2011, 12, 1)
        )
        outbox.send_pending()
    assert mail.outbox == []
    assert ReminderLog.objects.get(kind=ReminderKind.ANNUAL_REPORT).status == "cancelled"


def test_an_audit_not_held_is_reminded_before_on_and_after_its_due_day_until_held(
    certificate, officer_a, head_a, programme, agency_a
):
    from maintenance.models import ActivityKind, MaintenanceActivity

    audit = MaintenanceActivity.objects.create(agency=agency_a, programme=programme, kind=ActivityKind.INTERNAL_AUDIT,
                                               due_on=dt.date(2011, 6, 30))
    sent = mails_by_day(dt.date(2011, 6, 1), dt.date(2011, 7, 31), officer_a.email)
    assert list(sent) == [dt.date(2011, 6, 16), dt.date(2011, 6, 30), dt.date(2011, 7, 7)]
    assert sent[dt.date(2011, 6, 16)][0].subject == (
        "[ISO] Internal audit of Sở Khoa học và Công nghệ is due by 30/06/2011"
    )
    late = ReminderLog.objects.filter(kind=ReminderKind.MAINTENANCE_DUE, reason="late")
    assert set(late.values_list("email", flat=True)) == {officer_a.email, head_a.email}
    audit.due_on, audit.held_on = dt.date(2012, 6, 30), dt.date(2012, 6, 20)
    audit.save()
    later = mails_by_day(dt.date(2012, 6, 1), dt.date(2012, 7, 31), officer_a.email)
    assert [m.subject for messages in later.values() for m in messages if "Internal audit" in m.subject] == []
