"""The score criteria of 2010 and 2011 for the Hưng Yên demo (``load_demo`` calls ``load``), as the provincial
steering committee set them for the 2007 programme: 100 points, measured from the records. Running it again
changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction

from evaluation.models import Criterion
from rollout.demo import PROGRAMME_2007
from rollout.models import Programme

YEARS = (2010, 2011)
# (measure, points, due day): 100 points in all.
CRITERIA = [
    ("plan_on_time", 10, dt.date(2007, 12, 31)),
    ("milestones_on_time", 15, None),
    ("documented_by_target", 25, None),
    ("maintenance_held", 15, None),
    ("annual_report_filed", 15, None),
    ("corrective_actions_closed", 10, None),
    ("procedures_covered", 10, None),
]


def load(stdout: TextIO) -> None:
    programme = Programme.objects.filter(name=PROGRAMME_2007).first()
    if programme is None:
        return
    created = 0
    with transaction.atomic():
        for year in YEARS:
            for measure, weight, due_on in CRITERIA:
                _criterion, new = Criterion.objects.get_or_create(
                    programme=programme, year=year, measure=measure, defaults={"weight": weight, "due_on": due_on}
                )
                created += new
    stdout.write(f"Score criteria: {created} created.\n" if created else "Score criteria: already loaded.\n")
