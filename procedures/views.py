"""Pages of the catalogue of administrative procedures: coverage per agency, an agency's catalogue, Home Affairs'
edits and imports, and the scope chosen by an agency's ISO officer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import Access, agencies_for_user, agency_for_user, may, require
from agencies.forms import show_error
from agencies.models import AgencyKind, Tier
from procedures import services
from procedures.coverage import Coverage, coverage_by_agency
from procedures.forms import ImportForm, ProcedureForm, ScopeForm
from procedures.models import AdministrativeProcedure
from rollout.access import certificate_for_user, declaration_for_user, plan_for_user
from rollout.history import history_of
from rollout.models import Programme
from rollout.services import ConcurrentEditError


def _current_programme():
    return Programme.objects.current()


@login_required
@require_GET
def index(request):
    """Coverage per agency: the agencies the user may see that have a catalogue, or are tracked."""
    programme = _current_programme()
    today = timezone.localdate()
    agencies = list(
        agencies_for_user(request.user)
        .current()
        .exclude(kind=AgencyKind.PROVINCIAL_COMMITTEE)
        .order_by("group", "name")
    )
    coverage = coverage_by_agency(programme, today, [a.pk for a in agencies]) if programme else {}
    # Mandatory agencies always, so one without a catalogue shows; the others once they have one.
    rows = [(agency, coverage.get(agency.pk, Coverage())) for agency in agencies]
    rows = [(agency, cover) for agency, cover in rows if cover.total or agency.tier == Tier.MANDATORY]
    return render(
        request,
        "procedures/index.html",
        {
            "rows": rows,
            "programme": programme,
            "today": today,
            "total": sum((row[1] for row in rows), Coverage()),
            "can_edit": may(request.user, Access.KEEP_PROCEDURES),
        },
    )


@login_required
@require_GET
def agency(request, code: str):
    agency = agency_for_user(request.user, code)
    programme = _current_programme()
    today = timezone.localdate()
    procedures = list(AdministrativeProcedure.objects.filter(agency=agency).order_by("-active", "field", "code"))
    coverage = coverage_by_agency(programme, today, [agency.pk]).get(agency.pk, Coverage()) if programme else None
    return render(
        request,
        "procedures/agency.html",
        {
            "agency": agency,
            "procedures": procedures,
            "coverage": coverage,
            "programme": programme,
            "can_edit": may(request.user, Access.KEEP_PROCEDURES),
            "import_form": ImportForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, code: str, pk: int | None = None):
    require(request.user, Access.KEEP_PROCEDURES)
    agency = agency_for_user(request.user, code)
    instance = None
    if pk is not None:
        instance = AdministrativeProcedure.objects.filter(agency=agency, pk=pk).first()
        if instance is None:
            raise Http404("No such procedure")
    form = ProcedureForm(
        request.POST or None, instance=instance, initial={"version": instance.version if instance else None}
    )
    form.instance.agency = agency
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_procedure(form.instance, by=request.user, expected_version=form.cleaned_data["version"])
        except ConcurrentEditError as error:
            conflict = error
            data = form.data.copy()
            data["version"] = str(error.current_version)
            form.data = data
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The procedure was saved."))
            return redirect("procedures:agency", code=agency.code)
    return render(
        request,
        "procedures/procedure_form.html",
        {
            "agency": agency,
            "form": form,
            "instance": instance,
            "conflict": conflict,
            "history": history_of(instance) if instance else [],
        },
    )


@login_required
@require_POST
def import_catalogue(request, code: str):
    require(request.user, Access.KEEP_PROCEDURES)
    agency = agency_for_user(request.user, code)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.import_catalogue(agency, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("procedures:agency", code=agency.code)


SCOPE_LOOKUPS = {"plan": plan_for_user, "certificate": certificate_for_user, "declaration": declaration_for_user}


@login_required
@require_http_methods(["GET", "POST"])
def scope(request, kind: str, pk: int):
    if kind not in SCOPE_LOOKUPS:
        raise Http404("No such kind")
    owner = SCOPE_LOOKUPS[kind](request.user, pk, Access.MANAGE)
    plan = services.owner_plan(owner)
    current = list(services.scope_of(owner).values_list("pk", flat=True))
    form = ScopeForm(request.POST or None, agency=plan.agency, initial={"procedures": current})
    if request.method == "POST" and form.is_valid():
        try:
            chosen = services.set_scope(owner, form.cleaned_data["procedures"], by=request.user)
        except ConcurrentEditError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Scope saved: %(count)s procedures.") % {"count": len(chosen)})
            return redirect(f"rollout:{kind}", pk=owner.pk)
    return render(
        request,
        "procedures/scope_form.html",
        {
            "owner": owner,
            "kind": kind,
            "plan": plan,
            "form": form,
        },
    )
