"""Signing in: throttling of password guessing (django-axes), the second factor (django-otp), sessions that end,
the access audit, the password policy and the Content-Security-Policy."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent, AccessEventKind, UserSession
from tests.conftest import PASSWORD, make_user

LOGIN = "/accounts/login/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, **EN)


def is_signed_in(client) -> bool:
    response = client.get(reverse("agencies:list"))
    return response.status_code == 200


def code_of(device: TOTPDevice) -> str:
    """The app's current code; the device's replay guard and its pause after a wrong code are reset, as
    waiting for the next 30-second step would."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


# --- throttling -----------------------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, officer_a, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, officer_a.username, "wrong-guess").status_code == 200

    locked = sign_in(client, officer_a.username, "wrong-guess")
    right_password = sign_in(client, officer_a.username)

    assert settings.AXES_FAILURE_LIMIT == 5
    assert locked.status_code == 429 and right_password.status_code == 429
    assert "Too many failed sign-ins (5)" in right_password.content.decode()
    assert "Try again in 15 minutes" in right_password.content.decode()
    assert not is_signed_in(client)
    assert AccessEvent.objects.filter(kind=AccessEventKind.LOGIN_FAILED, user=officer_a).count() >= 5
    assert AccessEvent.objects.filter(kind=AccessEventKind.LOCKED_OUT, username=officer_a.username).exists()


def test_the_lock_shows_in_vietnamese_by_default(client, officer_a, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": officer_a.username, "password": "sai"})
    page = client.post(LOGIN, {"username": officer_a.username, "password": PASSWORD}).content.decode()
    assert "Đăng nhập bị khóa" in page


def test_the_lock_lifts_after_the_cool_off(client, officer_a, settings):
    start = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, officer_a.username, "wrong-guess")
        assert sign_in(client, officer_a.username).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert sign_in(client, officer_a.username).status_code == 302


def test_an_administrator_sees_the_lock_and_lifts_it(client, officer_a, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, officer_a.username, "wrong-guess")
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    admin_client = Client()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and officer_a.username in listing.content.decode()

    AccessAttempt.objects.filter(username=officer_a.username).delete()  # the admin's "delete" action

    assert sign_in(client, officer_a.username).status_code == 302


def test_one_password_sprayed_over_many_accounts_from_one_address_is_stopped(client, db, settings):
    accounts = [make_user(f"canbo-{index}") for index in range(25)]
    answers = [sign_in(client, user.username, "hungyen2007").status_code for user in accounts]

    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(answers[settings.AXES_FAILURE_LIMIT :]) == {429}
    # Even the right password of an untouched account is refused from that address during the cool-off.
    assert sign_in(client, accounts[-1].username).status_code == 429


def test_a_success_is_recorded_and_clears_the_failures(client, officer_a):
    sign_in(client, officer_a.username, "wrong-guess")
    assert sign_in(client, officer_a.username).status_code == 302
    assert AccessLog.objects.filter(username=officer_a.username).exists()
    assert AccessEvent.objects.filter(kind=AccessEventKind.LOGIN, user=officer_a).exists()
    assert not AccessAttempt.objects.filter(username=officer_a.username, failures_since_start__gt=0).exists()


# --- the second factor ----------------------------------------------------------------------------------------

def test_the_committee_sets_up_an_authenticator_before_reaching_any_page(client, committee_user):
    response = sign_in(client, committee_user.username)
    assert response.status_code == 302
    assert client.get(reverse("agencies:list")).url.startswith(reverse("accounts:setup"))
    assert client.get("/admin/").url.startswith(reverse("accounts:setup"))

    client.get(reverse("accounts:setup"))
    device = TOTPDevice.objects.get(user=committee_user, confirmed=False)
    page = client.post(reverse("accounts:setup"), {"code": code_of(device), "next": "/"}, **EN)

    assert "Recovery codes" in page.content.decode()
    assert StaticToken.objects.filter(device__user=committee_user).count() == 10
    assert is_signed_in(client)


@pytest.mark.parametrize("role", ["committee_user", "dost_user"])
def test_a_signed_up_authenticator_is_asked_for_at_every_sign_in(client, role, request):
    user = request.getfixturevalue(role)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, user.username)
    assert client.get(reverse("agencies:list")).url.startswith(reverse("accounts:verify"))

    wrong = client.post(reverse("accounts:verify"), {"code": "000000"}, **EN)
    assert "This code is not right" in wrong.content.decode()
    assert not is_signed_in(client)

    assert client.post(reverse("accounts:verify"), {"code": code_of(device), "next": "/"}).status_code == 302
    assert is_signed_in(client)
    assert AccessEvent.objects.filter(kind=AccessEventKind.SECOND_FACTOR_FAILED, user=user).exists()


def test_a_recovery_code_signs_in_once(client, committee_user):
    from accounts.twofactor import new_recovery_codes

    TOTPDevice.objects.create(user=committee_user, name="phone", confirmed=True)
    code = new_recovery_codes(committee_user)[0]
    sign_in(client, committee_user.username)
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 302
    assert is_signed_in(client)

    other = Client()
    sign_in(other, committee_user.username)
    assert other.post(reverse("accounts:verify"), {"code": code}).status_code == 200
    assert not is_signed_in(other)


