"""Administration in a real browser: the secretariat invites an ISO officer, who sets a password with the
e-mailed link and logs in to their own agency's work."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from agencies.models import SECRETARIAT_GROUP, User, UserRole
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_invites_an_officer_who_sets_a_password_and_logs_in(browsing, agency_a):
    make_user("thuky", groups=[Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0]])
    secretariat = browsing()
    secretariat.log_in("thuky")
    secretariat.goto("/administration/users/invite/")
    page = secretariat.page
    for field, value in {
        "username": "canbo-moi",
        "email": "canbo.moi@example.gov.vn",
        "last_name": "Phạm Văn",
        "first_name": "Tú",
    }.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_agency").select_option(str(agency_a.pk))
    page.locator("#id_role").select_option(UserRole.ISO_OFFICER)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".message-success").count() == 1
    secretariat.screenshot("administration-user")

    link = re.search(r"https?://\S+(/accounts/password/reset/\S+)", mail.outbox[-1].body).group(1)
    officer = browsing()
    officer.goto(link)
    officer.page.locator("#id_new_password1").fill("Lua-non-2007!")
    officer.page.locator("#id_new_password2").fill("Lua-non-2007!")
    with officer.page.expect_navigation():
        officer.page.locator("main form button[type=submit]").click()
    officer.log_in("canbo-moi", "Lua-non-2007!")
    officer.goto("/rollout/my-plan/")
    assert User.objects.get(username="canbo-moi").last_login is not None
    assert "/accounts/login/" not in officer.page.url
