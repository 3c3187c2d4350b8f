"""The steering committee's dashboard: reads the request's choices, asks the progress engine once, and shapes
the engine's answer for the page. Every figure shown comes from ``rollout.progress``; this module only
filters, sorts and pages the engine's rows and looks up the names and documents that the rows point to.

A fixed number of queries whatever the number of agencies: the programmes, the districts, the engine's own
queries, the completion series, and for the page of rows only: the parents' names, the certificates and
the declarations.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from agencies.asof import shown
from agencies.models import TRACKED_GROUPS, Agency, AgencyGroup, AgencyKind, Tier, group_labels
from reports.charts import chart_dates, completion_chart_svg, legend_items, series_label
from reports.duties import duty_figures
from rollout.fingerprint import records_version as data_version
from rollout.models import (
    Certificate,
    Declaration,
    Programme,
)
from rollout.progress import (
    AgencyProgress,
    ProgrammeProgress,
    ProgressStatus,
    completion_series,
    documents_on,
    late_entries,
    programme_progress,
)

PAGE_SIZE = 50
URL_PLACEHOLDER = "agency-code"
DISTRICT_KINDS = (AgencyKind.DISTRICT, AgencyKind.TOWN, AgencyKind.CITY)
EARLIEST_AS_OF = dt.date(1990, 1, 1)
LATEST_AS_OF = dt.date(2100, 12, 31)
GROUP_CHOICES = [
    (Tier.MANDATORY.value, Tier.MANDATORY.label),
    (Tier.ENCOURAGED.value, Tier.ENCOURAGED.label),
    *[(group.value, group.label) for group in TRACKED_GROUPS],
]
TRACKED_KINDS = [kind for kind in AgencyKind if kind != AgencyKind.PROVINCIAL_COMMITTEE]


def _folded(text: str) -> str:
    """Lower case without diacritics, so "van lam" finds "Văn Lâm"."""
    text = text.casefold().replace("đ", "d")
    return "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))


STATUS_ORDER = {status: index for index, status in enumerate(ProgressStatus.values)}
NO_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)
# Each sort key gets the row and the agencies' names folded for comparison (computed once per engine answer).
SORT_KEYS = {
    "name": lambda row, folded: folded[row.agency_id],
    "code": lambda row, folded: row.code,
    "kind": lambda row, folded: (row.kind, folded[row.agency_id]),
    "stage": lambda row, folded: (row.percent_done, row.stage),
    "status": lambda row, folded: (STATUS_ORDER.get(row.status, 99), folded[row.agency_id]),
    "overdue": lambda row, folded: (row.overdue, folded[row.agency_id]),
    "last_update": lambda row, folded: row.last_update or NO_TIME,
}
DEFAULT_SORT = "name"
SERIES_KEYS = ["mandatory", *[str(group) for group in TRACKED_GROUPS]]


def sort_choices() -> list[tuple[str, str]]:
    return [
        ("name", _("Name (A–Z)")),
        ("-name", _("Name (Z–A)")),
        ("status", _("Status (completed first)")),
        ("-status", _("Status (not started first)")),
        ("-overdue", _("Most overdue milestones first")),
        ("-stage", _("Furthest stage first")),
        ("stage", _("Least advanced first")),
        ("-last_update", _("Latest update first")),
        ("last_update", _("Oldest update first")),
        ("kind", _("Kind")),
        ("code", _("Code")),
    ]


class District(NamedTuple):
    """A district-level agency, as the district filter and the drill-down need it."""

    pk: int
    code: str
    name: str


@dataclass
class DashboardChoices:
    """What the user asked for, after validation; ``notices`` says what was ignored and why."""

    programme: Programme | None
    programmes: list[Programme]
    as_of: dt.date
    group: str = ""
    kind: str = ""
    status: str = ""
    district: District | None = None
    query: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: str = "1"
    as_recorded: bool = False  # what the portal knew on the day, not what was true by effective dates
    notices: list[str] = field(default_factory=list)

    def query_string(self, **changes) -> str:
        """The current choices as a query string, with some changed (for sort and page links)."""
        values = {
            "programme": self.programme.pk if self.programme else "",
            "as_of": self.as_of.isoformat(),
            "group": self.group,
            "kind": self.kind,
            "status": self.status,
            "district": self.district.code if self.district else "",
            "q": self.query,
            "sort": ("-" if self.descending else "") + self.sort,
            "recorded": "1" if self.as_recorded else "",
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})


def parse_as_of(raw: str, notices: list[str], default: dt.date | None = None) -> dt.date:
    """The chosen day; ``default`` (else today) when none is given."""
    today = timezone.localdate()
    raw = raw.strip()
    if not raw:
        return default or today
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if EARLIEST_AS_OF <= day <= LATEST_AS_OF:
            return day
        break
    notices.append(
        _("“%(value)s” is not a date the dashboard can show; showing today, %(today)s, instead.")
        % {"value": raw[:40], "today": today.strftime("%d/%m/%Y")}
    )
    return today


def read_choices(params, districts: dict[str, District]) -> DashboardChoices:
    notices: list[str] = []
    programmes = list(Programme.objects.all())
    programme = Programme.objects.current()
    raw_programme = params.get("programme", "").strip()
    if raw_programme:
        chosen = next((p for p in programmes if str(p.pk) == raw_programme), None)
        if chosen is None:
            notices.append(_("The chosen programme does not exist; showing the current programme."))
        else:
            programme = chosen
    # Picking a programme without a date shows it on its own default day: its target date once it is closed.
    default = programme.default_day() if programme is not None else None
    choices = DashboardChoices(
        programme=programme, programmes=programmes, as_of=parse_as_of(params.get("as_of", ""), notices, default)
    )
    choices.notices = notices

    def pick(name: str, allowed, label: str) -> str:
        value = params.get(name, "").strip()
        if value and value not in allowed:
            notices.append(_("Unknown %(filter)s “%(value)s” was ignored.") % {"filter": label, "value": value[:40]})
            return ""
        return value

    choices.group = pick("group", {value for value, _label in GROUP_CHOICES}, _("group"))
    choices.kind = pick("kind", {kind.value for kind in TRACKED_KINDS}, _("kind"))
    choices.status = pick("status", set(ProgressStatus.values), _("status"))
    district_code = pick("district", set(districts), _("district"))
    choices.district = districts.get(district_code)
    choices.query = params.get("q", "").strip()[:100]
    choices.as_recorded = params.get("recorded", "").strip() == "1"
    raw_sort = params.get("sort", "").strip()
    if raw_sort:
        key = raw_sort.removeprefix("-")
        if key in SORT_KEYS:
            choices.sort, choices.descending = key, raw_sort.startswith("-")
        else:
            notices.append(_("The table cannot be sorted by “%(value)s”; sorted by name.") % {"value": raw_sort[:40]})
    choices.page = params.get("page", "1").strip() or "1"
    return choices


def _matches(row: AgencyProgress, choices: DashboardChoices, folded_query: str, folded: dict[int, str]) -> bool:
    if choices.group in (Tier.MANDATORY, Tier.ENCOURAGED):
        if row.tier != choices.group:
            return False
    elif choices.group and row.group != choices.group:
        return False
    if choices.kind and row.kind != choices.kind:
        return False
    if choices.status and row.status != choices.status:
        return False
    return not folded_query or folded_query in folded[row.agency_id] or folded_query in row.code.casefold()


@dataclass(frozen=True)
class DashboardRow:
    """One line of the agency table: the engine's figures plus names and the completion document."""

    progress: AgencyProgress
    kind_label: str
    parent_name: str
    document: Certificate | Declaration | None
    stage_text: str
    stage_label: str
    is_district: bool
    url: str


