"""Importing from a spreadsheet — milestone updates, and the agency list — template, upload, preview, confirm.
Thin views over ``imports.services``; the rows are read and applied by ``imports.milestones`` and
``imports.agency_list``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import Access, may
from agencies.models import AgencyGroup
from imports import agency_list, milestones, services
from imports.forms import UploadForm
from imports.models import ChangeSet, ChangeSetStatus, ImportKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    kind = request.POST.get("kind", ImportKind.MILESTONES)
    if kind not in ImportKind.values or (kind == ImportKind.AGENCIES and not agency_list.may_import(request.user)):
        raise Http404("No such import")
    forms = {
        value: UploadForm(request.POST or None, request.FILES or None, prefix=value)
        if value == kind
        else UploadForm(prefix=value)
        for value in ImportKind.values
    }
    form = forms[kind]
    if request.method == "POST" and form.is_valid():
        try:
            change_set = services.upload(request.user, form.cleaned_data["file"], kind)
        except milestones.NotASpreadsheet as error:
            form.add_error("file", error.messages)
        else:
            return redirect(change_set)
    return render(
        request,
        "imports/index.html",
        {
            "milestone_form": forms[ImportKind.MILESTONES],
            "agency_form": forms[ImportKind.AGENCIES],
            "milestone_count": milestones.user_milestones(request.user).count(),
            "may_import_agencies": agency_list.may_import(request.user),
            "whole_groups": may(request.user, Access.IMPORT_FOR_ALL),
            "groups": AgencyGroup.choices,
            "change_sets": ChangeSet.objects.filter(uploaded_by=request.user)[:20],
        },
    )


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def template(request):
    return _download(milestones.template(request.user), "milestones")


@login_required
@require_GET
def agency_template(request):
    if not agency_list.may_import(request.user):
        raise Http404("No agency list to keep")
    return _download(agency_list.template(request.user, request.GET.get("group", "")), "agencies")


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, pk: int):
    change_set = services.change_set_for_user(request.user, pk)
    reader = services.reader(change_set)
    if request.method == "POST" and change_set.status == ChangeSetStatus.PREVIEWED:
        try:
            change_set = services.confirm(change_set, request.user)
        except milestones.ImportRefused as refused:
            return _render_preview(request, change_set, refused.reading, refused=True)
        messages.success(
            request,
            _("%(count)s rows were applied from “%(file)s”.")
            % {"count": len(change_set.changes), "file": change_set.original_name},
        )
        return redirect(change_set)
    if change_set.status == ChangeSetStatus.APPLIED:
        return render(request, "imports/applied.html", {"change_set": change_set})
    try:
        reading = reader.read(services.content_of(change_set), request.user)
    except milestones.NotASpreadsheet as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:index")
    return _render_preview(request, change_set, reading)


def _render_preview(request, change_set, reading, *, refused: bool = False):
    return render(
        request,
        "imports/preview.html",
        {
            "change_set": change_set,
            "reading": reading,
            "refused": refused,
            "agencies": change_set.kind == ImportKind.AGENCIES,
        },
        status=422 if refused else 200,
    )
