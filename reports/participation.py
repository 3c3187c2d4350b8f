"""How many of the encouraged units took part in a programme, and when they joined: a unit joins when its plan
starts (the plan's start date), by district, and by year."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Min, QuerySet

from agencies.models import Agency, AgencyGroup, Tier
from rollout.models import ImplementationPlan, Programme


@dataclass
class DistrictParticipation:
    district: Agency | None
    units: int = 0
    joined: list[tuple[Agency, object]] = field(default_factory=list)


def participation(programme: Programme, agencies: QuerySet[Agency]) -> dict:
    """The encouraged units among ``agencies`` (active at the programme's start), those with a plan in the
    programme and the day each joined; grouped by district (public units under a department: no district)."""
    units = list(
        agencies.filter(tier=Tier.ENCOURAGED).active_on(programme.start_date).select_related("parent").order_by("name")
    )
    joined_on = dict(
        ImplementationPlan.objects.filter(programme=programme, agency__in=[unit.pk for unit in units])
        .values_list("agency_id")
        .annotate(day=Min("start_date"))
    )
    rows: dict[int | None, DistrictParticipation] = {}
    for unit in units:
        is_commune = unit.group == AgencyGroup.COMMUNES
        district = unit.parent if is_commune else None
        row = rows.setdefault(district.pk if district else None, DistrictParticipation(district))
        row.units += 1
        if unit.pk in joined_on:
            row.joined.append((unit, joined_on[unit.pk]))
    for row in rows.values():
        row.joined.sort(key=lambda pair: (pair[1], pair[0].name))
    by_year: dict[int, int] = {}
    for day in joined_on.values():
        by_year[day.year] = by_year.get(day.year, 0) + 1
    communes = [unit for unit in units if unit.group == AgencyGroup.COMMUNES]
    return {
        "districts": sorted(rows.values(), key=lambda row: (row.district is None, str(row.district or ""))),
        "by_year": sorted(by_year.items()),
        "units": len(units),
        "joined": len(joined_on),
        "communes": len(communes),
        "communes_joined": sum(1 for unit in communes if unit.pk in joined_on),
    }
