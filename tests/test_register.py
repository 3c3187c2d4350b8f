"""DOST's certificate and declaration register on a page, the agency report's picker by name or code, and the
registry of certification bodies and consultants filtered and paged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rollout.models import Certificate, CertificationBody
from tests.conftest import make_user
from tests.fixtures_reports import build_rollout, make_agency, make_plan

pytestmark = pytest.mark.django_db
AS_OF = "2010-06-30"


@pytest.fixture
def rollout(db):
    return build_rollout()


@pytest.fixture
def dost(dost_user, login):
    return login(dost_user)


def shown(response) -> list[str]:
    """The agency codes of the register's rows, in the order shown."""
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-agency="')[1:]]


def register(client, **params):
    return client.get(reverse("reports:register"), {"as_of": AS_OF, **params}, HTTP_ACCEPT_LANGUAGE="en")


class TestRegister:
    def test_it_lists_every_certificate_with_its_validity_on_the_date(self, dost, rollout):
        response = register(dost)
        assert response.status_code == 200
        assert shown(response) == ["SNV", "NGHIAHIEP"]  # by agency name: "Sở Nội vụ" before "UBND xã …"
        html = response.content.decode()
        assert "HT 1234.10" in html and "14/03/2013" in html
        assert 'badge-expiring">Expiring within 90 days' in html  # Nghĩa Hiệp's ends on 01/09/2010

    def test_validity_is_reckoned_on_the_chosen_day(self, dost, rollout):
        assert shown(register(dost, as_of="2010-09-02", validity="expired")) == ["NGHIAHIEP"]
        assert shown(register(dost, validity="expired")) == []

    @pytest.mark.parametrize(
        ("params", "codes"),
        [
            ({"validity": "valid"}, ["SNV"]),
            ({"validity": "expiring"}, ["NGHIAHIEP"]),
            ({"group": "departments"}, ["SNV"]),
            ({"group": "communes"}, ["NGHIAHIEP"]),
            ({"district": "YENMY"}, ["NGHIAHIEP"]),
            ({"district": "KIMDONG"}, []),
            ({"expiring_within": "30"}, []),
            ({"expiring_within": "70"}, ["NGHIAHIEP"]),
            ({"body": "declarations"}, []),
        ],
    )
    def test_each_filter_keeps_only_the_matching_records(self, dost, rollout, params, codes):
        assert shown(register(dost, **params)) == codes

    def test_the_body_filter_names_a_certification_body(self, dost, rollout):
        other = CertificationBody.objects.create(name="Trung tâm Năng suất Việt Nam")
        assert shown(register(dost, body=str(rollout["body"].pk))) == ["SNV", "NGHIAHIEP"]
        assert shown(register(dost, body=str(other.pk))) == []

    def test_it_sorts_by_the_chosen_column_either_way(self, dost, rollout):
        assert shown(register(dost, sort="-issued")) == ["NGHIAHIEP", "SNV"]
        assert shown(register(dost, sort="issued")) == ["SNV", "NGHIAHIEP"]
        assert shown(register(dost, sort="expires")) == ["NGHIAHIEP", "SNV"]

    def test_it_pages_a_long_register(self, dost, rollout):
        for index in range(30):
            agency = make_agency(f"S{index:02d}", f"Sở kiểm thử {index:02d}")
            plan = make_plan(agency, rollout["programme"], done_on=[None, None, None])
            Certificate.objects.create(
                plan=plan,
                number=f"T{index:02d}",
                certification_body=rollout["body"],
                issued_on=dt.date(2010, 1, 5),
                expires_on=dt.date(2013, 1, 4),
                scope="Thủ tục thử",
                procedures_count=1,
            )
        first, second = register(dost), register(dost, page="2")
        assert len(shown(first)) == 25 and len(shown(second)) == 7
        assert "32 certificates and declarations" in first.content.decode()
        assert set(shown(first)).isdisjoint(shown(second))

    def test_the_export_holds_what_is_shown_on_every_page(self, dost, rollout):
        response = register(dost, validity="expiring", format="xlsx")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="so-chung-nhan-2010-06-30.xlsx"'
        workbook = load_workbook(io.BytesIO(response.content))
        rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
        assert [row[1] for row in rows] == ["NGHIAHIEP"]
        about = dict(workbook["Thông tin"].iter_rows(values_only=True))
        assert "Expiring within 90 days" in about["Lọc theo"] or "Sắp hết hiệu lực" in about["Lọc theo"]

    def test_the_csv_export_follows_the_sort(self, dost, rollout):
        response = register(dost, sort="-issued", format="csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert [line.split(",")[1] for line in lines[1:]] == ["NGHIAHIEP", "SNV"]

    @pytest.mark.parametrize("days", ["abc", "0", "99999"])
    def test_a_bad_number_of_days_is_a_clear_message(self, dost, rollout, days):
        response = register(dost, expiring_within=days)
        assert response.status_code == 400
        assert "days" in response.content.decode()

    def test_an_agency_officer_does_not_reach_it(self, login, officer_a, rollout):
        assert register(login(officer_a)).status_code == 403

    def test_the_menu_names_the_register_and_the_registry_for_what_they_hold(self, dost, rollout):
        html = dost.get(reverse("reports:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Certificate register" in html
        assert "Certification bodies and consultants" in html


class TestAgencyPicker:
    def pick(self, client, text):
        return client.get(reverse("reports:agency_pick"), {"agency": text, "as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="en")

    @pytest.mark.parametrize("text", ["SNV", "snv", "Sở Nội vụ", "nội vụ", "noi vu", "SNV — Sở Nội vụ"])
    def test_a_code_or_part_of_the_name_leads_to_the_agencys_report(self, dost, rollout, text):
        response = self.pick(dost, text)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reports:agency", kwargs={"code": "SNV"}))

    def test_a_name_many_agencies_share_lists_them_and_asks_for_more(self, dost, rollout):
        response = self.pick(dost, "UBND huyện")
        html = response.content.decode()
        assert response.status_code == 400
        assert "2 agencies match" in html and "UBND huyện Yên Mỹ (YENMY)" in html and "(KIMDONG)" in html

    def test_the_page_offers_every_agency_the_user_sees_as_a_suggestion(self, dost, rollout):
        html = dost.get(reverse("reports:index")).content.decode()
        assert 'list="agency-options"' in html
        assert '<option value="YENMY">UBND huyện Yên Mỹ</option>' in html

    def test_an_officer_finds_no_other_agency_by_its_name(self, login, rollout):
        officer = make_user("officer-snv", agency=rollout["snv"], role="iso_officer")
        response = self.pick(login(officer), "Sở Y tế")
        assert response.status_code == 400
        assert "No agency matches" in response.content.decode()


class TestRegistry:
    def rows(self, response) -> int:
        return response.content.decode().count("data-engagement=")

    def test_engagements_are_filtered_by_agency_and_partner(self, dost, rollout):
        url = reverse("rollout:registry")
        assert self.rows(dost.get(url)) == 3
        assert self.rows(dost.get(url, {"q": "yên mỹ"})) == 1
        assert self.rows(dost.get(url, {"q": "SNV"})) == 2
        assert self.rows(dost.get(url, {"partner": f"body-{rollout['body'].pk}"})) == 1
        assert self.rows(dost.get(url, {"partner": f"consultant-{rollout['consultant'].pk}"})) == 2

    def test_engagements_come_in_pages(self, dost, rollout):
        from rollout.models import Engagement

        for index in range(25):
            agency = make_agency(f"P{index:02d}", f"Đơn vị {index:02d}")
            Engagement.objects.create(agency=agency, programme=rollout["programme"], consultant=rollout["consultant"])
        url = reverse("rollout:registry")
        assert self.rows(dost.get(url)) == 20
        assert self.rows(dost.get(url, {"page": "2"})) == 8

    def test_a_partner_that_does_not_exist_is_a_form_error_not_a_crash(self, dost, rollout):
        response = dost.get(reverse("rollout:registry"), {"partner": "body-999"})
        assert response.status_code == 200
        assert self.rows(response) == 0
