"""The yearly measure the catalogue gives the score: the share of the agency's procedures its system covers at
the year's end (registered in ``ProceduresConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.coverage import coverage_by_agency
from rollout import measures
from rollout.measures import Measured


def procedures_covered(programme, year, agency_ids, due_on) -> dict[int, Measured]:
    coverage = coverage_by_agency(programme, dt.date(year, 12, 31), agency_ids)
    return {
        agency_id: Measured(
            cover.covered / cover.total,
            _("%(covered)s of %(total)s procedures covered") % {"covered": cover.covered, "total": cover.total},
        )
        for agency_id, cover in coverage.items()
        if cover.total
    }


def register() -> None:
    measures.register(
        "procedures_covered",
        gettext_lazy("Administrative procedures covered"),
        procedures_covered,
        missing=gettext_lazy("no catalogue of administrative procedures"),
    )