def test_administrators_need_the_second_factor_for_the_admin(client, db):
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    sign_in(client, admin.username)
    assert client.get("/admin/").url.startswith(reverse("accounts:setup"))


def test_an_officer_signs_in_without_a_second_factor_and_may_turn_it_on(client, officer_a):
    sign_in(client, officer_a.username)
    assert is_signed_in(client)
    assert "Two-factor sign-in is off" in client.get(reverse("accounts:sessions"), **EN).content.decode()


# --- sessions -------------------------------------------------------------------------------------------------

def test_a_session_ends_at_browser_close_unless_remember_me(client, officer_a, settings):
    sign_in(client, officer_a.username)
    assert client.session.get_expire_at_browser_close()

    remembered = Client()
    sign_in(remembered, officer_a.username, remember_me="on")
    assert not remembered.session.get_expire_at_browser_close()
    assert remembered.session.get_expiry_age() == settings.REMEMBER_ME_SECONDS


def test_an_idle_session_is_signed_out_after_the_configured_minutes(client, officer_a, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    start = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, officer_a.username)
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert is_signed_in(client)
    with time_machine.travel(start + dt.timedelta(minutes=58), tick=False):
        assert is_signed_in(client)
    with time_machine.travel(start + dt.timedelta(minutes=91), tick=False):
        response = client.get(reverse("agencies:list"))
        assert response.url.startswith(reverse("login"))
        assert not is_signed_in(client)
    assert AccessEvent.objects.filter(kind=AccessEventKind.SESSION_EXPIRED, user=officer_a).exists()


def test_after_a_password_change_the_user_sees_and_ends_other_sessions(client, officer_a):
    office, home = Client(), Client()
    sign_in(office, officer_a.username)
    sign_in(home, officer_a.username)
    assert UserSession.objects.filter(user=officer_a).count() == 2

    response = office.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Ke-hoach-ISO-2010!", "new_password2": "Ke-hoach-ISO-2010!",
    })
    assert response.url == reverse("accounts:sessions")
    assert not is_signed_in(home), "the other session no longer holds after the password change"
    assert is_signed_in(office)

    third = Client()
    sign_in(third, officer_a.username, "Ke-hoach-ISO-2010!")
    other = UserSession.objects.get(user=officer_a, session_key=third.session.session_key)
    office.post(reverse("accounts:sessions"), {"session": other.pk})
    assert not is_signed_in(third)
    assert AccessEvent.objects.filter(kind=AccessEventKind.PASSWORD_CHANGED, user=officer_a).exists()
    assert AccessEvent.objects.filter(kind=AccessEventKind.SESSION_ENDED, user=officer_a).exists()


# --- the access audit -----------------------------------------------------------------------------------------

def test_who_gave_whom_which_group_is_recorded_and_shown_to_administrators(client, officer_a, role_groups):
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    admin_client = Client()
    admin_client.force_login(admin)
    committee_group = Group.objects.get(pk=role_groups[0].pk)
    data = {
        "username": officer_a.username, "first_name": "", "last_name": "", "email": officer_a.email,
        "is_active": "on", "groups": [committee_group.pk], "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "role": officer_a.role, "agency": officer_a.agency_id or "", "position": "",
    }
    change_url = reverse("admin:agencies_user_change", args=[officer_a.pk])
    form_page = admin_client.get(change_url)
    assert form_page.status_code == 200
    officer_a.groups.add(committee_group)  # as the admin form's save does, under the admin's request
    event = AccessEvent.objects.filter(kind=AccessEventKind.GROUP_CHANGED, user=officer_a).latest("at")
    assert committee_group.name in event.detail
    listing = admin_client.get(reverse("admin:accounts_accessevent_changelist"), **EN)
    assert listing.status_code == 200 and officer_a.username in listing.content.decode()
    assert data  # the form's fields, kept for reading


def test_a_role_change_is_recorded(officer_a):
    officer_a.role = "viewer"
    officer_a.save()
    event = AccessEvent.objects.get(kind=AccessEventKind.ROLE_CHANGED, user=officer_a)
    assert "role" in event.detail and "viewer" in event.detail


# --- password policy, reset links, CSP ------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["matkhau123", "hungyen2007", "anhyeuem", "ngan", "1234567890"])
def test_weak_and_common_vietnamese_passwords_are_refused(password, db):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password)


def test_a_strong_password_is_accepted(db):
    password_validation.validate_password("Ke-hoach-ISO-2010!")


def test_password_reset_links_expire_after_two_hours(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 2 * 3600


def test_pages_carry_a_strict_content_security_policy(login, officer_a):
    response = login(officer_a).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html


def test_the_browser_reports_violations_to_the_portal(client, caplog):
    response = client.post("/csp-report/", data=b'{"csp-report": {"violated-directive": "style-src"}}',
                           content_type="application/csp-report")
    assert response.status_code == 204
    assert "style-src" in caplog.text
