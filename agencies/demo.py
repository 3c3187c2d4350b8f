"""Illustrative demo data: Hưng Yên province as of 2007, when the ISO 9001 directive was issued.

What is real and what is invented:
- The district- and commune-level units and their official codes come from the PyPI package
  ``vietnam-provinces`` 0.6.0 (the General Statistics Office's tree). That tree reflects the 2019–2020
  commune mergers: it lists 139 commune-level units for Hưng Yên, against about 161 in 2007, and several
  communes it places under Hưng Yên city belonged to neighbouring districts in 2007. The demo keeps the
  package's communes and their district assignment.
- Two units had another status in 2007, which the demo uses: Hưng Yên was a town (thị xã) until it became
  a provincial city in 2009, and Mỹ Hào was a district (huyện) until it became a town in 2019 — so its
  wards were then communes, and Bần Yên Nhân its township. The agency codes (TPHUNGYEN, MYHAO) stay the same
  across such changes; the names and kinds are those of 2007.
- The departments and sectors are the standard set of 2007–2010. Sở Văn hóa, Thể thao và Du lịch,
  Sở Công Thương and Sở Thông tin và Truyền thông were formed in 2008 from their predecessors; the demo
  lists them under their 2008 names from the start. Hưng Yên has no Ban Dân tộc (ethnic affairs board),
  so none is listed.
- Every person's name, every decision number and date, and every account is invented.

Running ``load`` twice changes nothing: rows are matched by code, username or (committee, name) and are
saved only when a value differs, so no history row is written for an unchanged object.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from agencies.models import (
    Agency,
    AgencyKind,
    CommitteeMember,
    CoordinatingRole,
    MemberRole,
    SteeringCommittee,
    User,
    UserRole,
)
from agencies.services import ensure_role_groups, grant_role_permissions

PROVINCE_GSO_CODE = 33
DIRECTIVE_YEAR_START = dt.date(2007, 1, 1)
EMAIL_DOMAIN = "demo.hungyen.gov.vn"
PROVINCIAL_COMMITTEE_CODE = "UBNDT"


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    kind: str = AgencyKind.DEPARTMENT
    role: str = ""
    head_title: str = "Giám đốc Sở"
    deputy_title: str = "Phó Giám đốc Sở"


DEPARTMENTS = [
    Department("VPUBND", "Văn phòng UBND tỉnh", head_title="Chánh Văn phòng", deputy_title="Phó Chánh Văn phòng"),
    Department("SNV", "Sở Nội vụ", role=CoordinatingRole.HOME_AFFAIRS),
    Department("STP", "Sở Tư pháp"),
    Department("SKHDT", "Sở Kế hoạch và Đầu tư", role=CoordinatingRole.PLANNING),
    Department("STC", "Sở Tài chính", role=CoordinatingRole.FINANCE),
    Department("SKHCN", "Sở Khoa học và Công nghệ", role=CoordinatingRole.DOST),
    Department("SGDDT", "Sở Giáo dục và Đào tạo"),
    Department("SYT", "Sở Y tế"),
    Department("SXD", "Sở Xây dựng"),
    Department("SGTVT", "Sở Giao thông vận tải"),
    Department("STNMT", "Sở Tài nguyên và Môi trường"),
    Department("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    Department("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    Department("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    Department("SCT", "Sở Công Thương"),
    Department("STTTT", "Sở Thông tin và Truyền thông"),
    Department(
        "TTT", "Thanh tra tỉnh", kind=AgencyKind.SECTOR,
        head_title="Chánh Thanh tra tỉnh", deputy_title="Phó Chánh Thanh tra tỉnh",
    ),
    Department(
        "BQLKCN", "Ban Quản lý các khu công nghiệp", kind=AgencyKind.SECTOR,
        head_title="Trưởng ban", deputy_title="Phó Trưởng ban",
    ),
]

PUBLIC_SERVICE_UNITS = [
    ("BVDKT", "Bệnh viện Đa khoa tỉnh Hưng Yên", "SYT", "Giám đốc Bệnh viện"),
    ("THPTCHUYEN", "Trường THPT Chuyên Hưng Yên", "SGDDT", "Hiệu trưởng"),
    ("TTUDKHCN", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", "SKHCN", "Giám đốc Trung tâm"),
    ("TTKTTNMT", "Trung tâm Kỹ thuật Tài nguyên và Môi trường", "STNMT", "Giám đốc Trung tâm"),
]

# Kind from the Vietnamese name prefix: the package's division_type fields are not reliable.
PREFIX_KINDS = [
    ("Thành phố ", AgencyKind.CITY),
    ("Thị xã ", AgencyKind.TOWN),
    ("Huyện ", AgencyKind.DISTRICT),
    ("Phường ", AgencyKind.WARD),
    ("Thị trấn ", AgencyKind.TOWNSHIP),
    ("Xã ", AgencyKind.COMMUNE),
]
PREFIX_OF_KIND = {
    AgencyKind.CITY: "thành phố", AgencyKind.TOWN: "thị xã", AgencyKind.DISTRICT: "huyện",
    AgencyKind.WARD: "phường", AgencyKind.TOWNSHIP: "thị trấn", AgencyKind.COMMUNE: "xã",
}
# Status in 2007 where it differs from the package (see the module docstring).
DISTRICT_KIND_2007 = {323: AgencyKind.TOWN, 328: AgencyKind.DISTRICT}
DISTRICT_CODE = {323: "TPHUNGYEN"}
MY_HAO_GSO = 328
MY_HAO_TOWNSHIP_2007 = "Bần Yên Nhân"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Đào", "Lương", "Đinh"]
MALE = [("Văn", "An"), ("Đức", "Cường"), ("Hữu", "Dũng"), ("Minh", "Hải"), ("Quang", "Hùng"), ("Xuân", "Long"),
        ("Công", "Nam"), ("Thanh", "Phong"), ("Văn", "Quân"), ("Đình", "Sơn"), ("Mạnh", "Thắng"), ("Anh", "Tuấn"),
        ("Quốc", "Việt"), ("Trọng", "Khánh"), ("Văn", "Hiếu"), ("Ngọc", "Trung"), ("Duy", "Bình")]
FEMALE = [("Thị", "Hà"), ("Thị", "Hạnh"), ("Thu", "Hương"), ("Thị", "Lan"), ("Thị", "Mai"), ("Thanh", "Tâm"),
          ("Phương", "Thảo"), ("Thị", "Yến"), ("Thu", "Trang"), ("Thị", "Hòa"), ("Minh", "Giang")]


def person(seed: int) -> tuple[str, str]:
    """An invented Vietnamese (family + middle, given) name pair, fixed for a seed."""
    surname = SURNAMES[(seed * 5) % len(SURNAMES)]
    middle, given = FEMALE[(seed * 7) % len(FEMALE)] if seed % 3 == 1 else MALE[(seed * 7) % len(MALE)]
    return f"{surname} {middle}", given


def full_name(seed: int) -> str:
    family, given = person(seed)
    return f"{family} {given}"


def ascii_slug(text: str) -> str:
    """'Văn Lâm' → 'VANLAM': the uppercase ASCII letters and digits of a Vietnamese name."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).upper()