def _page_of(rows: list[AgencyProgress], choices: DashboardChoices):
    paginator = Paginator(rows, PAGE_SIZE)
    try:
        number = int(choices.page)
    except ValueError:
        choices.notices.append(
            _("“%(value)s” is not a page number; showing the first page.") % {"value": choices.page[:20]}
        )
        number = 1
    if number < 1:
        choices.notices.append(_("There is no page %(number)s; showing the first page.") % {"number": number})
        number = 1
    elif number > paginator.num_pages:
        choices.notices.append(
            _("There is no page %(number)s; showing the last page, %(last)s.")
            % {"number": number, "last": paginator.num_pages}
        )
        number = paginator.num_pages
    return paginator.page(number)


def _district_scope(district: District):
    """A district's own People's Committee and the agencies under it (its communes, wards, townships)."""
    return Agency.objects.filter(Q(pk=district.pk) | Q(parent_id=district.pk))


# --- the engine's answer, kept per (programme, date, district, data version) -------------------------------
#
# Kept while the records it reads are unchanged (``rollout.fingerprint``). The time limit is a last safety net
# for writes that bypass the fingerprint. Answers are kept in this process's memory, unpickled: unpickling
# 15,000 rows would cost more than it saves.

KEEP_SECONDS = 600
KEEP_ANSWERS = 4
_answers: OrderedDict[str, tuple[float, EngineFigures]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class EngineFigures:
    progress: ProgrammeProgress
    series: dict[str, list[tuple[dt.date, float]]]
    folded_names: dict[int, str]  # agency id → name folded for search and sorting
    by_name: list[AgencyProgress]  # the engine's rows in name order, the table's default


def engine_figures(
    programme: Programme, as_of: dt.date, district: District | None, *, as_recorded: bool = False
) -> EngineFigures:
    """``programme_progress`` and ``completion_series`` for the province or one district, kept while the
    records they read are unchanged (``as_recorded``: the figures as recorded on the day; the chart stays as of
    each of its dates)."""
    key = f"{programme.pk}:{as_of.isoformat()}:{district.pk if district else 0}:{int(as_recorded)}:{data_version()}"
    now = time.monotonic()
    with _lock:
        kept = _answers.get(key)
        if kept is not None and kept[0] > now:
            _answers.move_to_end(key)
            return kept[1]
    scope = _district_scope(district) if district else None
    progress = programme_progress(programme, as_of, agencies=scope, as_recorded=as_recorded)
    folded = {row.agency_id: _folded(row.name) for row in progress.agencies}
    figures = EngineFigures(
        progress=progress,
        series=completion_series(programme, chart_dates(programme, as_of), agencies=scope),
        folded_names=folded,
        by_name=sorted(progress.agencies, key=lambda row: SORT_KEYS["name"](row, folded)),
    )
    with _lock:
        _answers[key] = (now + KEEP_SECONDS, figures)
        while len(_answers) > KEEP_ANSWERS:
            _answers.popitem(last=False)
    return figures


def build_dashboard(params) -> dict:
    districts = {
        code: District(pk, code, name)
        for pk, code, name in Agency.objects.filter(kind__in=DISTRICT_KINDS)
        .order_by("name")
        .values_list("pk", "code", "name")
    }
    choices = read_choices(params, districts)
    context: dict = {
        "choices": choices,
        "programmes": choices.programmes,
        # Built here rather than in the template: the national view lists some 700 districts.
        "district_options": format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((d.code, mark_safe(" selected") if d == choices.district else "", d.name) for d in districts.values()),
        ),
        "group_choices": GROUP_CHOICES,
        "kind_choices": [(kind.value, kind.label) for kind in TRACKED_KINDS],
        "status_choices": ProgressStatus.choices,
        "sort_keys": list(SORT_KEYS),
    }
    programme = choices.programme
    if programme is None:
        return context
    figures = engine_figures(programme, choices.as_of, choices.district, as_recorded=choices.as_recorded)
    progress, series, folded = figures.progress, figures.series, figures.folded_names
    folded_query = _folded(choices.query)
    rows = figures.by_name
    if choices.group or choices.kind or choices.status or folded_query:
        rows = [row for row in rows if _matches(row, choices, folded_query, folded)]
    if choices.sort != "name":
        sort_key = SORT_KEYS[choices.sort]
        rows = sorted(rows, key=lambda row: sort_key(row, folded), reverse=choices.descending)
    elif choices.descending:
        rows = rows[::-1]
    page = _page_of(rows, choices)

    names = {agency.pk: agency.name for agency in districts.values()}
    missing = {
        row.parent_id
        for row in page.object_list
        if row.parent_id and row.group == AgencyGroup.COMMUNES and row.parent_id not in names
    }
    if missing:
        names.update(Agency.objects.filter(pk__in=missing).values_list("pk", "name"))
    documents = documents_on(programme, choices.as_of, [row.plan_id for row in page.object_list if row.plan_id])
    kind_labels = dict(AgencyKind.choices)
    # Translated once for the page rather than once per row in the template.
    stage_text = _("Stage %(stage)s · %(done)s/%(total)s (%(percent)s%%)")
    maintenance_text = _("maintenance %(done)s/%(total)s")
    stage_label = _("Stage reached by %(agency)s")
    agency_url = reverse("agencies:detail", kwargs={"code": URL_PLACEHOLDER})
    # The agency page and what it leads to keep the chosen day.
    as_of_query = "" if choices.as_of == timezone.localdate() else urlencode({"as_of": shown(choices.as_of)})
    drill_down = f"?{as_of_query}" if as_of_query else ""
    page.object_list = [
        DashboardRow(
            progress=row,
            kind_label=kind_labels.get(row.kind, row.kind),
            # The district column names a commune's district; a department's or unit's parent is not a district.
            parent_name=names.get(row.parent_id, "") if row.parent_id and row.group == AgencyGroup.COMMUNES else "",
            document=documents.get(row.plan_id),
            stage_text=stage_text
            % {
                "stage": row.stage,
                "done": row.needed_done,
                "total": row.needed,
                "percent": number_format(row.percent_done, 1),
            }
            + (
                " · " + maintenance_text % {"done": row.maintenance_done, "total": row.maintenance_total}
                if row.maintenance_total and row.is_completed
                else ""
            ),
            stage_label=stage_label % {"agency": row.name},
            is_district=row.kind in DISTRICT_KINDS,
            url=agency_url.replace(URL_PLACEHOLDER, row.code) + drill_down,
        )
        for row in page.object_list
    ]
    # Group labels as they were on the chosen day (e.g. no "thành phố" before Hưng Yên became a city).
    labels = group_labels(choices.as_of)
    context.update(
        {
            "progress": progress,
            "programme": programme,
            # Labels are looked up per request: the cached answer may have been computed in another language.
            "tiles": [
                (group, labels.get(group.group) or series_label(group.group))
                for group in (progress.mandatory, *progress.groups)
            ],
            "days_past_target": -progress.days_to_target,
            "as_of_is_today": choices.as_of == timezone.localdate(),
            "today": timezone.localdate(),
            "late_entries": late_entries(programme, as_of=choices.as_of),
            "recorded_query": choices.query_string(recorded="" if choices.as_recorded else "1", page=""),
            "as_of_query": as_of_query,
            "page": page,
            "rows_total": len(rows),
            "chart": completion_chart_svg(programme, series, as_of=choices.as_of, legend=False),
            "legend": legend_items(series, labels=labels),
            "series_headings": [labels.get(key) or series_label(key) for key in SERIES_KEYS],
            "series_table": _series_table(series),
            "current_sort": ("-" if choices.descending else "") + choices.sort,
            "sort_choices": sort_choices(),
            "province_query": choices.query_string(district=""),
            "district_query": choices.query_string(district="", group="", kind=""),
            "page_query": choices.query_string(),
            "duties": duty_figures(programme, choices.as_of, figures.by_name),
        }
    )
    return context


def _series_table(series: dict[str, list[tuple[dt.date, float]]]) -> list[tuple[dt.date, list[float]]]:
    """The chart's figures as rows (one per date), for the table that goes with the chart."""
    dates = [day for day, _percent in series.get("mandatory", [])]
    return [(day, [series[key][index][1] for key in SERIES_KEYS]) for index, day in enumerate(dates)]
