"""The yearly measures the maintenance records give the score (registered in ``MaintenanceConfig.ready``):
the system maintained (an internal audit and a management review held in the year), the annual report filed
(on time, late) and the corrective actions due in the year closed by their due date."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from maintenance.records import Filing, year_records
from rollout import measures
from rollout.measures import Measured, day


def _records(programme, year, agency_ids):
    return year_records(programme, year, Agency.objects.filter(pk__in=agency_ids))


def maintenance_held(programme, year, agency_ids, due_on) -> dict[int, Measured]:
    answer = {}
    for agency_id, records in _records(programme, year, agency_ids).items():
        if records.document is None:
            continue
        audits, reviews = records.internal_audits, records.management_reviews
        held = [audits > 0, reviews > 0]
        answer[agency_id] = Measured(
            sum(held) / 2,
            _("%(audits)s internal audits and %(reviews)s management reviews held")
            % {"audits": audits, "reviews": reviews},
        )
    return answer


def annual_report_filed(programme, year, agency_ids, due_on) -> dict[int, Measured]:
    answer = {}
    for agency_id, records in _records(programme, year, agency_ids).items():
        if records.report is None:
            continue
        filed = {"day": day(records.report.filed_on), "deadline": day(records.deadline)}
        if records.filing == Filing.FILED:
            answer[agency_id] = Measured(1.0, _("filed on %(day)s, by %(deadline)s") % filed)
        else:
            answer[agency_id] = Measured(0.5, _("filed late, on %(day)s (due by %(deadline)s)") % filed)
    return answer


def corrective_actions_closed(programme, year, agency_ids, due_on) -> dict[int, Measured]:
    answer = {}
    for agency_id, records in _records(programme, year, agency_ids).items():
        if records.document is None:
            continue
        due = records.actions_due
        if not due:
            answer[agency_id] = Measured(1.0, _("no corrective action was due in the year"))
            continue
        on_time = sum(1 for action in due if action.closed_on and action.closed_on <= action.due_on)
        answer[agency_id] = Measured(
            on_time / len(due),
            _("%(on_time)s of %(total)s corrective actions due in the year closed on time")
            % {"on_time": on_time, "total": len(due)},
        )
    return answer


def register() -> None:
    measures.register(
        "maintenance_held",
        gettext_lazy("System maintained (internal audit, management review)"),
        maintenance_held,
        missing=gettext_lazy("no certificate or declaration at the year's end"),
    )
    measures.register(
        "annual_report_filed",
        gettext_lazy("Annual report filed"),
        annual_report_filed,
        missing=gettext_lazy("annual report not filed"),
    )
    measures.register(
        "corrective_actions_closed",
        gettext_lazy("Corrective actions closed on time"),
        corrective_actions_closed,
        missing=gettext_lazy("no certificate or declaration at the year's end"),
    )
