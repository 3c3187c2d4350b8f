"""National-scale benchmark data on PostgreSQL.

Usage (from the checkout; use a database of its own — ``--reset`` empties the agency and rollout tables)::

    createdb -h 127.0.0.1 -U postgres iso_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iso_bench .venv/bin/python -m bench.generate --reset

It migrates the database, then writes with COPY (≈ 1–2 minutes on two cores):

* 63 provinces from the vietnam-provinces package (the GSO tree, 0.6.x): per province the provincial People's
  Committee, 20 departments and sectors, 2 provincial public service units, every district-level unit with
  4 public service units each, and every commune-level unit — ≈ 15,000 agencies. Codes are unique
  nationally: ``P33-UBND``, ``P33-S05``, ``P33-H323``, ``P33-X12345``, ``P33-D323-2``, ``P33-SN1`` (province
  33 is Hưng Yên). An agency's province is its code prefix ``P<code>-``; the tree is also in ``parent``
  (communes and district units under their district, the rest under the provincial committee).
* Programme ``BENCH-2007`` (certification, 18/04/2007 → 30/06/2010, mandatory: departments and districts) with
  plans for every mandatory agency and 60% of the others, and programme ``BENCH-CURRENT`` (self-declaration,
  ISO 9001:2015, ``is_current``; started 300 days before the day of generation, target 270 days after it;
  every tracked group mandatory, as Decision 101/2018 extended the duty to communes) with a plan for every
  agency: ≈ 24,000 plans, 12 milestones each (≈ 300,000), one historical (simple_history) row per milestone,
  ≈ 350,000 milestone status changes, ≈ 100,000 plan transitions, certificates and declarations.

The data are random but deterministic for a given ``--seed`` and day of generation. ``python -m
bench.progress_bench`` measures the progress engine against it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
os.environ.setdefault("DEBUG", "1")

BENCH_OLD = "BENCH-2007"
BENCH_CURRENT = "BENCH-CURRENT"
HUNG_YEN = 33
FLUSH_ROWS = 200_000

DEPARTMENTS = [
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Lao động - Thương binh và Xã hội",
    "Thanh tra tỉnh",
    "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Thông tin và Truyền thông",
    "Ban Dân tộc",
    "Ban Quản lý các khu công nghiệp",
    "Sở Ngoại vụ",
]
DISTRICT_UNITS = [
    "Trung tâm Y tế",
    "Trung tâm Văn hóa - Thông tin",
    "Ban Quản lý dự án đầu tư xây dựng",
    "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên",
]
PROVINCE_UNITS = ["Trung tâm Xúc tiến đầu tư", "Trung tâm Phục vụ hành chính công"]
BODIES = [
    ("Trung tâm Chứng nhận Phù hợp", "QUACERT"),
    ("Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1", "QUATEST 1"),
    ("Công ty TNHH Chứng nhận Quốc tế Việt", "VIC"),
    ("Trung tâm Năng suất Việt Nam", "VPC"),
]
# Plan milestones: the nine stages, the documentation stage split into four parts (one per group of TTHC).
MILESTONE_STAGES = [1, 2, 3, 4, 4, 4, 4, 5, 6, 7, 8, 9]
COMPLETION_NUMBER = 11


def _kind_of_district(name: str) -> str:
    if name.startswith("Thành phố"):
        return "city"
    if name.startswith("Thị xã"):
        return "town"
    return "district"


def _kind_of_commune(name: str) -> str:
    if name.startswith("Phường"):
        return "ward"
    if name.startswith("Thị trấn"):
        return "township"
    return "commune"


class Copier:
    """Rows of one model written with COPY in batches; missing columns take the field's default."""

    def __init__(self, cursor, model):
        self.cursor = cursor
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            if f.has_default():
                value = f.get_default()
                self.defaults[f.attname] = value
            elif f.null:
                self.defaults[f.attname] = None
            elif not f.primary_key:
                self.defaults[f.attname] = (
                    "" if f.get_internal_type() in ("CharField", "TextField", "SlugField", "FileField") else None
                )
        self.attnames = [f.attname for f in self.fields]
        self.buffer = io.StringIO()
        self.pending = 0
        self.written = 0
        self.next_id = 1

    def add(self, **values) -> int:
        if "id" not in values and "history_id" not in values:
            values["id"] = self.next_id
        pk = values["history_id"] if "history_id" in values else values["id"]
        self.next_id = max(self.next_id, pk + 1)
        line = "\t".join(_copy_text(values[name] if name in values else self.defaults[name]) for name in self.attnames)
        self.buffer.write(line + "\n")
        self.pending += 1
        if self.pending >= FLUSH_ROWS:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{c}"' for c in self.columns)
        self.cursor.copy_expert(f'COPY "{self.table}" ({columns}) FROM STDIN', self.buffer)
        self.written += self.pending
        self.buffer = io.StringIO()
        self.pending = 0

    def finish(self) -> int:
        self.flush()
        pk = "history_id" if "history_id" in self.columns else "id"
        self.cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', '{pk}'), "
            f'(SELECT COALESCE(MAX("{pk}"), 0) + 1 FROM "{self.table}"), false)'
        )
        return self.written


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Generator:
    def __init__(self, cursor, seed: int, today: dt.date):
        from agencies.models import Agency
        from rollout.models import (
            Certificate,
            Declaration,
            ImplementationPlan,
            Milestone,
            MilestoneStatusChange,
            PlanTransition,
        )

        self.random = random.Random(seed)
        self.today = today
        self.cursor = cursor
        self.agencies = Copier(cursor, Agency)
        self.plans = Copier(cursor, ImplementationPlan)
        self.transitions = Copier(cursor, PlanTransition)
        self.milestones = Copier(cursor, Milestone)
        self.milestone_history = Copier(cursor, Milestone.history.model)
        self.changes = Copier(cursor, MilestoneStatusChange)
        self.certificates = Copier(cursor, Certificate)
        self.declarations = Copier(cursor, Declaration)
        self.agency_rows: list[tuple[int, str]] = []  # (id, group)
        self.now = dt.datetime.now(dt.UTC)

    # --- agencies ---

    def add_agency(self, code, name, kind, parent_id=None, gso_code=None) -> int:
        from agencies.models import GROUP_OF_KIND, AgencyKind, tier_of_group

        group = GROUP_OF_KIND[AgencyKind(kind)]
        pk = self.agencies.add(
            code=code,
            name=name,
            kind=kind,
            group=str(group),
            tier=str(tier_of_group(group)),
            parent_id=parent_id,
            gso_code=gso_code,
            active_from=dt.date(2000, 1, 1),
            email=f"{code.lower()}@bench.gov.vn",
        )
        self.agency_rows.append((pk, str(group)))
        return pk

    def generate_agencies(self) -> None:
        from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

        provinces = json.loads(NESTED_DIVISIONS_JSON_PATH.read_text())
        for province in provinces:
            p = province["code"]
            committee = self.add_agency(f"P{p:02d}-UBND", f"UBND {province['name']}", "provincial_committee")
            for number, name in enumerate(DEPARTMENTS, start=1):
                self.add_agency(f"P{p:02d}-S{number:02d}", f"{name} ({province['name']})", "department", committee)
            for number, name in enumerate(PROVINCE_UNITS, start=1):
                self.add_agency(
                    f"P{p:02d}-SN{number}", f"{name} ({province['name']})", "public_service_unit", committee
                )
            for district in province["districts"]:
                d = district["code"]
                district_id = self.add_agency(
                    f"P{p:02d}-H{d}", f"UBND {district['name']}", _kind_of_district(district["name"]), committee
                )
                for number, name in enumerate(DISTRICT_UNITS, start=1):
                    self.add_agency(
                        f"P{p:02d}-D{d}-{number}", f"{name} {district['name']}", "public_service_unit", district_id
                    )
                for ward in district["wards"]:
                    self.add_agency(
                        f"P{p:02d}-X{ward['code']}",
                        f"UBND {ward['name']}",
                        _kind_of_commune(ward["name"]),
                        district_id,
                        gso_code=ward["code"],
                    )
        self.agencies.finish()

    # --- plans ---

    def generate_plans(self, programme, stages, mandatory_groups, share_encouraged, simulate) -> None:
        for agency_id, group in self.agency_rows:
            if group == "province":
                continue
            mandatory = group in mandatory_groups
            if not mandatory and self.random.random() > share_encouraged:
                continue
            simulate(programme, stages, agency_id, mandatory)

    def write_plan(self, programme, stages, agency_id, created, schedule, *, completed_on=None, regime="cert"):
        """``schedule``: per milestone (due, in_progress_on or None, done_on or None, blocked_on or None)."""
        r = self.random
        created_at = _at(created, r)
        submitted = created + dt.timedelta(days=r.randint(20, 60))
        approved = submitted + dt.timedelta(days=r.randint(7, 30))
        steps = [("", "draft", created)]
        if submitted <= self.today:
            steps.append(("draft", "submitted", submitted))
        if approved <= self.today:
            steps.append(("submitted", "approved", approved))
            started = min(self.today, approved + dt.timedelta(days=1))
            steps.append(("approved", "in_progress", started))
        if completed_on:
            steps.append(("in_progress", "completed", completed_on))
        status = steps[-1][1]
        plan_id = self.plans.add(
            agency_id=agency_id,
            programme_id=programme.pk,
            status=status,
            start_date=created,
            submitted_at=_at(submitted, r) if submitted <= self.today else None,
            approved_at=_at(approved, r) if approved <= self.today else None,
            completed_on=completed_on,
            updated_at=self.now,
        )
        for from_status, to_status, day in steps:
            self.transitions.add(
                plan_id=plan_id,
                from_status=from_status,
                to_status=to_status,
                at=created_at if to_status == "draft" else _at(day, r),
            )
        for number, (stage_number, (due, started_on, done_on, blocked_on)) in enumerate(
            zip(MILESTONE_STAGES, schedule, strict=True), start=1
        ):
            stage = stages[stage_number]
            status, previous = "not_started", "not_started"
            milestone_id = self.milestones.next_id
            changes = []
            if started_on:
                changes.append((previous, "in_progress", started_on))
                status = previous = "in_progress"
            if blocked_on:
                changes.append((previous, "blocked", blocked_on))
                status = previous = "blocked"
            if done_on:
                changes.append((previous, "done", done_on))
                status = "done"
            values = {
                "plan_id": plan_id,
                "stage_id": stage.pk,
                "number": number,
                "name": stage.name,
                "due_date": due,
                "status": status,
                "completed_on": done_on,
                "blocked_reason": "Chờ bố trí kinh phí" if status == "blocked" else "",
                "is_completion": number == COMPLETION_NUMBER,
                "updated_at": self.now,
                "version": 1 + len(changes),
            }
            self.milestones.add(id=milestone_id, **values)
            self.milestone_history.add(
                history_id=self.milestone_history.next_id,
                id=milestone_id,
                history_date=self.now,
                history_type="+",
                history_change_reason=None,
                history_user_id=None,
                **values,
            )
            for from_status, to_status, day in changes:
                self.changes.add(
                    milestone_id=milestone_id,
                    from_status=from_status,
                    to_status=to_status,
                    effective_on=day,
                    at=_at(day, r),
                    note="",
                )
        if completed_on and regime == "cert":
            body = r.choice(self.bodies)
            self.certificates.add(
                plan_id=plan_id,
                number=f"HT{plan_id:06d}/{completed_on.year}",
                certification_body_id=body.pk,
                issued_on=completed_on,
                expires_on=completed_on.replace(year=completed_on.year + 3),
                scope="Các thủ tục hành chính thuộc phạm vi áp dụng",
                procedures_count=r.randint(8, 60),
                recorded_at=_at(completed_on, r),
            )
        elif completed_on:
            self.declarations.add(
                plan_id=plan_id,
                decision_number=f"{r.randint(1, 300)}/QĐ-{plan_id}",
                decision_date=completed_on,
                notified_on=completed_on + dt.timedelta(days=r.randint(1, 10)),
                scope="Các thủ tục hành chính thuộc phạm vi áp dụng",
                procedures_count=r.randint(8, 60),
                recorded_at=_at(completed_on, r),
            )

    def simulate_2007(self, programme, stages, agency_id, mandatory):
        r = self.random
        start, target = programme.start_date, programme.target_date
        roll = r.random()
        if mandatory:
            profile = "early" if roll < 0.15 else "deadline" if roll < 0.75 else "late" if roll < 0.95 else "stuck"
            created = start + dt.timedelta(days=r.randint(45, 150))
        else:
            profile = "early" if roll < 0.1 else "deadline" if roll < 0.4 else "late" if roll < 0.7 else "stuck"
            created = start + dt.timedelta(days=r.randint(60, 900))
        finish = {
            "early": dt.date(2009, 3, 1) + dt.timedelta(days=r.randint(0, 300)),
            "deadline": dt.date(2010, 1, 5) + dt.timedelta(days=r.randint(0, 175)),
            "late": dt.date(2010, 7, 15) + dt.timedelta(days=r.randint(0, 500)),
            "stuck": None,
        }[profile]
        if finish:
            finish = max(finish, created + dt.timedelta(days=r.randint(300, 500)))
        stop = len(MILESTONE_STAGES) - 1 if finish else r.randint(1, 8)  # milestones done before stopping
        self.write_plan(
            programme,
            stages,
            agency_id,
            created,
            self.schedule(created, target, finish or dt.date(2010, 3, 1), stop, stuck=finish is None),
            completed_on=finish,
            regime="cert",
        )

    def simulate_current(self, programme, stages, agency_id, mandatory):
        r = self.random
        start, target, today = programme.start_date, programme.target_date, self.today
        created = start + dt.timedelta(days=r.randint(10, 120))
        pace_end = target + dt.timedelta(days=r.randint(-400, 250))  # when this agency would finish
        if pace_end <= today:
            self.write_plan(
                programme,
                stages,
                agency_id,
                created,
                self.schedule(created, target, pace_end, len(MILESTONE_STAGES) - 1),
                completed_on=pace_end,
                regime="decl",
            )
            return
        share = (today - created).days / max((pace_end - created).days, 1)
        stop = max(0, min(len(MILESTONE_STAGES) - 2, int(share * (len(MILESTONE_STAGES) - 1))))
        self.write_plan(
            programme,
            stages,
            agency_id,
            created,
            self.schedule(created, target, pace_end, stop, until=today),
            regime="decl",
        )

    def schedule(self, created, target, finish, done_count, *, stuck=False, until=None):
        """Due dates spread from ``created`` to ``target``; the first ``done_count`` milestones done one after
        another up to ``finish``; the next one in progress (or blocked when ``stuck``)."""
        r = self.random
        n = len(MILESTONE_STAGES)
        span = max((target - created).days, 90)
        dues = [created + dt.timedelta(days=round(span * (i + 1) / (n - 1))) for i in range(n - 1)]
        dues.append(dues[-1] + dt.timedelta(days=365))
        work_span = max((finish - created).days, n)
        rows, previous = [], created
        for i in range(n):
            if i < done_count:
                done_on = created + dt.timedelta(days=round(work_span * (i + 1) / (n - 1)) - r.randint(0, 5))
                done_on = max(done_on, previous + dt.timedelta(days=1))
                if until:
                    done_on = min(done_on, until)
                started_on = max(previous, done_on - dt.timedelta(days=r.randint(5, 40)))
                rows.append((dues[i], started_on, done_on, None))
                previous = done_on
            elif i == done_count and i < n - 1:
                started_on = previous + dt.timedelta(days=r.randint(1, 20))
                if until and started_on > until:
                    rows.append((dues[i], None, None, None))
                    continue
                blocked_on = started_on + dt.timedelta(days=r.randint(20, 90)) if stuck else None
                rows.append((dues[i], started_on, None, blocked_on))
            else:
                rows.append((dues[i], None, None, None))
        return rows

    def finish(self) -> dict[str, int]:
        return {
            "agencies": len(self.agency_rows),
            "plans": self.plans.finish(),
            "plan transitions": self.transitions.finish(),
            "milestones": self.milestones.finish(),
            "milestone history rows": self.milestone_history.finish(),
            "milestone status changes": self.changes.finish(),
            "certificates": self.certificates.finish(),
            "declarations": self.declarations.finish(),
        }


