"""The reports page, the three PDF reports, the spreadsheet exports and the background report jobs.

Who sees what (agencies.access decides): the provincial committee, DOST and viewers (read-only across the
province) reach every report; an agency's own users reach their agency's report only: the province-wide
reports answer them 403, another agency's report 404 (the convention of ``agencies.access``).
Reports covering more than REPORTS_TASK_THRESHOLD agencies are rendered by the worker (reports.tasks); the
others in the request.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from agencies.access import Access, agencies_for_user, agency_for_user, may, require
from agencies.asof import read_as_of
from agencies.models import TRACKED_GROUPS, Agency
from reports import exports
from reports.forms import AgencyReportForm, ExportForm, ReportForm
from reports.models import JobState, ReportJob, report_filename
from reports.participation import participation as participation_of
from reports.register import PAGE_SIZE as REGISTER_PAGE_SIZE
from reports.register import RegisterForm, register_records
from reports.render import RENDERERS
from reports.tasks import queue_report
from rollout.models import Programme


def task_threshold() -> int:
    return settings.REPORTS_TASK_THRESHOLD


def _index(request, *, status: int = 200, failed: dict | None = None):
    """The reports page; ``failed`` puts a bound form with its errors back in its place."""
    user = request.user
    province_wide = may(user, Access.SEE_PROVINCE)
    # Reached from a page shown as of a day (and a programme): the forms start from that day.
    initial = {"as_of": read_as_of(request).day}
    chosen = request.GET.get("programme", "")
    if chosen.isdigit():
        initial["programme"] = Programme.objects.filter(pk=chosen).first()
    forms = {
        "province_form": ReportForm(auto_id="province-%s", initial=initial),
        "dost_form": ReportForm(auto_id="dost-%s", initial=initial),
        "agency_form": AgencyReportForm(user=user, auto_id="agency-%s", initial=initial),
        "own_form": ReportForm(auto_id="own-%s", initial=initial),
        "export_form": ExportForm(auto_id="export-%s", initial=initial),
        **(failed or {}),
    }
    context = {
        **forms,
        "province_wide": province_wide,
        "own_agency": user.agency if user.agency_id and not province_wide else None,
        "jobs": ReportJob.objects.filter(requested_by=user)[:10],
        "failed_forms": list((failed or {}).values()),
    }
    return render(request, "reports/index.html", context, status=status)


@login_required
@require_GET
def index(request):
    return _index(request)


@login_required
@require_GET
def agency_pick(request):
    """The agency picker of the reports page: a known code leads to that agency's report."""
    form = AgencyReportForm(request.GET, user=request.user, auto_id="agency-%s")
    if not form.is_valid():
        return _index(request, status=400, failed={"agency_form": form})
    return redirect(_report_url("reports:agency", form.cleaned_data, code=form.cleaned_data["agency"].code))


def _report_url(name: str, data: dict, **kwargs) -> str:
    query = urlencode({"programme": data["programme"].pk, "as_of": data["as_of"].isoformat()})
    return f"{reverse(name, kwargs=kwargs)}?{query}"


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _tracked_agency_count(as_of) -> int:
    return Agency.objects.active_on(as_of).filter(group__in=TRACKED_GROUPS).count()


def _province_wide_report(request, kind: str):
    require(request.user, Access.SEE_PROVINCE)
    form = ReportForm(request.GET, auto_id=f"{kind}-%s")
    if not form.is_valid():
        return _index(request, status=400, failed={f"{kind}_form": form})
    programme, as_of = form.cleaned_data["programme"], form.cleaned_data["as_of"]
    if _tracked_agency_count(as_of) > task_threshold():
        job = queue_report(request.user, kind, programme, as_of)
        return redirect(job)
    buffer = io.BytesIO()
    # A report that still has many rows is laid out in sections, so the web process stays small too.
    RENDERERS[kind](programme, as_of, buffer, chunk_rows=settings.REPORTS_PDF_CHUNK_ROWS)
    return _pdf_response(buffer.getvalue(), report_filename(kind, as_of))


@login_required
@require_GET
def province(request):
    return _province_wide_report(request, "province")


@login_required
@require_GET
def dost(request):
    return _province_wide_report(request, "dost")


@login_required
@require_GET
def agency(request, code: str):
    agency = agency_for_user(request.user, code)
    form = ReportForm(request.GET, auto_id="own-%s")
    if not form.is_valid():
        return _index(request, status=400, failed={"own_form": form})
    programme, as_of = form.cleaned_data["programme"], form.cleaned_data["as_of"]
    buffer = io.BytesIO()
    RENDERERS["agency"](programme, agency, as_of, buffer)
    return _pdf_response(buffer.getvalue(), report_filename("agency", as_of, agency))


@login_required
@require_GET
def export(request):
    require(request.user, Access.SEE_PROVINCE)
    form = ExportForm(request.GET, auto_id="export-%s")
    if not form.is_valid():
        return _index(request, status=400, failed={"export_form": form})
    data = form.cleaned_data
    result = exports.export(data["table"], data["programme"], data["as_of"], data["format"])
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


def _job_for_user(user, pk: int) -> ReportJob:
    # A job belongs to the person who asked for it; anyone else gets 404.
    return get_object_or_404(ReportJob, pk=pk, requested_by=user)


@login_required
@require_GET
def job(request, pk: int):
    job = _job_for_user(request.user, pk)
    return render(request, "reports/job.html", {"job": job, "refresh_seconds": 3})


@login_required
@require_GET
def job_download(request, pk: int):
    job = _job_for_user(request.user, pk)
    if job.state != JobState.DONE or not job.file_path:
        raise Http404("The report is not ready")
    root = Path(settings.REPORTS_ROOT).resolve()
    path = (root / job.file_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404("The report file is gone")
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=job.download_name, content_type="application/pdf"
    )


@login_required
@require_GET
def register(request):
    """DOST's register of certificates and declarations as of a date: filtered, sorted, paged, exported as shown."""
    require(request.user, Access.SEE_PROVINCE)
    form = RegisterForm(request.GET, auto_id="register-%s")
    records = register_records(form.cleaned_data) if form.is_valid() else []
    if form.is_valid() and form.cleaned_data.get("format"):
        data = form.cleaned_data
        filters = "; ".join(
            f"{form.fields[name].label}: {dict(form.fields[name].choices).get(str(data[name]), data[name])}"
            for name in ("validity", "body", "group", "district")
            if data.get(name)
        )
        if data.get("expiring_within"):
            filters += f"{'; ' if filters else ''}{form.fields['expiring_within'].label}: {data['expiring_within']}"
        result = exports.export_rows(
            "certificates",
            exports.certificate_rows(records),
            data["programme"],
            data["as_of"],
            data["format"],
            filters=filters,
        )
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
    page = Paginator(records, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "reports/register.html",
        {
            "form": form,
            "page": page,
            "total": len(records),
            "query": query.urlencode(),
            "data": form.cleaned_data if form.is_valid() else {},
            "formats": exports.FORMATS,
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_GET
def participation(request):
    """The encouraged units that joined a programme, and when (the committee, DOST, viewers: the province; a
    district: its own communes and units)."""
    programmes = list(Programme.objects.order_by("-start_date"))
    chosen = request.GET.get("programme", "")
    programme = next((p for p in programmes if str(p.pk) == chosen), None) or Programme.objects.current()
    if programme is None:
        raise Http404("No programme")
    figures = participation_of(programme, agencies_for_user(request.user))
    return render(
        request, "reports/participation.html", {"programme": programme, "programmes": programmes, **figures}
    )