def split_prefix(name: str) -> tuple[str, str]:
    for prefix, kind in PREFIX_KINDS:
        if name.startswith(prefix):
            return kind, name[len(prefix):]
    raise ValueError(f"unknown administrative prefix in {name!r}")


def hung_yen_tree() -> dict:
    import vietnam_provinces

    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as source:
        provinces = json.load(source)
    return next(province for province in provinces if province["code"] == PROVINCE_GSO_CODE)


class Loader:
    """Creates or updates demo rows, saving only what differs, and counts what it did."""

    def __init__(self, stdout: TextIO):
        self.stdout = stdout
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}

    def _count(self, counter: dict[str, int], label: str, number: int = 1) -> None:
        counter[label] = counter.get(label, 0) + number

    def _changed_fields(self, obj, values: dict) -> list[str]:
        return [name for name, value in values.items() if getattr(obj, name) != value]

    def agencies(self, rows: list[dict]) -> dict[str, Agency]:
        """Upsert agencies by code; new ones are inserted in bulk with their history rows."""
        existing = Agency.objects.in_bulk([row["code"] for row in rows], field_name="code")
        new = []
        for row in rows:
            agency = existing.get(row["code"])
            if agency is None:
                agency = Agency(**row)
                agency.derive_group_and_tier()
                new.append(agency)
            elif changed := self._changed_fields(agency, row):
                for name in changed:
                    setattr(agency, name, row[name])
                agency.save()
                self._count(self.updated, "agencies")
        if new:
            bulk_create_with_history(new, Agency)
            self._count(self.created, "agencies", len(new))
        return Agency.objects.in_bulk([row["code"] for row in rows], field_name="code")

    def users(self, specs: list[dict]) -> dict[str, User]:
        """Upsert accounts by username; new ones are inserted in bulk with their role's permissions."""
        specs = [{"email": f"{spec['username']}@{EMAIL_DOMAIN}", **spec} for spec in specs]
        existing = User.objects.in_bulk([spec["username"] for spec in specs], field_name="username")
        new, password_hash = [], None
        for spec in specs:
            values = {key: value for key, value in spec.items() if key not in ("username", "groups")}
            user = existing.get(spec["username"])
            if user is None:
                # Hashed once for all demo accounts: hashing is deliberately slow.
                password_hash = password_hash or make_password(settings.DEMO_PASSWORD)
                new.append(User(username=spec["username"], password=password_hash, **values))
            elif changed := self._changed_fields(user, values):
                for name in changed:
                    setattr(user, name, values[name])
                user.save()  # the post_save signal re-syncs the object permissions
                self._count(self.updated, "accounts")
        if new:
            User.objects.bulk_create(new)
            grant_role_permissions(new)
            self._count(self.created, "accounts", len(new))
        users = User.objects.in_bulk([spec["username"] for spec in specs], field_name="username")
        memberships = User.groups.through
        held = set(memberships.objects.filter(user__in=users.values()).values_list("user_id", "group_id"))
        missing = [
            memberships(user_id=users[spec["username"]].pk, group_id=group.pk)
            for spec in specs for group in spec.get("groups", ())
            if (users[spec["username"]].pk, group.pk) not in held
        ]
        memberships.objects.bulk_create(missing)
        return users

    def committees(self, decisions: dict[Agency, dict]) -> dict[int, SteeringCommittee]:
        """Upsert one committee per agency; returns them by agency id."""
        existing = {c.agency_id: c for c in SteeringCommittee.objects.filter(agency__in=list(decisions))}
        new = []
        for agency, values in decisions.items():
            committee = existing.get(agency.pk)
            if committee is None:
                new.append(SteeringCommittee(agency=agency, **values))
            elif changed := self._changed_fields(committee, values):
                for name in changed:
                    setattr(committee, name, values[name])
                committee.save()
                self._count(self.updated, "steering committees")
        if new:
            bulk_create_with_history(new, SteeringCommittee)
            self._count(self.created, "steering committees", len(new))
        committees = SteeringCommittee.objects.filter(agency__in=list(decisions)).select_related("agency")
        return {committee.agency_id: committee for committee in committees}

    def members(self, rows: list[tuple[SteeringCommittee, dict]]) -> None:
        """Upsert members by (committee, name); new ones are checked against the chair rule, then bulk inserted."""
        committees = {committee.pk for committee, _row in rows}
        existing = {(m.committee_id, m.name): m for m in CommitteeMember.objects.filter(committee__in=committees)}
        new = []
        for committee, row in rows:
            values = {key: value for key, value in row.items() if key != "name"}
            member = existing.get((committee.pk, row["name"]))
            if member is None:
                member = CommitteeMember(committee=committee, **row)
                try:
                    member.clean()
                except ValidationError as error:
                    # E.g. the chair was renamed through the portal since the last load: keep the portal's data.
                    self.stdout.write(f"  kept as edited: {committee.agency.code} {row['name']}: {error.messages[0]}\n")
                    continue
                new.append(member)
            elif changed := self._changed_fields(member, values):
                for name in changed:
                    setattr(member, name, values[name])
                member.save()
                self._count(self.updated, "committee members")
        if new:
            bulk_create_with_history(new, CommitteeMember)
            self._count(self.created, "committee members", len(new))

    def report(self) -> None:
        self.stdout.write("Illustrative demo data for Hưng Yên province as of 2007 (names and decisions invented).\n")
        for label, counter in (("created", self.created), ("updated", self.updated)):
            if counter:
                details = ", ".join(f"{number} {what}" for what, number in sorted(counter.items()))
                self.stdout.write(f"  {label}: {details}\n")
        if not self.created and not self.updated:
            self.stdout.write("  already loaded: nothing changed\n")