def _at(day: dt.date, r: random.Random) -> dt.datetime:
    # Office hours in Vietnam (UTC+7), stored as UTC.
    return dt.datetime.combine(day, dt.time(r.randint(1, 10), r.randint(0, 59)), tzinfo=dt.UTC)


def _programmes(today: dt.date):
    from rollout.models import CertificationBody, Programme
    from rollout.planning import install_default_stages

    old = Programme.objects.create(
        name=BENCH_OLD,
        legal_basis="Quyết định 144/2006/QĐ-TTg",
        regime="certification",
        iso_edition="2000",
        start_date=dt.date(2007, 4, 18),
        target_date=dt.date(2010, 6, 30),
        mandatory_groups=["departments", "districts"],
    )
    current = Programme.objects.create(
        name=BENCH_CURRENT,
        legal_basis="Quyết định 19/2014/QĐ-TTg; Quyết định 101/2018/QĐ-TTg",
        regime="self_declaration",
        iso_edition="2015",
        start_date=today - dt.timedelta(days=300),
        target_date=today + dt.timedelta(days=270),
        is_current=True,
        mandatory_groups=["departments", "districts", "communes", "public_service"],
    )
    stages = {}
    for programme in (old, current):
        stages[programme.pk] = {stage.number: stage for stage in install_default_stages(programme)}
    bodies = [CertificationBody.objects.create(name=name, short_name=short) for name, short in BODIES]
    return old, current, stages, bodies


