"""No silent overwrite: the steering committee, its members and DOST's registry are saved only on the version
their editor loaded; a second save from the same page shows who changed what and keeps the first save. A bad
hidden version is refused with a message, never silently."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import CommitteeMember, MemberRole, SteeringCommittee, UserRole
from rollout.models import CertificationBody
from tests import fixtures_rollout_ui as fx
from tests.conftest import make_user

CONFLICT = "Someone else changed this"
STALE = "This form is out of date or damaged"

programme, plan_a = fx.programme, fx.plan_a


@pytest.fixture
def member(agency_a) -> CommitteeMember:
    return CommitteeMember.objects.create(
        committee=agency_a.steering_committee, name="Lê Văn Cường", position="Phó Giám đốc Sở", role=MemberRole.MEMBER
    )


@pytest.fixture
def second_officer(agency_a):
    return make_user("officer2-skhcn", agency=agency_a, role=UserRole.ISO_OFFICER)


def post(client, url, data):
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def committee_data(version, **overrides):
    return {"decision_number": "12/QĐ-SKHCN", "decision_date": "2007-06-01", "management_representative": "",
            "version": version} | overrides


def test_the_second_of_two_committee_saves_from_the_same_page_is_refused_and_shown(
    login, client, officer_a, second_officer, agency_a
):
    url = reverse("agencies:committee_edit", args=[agency_a.code])
    loaded = agency_a.steering_committee.version
    first = login(officer_a)
    assert post(first, url, committee_data(loaded, management_representative="Phạm Thị Hoa")).status_code == 302

    client.logout()
    response = post(login(second_officer), url, committee_data(loaded, management_representative="Đỗ Văn Nam"))

    page = response.content.decode()
    assert response.status_code == 200
    assert CONFLICT in page and "Phạm Thị Hoa" in page
    assert SteeringCommittee.objects.get(agency=agency_a).management_representative == "Phạm Thị Hoa"


def test_the_second_of_two_member_saves_is_refused_and_the_first_is_kept(login, officer_a, agency_a, member):
    url = reverse("agencies:member_edit", args=[agency_a.code, member.pk])
    data = {"name": member.name, "role": MemberRole.MEMBER, "user": "", "training_notes": "", "version": member.version}
    client = login(officer_a)
    assert post(client, url, data | {"position": "Chánh Văn phòng Sở"}).status_code == 302

    response = post(client, url, data | {"position": "Trưởng phòng"})

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert CommitteeMember.objects.get(pk=member.pk).position == "Chánh Văn phòng Sở"


def test_the_second_of_two_registry_saves_is_refused_and_the_first_is_kept(login, dost_user):
    body = CertificationBody.objects.create(name="Trung tâm Chứng nhận Phù hợp", short_name="QUACERT")
    url = reverse("rollout:registry_edit", args=["body", body.pk])
    data = {"name": body.name, "short_name": "QUACERT", "designation": "", "address": "", "contact": "",
            "active": "on", "version": body.version}
    client = login(dost_user)
    assert post(client, url, data | {"contact": "024 3791 1111"}).status_code == 302

    response = post(client, url, data | {"contact": "024 0000 0000"})

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert CertificationBody.objects.get(pk=body.pk).contact == "024 3791 1111"


@pytest.mark.parametrize("version", ["-1", "0", "abc", ""])
def test_a_bad_hidden_version_is_refused_with_a_message_on_every_form(login, officer_a, agency_a, member, version):
    client = login(officer_a)
    before = SteeringCommittee.objects.get(agency=agency_a).management_representative

    committee_page = post(
        client, reverse("agencies:committee_edit", args=[agency_a.code]),
        committee_data(version, management_representative="X"),
    )
    member_page = post(
        client, reverse("agencies:member_edit", args=[agency_a.code, member.pk]),
        {"name": member.name, "position": "Y", "role": MemberRole.MEMBER, "user": "", "training_notes": "",
         "version": version},
    )

    for response in (committee_page, member_page):
        assert response.status_code == 200
        assert STALE in response.content.decode()
    assert SteeringCommittee.objects.get(agency=agency_a).management_representative == before
    assert CommitteeMember.objects.get(pk=member.pk).position == "Phó Giám đốc Sở"


@pytest.mark.parametrize("version", ["-1", "0", "abc", ""])
def test_a_bad_hidden_version_on_a_milestone_shows_a_message(login, officer_a, plan_a, version):
    milestone = plan_a.milestones.get(number=1)
    response = post(
        login(officer_a), reverse("rollout:milestone", args=[milestone.pk]),
        {"version": version, "status": "in_progress", "note": "x"},
    )
    assert response.status_code == 200
    assert STALE in response.content.decode()


def test_a_new_member_needs_no_version(login, officer_a, agency_a):
    response = post(
        login(officer_a), reverse("agencies:member_add", args=[agency_a.code]),
        {"name": "Vũ Thị Lan", "position": "Chuyên viên", "role": MemberRole.MEMBER, "user": "", "training_notes": ""},
    )
    assert response.status_code == 302
    assert CommitteeMember.objects.filter(name="Vũ Thị Lan").exists()
