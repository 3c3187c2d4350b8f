"""Maintenance pages: the province's (or one's own agencies') year, an agency's year, its activities and
corrective actions, its annual report to DOST, and the province's summary as PDF and XLSX."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import Access, agencies_for_user, agency_for_user, may, require
from documents.filenames import download_name
from documents.pdf import render_pdf
from maintenance import services, summary
from maintenance.access import action_for_user, activity_for_user, may_read_province_summary
from maintenance.forms import ActivityForm, AnnualReportForm, CorrectiveActionForm
from maintenance.models import AnnualReport, CorrectiveAction, MaintenanceActivity
from maintenance.records import agency_year, year_records
from rollout.history import history_of
from rollout.models import Programme
from rollout.services import ConcurrentEditError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programmes() -> list[Programme]:
    return list(Programme.objects.order_by("-start_date"))


def _programme(request) -> Programme:
    """The programme asked for (``?programme=``), else the latest to start whose agencies hold certificates or
    declarations (those who maintain a system), else the current one."""
    raw = request.GET.get("programme", "").strip()
    if raw:
        programme = Programme.objects.filter(pk=raw).first() if raw.isdigit() else None
        if programme is None:
            raise Http404("No such programme")
        return programme
    holding = Programme.objects.filter(Q(plans__certificates__isnull=False) | Q(plans__declarations__isnull=False))
    programme = holding.order_by("-start_date").first() or Programme.objects.current()
    if programme is None:
        raise Http404("No programme")
    return programme


def _year(request, programme: Programme) -> int:
    default = programme.default_day().year
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if programme.start_date.year <= year <= timezone.localdate().year else default


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _years(programme: Programme) -> list[int]:
    return list(range(timezone.localdate().year, programme.start_date.year - 1, -1))


@login_required
@require_GET
def index(request):
    programme = _programme(request)
    year = _year(request, programme)
    agencies = agencies_for_user(request.user).order_by("group", "name")
    rows = [r for r in year_records(programme, year, agencies).values() if r.document is not None or r.report]
    return render(
        request,
        "maintenance/index.html",
        {
            "programme": programme,
            "year": year,
            "years": _years(programme),
            "programmes": _programmes(),
            "rows": rows,
            "counts": summary.filing_counts(rows),
            "province": may_read_province_summary(request.user),
        },
    )


@login_required
@require_GET
def agency(request, code: str):
    item = agency_for_user(request.user, code)
    programme = _programme(request)
    year = _year(request, programme)
    return render(
        request,
        "maintenance/agency.html",
        {
            "agency": item,
            "programme": programme,
            "year": year,
            "years": _years(programme),
            "programmes": _programmes(),
            "records": agency_year(programme, year, item),
            "can_edit": may(request.user, Access.MANAGE, item),
        },
    )


def _edit(request, *, instance, form_class, template, agency, created_message, form_agency=None):
    extra = {"agency": form_agency} if form_agency is not None else {}
    form = form_class(request.POST or None, instance=instance, initial={"version": instance.version}, **extra)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_record(form.instance, by=request.user, expected_version=form.cleaned_data["version"])
        except ConcurrentEditError as error:
            conflict = error
            data = form.data.copy()
            data["version"] = str(error.current_version)
            form.data = data
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, created_message)
            return redirect(saved)
    return render(
        request,
        template,
        {
            "form": form,
            "item": instance,
            "agency": agency,
            "conflict": conflict,
            "can_edit": may(request.user, Access.MANAGE, agency),
            "history": history_of(instance) if instance.pk else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request, code: str):
    item = agency_for_user(request.user, code, Access.MANAGE)
    instance = MaintenanceActivity(agency=item, programme=_programme(request))
    return _edit(
        request,
        instance=instance,
        form_class=ActivityForm,
        template="maintenance/activity.html",
        agency=item,
        created_message=_("The activity was saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity(request, pk: int):
    access = Access.MANAGE if request.method == "POST" else Access.VIEW
    instance = activity_for_user(request.user, pk, access)
    return _edit(
        request,
        instance=instance,
        form_class=ActivityForm,
        template="maintenance/activity.html",
        agency=instance.agency,
        created_message=_("The activity was saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, code: str):
    item = agency_for_user(request.user, code, Access.MANAGE)
    instance = CorrectiveAction(agency=item, programme=_programme(request))
    return _edit(
        request,
        instance=instance,
        form_class=CorrectiveActionForm,
        template="maintenance/action.html",
        agency=item,
        created_message=_("The corrective action was saved."),
        form_agency=item,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action(request, pk: int):
    access = Access.MANAGE if request.method == "POST" else Access.VIEW
    instance = action_for_user(request.user, pk, access)
    return _edit(
        request,
        instance=instance,
        form_class=CorrectiveActionForm,
        template="maintenance/action.html",
        agency=instance.agency,
        created_message=_("The corrective action was saved."),
        form_agency=instance.agency,
    )


@login_required
@require_http_methods(["GET", "POST"])
def annual_report(request, code: str, year: int):
    """The agency's report for the year: read by everyone who sees the agency; filed by its ISO officer in a
    form prefilled from the year's records."""
    programme = _programme(request)
    access = Access.MANAGE if request.method == "POST" else Access.VIEW
    item = agency_for_user(request.user, code, access)
    if not programme.start_date.year <= year <= timezone.localdate().year:
        raise Http404("No such year")
    records = agency_year(programme, year, item)
    report = records.report or AnnualReport(
        agency=item,
        programme=programme,
        year=year,
        procedures_covered=records.procedures_covered,
        internal_audits=records.internal_audits,
        management_reviews=records.management_reviews,
        actions_raised=records.actions_raised,
        actions_closed=records.actions_closed,
        filed_on=timezone.localdate(),
    )
    may_file = may(request.user, Access.MANAGE, item)
    form = AnnualReportForm(request.POST or None, instance=report, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.file_annual_report(form.instance, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The annual report was filed with DOST."))
            url = reverse("maintenance:agency", kwargs={"code": item.code})
            return redirect(f"{url}?programme={programme.pk}&year={year}")
    return render(
        request,
        "maintenance/annual_report.html",
        {
            "agency": item,
            "programme": programme,
            "year": year,
            "records": records,
            "report": records.report,
            "form": form if may_file else None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _require_province_reader(user) -> None:
    require(user, Access.SEE_PROVINCE)


@login_required
@require_GET
def summary_pdf(request):
    _require_province_reader(request.user)
    programme = _programme(request)
    year = _year(request, programme)
    context = summary.province_summary(programme, year)
    content = render_pdf("maintenance/pdf/summary.html", context, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = download_name("bao-cao-duy-tri-iso", str(year), day=context["document_date"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def summary_xlsx(request):
    _require_province_reader(request.user)
    programme = _programme(request)
    year = _year(request, programme)
    response = HttpResponse(summary.summary_xlsx(programme, year), content_type=XLSX_TYPE)
    filename = download_name("bao-cao-duy-tri-iso", str(year), day=dt.date(year, 12, 31), extension="xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
