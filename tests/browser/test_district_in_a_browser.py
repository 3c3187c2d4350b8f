"""A district's ISO officer in a real browser: opens a commune of the district from the district's page,
urges it, and gets the portal's 404 page for a commune of another district."""

from __future__ import annotations

import pytest

from agencies.models import Agency, AgencyKind
from rollout.models import UrgeRecord
from tests.fixtures_rollout_ui import make_plan, make_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_district_officer_urges_a_commune_of_theirs_and_cannot_open_another_districts(browsing, agency_b, officer_b):
    commune = Agency.objects.create(
        code="LACHONG",
        name="UBND xã Lạc Hồng",
        kind=AgencyKind.COMMUNE,
        parent=agency_b,
        email="lachong@example.gov.vn",
    )
    yen_my = Agency.objects.create(code="YENMY", name="UBND huyện Yên Mỹ", kind=AgencyKind.DISTRICT)
    Agency.objects.create(code="TANLAP", name="UBND xã Tân Lập", kind=AgencyKind.COMMUNE, parent=yen_my)
    make_plan(commune, make_programme())
    district = browsing()
    district.log_in(officer_b.username)
    district.goto(f"/agencies/{agency_b.code}/")
    page = district.page
    with page.expect_navigation():
        page.get_by_role("link", name="UBND xã Lạc Hồng").first.click()
    page.locator("#urge_message").fill("Đề nghị xã khẩn trương thành lập Ban chỉ đạo ISO.")
    with page.expect_navigation():
        page.locator("form[action$='/rollout/urge/LACHONG/'] button[type=submit]").click()
    assert page.locator(".message-success").count() == 1
    assert UrgeRecord.objects.get().by == officer_b
    district.screenshot("district-urges-commune")

    response = district.goto("/agencies/TANLAP/")
    assert response.status == 404