def _agency_rows() -> tuple[list[dict], list[dict], list[dict], list[dict], list[dict]]:
    """Rows for the provincial PC, departments, districts, communes and public service units."""
    province = [{
        "code": PROVINCIAL_COMMITTEE_CODE, "name": "Ủy ban nhân dân tỉnh Hưng Yên",
        "kind": AgencyKind.PROVINCIAL_COMMITTEE, "parent_id": None, "gso_code": None, "coordinating_role": "",
        "head_name": full_name(0), "head_title": "Chủ tịch UBND tỉnh",
        "email": f"ubndt@{EMAIL_DOMAIN}", "active_from": DIRECTIVE_YEAR_START,
    }]
    departments = [{
        "code": department.code, "name": department.name, "kind": department.kind, "gso_code": None,
        "coordinating_role": department.role, "head_name": full_name(10 + index),
        "head_title": department.head_title, "email": f"{department.code.lower()}@{EMAIL_DOMAIN}",
        "active_from": DIRECTIVE_YEAR_START,
    } for index, department in enumerate(DEPARTMENTS)]
    districts, communes = [], []
    for index, district in enumerate(hung_yen_tree()["districts"]):
        package_kind, bare_name = split_prefix(district["name"])
        kind = DISTRICT_KIND_2007.get(district["code"], package_kind)
        code = DISTRICT_CODE.get(district["code"], ascii_slug(bare_name))
        districts.append({
            "code": code, "name": f"UBND {PREFIX_OF_KIND[kind]} {bare_name}", "kind": kind,
            "gso_code": district["code"], "coordinating_role": "", "head_name": full_name(40 + index),
            "head_title": f"Chủ tịch UBND {PREFIX_OF_KIND[kind]}", "email": f"{code.lower()}@{EMAIL_DOMAIN}",
            "active_from": DIRECTIVE_YEAR_START,
        })
        for ward_index, ward in enumerate(district["wards"]):
            ward_kind, ward_name = split_prefix(ward["name"])
            if district["code"] == MY_HAO_GSO and ward_kind == AgencyKind.WARD:
                ward_kind = AgencyKind.TOWNSHIP if ward_name == MY_HAO_TOWNSHIP_2007 else AgencyKind.COMMUNE
            communes.append({
                "code": f"X{ward['code']}", "name": f"UBND {PREFIX_OF_KIND[ward_kind]} {ward_name}",
                "kind": ward_kind, "gso_code": ward["code"], "coordinating_role": "", "parent_code": code,
                "head_name": full_name(100 + 20 * index + ward_index),
                "head_title": f"Chủ tịch UBND {PREFIX_OF_KIND[ward_kind]}", "email": "",
                "active_from": DIRECTIVE_YEAR_START,
            })
    units = [{
        "code": code, "name": name, "kind": AgencyKind.PUBLIC_SERVICE_UNIT, "gso_code": None,
        "coordinating_role": "", "parent_code": parent, "head_name": full_name(70 + index), "head_title": title,
        "email": "", "active_from": DIRECTIVE_YEAR_START,
    } for index, (code, name, parent, title) in enumerate(PUBLIC_SERVICE_UNITS)]
    return province, departments, districts, communes, units


