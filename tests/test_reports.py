"""The PDF reports: figures read back from the PDF equal the progress engine's, Vietnamese survives, fonts are
embedded, pages are numbered, and the large-report path renders in sections and in the worker."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from agencies.models import UserRole
from reports.models import JobState, ReportJob
from reports.render import render_agency_pdf, render_dost_pdf, render_province_pdf
from rollout.progress import ProgressStatus, agency_progress, programme_progress
from tests.conftest import make_user
from tests.fixtures_reports import build_rollout

AS_OF = dt.date(2010, 6, 30)


@pytest.fixture
def rollout(db):
    return build_rollout()


def pdf_text(content: bytes) -> str:
    """The PDF's text in drawing order (table cells one after another), whitespace collapsed to single spaces."""
    args = ["pdftotext", "-enc", "UTF-8", "-raw", "-", "-"]
    text = subprocess.run(args, input=content, capture_output=True, check=True).stdout.decode("utf-8")
    return " ".join(text.split())


def pdf_fonts(content: bytes) -> list[dict]:
    """pdffonts' table as dicts; it reads a file, so the PDF goes through a pipe-named temporary file."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        output = subprocess.run(["pdffonts", handle.name], capture_output=True, check=True, text=True).stdout
    header, rule, *rows = output.splitlines()
    # Columns are fixed-width; the rule line of dashes gives each column's extent.
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    names = [header[start:end].strip() or header[start:].split()[0] for start, end in spans]
    return [{name: row[start:end].strip() for name, (start, end) in zip(names, spans, strict=True)} for row in rows]


def province_pdf(programme, as_of=AS_OF, **kwargs) -> bytes:
    buffer = io.BytesIO()
    render_province_pdf(programme, as_of, buffer, **kwargs)
    return buffer.getvalue()


def vn(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def appendix_row(text: str, agency) -> str:
    """The appendix row of the agency: number, code, name, stage, % done, status, overdue, certificate."""
    appendix = text[text.index("PHỤ LỤC") :]
    with translation.override("vi"):
        status = str(ProgressStatus(agency.status).label)
    pattern = (
        rf"\d+ {re.escape(agency.code)} {re.escape(agency.name)} .*?"
        rf"{re.escape(vn(agency.percent_done))} {re.escape(status)} {agency.overdue} "
    )
    match = re.search(pattern, appendix)
    assert match, f"no appendix row for {agency.code} with the engine's figures"
    return appendix[match.start() : match.end() + 60]


class TestProvinceReport:
    def test_its_totals_equal_the_engine_and_the_fixture_counted_by_hand(self, rollout):
        progress = programme_progress(rollout["programme"], AS_OF)
        # By hand: the mandatory agencies are SNV, SYT, YENMY, KIMDONG; only SNV holds a certificate by 30/06/2010.
        assert (progress.mandatory.completed, progress.mandatory.total) == (1, 4)
        assert (progress.province.completed, progress.province.total) == (2, 5)

        text = pdf_text(province_pdf(rollout["programme"]))

        mandatory = progress.mandatory
        assert f"{mandatory.completed}/{mandatory.total} cơ quan đã hoàn thành" in text
        assert f"đạt {vn(mandatory.percent_completed)}% so với mục tiêu 100%" in text
        assert f"{progress.province.completed}/{progress.province.total} cơ quan, đơn vị đã hoàn thành" in text

    def test_each_agency_line_shows_the_engine_stage_percent_and_overdue(self, rollout):
        progress = programme_progress(rollout["programme"], AS_OF)
        text = pdf_text(province_pdf(rollout["programme"]))
        rows = {agency.code: appendix_row(text, agency) for agency in progress.agencies}
        assert "HT 1234.10" in rows["SNV"]

    def test_an_earlier_date_gives_that_day_s_figures(self, rollout):
        as_of = dt.date(2009, 12, 31)
        progress = programme_progress(rollout["programme"], as_of)
        assert progress.mandatory.completed == 0  # SNV's certificate came on 15/03/2010

        text = pdf_text(province_pdf(rollout["programme"], as_of))

        assert f"0/{progress.mandatory.total} cơ quan đã hoàn thành" in text
        assert "tính đến ngày 31/12/2009" in text
        assert "HT 1234.10" not in text

    def test_section_two_names_the_lagging_mandatory_agencies(self, rollout):
        text = pdf_text(province_pdf(rollout["programme"]))
        section = text[text.index("II. CÁC CƠ QUAN") : text.index("III. KIẾN NGHỊ")]
        # By hand on 30/06/2010: SYT's certification milestone (due 31/03/2010) is open, YENMY has two open
        # milestones past due; SNV is certified and KIMDONG has no plan, so neither is lagging.
        assert " SYT " in section and " YENMY " in section
        assert " SNV " not in section and " KIMDONG " not in section

    def test_the_formal_vietnamese_header_and_signature_survive_intact(self, rollout):
        text = pdf_text(province_pdf(rollout["programme"]))
        for phrase in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "UBND TỈNH HƯNG YÊN",
            "BAN CHỈ ĐẠO ISO",
            "/BC-BCĐ",
            "Hưng Yên, ngày 30 tháng 6 năm 2010",
            "Nơi nhận:",
            "TRƯỞNG BAN",
            "UBND huyện Kim Động",
            "UBND xã Nghĩa Hiệp",
        ):
            assert phrase in text

    def test_every_font_is_embedded(self, rollout):
        fonts = pdf_fonts(province_pdf(rollout["programme"]))
        assert fonts
        assert {font["emb"] for font in fonts} == {"yes"}
        assert all("Noto" in font["name"] for font in fonts)

    def test_pages_are_numbered_x_of_y(self, rollout):
        content = province_pdf(rollout["programme"])
        pages = len(PdfReader(io.BytesIO(content)).pages)
        text = pdf_text(content)
        assert [f"Trang {n}/{pages}" for n in range(1, pages + 1)] == re.findall(r"Trang \d+/\d+", text)

    def test_it_carries_the_completion_chart_with_the_target(self, rollout):
        text = pdf_text(province_pdf(rollout["programme"]))
        assert "30/06/2010" in text
        assert "100%" in text


class TestSectionedRendering:
    def test_a_report_in_sections_keeps_every_row_numbers_every_page_and_embeds_fonts(self, db):
        data = build_rollout(extra_agencies=30)
        progress = programme_progress(data["programme"], AS_OF)

        content = province_pdf(data["programme"], chunk_rows=10)

        pages = len(PdfReader(io.BytesIO(content)).pages)
        text = pdf_text(content)
        assert [f"Trang {n}/{pages}" for n in range(1, pages + 1)] == re.findall(r"Trang \d+/\d+", text)
        for agency in progress.agencies:
            appendix_row(text, agency)
        assert {font["emb"] for font in pdf_fonts(content)} == {"yes"}
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text

    def test_the_reports_page_lays_a_long_report_out_in_sections_too(self, login, committee_user, rollout, settings):
        settings.REPORTS_PDF_CHUNK_ROWS = 2
        response = login(committee_user).get(reverse("reports:province"), {"as_of": "2010-06-30"})
        assert response.status_code == 200
        pages = len(PdfReader(io.BytesIO(response.content)).pages)
        text = pdf_text(response.content)
        assert re.findall(r"Trang \d+/\d+", text) == [f"Trang {n}/{pages}" for n in range(1, pages + 1)]
        assert "(tiếp theo)" in text


class TestAgencyReport:
    def test_it_lists_committee_milestones_certificate_and_history_with_the_engine_figures(self, rollout):
        snv = rollout["snv"]
        buffer = io.BytesIO()
        render_agency_pdf(rollout["programme"], snv, AS_OF, buffer)
        text = pdf_text(buffer.getvalue())
        progress = agency_progress(rollout["programme"], snv, AS_OF)

        needed = f"{progress.needed_done}/{progress.needed} nội dung cần để hoàn thành ({vn(progress.percent_done)}%)"
        assert needed in text
        assert "Quyết định số 1/QĐ-SNV ngày 01/06/2007" in text
        assert "Xây dựng và ban hành tài liệu 31/12/2008 20/11/2008" in text  # due, then done
        assert "HT 1234.10" in text and "14/03/2013" in text
        assert "Hoàn thành" in text  # the note of a recorded status change
        assert "Sở Nội vụ" in text

    def test_a_milestone_done_after_the_date_shows_as_open(self, rollout):
        buffer = io.BytesIO()
        render_agency_pdf(rollout["programme"], rollout["snv"], dt.date(2008, 6, 30), buffer)
        text = pdf_text(buffer.getvalue())
        assert "20/11/2008" not in text
        assert "HT 1234.10" not in text
        assert "1/3 nội dung cần để hoàn thành (33,3%)" in text


class TestDostReport:
    def sections(self, programme, as_of) -> dict[str, str]:
        buffer = io.BytesIO()
        render_dost_pdf(programme, as_of, buffer)
        text = pdf_text(buffer.getvalue())
        marks = [
            "I. GIẤY CHỨNG NHẬN",
            "II. SẮP HẾT HIỆU LỰC",
            "III. ĐÃ HẾT HIỆU LỰC",
            "IV. TỔ CHỨC",
            "V. CÁC CƠ QUAN",
            "Nơi nhận",
        ]
        starts = [text.index(mark) for mark in marks]
        return {mark: text[start:end] for mark, start, end in zip(marks, starts, starts[1:] + [len(text)], strict=True)}

    def test_certificates_are_sorted_into_valid_expiring_and_expired(self, rollout):
        on_target = self.sections(rollout["programme"], AS_OF)
        assert "HT 1234.10" in on_target["I. GIẤY CHỨNG NHẬN"]
        assert "HT 2001.10" in on_target["II. SẮP HẾT HIỆU LỰC"]  # expires 01/09/2010, 63 days on
        assert "HT 2001.10" not in on_target["III. ĐÃ HẾT HIỆU LỰC"]

        later = self.sections(rollout["programme"], dt.date(2010, 9, 2))
        assert "HT 2001.10" in later["III. ĐÃ HẾT HIỆU LỰC"]
        assert "HT 1234.10" in later["I. GIẤY CHỨNG NHẬN"]

    def test_partners_list_the_agencies_they_serve_and_the_engine_names_the_non_compliant(self, rollout):
        sections = self.sections(rollout["programme"], AS_OF)
        partners = sections["IV. TỔ CHỨC"]
        assert "Công ty Tư vấn Chất lượng Đông Á" in partners
        assert "Sở Nội vụ; UBND huyện Yên Mỹ" in partners
        assert "Trung tâm Chứng nhận Phù hợp" in partners

        progress = programme_progress(rollout["programme"], AS_OF)
        not_compliant = sections["V. CÁC CƠ QUAN"]
        for agency in progress.agencies:
            assert (agency.code in not_compliant) == (agency.status != ProgressStatus.COMPLETED)


def officer_of(agency):
    return make_user(f"officer-{agency.code.lower()}", agency=agency, role=UserRole.ISO_OFFICER)


def report_urls(code: str) -> dict[str, str]:
    query = f"?as_of={AS_OF.isoformat()}"
    return {
        "index": reverse("reports:index"),
        "province": reverse("reports:province") + query,
        "dost": reverse("reports:dost") + query,
        "agency": reverse("reports:agency", kwargs={"code": code}) + query,
        "export": reverse("reports:export") + query + "&table=agencies&format=csv",
    }


class TestWhoMayReadWhich:
    def test_anonymous_users_are_sent_to_login_from_every_report_url(self, client, rollout):
        for url in report_urls("SNV").values():
            response = client.get(url)
            assert response.status_code == 302 and reverse("login") in response["Location"], url

    def test_an_agency_officer_reads_only_their_own_agency_s_report(self, login, rollout):
        client = login(officer_of(rollout["snv"]))
        own = report_urls("SNV")
        assert client.get(own["index"]).status_code == 200
        response = client.get(own["agency"])
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        for name in ("province", "dost", "export"):
            assert client.get(own[name]).status_code == 403, name
        assert client.get(report_urls("SYT")["agency"]).status_code == 404

    @pytest.mark.parametrize("person", ["committee_user", "dost_user", "viewer"])
    def test_committee_dost_and_viewers_read_every_report(self, request, login, rollout, person):
        client = login(request.getfixturevalue(person))
        for name, url in report_urls("SYT").items():
            response = client.get(url)
            assert response.status_code == 200, name
        assert client.get(report_urls("SYT")["province"])["Content-Type"] == "application/pdf"

    def test_the_reports_page_offers_an_officer_their_agency_only(self, login, rollout):
        client = login(officer_of(rollout["snv"]))
        page = client.get(reverse("reports:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert reverse("reports:agency", kwargs={"code": "SNV"}) in page
        assert reverse("reports:province") not in page


class TestBadInput:
    def test_a_date_before_the_programme_start_is_a_form_error(self, login, committee_user, rollout):
        response = login(committee_user).get(
            reverse("reports:province") + "?as_of=2006-01-01", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400
        assert "cannot precede the programme&#x27;s start (18/04/2007)" in response.content.decode()

    @pytest.mark.parametrize("value", ["2010-13-45", "yesterday", "31/02/2010"])
    def test_a_malformed_date_is_a_form_error(self, login, committee_user, rollout, value):
        response = login(committee_user).get(reverse("reports:dost"), {"as_of": value}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "Enter the date as dd/mm/yyyy, e.g. 30/06/2010." in response.content.decode()

    def test_a_date_in_the_future_is_a_form_error(self, login, committee_user, rollout):
        tomorrow = dt.date.today() + dt.timedelta(days=2)
        response = login(committee_user).get(
            reverse("reports:province"), {"as_of": tomorrow.isoformat()}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400
        assert "cannot be in the future" in response.content.decode()

    def test_an_unknown_programme_is_a_form_error(self, login, committee_user, rollout):
        response = login(committee_user).get(reverse("reports:province"), {"programme": 9999})
        assert response.status_code == 400

    def test_an_unknown_agency_code_in_the_picker_is_a_form_error(self, login, committee_user, rollout):
        response = login(committee_user).get(
            reverse("reports:agency_pick"), {"agency": "NOPE", "as_of": "2010-06-30"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400
        assert "No agency matches “NOPE”." in response.content.decode()

    def test_a_known_code_in_the_picker_leads_to_its_report(self, login, committee_user, rollout):
        response = login(committee_user).get(reverse("reports:agency_pick"), {"agency": "snv", "as_of": "2010-06-30"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reports:agency", kwargs={"code": "SNV"}))
        assert "as_of=2010-06-30" in response["Location"]

    def test_an_unknown_agency_in_the_url_is_404(self, login, committee_user, rollout):
        assert login(committee_user).get(reverse("reports:agency", kwargs={"code": "NOPE"})).status_code == 404

    def test_an_officer_gets_the_same_picker_answer_for_another_agency_as_for_none(self, login, rollout):
        client = login(officer_of(rollout["snv"]))
        response = client.get(reverse("reports:agency_pick"), {"agency": "SYT"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "No agency matches “SYT”." in response.content.decode()


class TestBackgroundReports:
    def test_a_large_province_report_is_rendered_by_the_worker_and_offered_to_its_requester(
        self, login, committee_user, dost_user, rollout, settings, django_capture_on_commit_callbacks
    ):
        settings.REPORTS_TASK_THRESHOLD = 3  # the fixture tracks five agencies
        settings.REPORTS_PDF_CHUNK_ROWS = 2
        client = login(committee_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("reports:province"), {"as_of": "2010-06-30"})
        job = ReportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
        job.refresh_from_db()
        assert (job.state, job.progress, job.requested_by) == (JobState.DONE, 100, committee_user)
        path = settings.REPORTS_ROOT / job.file_path
        assert path.is_file()

        page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'http-equiv="refresh"' not in page
        download = client.get(reverse("reports:job_download", kwargs={"pk": job.pk}))
        content = b"".join(download.streaming_content)
        assert download.status_code == 200 and content.startswith(b"%PDF")
        text = pdf_text(content)
        pages = len(PdfReader(io.BytesIO(content)).pages)
        assert re.findall(r"Trang \d+/\d+", text) == [f"Trang {n}/{pages}" for n in range(1, pages + 1)]
        progress = programme_progress(rollout["programme"], AS_OF)
        assert f"{progress.mandatory.completed}/{progress.mandatory.total} cơ quan đã hoàn thành" in text

        other = login(dost_user)
        assert other.get(job.get_absolute_url()).status_code == 404
        assert other.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 404

    def test_a_queued_job_page_refreshes_itself_and_offers_no_download_yet(self, login, committee_user, rollout):
        job = ReportJob.objects.create(
            requested_by=committee_user,
            kind="province",
            parameters={"programme": rollout["programme"].pk, "as_of": "2010-06-30"},
        )
        client = login(committee_user)
        page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'http-equiv="refresh"' in page and "Waiting for a worker" in page
        assert client.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 404

    def test_a_failed_job_records_its_error(self, committee_user, rollout):
        from reports.tasks import render_report_job

        job = ReportJob.objects.create(
            requested_by=committee_user, kind="province", parameters={"programme": 9999, "as_of": "2010-06-30"}
        )
        render_report_job(job.pk)
        job.refresh_from_db()
        assert job.state == JobState.FAILED and "DoesNotExist" in job.error

    def test_a_job_is_rendered_once_even_if_delivered_twice(self, committee_user, rollout):
        from reports.tasks import render_report_job

        job = ReportJob.objects.create(
            requested_by=committee_user,
            kind="dost",
            parameters={"programme": rollout["programme"].pk, "as_of": "2010-06-30"},
        )
        assert render_report_job(job.pk)
        assert render_report_job(job.pk) is None


class TestRenderReportCommand:
    def test_it_writes_each_report(self, rollout, tmp_path):
        for kind, extra in (("province", []), ("dost", []), ("agency", ["--agency", "snv"])):
            target = tmp_path / f"{kind}.pdf"
            call_command(
                "render_report", kind, "--as-of", "2010-06-30", *extra, "-o", str(target), stdout=io.StringIO()
            )
            assert target.read_bytes().startswith(b"%PDF")
        target = tmp_path / "agencies.xlsx"
        call_command(
            "render_report",
            "province",
            "--format",
            "xlsx",
            "--as-of",
            "2010-06-30",
            "-o",
            str(target),
            stdout=io.StringIO(),
        )
        assert target.read_bytes().startswith(b"PK")

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["province", "--as-of", "2010-02-30"], "is not a date"),
            (["province", "--as-of", "2001-01-01"], "precedes the programme's start"),
            (["province", "--programme", "9999"], "No programme with id 9999"),
            (["agency"], "needs --agency"),
            (["agency", "--agency", "NOPE"], "No agency with the code NOPE"),
            (["agency", "--agency", "SNV", "--format", "csv"], "PDF only"),
            (["dost", "--agency", "SNV"], "agency report only"),
        ],
    )
    def test_bad_arguments_are_clear_command_errors(self, rollout, tmp_path, args, message):
        with pytest.raises(CommandError, match=message):
            call_command("render_report", *args, "-o", str(tmp_path / "x.pdf"))


class TestCompletionChart:
    def test_it_is_well_formed_svg_with_one_line_per_series_and_the_target(self, rollout):
        from xml.etree import ElementTree

        from reports.charts import chart_dates, completion_chart_svg
        from rollout.progress import completion_series

        programme = rollout["programme"]
        series = completion_series(programme, chart_dates(programme, AS_OF))
        svg = completion_chart_svg(programme, series, as_of=AS_OF, language="en")

        root = ElementTree.fromstring(svg)
        lines = root.findall("{http://www.w3.org/2000/svg}polyline")
        assert len(lines) == 5  # the mandatory total and the four tracked groups
        assert "Target: 100% by 30/06/2010" in svg
        # The legend carries each series' last value: the engine's mandatory figure on the date.
        mandatory = programme_progress(programme, AS_OF).mandatory
        assert f"Mandatory agencies: {mandatory.percent_completed:.1f}%" in svg

    def test_chart_dates_run_from_the_start_to_the_date_in_at_most_the_asked_points(self, rollout):
        from reports.charts import chart_dates

        dates = chart_dates(rollout["programme"], AS_OF, max_points=12)
        assert dates[0] == rollout["programme"].start_date and dates[-1] == AS_OF
        assert dates == sorted(set(dates)) and len(dates) <= 14
