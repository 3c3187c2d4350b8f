"""Training pages: the courses, a course with its attendees (each agency sees its own people), DOST's edits,
places requested by officers, and each agency's trained people and internal auditors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import Access, agencies_for_user, may, require, restrict
from agencies.forms import show_error
from rollout.history import history_of
from rollout.services import ConcurrentEditError
from training import services
from training.forms import AttendanceForm, AuditorCertificateForm, CourseForm, PlaceRequestForm
from training.models import Attendance, AuditorCertificate, Course


def _attendances_for(user):
    return restrict(Attendance.objects.select_related("agency", "course"), user)


@login_required
@require_GET
def index(request):
    courses = Course.objects.select_related("trainer").order_by("-starts_on")
    can_edit = may(request.user, Access.RUN_TRAINING)
    return render(request, "training/index.html", {"courses": courses, "can_edit": can_edit})


@login_required
@require_GET
def course(request, pk: int):
    item = get_object_or_404(Course.objects.select_related("trainer"), pk=pk)
    manageable = list(agencies_for_user(request.user, Access.MANAGE).order_by("name")[:200])
    runs_training = may(request.user, Access.RUN_TRAINING)
    return render(
        request,
        "training/course.html",
        {
            "course": item,
            "attendances": _attendances_for(request.user).filter(course=item),
            "can_edit": runs_training,
            "history": history_of(item),
            "request_form": PlaceRequestForm(agencies=manageable) if manageable or runs_training else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk: int | None = None):
    require(request.user, Access.RUN_TRAINING)
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
            show_error(form, error)
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
    if not may(request.user, Access.RUN_TRAINING) and not agencies.exists():
        raise PermissionDenied("Only DOST and the agencies' ISO officers request places")
    form = PlaceRequestForm(request.POST, agencies=agencies)
    if form.is_valid():
        try:
            services.request_place(item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The place was requested; DOST confirms it."))
            return redirect(item)
    return render(
        request,
        "training/course.html",
        {
            "course": item,
            "attendances": _attendances_for(request.user).filter(course=item),
            "can_edit": may(request.user, Access.RUN_TRAINING),
            "history": history_of(item),
            "request_form": form,
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    require(request.user, Access.RUN_TRAINING)
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
                show_error(certificate_form, error)
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
            show_error(form, error)
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
