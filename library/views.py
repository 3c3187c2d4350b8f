"""The guidance library: every signed-in user reads and downloads; DOST adds documents and publishes versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import Access, may, require
from library import services
from library.forms import DocumentForm, EditionForm
from library.models import Edition, GuidanceDocument
from rollout.history import history_of
from rollout.services import ConcurrentEditError
from rollout.validators import served_content_type


@login_required
@require_GET
def index(request):
    documents = GuidanceDocument.objects.annotate(
        latest_number=Max("editions__number"), latest_at=Max("editions__published_at")
    )
    can_edit = may(request.user, Access.KEEP_LIBRARY)
    return render(request, "library/index.html", {"documents": documents, "can_edit": can_edit})


@login_required
@require_GET
def document(request, pk: int):
    item = get_object_or_404(GuidanceDocument, pk=pk)
    return render(
        request,
        "library/document.html",
        {
            "document": item,
            "editions": item.editions.select_related("published_by"),
            "can_edit": may(request.user, Access.KEEP_LIBRARY),
            "edition_form": EditionForm(),
            "history": history_of(item),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk: int | None = None):
    require(request.user, Access.KEEP_LIBRARY)
    instance = get_object_or_404(GuidanceDocument, pk=pk) if pk is not None else None
    form = DocumentForm(
        request.POST or None, instance=instance, initial={"version": getattr(instance, "version", None)}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_document(
                form.instance, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except ConcurrentEditError as error:
            conflict = error
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The document was saved."))
            return redirect(saved)
    return render(request, "library/document_form.html", {"form": form, "instance": instance, "conflict": conflict})


@login_required
@require_POST
def publish(request, pk: int):
    require(request.user, Access.KEEP_LIBRARY)
    item = get_object_or_404(GuidanceDocument, pk=pk)
    form = EditionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            edition = services.publish_edition(
                item, form.cleaned_data["file"], by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(request, _("Version %(number)s was published.") % {"number": edition.number})
            return redirect(item)
    return render(
        request,
        "library/document.html",
        {
            "document": item,
            "editions": item.editions.select_related("published_by"),
            "can_edit": True,
            "edition_form": form,
            "history": history_of(item),
        },
        status=400,
    )


@login_required
@require_GET
def download(request, pk: int):
    edition = get_object_or_404(Edition, pk=pk)
    try:
        handle = edition.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=edition.original_name,
        content_type=served_content_type(edition.content_type),
    )
    response["Cache-Control"] = "private, no-store"
    return response
