"""Shared fixtures: the people of the permission matrix and two agencies to keep apart."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from agencies.models import Agency, AgencyKind, SteeringCommittee, User, UserRole
from agencies.services import ensure_role_groups

PASSWORD = "correct-horse-battery"
pytest_plugins = ["tests.integration"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failure: nothing may hide a missing part there."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Skipped tests fail in CI: {reason}"


def make_user(username: str, *, agency: Agency | None = None, role: str = "", groups=(), **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.gov.vn",
        agency=agency, role=role, **extra,
    )
    for group in groups:
        user.groups.add(group)
    return user


@pytest.fixture
def role_groups(db):
    return ensure_role_groups()


@pytest.fixture
def agency_a(db) -> Agency:
    agency = Agency.objects.create(
        code="SKHCN", name="Sở Khoa học và Công nghệ", kind=AgencyKind.DEPARTMENT,
        head_name="Nguyễn Văn An", head_title="Giám đốc", coordinating_role="dost",
        active_from=dt.date(2007, 1, 1),
    )
    SteeringCommittee.objects.create(agency=agency, decision_number="12/QĐ-SKHCN", decision_date=dt.date(2007, 6, 1))
    return agency


@pytest.fixture
def agency_b(db) -> Agency:
    agency = Agency.objects.create(
        code="VANLAM", name="UBND huyện Văn Lâm", kind=AgencyKind.DISTRICT,
        head_name="Trần Thị Bình", head_title="Chủ tịch UBND huyện", active_from=dt.date(2007, 1, 1),
    )
    SteeringCommittee.objects.create(agency=agency, decision_number="45/QĐ-UBND", decision_date=dt.date(2007, 7, 2))
    return agency


@pytest.fixture
def officer_a(agency_a) -> User:
    return make_user("officer-skhcn", agency=agency_a, role=UserRole.ISO_OFFICER)


@pytest.fixture
def head_a(agency_a) -> User:
    return make_user("head-skhcn", agency=agency_a, role=UserRole.AGENCY_HEAD, first_name="An", last_name="Nguyễn Văn")


@pytest.fixture
def officer_b(agency_b) -> User:
    return make_user("officer-vanlam", agency=agency_b, role=UserRole.ISO_OFFICER)


@pytest.fixture
def viewer(db) -> User:
    finance = Agency.objects.create(
        code="STC", name="Sở Tài chính", kind=AgencyKind.DEPARTMENT, coordinating_role="finance"
    )
    return make_user("viewer-stc", agency=finance, role=UserRole.VIEWER)


@pytest.fixture
def home_affairs(db) -> User:
    """Staff of Home Affairs, which keeps the catalogue of administrative procedures."""
    agency = Agency.objects.create(
        code="SNV", name="Sở Nội vụ", kind=AgencyKind.DEPARTMENT, coordinating_role="home_affairs"
    )
    return make_user("viewer-snv", agency=agency, role=UserRole.VIEWER)


@pytest.fixture
def committee_user(role_groups) -> User:
    return make_user("committee", groups=[role_groups[0]])


@pytest.fixture
def dost_user(role_groups) -> User:
    return make_user("dost", groups=[role_groups[1]])


@pytest.fixture
def login(client):
    def _login(user: User):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def force_login_gives_the_second_factor_too(monkeypatch):
    """``client.force_login(user)`` stands for a finished sign-in, the second factor included where the user
    owes one; the two-factor tests sign in through the real pages instead."""
    from django.test import Client

    signed_in = Client.force_login

    def force_login(self, user, backend=None):
        signed_in(self, user, backend)
        from accounts.twofactor import second_factor_needed

        if second_factor_needed(user):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="test authenticator", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def each_test_starts_in_the_default_language():
    """A request or an override may leave another language active in this thread: every test starts, as a new
    request does, in the portal's default language, and leaves it so."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