def _with_parent(rows: list[dict], parents: dict[str, Agency], default: Agency | None = None) -> list[dict]:
    result = []
    for row in rows:
        row = dict(row)
        parent_code = row.pop("parent_code", None)
        row["parent_id"] = parents[parent_code].pk if parent_code else (default.pk if default else None)
        result.append(row)
    return result


def _member_rows(agency: Agency, index: int, head: User, officer: User) -> list[dict]:
    is_district = agency.kind in (AgencyKind.DISTRICT, AgencyKind.TOWN, AgencyKind.CITY)
    deputy_title = (
        f"Phó Chủ tịch UBND {PREFIX_OF_KIND[agency.kind]}" if is_district
        else next(d.deputy_title for d in DEPARTMENTS if d.code == agency.code)
    )
    office = f"Chánh Văn phòng HĐND và UBND {PREFIX_OF_KIND[agency.kind]}" if is_district else "Chánh Văn phòng Sở"
    personnel = "Trưởng phòng Nội vụ" if is_district else "Trưởng phòng Tổ chức - Hành chính"
    return [
        {"name": agency.head_name, "position": agency.head_title, "role": MemberRole.CHAIR, "user_id": head.pk,
         "training_notes": ""},
        {"name": full_name(200 + index), "position": deputy_title, "role": MemberRole.DEPUTY, "user_id": None,
         "training_notes": "Đã dự lớp nhận thức chung về TCVN ISO 9001:2000 (Sở KH&CN, 2007)."},
        {"name": officer.display_name, "position": officer.position, "role": MemberRole.SECRETARY,
         "user_id": officer.pk, "training_notes": "Đã dự lớp đánh giá viên nội bộ (2008)."},
        {"name": full_name(300 + index), "position": office, "role": MemberRole.MEMBER, "user_id": None,
         "training_notes": ""},
        {"name": full_name(400 + index), "position": personnel, "role": MemberRole.MEMBER, "user_id": None,
         "training_notes": ""},
    ]


