"""Illustrative funding for the Hưng Yên demo (``load_demo`` calls ``load``): a line per mandatory agency and
year of the 2007 programme (2007–2010). Most allocations are decided at the start of the year (June in 2007,
when the directive was new) by a decision of the provincial People's Committee; a few come late in the year or
not at all, so that some agencies show as held back by funding. Amounts in dong, invented but plausible.
Deterministic; running it again changes nothing (an agency and year that already have a line are left alone).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from agencies.models import Agency, Tier
from funding.models import FundingLine

SEED = 2010
CHANGE_REASON = "demo data"
YEARS = (2007, 2008, 2009, 2010)
MILLION = 1_000_000


def load(stdout: TextIO) -> None:
    with transaction.atomic():
        created = lines()
    if created:
        stdout.write(f"Funding: {created} funding lines.\n")
    else:
        stdout.write("Funding: already loaded, nothing changed.\n")


def lines() -> int:
    r = random.Random(SEED)
    existing = set(FundingLine.objects.values_list("agency_id", "year"))
    new = []
    for agency in Agency.objects.filter(tier=Tier.MANDATORY).order_by("code"):
        for year in YEARS:
            requested = r.choice((40, 60, 80, 100, 120, 150)) * MILLION
            approved = requested * r.choice((70, 80, 90, 100, 100)) // 100
            luck = r.random()
            if luck < 0.08:  # requested, never allocated
                allocated, decided = 0, None
            elif luck < 0.18:  # allocated late in the year
                allocated, decided = approved, dt.date(year, 11, r.randint(1, 28))
            else:
                allocated, decided = (
                    approved,
                    dt.date(year, 6 if year == 2007 else 1, r.randint(5, 25)),
                )
            disbursed = allocated * r.choice((60, 80, 100, 100)) // 100
            if (agency.pk, year) in existing:
                continue
            new.append(
                FundingLine(
                    agency=agency,
                    year=year,
                    requested=requested,
                    approved=approved if decided else 0,
                    allocated=allocated,
                    disbursed=disbursed,
                    decision_number=f"{r.randint(100, 2500)}/QĐ-UBND" if decided else "",
                    decision_date=decided,
                )
            )
    bulk_create_with_history(new, FundingLine, default_change_reason=CHANGE_REASON)
    return len(new)
