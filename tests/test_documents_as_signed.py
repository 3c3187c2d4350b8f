"""The documents read as a provincial office would sign them: their text, read back with pdftotext, has no doubled
punctuation after the legal basis, the addressee's title once, the right labels, the header on one line with the
issuer's abbreviation after the number, decimal commas, one naming scheme for downloads and one wording for the
committee; the urging letter is previewed, downloaded and sent by itself through the outbox."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from agencies.models import Agency, AgencyKind
from reports.charts import completion_chart_svg
from reports.models import report_filename
from reports.render import render_agency_pdf, render_dost_pdf, render_province_pdf
from rollout.letters import urging_letter_filename, urging_letter_pdf
from rollout.models import ImplementationPlan, Milestone, ReminderLog
from tests.fixtures_reports import build_rollout, make_agency, make_plan
from tests.test_reports import pdf_text

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2010, 6, 30)
LETTER_DAY = dt.datetime(2010, 6, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def rollout(db):
    world = build_rollout()
    programme = world["programme"]
    programme.legal_basis = "Chỉ thị ngày 18/04/2007 của UBND tỉnh; Quyết định 144/2006/QĐ-TTg; TCVN ISO 9001:2008."
    programme.save()
    world["vanlam"] = make_agency(
        "VANLAM", "UBND huyện Văn Lâm", AgencyKind.DISTRICT, head_title="Chủ tịch UBND huyện", head_name="Trần Thị Bình"
    )
    world["chuyen"] = make_agency("THPTCHUYEN", "Trường THPT Chuyên Hưng Yên", AgencyKind.PUBLIC_SERVICE_UNIT)
    make_plan(world["chuyen"], programme, done_on=[dt.date(2007, 9, 1), None, None])
    world["plan_vanlam"] = make_plan(world["vanlam"], programme, done_on=[dt.date(2007, 9, 1), None, None])
    return world


def pdf(render, *args) -> bytes:
    buffer = io.BytesIO()
    render(*args, buffer)
    return buffer.getvalue()


def lines(content: bytes) -> list[str]:
    """pdftotext's lines in layout order (not collapsed), to see what shares a line."""
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=content, capture_output=True)
    return [" ".join(line.split()) for line in text.stdout.decode().splitlines()]


class TestProvinceReport:
    @pytest.fixture
    def text(self, rollout):
        content = pdf(render_province_pdf, rollout["programme"], AS_OF)
        return pdf_text(content), content

    def test_the_legal_basis_ends_without_a_doubled_stop(self, text):
        body, _content = text
        assert ".," not in body
        assert "TCVN ISO 9001:2008, Ban Chỉ đạo ISO tỉnh Hưng Yên báo cáo" in body

    def test_the_row_of_every_tracked_agency_is_not_labelled_encouraged(self, text):
        body, _content = text
        assert "Tất cả cơ quan, đơn vị được theo dõi Tất cả" in body
        assert "Tất cả cơ quan, đơn vị được theo dõi Khuyến khích" not in body

    def test_the_appendix_code_column_holds_the_longest_code(self, text):
        _body, content = text
        # Laid out, the code sits whole in its own column, apart from the name that follows it.
        assert any("THPTCHUYEN Trường THPT" in line for line in lines(content))

    def test_the_chart_legend_writes_decimal_commas_like_the_text(self, rollout):
        from reports.data import province_report

        report = province_report(rollout["programme"], AS_OF)
        svg = completion_chart_svg(rollout["programme"], report.series, as_of=AS_OF, language="vi")
        mandatory = report.progress.mandatory.percent_completed
        assert f"{mandatory:.1f}".replace(".", ",") + "%" in svg
        assert f": {mandatory:.1f}%" not in svg

    def test_it_speaks_of_the_committee_one_way(self, text):
        body, _content = text
        assert "Ban chỉ đạo" not in body and "Ban Chỉ đạo" in body
        assert "Trạng thái" not in body


