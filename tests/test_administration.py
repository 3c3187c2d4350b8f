"""Administering users without the Django admin: invitations, roles, deactivation, and who can do what."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from administration.models import RoleChange, RoleChangeKind
from agencies.access import Access, agencies_for_user
from agencies.models import COMMITTEE_GROUP, SECRETARIAT_GROUP, Agency, AgencyKind, User, UserRole
from tests.conftest import make_user


@pytest.fixture
def secretariat(role_groups):
    from django.contrib.auth.models import Group

    return make_user(
        "secretariat",
        groups=[Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0]],
        last_name="Đỗ Thị",
        first_name="Lan",
    )


@pytest.fixture
def commune(agency_b):
    return Agency.objects.create(
        code="LACHONG",
        name="Xã Lạc Hồng",
        kind=AgencyKind.COMMUNE,
        parent=agency_b,
        head_name="Vũ Văn Hùng",
        email="lachong@example.gov.vn",
    )


def in_vietnamese(role) -> str:
    with translation.override("vi"):
        return str(role.label)


def invite(client, **changes):
    data = {
        "username": "officer-new",
        "email": "new@example.gov.vn",
        "last_name": "Trần Văn",
        "first_name": "Nam",
        "position": "Chuyên viên",
        "agency": "",
        "role": "",
        **changes,
    }
    return client.post(reverse("administration:invite"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_secretariat_invites_an_officer_who_sets_a_password_with_the_link(
    client, secretariat, agency_a, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, agency=agency_a.pk, role=UserRole.ISO_OFFICER)
    user = User.objects.get(username="officer-new")
    assert response.status_code == 302
    assert not user.has_usable_password()
    assert agencies_for_user(user, Access.MANAGE).get() == agency_a
    assert mail.outbox[0].to == ["new@example.gov.vn"]
    link = re.search(r"http\S+/accounts/password/reset/\S+", mail.outbox[0].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1] if "127.0.0.1:8000" in link else link
    client.logout()
    form = client.get(path, follow=True)
    assert form.status_code == 200
    client.post(form.redirect_chain[-1][0], {"new_password1": "Lua-non-2007!", "new_password2": "Lua-non-2007!"})
    user.refresh_from_db()
    assert user.check_password("Lua-non-2007!")
    change = RoleChange.objects.get(user=user, kind=RoleChangeKind.INVITED)
    assert change.by == secretariat and "SKHCN" in change.after


def test_inviting_an_existing_e_mail_is_refused_and_nothing_is_created(client, secretariat, officer_a):
    client.force_login(secretariat)
    response = invite(client, email=officer_a.email.upper())
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not User.objects.filter(username="officer-new").exists()
    assert not mail.outbox


def test_a_commune_officer_cannot_be_given_a_role_across_the_province(client, secretariat, commune):
    client.force_login(secretariat)
    response = invite(client, agency=commune.pk, role=UserRole.ISO_OFFICER, groups=[COMMITTEE_GROUP])
    assert "not a provincial body" in response.content.decode()
    assert not User.objects.filter(username="officer-new").exists()
    response = invite(client, agency=commune.pk, role=UserRole.VIEWER)
    assert "not a provincial body" in response.content.decode()
    assert not RoleChange.objects.exists()


def test_a_role_change_is_recorded_with_who_gave_whom_which_right(client, secretariat, officer_a, agency_a):
    client.force_login(secretariat)
    url = reverse("administration:user", kwargs={"pk": officer_a.pk})
    client.post(url, {"agency": agency_a.pk, "role": UserRole.AGENCY_HEAD, "groups": [COMMITTEE_GROUP]})
    assert agencies_for_user(officer_a, Access.MANAGE).count() == 0
    assert agencies_for_user(officer_a, Access.APPROVE_AS_HEAD).get() == agency_a
    kinds = {(c.kind, c.before, c.after, c.by) for c in RoleChange.objects.filter(user=officer_a)}
    assert kinds == {
        (
            RoleChangeKind.ROLE,
            f"{in_vietnamese(UserRole.ISO_OFFICER)} — SKHCN",
            f"{in_vietnamese(UserRole.AGENCY_HEAD)} — SKHCN",
            secretariat,
        ),
        (RoleChangeKind.GROUP_GRANTED, "", COMMITTEE_GROUP, secretariat),
    }


def test_a_deactivated_user_keeps_their_name_and_cannot_log_in(client, secretariat, officer_a):
    client.force_login(secretariat)
    client.post(reverse("administration:set_active", kwargs={"pk": officer_a.pk}), {"active": "0"})
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    sign_in = RequestFactory().post("/accounts/login/")
    assert authenticate(sign_in, username=officer_a.username, password="correct-horse-battery") is None
    assert RoleChange.objects.get(user=officer_a).kind == RoleChangeKind.DEACTIVATED


def test_the_administrator_cannot_deactivate_their_own_account(client, secretariat):
    client.force_login(secretariat)
    client.post(reverse("administration:set_active", kwargs={"pk": secretariat.pk}), {"active": "0"})
    secretariat.refresh_from_db()
    assert secretariat.is_active


def test_a_password_reset_sends_a_link_and_is_recorded(
    client, secretariat, officer_a, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("administration:reset_password", kwargs={"pk": officer_a.pk}))
    assert mail.outbox[0].to == [officer_a.email]
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert RoleChange.objects.get(user=officer_a).kind == RoleChangeKind.PASSWORD_RESET


def test_bulk_creation_gives_each_agency_of_a_group_one_officer_and_one_head_once(
    client, secretariat, commune, agency_b
):
    Agency.objects.create(code="TANQUANG", name="Xã Tân Quang", kind=AgencyKind.COMMUNE, parent=agency_b)
    client.force_login(secretariat)
    client.post(reverse("administration:bulk"), {"group": "communes"})
    client.post(reverse("administration:bulk"), {"group": "communes"})
    created = User.objects.filter(agency__group="communes")
    assert sorted(created.values_list("username", flat=True)) == [
        "head-lachong",
        "head-tanquang",
        "officer-lachong",
        "officer-tanquang",
    ]
    assert User.objects.get(username="head-lachong").display_name == "Vũ Văn Hùng"
    assert agencies_for_user(User.objects.get(username="officer-lachong"), Access.MANAGE).get() == commune


def test_who_can_do_what_reads_the_access_layer(client, secretariat, officer_a, head_a, agency_a):
    client.force_login(secretariat)
    page = client.get(
        reverse("administration:agency_access", kwargs={"code": agency_a.code}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Change the steering committee, plan, milestones and evidence — Sở Khoa học và Công nghệ" in page
    assert "Approve the plan as the agency&#x27;s head — Sở Khoa học và Công nghệ" in page
    assert "Administer users, their roles, agencies and programmes — every agency of the province" in page


def test_only_the_secretariat_and_dost_administer(client, officer_a, committee_user, dost_user, secretariat):
    for person, status in ((officer_a, 403), (committee_user, 403), (dost_user, 200), (secretariat, 200)):
        client.force_login(person)
        assert client.get(reverse("administration:users")).status_code == status, person


def test_the_demo_has_a_secretariat_administrator_and_the_accounts_of_communes_that_joined(db, settings):
    import io

    from django.core.management import call_command

    from administration.demo import JOINED_COMMUNES_WITH_ACCOUNTS
    from agencies.access import Access, may

    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    assert may(User.objects.get(username="admin-vpubnd"), Access.ADMINISTER)
    officers = User.objects.filter(agency__group="communes", role=UserRole.ISO_OFFICER).select_related("agency")
    assert officers.count() == JOINED_COMMUNES_WITH_ACCOUNTS
    for officer in officers:
        assert officer.agency.plans.filter(start_date__year__range=(2008, 2011)).exists()
        assert agencies_for_user(officer, Access.MANAGE).get() == officer.agency
        assert User.objects.get(username=f"head-{officer.agency.code.lower()}").check_password(settings.DEMO_PASSWORD)
    assert RoleChange.objects.filter(by__username="admin-vpubnd").count() == 2 * JOINED_COMMUNES_WITH_ACCOUNTS
