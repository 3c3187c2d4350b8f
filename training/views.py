"""Training pages: the courses, a course with its attendees (each agency sees its own people), DOST's edits,
places requested by officers, and each agency's trained people and internal auditors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import Access, agencies_for_user, is_dost, restrict
from rollout.history import history_of
from rollout.services import ConcurrentEditError
from training import services
from training.forms import AttendanceForm, AuditorCertificateForm, CourseForm, PlaceRequestForm
from training.models import Attendance, AuditorCertificate, Course


def _require_dost(user) -> None:
    if not is_dost(user):
        raise Http404("Not allowed")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _attendances_for(user):
    return restrict(Attendance.objects.select_related("agency", "course"), user)


@login_required
@require_GET
def index(request):
    courses = Course.objects.select_related("trainer").order_by("-starts_on")
    return render(request, "training/index.html", {"courses": courses, "can_edit": is_dost(request.user)})


@login_required
@require_GET
def course(request, pk: int):
    item = get_object_or_404(Course.objects.select_related("trainer"), pk=pk)
    manageable = list(agencies_for_user(request.user, Access.MANAGE).order_by("name")[:200])
    return render(
        request,
        "training/course.html",
        {
            "course": item,
            "attendances": _attendances_for(request.user).filter(course=item),
            "can_edit": is_dost(request.user),
            "history": history_of(item),
            "request_form": PlaceRequestForm(agencies=manageable) if manageable or is_dost(request.user) else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk: int | None = None):
    _require_dost(request.user)
    instance = get_object_or_404(Course, pk=pk) if pk is not None else None
    form = CourseForm(request.POST or None, instance=instance, initial={"version": getattr(instance, "version", None)})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_course(form.instance, by=request.user, expected_version=form.cleaned_data["version"])
        except ConcurrentEditError as error:
            conflict = error
            data = form.data.copy()
            data["version"] = str(error.current_version)
            form.data = data
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The course was saved."))
            return redirect(saved)
    return render(
        request,
        "training/course_form.html",
        {
            "form": form,
            "instance": instance,
            "conflict": conflict,
            "history": history_of(instance) if instance else [],
        },
    )


@login_required
@require_POST
def request_place(request, pk: int):
    item = get_object_or_404(Course, pk=pk)
    agencies = agencies_for_user(request.user, Access.MANAGE)
    if not is_dost(request.user) and not agencies.exists():
        raise Http404("Not allowed")
    form = PlaceRequestForm(request.POST, agencies=agencies)
    if form.is_valid():
        try:
            services.request_place(item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The place was requested; DOST confirms it."))
            return redirect(item)
    return render(
        request,
        "training/course.html",
        {
            "course": item,
            "attendances": _attendances_for(request.user).filter(course=item),
            "can_edit": is_dost(request.user),
            "history": history_of(item),
            "request_form": form,
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    _require_dost(request.user)
    item = get_object_or_404(Attendance.objects.select_related("course", "agency"), pk=pk)
    form = AttendanceForm(request.POST or None, instance=item, initial={"version": item.version}, prefix="result")
    certificate_form = AuditorCertificateForm(prefix="certificate")
    conflict = None
    if request.method == "POST" and "certificate-number" in request.POST:
        form = AttendanceForm(instance=item, initial={"version": item.version}, prefix="result")
        certificate_form = AuditorCertificateForm(request.POST, prefix="certificate")
        if certificate_form.is_valid():
            try:
                services.issue_auditor_certificate(item, by=request.user, **certificate_form.cleaned_data)
            except ValidationError as error:
                _add_errors(certificate_form, error)
            else:
                messages.success(request, _("The internal-auditor certificate was recorded."))
                return redirect(item.course)
    elif request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                item,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                result=form.cleaned_data["result"],
            )
        except ConcurrentEditError as error:
            conflict = error
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(item.course)
    item.refresh_from_db()
    return render(
        request,
        "training/attendance.html",
        {
            "item": item,
            "form": form,
            "certificate_form": certificate_form,
            "conflict": conflict,
            "history": history_of(item),
        },
    )


@login_required
@require_GET
def people(request):
    """Each agency's trained people and internal auditors: one's own agency, or every agency for DOST and the
    province-wide roles."""
    today = timezone.localdate()
    return render(
        request,
        "training/people.html",
        {
            "attendances": _attendances_for(request.user).order_by("agency__name", "person_name", "course__starts_on"),
            "certificates": restrict(AuditorCertificate.objects.select_related("agency"), request.user).order_by(
                "agency__name", "person_name"
            ),
            "today": today,
        },
    )