class TestAgencyReport:
    def test_the_header_keeps_the_issuing_body_on_one_line_and_numbers_with_its_abbreviation(self, rollout):
        content = pdf(render_agency_pdf, rollout["programme"], rollout["vanlam"], AS_OF)
        laid_out = lines(content)
        assert any(line.startswith("UBND TỈNH HƯNG YÊN") for line in laid_out)
        assert not any(line.endswith("HƯNG") for line in laid_out)
        body = pdf_text(content)
        assert "Số: ……/BC-UBND" in body
        assert "UBND HUYỆN VĂN LÂM" in body

    def test_a_department_numbers_its_report_with_its_own_abbreviation(self, rollout):
        body = pdf_text(pdf(render_agency_pdf, rollout["programme"], rollout["syt"], AS_OF))
        assert "Số: ……/BC-SYT" in body
        assert "Tình trạng" in body and "Trạng thái" not in body


class TestUrgingLetter:
    @pytest.fixture
    def letter(self, rollout):
        plan = rollout["plan_vanlam"]
        plan.programme.legal_basis = "Kế hoạch của UBND tỉnh (minh họa)."
        plan.programme.save()
        with time_machine.travel(LETTER_DAY, tick=False):
            return pdf_text(urging_letter_pdf(ImplementationPlan.objects.get(pk=plan.pk), AS_OF))

    def test_the_addressees_title_names_the_agency_once(self, letter):
        assert "đề nghị Chủ tịch UBND huyện Văn Lâm chỉ đạo" in letter
        assert "UBND huyện UBND huyện" not in letter

    def test_the_legal_basis_ends_without_a_doubled_stop(self, letter):
        assert ".," not in letter
        assert "(minh họa), Ban Chỉ đạo ISO tỉnh" in letter

    def test_titles_are_written_once_whatever_their_form(self, rollout):
        agency = Agency(name="Ủy ban nhân dân huyện Văn Lâm", head_title="Chủ tịch Ủy ban nhân dân huyện")
        assert agency.head_title_with_agency == "Chủ tịch UBND huyện Văn Lâm"
        assert Agency(name="Sở Y tế", head_title="Giám đốc").head_title_with_agency == "Giám đốc Sở Y tế"
        assert Agency(name="Sở Y tế", head_title="").head_title_with_agency == "Thủ trưởng Sở Y tế"
        assert (
            Agency(name="UBND xã Nghĩa Hiệp", head_title="Chủ tịch UBND xã Nghĩa Hiệp").head_title_with_agency
            == "Chủ tịch UBND xã Nghĩa Hiệp"
        )

    def test_the_urge_page_previews_and_offers_the_letter_for_download(self, login, committee_user, rollout):
        client = login(committee_user)
        code, programme = rollout["vanlam"].code, rollout["programme"].pk
        page = client.get(reverse("rollout:urge", kwargs={"code": code})).content.decode()
        url = reverse("rollout:urge_letter", kwargs={"code": code, "programme": programme})
        assert f'href="{url}"' in page and f'href="{url}?download=1"' in page
        with time_machine.travel(LETTER_DAY, tick=False):
            preview, download = client.get(url), client.get(url, {"download": "1"})
        name = "cong-van-don-doc-ubnd-huyen-van-lam-2010-06-30.pdf"
        assert preview["Content-Disposition"] == f'inline; filename="{name}"'
        assert download["Content-Disposition"] == f'attachment; filename="{name}"'
        assert "CÔNG VĂN" not in pdf_text(preview.content) or "Kính gửi" in pdf_text(preview.content)
        assert len(PdfReader(io.BytesIO(download.content)).pages) >= 1

    def test_an_agency_user_who_may_never_urge_is_refused_the_letter(self, login, rollout):
        from tests.conftest import make_user

        officer = make_user("officer-syt", agency=rollout["syt"], role="iso_officer")
        url = reverse("rollout:urge_letter", kwargs={"code": "VANLAM", "programme": rollout["programme"].pk})
        assert login(officer).get(url).status_code == 403

    def test_a_district_officer_cannot_open_a_letter_to_their_own_district(self, login, rollout):
        from tests.conftest import make_user

        officer = make_user("officer-vanlam", agency=rollout["vanlam"], role="iso_officer")
        url = reverse("rollout:urge_letter", kwargs={"code": "VANLAM", "programme": rollout["programme"].pk})
        assert login(officer).get(url).status_code == 404

    def test_the_committee_sends_the_letter_by_itself_through_the_outbox(
        self, login, committee_user, rollout, django_capture_on_commit_callbacks
    ):
        from tests.conftest import make_user

        officer = make_user("officer-vanlam", agency=rollout["vanlam"], role="iso_officer")
        Milestone.objects.filter(plan=rollout["plan_vanlam"]).update(due_date=dt.date(2009, 1, 1))
        with time_machine.travel(LETTER_DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
            response = login(committee_user).post(
                reverse("rollout:urge", kwargs={"code": "VANLAM"}),
                {"programme": rollout["programme"].pk, "message": "Đề nghị hoàn thành.", "with_letter": "on"},
            )
        assert response.status_code == 302
        [message] = mail.outbox
        assert message.to == [officer.email]
        [(filename, content, mimetype)] = message.attachments
        assert (filename, mimetype) == ("cong-van-don-doc-ubnd-huyen-van-lam-2010-06-30.pdf", "application/pdf")
        assert "Chủ tịch UBND huyện Văn Lâm" in pdf_text(content)
        assert ReminderLog.objects.get(urge__isnull=False).status == "sent"

    def test_without_the_box_ticked_the_e_mail_carries_no_letter(
        self, login, committee_user, rollout, django_capture_on_commit_callbacks
    ):
        from tests.conftest import make_user

        make_user("officer-vanlam", agency=rollout["vanlam"], role="iso_officer")
        with time_machine.travel(LETTER_DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
            login(committee_user).post(
                reverse("rollout:urge", kwargs={"code": "VANLAM"}),
                {"programme": rollout["programme"].pk, "message": "Đề nghị hoàn thành."},
            )
        assert mail.outbox[0].attachments == []


class TestDownloadNames:
    def test_every_download_is_named_in_one_vietnamese_scheme(self, rollout):
        assert report_filename("province", AS_OF) == "bao-cao-tien-do-toan-tinh-2010-06-30.pdf"
        assert report_filename("dost", AS_OF) == "bao-cao-chung-nhan-cong-bo-2010-06-30.pdf"
        assert report_filename("agency", AS_OF, rollout["vanlam"]) == "bao-cao-ubnd-huyen-van-lam-2010-06-30.pdf"
        assert urging_letter_filename(rollout["vanlam"], AS_OF) == "cong-van-don-doc-ubnd-huyen-van-lam-2010-06-30.pdf"

    def test_the_pages_send_those_names(self, login, committee_user, rollout, settings):
        client = login(committee_user)
        for kind in ("province", "dost"):
            response = client.get(reverse(f"reports:{kind}"), {"as_of": AS_OF.isoformat()})
            assert response["Content-Disposition"] == f'inline; filename="{report_filename(kind, AS_OF)}"'
        response = client.get(reverse("reports:agency", kwargs={"code": "VANLAM"}), {"as_of": AS_OF.isoformat()})
        assert "bao-cao-ubnd-huyen-van-lam-2010-06-30.pdf" in response["Content-Disposition"]

    def test_the_dost_report_has_no_doubled_punctuation(self, rollout):
        with translation.override("vi"):
            body = pdf_text(pdf(render_dost_pdf, rollout["programme"], AS_OF))
        assert ".," not in body


def test_the_pages_speak_of_the_committee_and_of_states_the_same_way_as_the_documents():
    from django.conf import settings

    catalogue = (settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    translations = [line for line in catalogue.splitlines() if line.startswith(("msgstr", '"'))]
    assert not [line for line in translations if "Ban chỉ đạo" in line or "Trạng thái" in line]
    assert any("Ban Chỉ đạo ISO" in line for line in translations)
