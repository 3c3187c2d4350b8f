"""The training that supports a milestone (stage 2: awareness; stage 4: documentation; stage 6: internal
auditors), shown on the milestone's page (registered in ``TrainingConfig.ready``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from training.models import STAGE_OF_KIND, Attendance, AuditorCertificate, CourseKind


def supporting_training(request, milestone) -> str:
    kinds = [kind for kind, stage in STAGE_OF_KIND.items() if stage == milestone.number]
    if not kinds:
        return ""
    agency = milestone.plan.agency
    attendances = Attendance.objects.filter(agency=agency, course__kind__in=kinds).select_related("course")
    certificates = []
    if CourseKind.INTERNAL_AUDITOR in kinds:
        certificates = list(AuditorCertificate.objects.filter(agency=agency))
    return render_to_string(
        "training/includes/milestone_panel.html",
        {
            "attendances": attendances.order_by("course__starts_on", "person_name"),
            "certificates": certificates,
            "today": timezone.localdate(),
            "agency": agency,
        },
        request=request,
    )
