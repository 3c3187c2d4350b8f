"""`load_demo`: Hưng Yên as of 2007, idempotent, and never on a production server by accident."""

from __future__ import annotations

import io
import sys
import types

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from agencies import demo
from agencies.access import Access, agencies_for_user
from agencies.models import (
    COMMITTEE_GROUP,
    DOST_GROUP,
    Agency,
    AgencyGroup,
    AgencyKind,
    AgencyUserObjectPermission,
    CommitteeMember,
    MemberRole,
    SteeringCommittee,
    Tier,
    User,
    UserRole,
)

# Commands first: these start from an empty database, before the module's shared demo is loaded.


def _snapshot() -> dict[str, int]:
    models = [Agency, SteeringCommittee, CommitteeMember, User]
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {f"history of {model.__name__}": model.history.count() for model in models if hasattr(model, "history")}
    counts["group memberships"] = User.groups.through.objects.count()
    counts["object permissions"] = AgencyUserObjectPermission.objects.count()
    return counts


def test_running_load_demo_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    first = _snapshot()
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert _snapshot() == first
    assert "nothing changed" in output.getvalue()


def test_load_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    before = _snapshot()
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo", stdout=io.StringIO())
    assert _snapshot() == before


def test_load_demo_runs_with_force_when_debug_is_off(db, settings):
    settings.DEBUG = False
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert Agency.objects.filter(code="UBNDT").exists()


def test_load_demo_then_loads_the_rollout_demo(db, settings, monkeypatch):
    settings.DEBUG = True
    calls = []
    fake = types.ModuleType("rollout.demo")
    fake.load = lambda stdout: calls.append(Agency.objects.count())
    monkeypatch.setitem(sys.modules, "rollout.demo", fake)
    call_command("load_demo", stdout=io.StringIO())
    assert calls == [Agency.objects.count()]


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The demo is loaded once for the read-only tests of this module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        demo.load(output)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_output, db):
    return demo_output


def test_the_output_says_the_data_is_illustrative(loaded):
    assert "Illustrative" in loaded


def test_the_ten_district_level_units_are_loaded_with_their_2007_status(loaded):
    districts = Agency.objects.in_group(AgencyGroup.DISTRICTS)
    assert districts.count() == 10
    assert set(districts.values_list("gso_code", flat=True)) == set(range(323, 334)) - {324}
    hung_yen, my_hao = Agency.objects.get(code="TPHUNGYEN"), Agency.objects.get(code="MYHAO")
    assert (hung_yen.kind, hung_yen.name) == (AgencyKind.TOWN, "UBND thị xã Hưng Yên")
    assert (my_hao.kind, my_hao.name) == (AgencyKind.DISTRICT, "UBND huyện Mỹ Hào")
    assert Agency.objects.get(code="VANLAM").name == "UBND huyện Văn Lâm"


def test_every_commune_of_the_package_is_loaded_under_its_district(loaded):
    communes = Agency.objects.in_group(AgencyGroup.COMMUNES).select_related("parent")
    assert communes.count() >= 139
    assert {commune.parent.group for commune in communes} == {AgencyGroup.DISTRICTS}
    assert all(commune.tier == Tier.ENCOURAGED for commune in communes)
    lam_son = Agency.objects.get(code="X11950")
    assert (lam_son.name, lam_son.kind, lam_son.gso_code) == ("UBND phường Lam Sơn", AgencyKind.WARD, 11950)


def test_my_hao_has_communes_and_a_township_but_no_wards_in_2007(loaded):
    kinds = set(Agency.objects.filter(parent__code="MYHAO").values_list("kind", flat=True))
    assert kinds == {AgencyKind.COMMUNE, AgencyKind.TOWNSHIP}
    assert Agency.objects.get(parent__code="MYHAO", kind=AgencyKind.TOWNSHIP).name == "UBND thị trấn Bần Yên Nhân"


def test_departments_carry_the_coordinating_roles_of_the_directive(loaded):
    roles = dict(Agency.objects.exclude(coordinating_role="").values_list("coordinating_role", "code"))
    assert roles == {"dost": "SKHCN", "home_affairs": "SNV", "planning": "SKHDT", "finance": "STC"}
    assert Agency.objects.in_group(AgencyGroup.DEPARTMENTS).count() >= 18


