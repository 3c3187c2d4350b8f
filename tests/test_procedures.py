"""The catalogue of administrative procedures: Home Affairs imports and edits it, officers choose scopes from
their own agency's procedures, and coverage counts what valid certificates cover."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from procedures import services
from procedures.coverage import coverage_by_agency
from procedures.models import AdministrativeProcedure, Level, ScopeEntry
from rollout.models import Certificate, CertificationBody
from tests.fixtures_rollout_ui import designated_body, make_plan, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("tthc.xlsx", buffer.getvalue())


HEADER = ["Mã", "Tên thủ tục", "Lĩnh vực", "Cấp"]


def procedure(agency, code="1.001", name="Cấp giấy phép", **extra):
    return AdministrativeProcedure.objects.create(agency=agency, code=code, name=name, field="Cấp phép",
                                                  level=Level.PROVINCE, **extra)


def test_home_affairs_imports_a_catalogue_and_a_second_import_updates_it(agency_a, home_affairs):
    result = services.import_catalogue(agency_a, xlsx([HEADER, ["1.001", "Cấp phép A", "Cấp phép", "Cấp tỉnh"],
                                                       ["1.002", "Đăng ký B", "Đăng ký", "huyện"]]), by=home_affairs)
    assert (result.created, result.updated) == (2, 0)
    result = services.import_catalogue(agency_a, xlsx([HEADER, ["1.001", "Cấp phép A (sửa)", "Cấp phép", "tỉnh"],
                                                       ["1.002", "Đăng ký B", "Đăng ký", "huyện"]]), by=home_affairs)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    first = AdministrativeProcedure.objects.get(agency=agency_a, code="1.001")
    assert first.name == "Cấp phép A (sửa)"
    assert first.history.first().history_user == home_affairs


def test_a_bad_row_saves_nothing_and_names_the_row(agency_a, home_affairs):
    sheet = xlsx([HEADER, ["1.001", "Cấp phép A", "Cấp phép", "tỉnh"], ["1.002", "Đăng ký", "Đăng ký", "bộ"]])
    with pytest.raises(ValidationError) as error:
        services.import_catalogue(agency_a, sheet, by=home_affairs)
    assert "Row 3" in " ".join(error.value.messages)
    assert not AdministrativeProcedure.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(agency_a, home_affairs):
    with pytest.raises(ValidationError, match="not a readable XLSX"):
        services.import_catalogue(agency_a, SimpleUploadedFile("x.xlsx", b"%PDF-1.4"), by=home_affairs)


def test_only_home_affairs_keeps_the_catalogue(agency_a, officer_a, viewer, dost_user):
    for user in (officer_a, viewer, dost_user):
        with pytest.raises(ValidationError, match="Home Affairs"):
            services.import_catalogue(agency_a, xlsx([HEADER, ["1", "A", "B", "tỉnh"]]), by=user)
    assert not AdministrativeProcedure.objects.exists()


def test_the_officer_chooses_the_plans_scope_from_the_agencys_catalogue(agency_a, officer_a):
    plan = make_plan(agency_a, make_programme())
    own = procedure(agency_a)
    services.set_scope(plan, [own.pk], by=officer_a)
    assert list(services.scope_of(plan)) == [own]


def test_a_procedure_of_another_agency_is_refused_and_nothing_saved(agency_a, agency_b, officer_a):
    plan = make_plan(agency_a, make_programme())
    own, other = procedure(agency_a), procedure(agency_b, code="2.001")
    with pytest.raises(ValidationError, match="belongs to another agency"):
        services.set_scope(plan, [own.pk, other.pk], by=officer_a)
    assert not ScopeEntry.objects.exists()


def test_another_agencys_officer_cannot_choose_the_scope(agency_a, officer_b):
    plan = make_plan(agency_a, make_programme())
    with pytest.raises(ValidationError):
        services.set_scope(plan, [procedure(agency_a).pk], by=officer_b)


def test_a_certificates_scope_sets_its_count_of_procedures(agency_a, officer_a):
    plan = make_plan(agency_a, make_programme(), status="in_progress")
    body = designated_body()
    certificate = Certificate.objects.create(plan=plan, number="HT 1", certification_body=body,
                                             issued_on=dt.date(2009, 5, 1), expires_on=dt.date(2012, 5, 1), scope="x")
    services.set_scope(certificate, [procedure(agency_a).pk, procedure(agency_a, code="1.002").pk], by=officer_a)
    certificate.refresh_from_db()
    assert certificate.procedures_count == 2


def test_coverage_counts_procedures_of_certificates_valid_on_the_day(agency_a, agency_b, officer_a):
    programme = make_programme()
    plan = make_plan(agency_a, programme, status="completed")
    covered, _uncovered = procedure(agency_a), procedure(agency_a, code="1.002")
    procedure(agency_a, code="1.003", active=False)
    body = CertificationBody.objects.create(name="QUACERT")
    certificate = Certificate.objects.create(plan=plan, number="HT 1", certification_body=body,
                                             issued_on=dt.date(2009, 5, 1), expires_on=dt.date(2012, 5, 1), scope="x")
    ScopeEntry.objects.create(procedure=covered, certificate=certificate)
    procedure(agency_b, code="9.9")
    before, during, after = (coverage_by_agency(programme, day) for day in
                             (dt.date(2009, 4, 30), dt.date(2010, 1, 1), dt.date(2012, 5, 1)))
    assert (before[agency_a.pk].covered, during[agency_a.pk].covered, after[agency_a.pk].covered) == (0, 1, 0)
    assert during[agency_a.pk].total == 2
    assert during[agency_b.pk].covered == 0


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_plan_page_shows_its_scope_and_the_officer_can_choose_it(client, agency_a, officer_a):
    plan = make_plan(agency_a, make_programme())
    own = procedure(agency_a, name="Cấp giấy phép hoạt động khoa học")
    client.force_login(officer_a)
    response = client.post(reverse("procedures:scope", args=["plan", plan.pk]), {"procedures": [own.pk]})
    assert response.status_code == 302
    page = client.get(reverse("rollout:plan", args=[plan.pk])).content.decode()
    assert "Cấp giấy phép hoạt động khoa học" in page


def test_posting_another_agencys_procedure_shows_a_clear_message(client, agency_a, agency_b, officer_a):
    plan = make_plan(agency_a, make_programme())
    other = procedure(agency_b, code="2.001")
    client.force_login(officer_a)
    response = client.post(reverse("procedures:scope", args=["plan", plan.pk]), {"procedures": [other.pk]},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "belongs to another agency" in response.content.decode()
    assert not ScopeEntry.objects.exists()


def test_home_affairs_imports_through_the_page(client, agency_a, home_affairs):
    client.force_login(home_affairs)
    response = client.post(reverse("procedures:import", args=[agency_a.code]),
                           {"file": xlsx([HEADER, ["1.001", "Cấp phép", "Cấp phép", "tỉnh"]])}, follow=True)
    assert "1.001" in response.content.decode()
    assert AdministrativeProcedure.objects.filter(agency=agency_a).count() == 1


def test_the_catalogue_export_is_a_spreadsheet_with_each_procedure(client, agency_a, committee_user):
    procedure(agency_a, code="=cmd")
    client.force_login(committee_user)
    response = client.get(reverse("reports:register_export", args=["procedures"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Mã TTHC"
    assert rows[1][3] == "=cmd" and sheet.cell(2, 4).data_type == "s"