def _reset(cursor) -> None:
    """Empty every table of the agencies and rollout apps (their history tables included) and, through
    CASCADE, whatever refers to them."""
    from django.apps import apps

    tables = [
        model._meta.db_table for label in ("agencies", "rollout") for model in apps.get_app_config(label).get_models()
    ]
    cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Generate national-scale benchmark data on PostgreSQL.")
    parser.add_argument("--reset", action="store_true", help="empty the agency and rollout tables first")
    parser.add_argument("--seed", type=int, default=2007)
    args = parser.parse_args(argv)
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from agencies.models import Agency

    if connection.vendor != "postgresql":
        print("The benchmark data need PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        if args.reset:
            _reset(raw)
        elif Agency.objects.exists():
            print("The database already holds agencies; run with --reset to replace them.", file=sys.stderr)
            return 2
        old, current, stages, bodies = _programmes(today)
        generator = Generator(raw, args.seed, today)
        generator.bodies = bodies
        generator.generate_agencies()
        generator.generate_plans(old, stages[old.pk], set(old.mandatory_groups), 0.6, generator.simulate_2007)
        generator.generate_plans(
            current, stages[current.pk], set(current.mandatory_groups), 1.0, generator.simulate_current
        )
        sizes = generator.finish()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for name, count in sizes.items():
        print(f"{name:>26}: {count:>9,}")
    print(f"{'seconds':>26}: {time.perf_counter() - began:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
