"""The yearly ISO score: the one place that computes it. For a programme and year, each agency with a plan
under the programme and active at the year's end gets, for every criterion the committee set, the criterion's
points times the share its measure gives, with the reason; the total; and its rank in its group. The pages,
the PDF and the XLSX all read ``yearly_scores``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from agencies.models import Agency, AgencyGroup
from evaluation.models import Criterion
from rollout import measures
from rollout.models import Programme


@dataclass(frozen=True)
class ScoreLine:
    criterion: Criterion
    share: float
    reason: str

    @property
    def points(self) -> float:
        return round(self.criterion.weight * self.share, 2)


@dataclass
class AgencyScore:
    agency: Agency
    lines: list[ScoreLine] = field(default_factory=list)
    rank: int | None = None

    @property
    def total(self) -> float:
        return round(sum(line.points for line in self.lines), 2)

    @property
    def maximum(self) -> int:
        return sum(line.criterion.weight for line in self.lines)


def criteria_for(programme: Programme, year: int) -> list[Criterion]:
    return list(Criterion.objects.filter(programme=programme, year=year).order_by("pk"))


def scored_agencies(programme: Programme, year: int):
    """Agencies with a plan under the programme that are active at the year's end."""
    return (
        Agency.objects.active_on(dt.date(year, 12, 31))
        .filter(plans__programme=programme)
        .exclude(group=AgencyGroup.PROVINCE)
        .order_by("group", "name")
        .distinct()
    )


def yearly_scores(programme: Programme, year: int, agencies=None) -> list[AgencyScore]:
    """Every scored agency (or those of ``agencies`` among them), ranked within its group: the highest total
    first; equal totals share a rank, and the next rank skips (1, 1, 3)."""
    scored = scored_agencies(programme, year)
    if agencies is not None:
        scored = scored.filter(pk__in=agencies.values("pk"))
    all_agencies = list(scored_agencies(programme, year))
    ids = [agency.pk for agency in all_agencies]
    scores = {agency.pk: AgencyScore(agency) for agency in all_agencies}
    for criterion in criteria_for(programme, year):
        measure = measures.get(criterion.measure)
        measured = measure.function(programme, year, ids, criterion.due_on) if measure else {}
        for agency_id, score in scores.items():
            found = measured.get(agency_id)
            reason = found.reason if found else str(measure.missing if measure else "")
            score.lines.append(ScoreLine(criterion, found.share if found else 0.0, reason))
    _rank(scores.values())
    wanted = {agency.pk for agency in scored}
    return [score for score in scores.values() if score.agency.pk in wanted]


def _rank(scores) -> None:
    by_group: dict[str, list[AgencyScore]] = {}
    for score in scores:
        by_group.setdefault(score.agency.group, []).append(score)
    for members in by_group.values():
        members.sort(key=lambda s: (-s.total, s.agency.name))
        for position, score in enumerate(members, start=1):
            previous = members[position - 2] if position > 1 else None
            score.rank = previous.rank if previous and previous.total == score.total else position


def ranking(scores: list[AgencyScore]) -> list[tuple[str, list[AgencyScore]]]:
    """The scores by group (in the groups' order), each group by rank."""
    groups = []
    for group in AgencyGroup:
        members = sorted((s for s in scores if s.agency.group == group), key=lambda s: (s.rank, s.agency.name))
        if members:
            groups.append((group, members))
    return groups
