"""Score pages: the ranking per group (or one's own agency's score), an agency's breakdown with the reason
behind every point, the committee's criteria, and the ranking as PDF and XLSX."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import Access, agency_for_user, require
from documents.filenames import download_name
from documents.pdf import render_pdf
from evaluation import exports, services
from evaluation.access import may_read_ranking, may_set_criteria, scored_agencies_for
from evaluation.forms import CriterionForm
from evaluation.models import Criterion
from evaluation.score import criteria_for, ranking, yearly_scores
from rollout.history import history_of
from rollout.models import Programme
from rollout.services import ConcurrentEditError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programmes() -> list[Programme]:
    return list(Programme.objects.order_by("-start_date"))


def _programme(request) -> Programme:
    """The programme asked for (``?programme=``), else the latest to start with score criteria, else the
    current one."""
    raw = request.GET.get("programme", "").strip()
    if raw:
        programme = Programme.objects.filter(pk=raw).first() if raw.isdigit() else None
        if programme is None:
            raise Http404("No such programme")
        return programme
    scored = Programme.objects.filter(score_criteria__isnull=False).order_by("-start_date").first()
    programme = scored or Programme.objects.current()
    if programme is None:
        raise Http404("No programme")
    return programme


def _years(programme: Programme) -> list[int]:
    return list(range(timezone.localdate().year, programme.start_date.year - 1, -1))


def _year(request, programme: Programme) -> int:
    latest = Criterion.objects.filter(programme=programme).order_by("-year").values_list("year", flat=True).first()
    default = latest or programme.default_day().year
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if year in _years(programme) else default


def _require_reader(user) -> None:
    require(user, Access.READ_RANKING)


@login_required
@require_GET
def index(request):
    programme = _programme(request)
    year = _year(request, programme)
    scores = yearly_scores(programme, year, scored_agencies_for(request.user))
    return render(
        request,
        "evaluation/index.html",
        {
            "programme": programme,
            "year": year,
            "years": _years(programme),
            "programmes": _programmes(),
            "criteria": criteria_for(programme, year),
            "groups": ranking(scores),
            "whole_province": may_read_ranking(request.user),
            "can_set": may_set_criteria(request.user),
        },
    )


@login_required
@require_GET
def agency(request, code: str):
    item = agency_for_user(request.user, code)
    if not may_read_ranking(request.user) and request.user.agency_id != item.pk:
        raise Http404("Not allowed")
    programme = _programme(request)
    year = _year(request, programme)
    scores = yearly_scores(programme, year, scored_agencies_for(request.user).filter(pk=item.pk))
    return render(
        request,
        "evaluation/agency.html",
        {
            "agency": item,
            "programme": programme,
            "year": year,
            "years": _years(programme),
            "programmes": _programmes(),
            "score": scores[0] if scores else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request):
    programme = _programme(request)
    year = _year(request, programme)
    if request.method == "POST":
        require(request.user, Access.SET_CRITERIA)
        try:
            copied = services.copy_criteria(programme, from_year=year - 1, to_year=year, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s criteria copied from the year before.") % {"count": copied})
        return redirect(f"{reverse('evaluation:criteria')}?programme={programme.pk}&year={year}")
    return render(
        request,
        "evaluation/criteria.html",
        {
            "programme": programme,
            "year": year,
            "years": _years(programme),
            "programmes": _programmes(),
            "criteria": criteria_for(programme, year),
            "can_set": may_set_criteria(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk: int | None = None):
    require(request.user, Access.SET_CRITERIA)
    programme = _programme(request)
    if pk is None:
        instance = Criterion(programme=programme, year=_year(request, programme))
    else:
        instance = get_object_or_404(Criterion, pk=pk)
    form = CriterionForm(request.POST or None, instance=instance, initial={"version": instance.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_criterion(
                form.instance, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except ConcurrentEditError as error:
            conflict = error
            data = form.data.copy()
            data["version"] = str(error.current_version)
            form.data = data
        except ValidationError as error:
            for name, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The criterion was saved."))
            return redirect(f"{reverse('evaluation:criteria')}?programme={saved.programme_id}&year={saved.year}")
    return render(
        request,
        "evaluation/criterion.html",
        {"form": form, "item": instance, "conflict": conflict, "history": history_of(instance) if pk else []},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def ranking_pdf(request):
    _require_reader(request.user)
    programme = _programme(request)
    year = _year(request, programme)
    context = exports.ranking_context(programme, year)
    response = HttpResponse(
        render_pdf("evaluation/pdf/ranking.html", context, request=request), content_type="application/pdf"
    )
    filename = download_name("xep-hang-iso", str(year), day=context["document_date"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def ranking_xlsx(request):
    _require_reader(request.user)
    programme = _programme(request)
    year = _year(request, programme)
    response = HttpResponse(exports.ranking_xlsx(programme, year), content_type=XLSX_TYPE)
    filename = download_name("xep-hang-iso", str(year), day=dt.date(year, 12, 31), extension="xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
