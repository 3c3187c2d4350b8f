"""axe-core (installed locally from npm, injected into the page) finds no serious or critical violation on the
login page, the dashboard, an agency page and the officer home, in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.support import browsing_fixture, chromium_fixture, describe  # noqa: F401  (fixtures)
from tests.fixtures_dashboard import AS_OF, build_province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def province(transactional_db):
    return build_province()


def assert_accessible(session, path: str):
    response = session.goto(path)
    assert response.status == 200, path
    violations = session.axe_violations()
    assert violations == [], f"{path}:\n{describe(violations)}"


def test_login_page_is_accessible(browsing, province):
    assert_accessible(browsing(), "/accounts/login/")


def test_committee_pages_are_accessible(browsing, province):
    session = browsing()
    session.log_in("bcd-tinh")
    assert_accessible(session, f"/?as_of={AS_OF.isoformat()}")
    assert_accessible(session, "/?district=YENMY&sort=-overdue")
    assert_accessible(session, "/?as_of=not-a-date&kind=castle")
    assert_accessible(session, "/agencies/YENMY/")


def test_officer_home_is_accessible(browsing, province):
    session = browsing()
    session.log_in("canbo-yenmy")
    assert_accessible(session, "/")
    session.page.locator("details.quick-update summary").first.click()
    violations = session.axe_violations()
    assert violations == [], describe(violations)


def test_phone_width_dashboard_is_accessible(browsing, province):
    session = browsing(width=375, height=812)
    session.log_in("bcd-tinh")
    assert_accessible(session, f"/?as_of={AS_OF.isoformat()}")


def test_public_transparency_pages_are_accessible(browsing, province):
    session = browsing()
    assert_accessible(session, f"/public/?as_of={AS_OF.isoformat()}")
    assert_accessible(session, "/public/agencies/SNV/")