def _decision(agency: Agency, index: int) -> dict:
    issuer = "UBND" if agency.kind in (AgencyKind.DISTRICT, AgencyKind.TOWN, AgencyKind.CITY) else agency.code
    return {
        "decision_number": f"{15 + index * 7}/QĐ-{issuer}",
        "decision_date": dt.date(2007, 5, 15) + dt.timedelta(days=5 * index),
        "management_representative": full_name(200 + index),
    }


@transaction.atomic
def load(stdout: TextIO) -> None:
    loader = Loader(stdout)
    committee_group, dost_group = ensure_role_groups()

    province_rows, department_rows, district_rows, commune_rows, unit_rows = _agency_rows()
    province = loader.agencies(province_rows)[PROVINCIAL_COMMITTEE_CODE]
    departments = loader.agencies(_with_parent(department_rows, {}, province))
    districts = loader.agencies(_with_parent(district_rows, {}, province))
    loader.agencies(_with_parent(commune_rows, districts))
    loader.agencies(_with_parent(unit_rows, departments))

    mandatory = sorted([*departments.values(), *districts.values()], key=lambda agency: agency.code)
    specs = [
        {"username": "committee", "groups": [committee_group], "first_name": "Trang", "last_name": "Phạm Thu",
         "agency_id": province.pk, "role": "",
         "position": "Chuyên viên Văn phòng UBND tỉnh, thư ký Ban Chỉ đạo ISO tỉnh"},
        {"username": "dost", "groups": [dost_group], "first_name": "Tuấn", "last_name": "Đào Minh",
         "agency_id": departments["SKHCN"].pk, "role": UserRole.VIEWER,
         "position": "Trưởng phòng Quản lý Tiêu chuẩn - Đo lường - Chất lượng, Sở KH&CN"},
        {"username": "viewer-stc", "first_name": "Hương", "last_name": "Lê Thu",
         "agency_id": departments["STC"].pk, "role": UserRole.VIEWER,
         "position": "Chuyên viên Phòng Hành chính sự nghiệp, Sở Tài chính"},
        {"username": "viewer-snv", "first_name": "Hải", "last_name": "Ngô Minh",
         "agency_id": departments["SNV"].pk, "role": UserRole.VIEWER,
         "position": "Chuyên viên Phòng Cải cách hành chính, Sở Nội vụ"},
        {"username": "viewer-skhdt", "first_name": "Thảo", "last_name": "Vũ Phương",
         "agency_id": departments["SKHDT"].pk, "role": UserRole.VIEWER,
         "position": "Chuyên viên Phòng Tổng hợp, Sở Kế hoạch và Đầu tư"},
    ]
    for index, agency in enumerate(mandatory):
        head_family, head_given = agency.head_name.rsplit(" ", 1)
        officer_family, officer_given = person(500 + index)
        specs += [
            {"username": f"head-{agency.code.lower()}", "first_name": head_given, "last_name": head_family,
             "agency_id": agency.pk, "role": UserRole.AGENCY_HEAD, "position": agency.head_title},
            {"username": f"officer-{agency.code.lower()}", "first_name": officer_given, "last_name": officer_family,
             "agency_id": agency.pk, "role": UserRole.ISO_OFFICER, "position": "Chuyên viên, cán bộ ISO"},
        ]
    users = loader.users(specs)

    committees = loader.committees({
        province: {"decision_number": "1025/QĐ-UBND", "decision_date": dt.date(2007, 5, 8),
                   "management_representative": departments["SKHCN"].head_name},
        **{agency: _decision(agency, index) for index, agency in enumerate(mandatory)},
    })
    secretary = users["committee"]
    member_rows = [(committees[province.pk], row) for row in [
        {"name": province.head_name, "position": province.head_title, "role": MemberRole.CHAIR,
         "user_id": None, "training_notes": ""},
        {"name": departments["SKHCN"].head_name, "position": "Giám đốc Sở Khoa học và Công nghệ, Phó Trưởng ban "
         "thường trực", "role": MemberRole.DEPUTY, "user_id": None, "training_notes": ""},
        {"name": secretary.display_name, "position": secretary.position, "role": MemberRole.SECRETARY,
         "user_id": secretary.pk, "training_notes": ""},
        *({"name": departments[code].head_name, "position": f"Giám đốc {departments[code].name}",
           "role": MemberRole.MEMBER, "user_id": None, "training_notes": ""} for code in ("SNV", "SKHDT", "STC")),
    ]]
    for index, agency in enumerate(mandatory):
        head, officer = users[f"head-{agency.code.lower()}"], users[f"officer-{agency.code.lower()}"]
        member_rows += [(committees[agency.pk], row) for row in _member_rows(agency, index, head, officer)]
    loader.members(member_rows)
    loader.report()
