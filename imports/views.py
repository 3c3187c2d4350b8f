"""Importing milestone updates from a spreadsheet: template, upload, preview, confirm. Thin views over
``imports.services``; the rows are read and applied by ``imports.milestones``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from imports import milestones, services
from imports.forms import UploadForm
from imports.models import ChangeSet, ChangeSetStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_set = services.upload(request.user, form.cleaned_data["file"])
        except milestones.NotASpreadsheet as error:
            form.add_error("file", error.messages)
        else:
            return redirect(change_set)
    return render(request, "imports/index.html", {
        "form": form,
        "milestone_count": milestones.user_milestones(request.user).count(),
        "change_sets": ChangeSet.objects.filter(uploaded_by=request.user)[:20],
    })


@login_required
@require_GET
def template(request):
    response = HttpResponse(milestones.template(request.user), content_type=XLSX)
    day = timezone.localdate().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="milestones-{day}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, pk: int):
    change_set = services.change_set_for_user(request.user, pk)
    if request.method == "POST" and change_set.status == ChangeSetStatus.PREVIEWED:
        try:
            change_set = services.confirm(change_set, request.user)
        except milestones.ImportRefused as refused:
            return _render_preview(request, change_set, refused.reading, refused=True)
        messages.success(request, _("%(count)s milestones were updated from “%(file)s”.") % {
            "count": len(change_set.changes), "file": change_set.original_name})
        return redirect(change_set)
    if change_set.status == ChangeSetStatus.APPLIED:
        return render(request, "imports/applied.html", {"change_set": change_set})
    try:
        reading = milestones.read(services.content_of(change_set), request.user)
    except milestones.NotASpreadsheet as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:index")
    return _render_preview(request, change_set, reading)


def _render_preview(request, change_set, reading, *, refused: bool = False):
    return render(request, "imports/preview.html", {
        "change_set": change_set, "reading": reading, "refused": refused,
    }, status=422 if refused else 200)