def test_public_service_units_hang_under_their_department(loaded):
    units = Agency.objects.filter(kind=AgencyKind.PUBLIC_SERVICE_UNIT).select_related("parent")
    assert units.exists()
    assert {unit.parent.group for unit in units} == {AgencyGroup.DEPARTMENTS}


def test_every_mandatory_agency_has_a_committee_chaired_by_its_head(loaded):
    mandatory = Agency.objects.filter(tier=Tier.MANDATORY)
    assert mandatory.count() == Agency.objects.in_group(AgencyGroup.DEPARTMENTS).count() + 10
    for agency in mandatory:
        committee = SteeringCommittee.objects.get(agency=agency)
        assert committee.decision_date.year == 2007
        chair = committee.members.get(role=MemberRole.CHAIR)
        assert chair.name == agency.head_name
        assert chair.user.username == f"head-{agency.code.lower()}"
        assert committee.members.filter(role=MemberRole.DEPUTY).exists()
        assert committee.members.get(role=MemberRole.SECRETARY).user.username == f"officer-{agency.code.lower()}"


def test_the_provincial_committee_sits_on_the_provincial_peoples_committee(loaded):
    committee = SteeringCommittee.objects.get(agency__kind=AgencyKind.PROVINCIAL_COMMITTEE)
    assert committee.members.get(role=MemberRole.CHAIR).name == committee.agency.head_name
    assert committee.members.get(role=MemberRole.SECRETARY).user.username == "committee"


def test_every_mandatory_agency_has_an_officer_and_a_head_with_the_demo_password(loaded, settings):
    for agency in Agency.objects.filter(tier=Tier.MANDATORY):
        officer = User.objects.get(username=f"officer-{agency.code.lower()}")
        head = User.objects.get(username=f"head-{agency.code.lower()}")
        assert (officer.agency, officer.role, head.agency, head.role) == (
            agency, UserRole.ISO_OFFICER, agency, UserRole.AGENCY_HEAD
        )
    officer = User.objects.get(username="officer-skhcn")
    assert officer.check_password(settings.DEMO_PASSWORD)
    assert officer.email == "officer-skhcn@demo.hungyen.gov.vn"
    assert list(agencies_for_user(officer, Access.MANAGE).values_list("code", flat=True)) == ["SKHCN"]


def test_the_province_wide_accounts_have_their_groups(loaded):
    assert User.objects.get(username="committee").groups.filter(name=COMMITTEE_GROUP).exists()
    dost = User.objects.get(username="dost")
    assert dost.groups.filter(name=DOST_GROUP).exists()
    assert (dost.agency.code, dost.role) == ("SKHCN", UserRole.VIEWER)
    viewer = User.objects.get(username="viewer-stc")
    assert (viewer.agency.code, viewer.role) == ("STC", UserRole.VIEWER)


def test_every_chair_satisfies_the_model_rule(loaded):
    for member in CommitteeMember.objects.filter(role=MemberRole.CHAIR).select_related("committee__agency"):
        member.full_clean()


def test_load_demo_restores_a_changed_demo_value_and_records_it(loaded):
    Agency.objects.filter(code="SKHCN").update(name="Sở KHCN (sửa)")
    output = io.StringIO()
    demo.load(output)
    assert Agency.objects.get(code="SKHCN").name == "Sở Khoa học và Công nghệ"
    assert "updated: 1 agencies" in output.getvalue()


def test_load_demo_keeps_a_chair_renamed_in_the_portal_and_says_so(loaded):
    chair = CommitteeMember.objects.get(committee__agency__code="SKHCN", role=MemberRole.CHAIR)
    Agency.objects.filter(code="SKHCN").update(head_name="Người Mới")
    CommitteeMember.objects.filter(pk=chair.pk).update(name="Người Mới")
    output = io.StringIO()
    demo.load(output)
    assert "kept as edited: SKHCN" in output.getvalue()
    assert CommitteeMember.objects.get(committee__agency__code="SKHCN", role=MemberRole.CHAIR).pk == chair.pk


def test_load_demo_exits_non_zero_from_the_command_line_when_debug_is_off():
    import os
    import subprocess
    from pathlib import Path

    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    environment |= {"DJANGO_SETTINGS_MODULE": "iso_portal.settings", "DEBUG": "0", "SECRET_KEY": "x" * 60,
                    "ALLOWED_HOSTS": "localhost", "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"], cwd=Path(__file__).resolve().parent.parent,
        env=environment, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "--force" in result.stderr
