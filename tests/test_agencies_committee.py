"""The steering committee: the chair is the agency head; the agency's officer edits it; every change is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies import services
from agencies.forms import CommitteeMemberForm
from agencies.history import committee_changes
from agencies.models import CommitteeMember, MemberRole, SteeringCommittee


@pytest.fixture
def committee(agency_a) -> SteeringCommittee:
    return agency_a.steering_committee


def member_data(**overrides) -> dict:
    return {"name": "Lê Văn Cường", "position": "Phó Giám đốc Sở", "role": MemberRole.MEMBER,
            "user": "", "training_notes": "", **overrides}


# The rule on the model


def test_the_agency_head_can_be_the_chair(committee):
    chair = CommitteeMember.objects.create(committee=committee, name="Nguyễn Văn An", position="Giám đốc", role="chair")
    assert chair.pk


def test_the_head_is_recognised_whatever_the_spacing_or_case(committee):
    CommitteeMember.objects.create(committee=committee, name="  nguyễn  văn AN ", position="Giám đốc", role="chair")


def test_someone_else_cannot_be_the_chair(committee):
    with pytest.raises(ValidationError) as error:
        CommitteeMember.objects.create(committee=committee, name="Lê Văn Cường", position="Phó Giám đốc", role="chair")
    assert "name" in error.value.message_dict
    assert not CommitteeMember.objects.exists()


def test_a_committee_has_only_one_chair(committee):
    CommitteeMember.objects.create(committee=committee, name="Nguyễn Văn An", position="Giám đốc", role="chair")
    with pytest.raises(ValidationError):
        CommitteeMember.objects.create(committee=committee, name="Nguyễn Văn An", position="Giám đốc", role="chair")
    assert committee.members.count() == 1


def test_no_chair_can_be_named_before_the_head_is_recorded(committee, agency_a):
    agency_a.head_name = ""
    agency_a.save()
    with pytest.raises(ValidationError) as error:
        CommitteeMember.objects.create(committee=committee, name="Nguyễn Văn An", position="Giám đốc", role="chair")
    assert "role" in error.value.message_dict


# The rule in the form


def test_the_form_shows_the_chair_rule_as_an_error_on_the_name(committee, settings):
    from django.utils import translation

    with translation.override("en"):
        form = CommitteeMemberForm(member_data(role="chair"), committee=committee)
        assert not form.is_valid()
        assert form.errors["name"] == ["The chair must be the agency's head, Nguyễn Văn An."]


def test_the_form_accepts_the_head_as_chair(committee):
    form = CommitteeMemberForm(member_data(name="Nguyễn Văn An", role="chair"), committee=committee)
    assert form.is_valid(), form.errors


def test_the_form_offers_only_accounts_of_the_committees_agency(committee, officer_a, officer_b):
    form = CommitteeMemberForm(committee=committee)
    assert list(form.fields["user"].queryset) == [officer_a]


# The pages


def test_officer_adds_a_member_and_the_history_names_them(login, officer_a, agency_a, committee):
    client = login(officer_a)
    response = client.post(reverse("agencies:member_add", args=[agency_a.code]), member_data())
    assert response.status_code == 302
    member = committee.members.get()
    assert member.name == "Lê Văn Cường"
    record = member.history.get()
    assert record.history_user == officer_a
    assert record.history_type == "+"


def test_adding_a_chair_who_is_not_the_head_shows_a_form_error_and_saves_nothing(login, officer_a, agency_a, committee):
    client = login(officer_a)
    response = client.post(
        reverse("agencies:member_add", args=[agency_a.code]), member_data(role="chair"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "The chair must be the agency&#x27;s head, Nguyễn Văn An." in response.content.decode()
    assert not committee.members.exists()


def test_officer_edits_the_committee_decision(login, officer_a, agency_a, committee):
    client = login(officer_a)
    response = client.post(reverse("agencies:committee_edit", args=[agency_a.code]), {
        "decision_number": "99/QĐ-SKHCN", "decision_date": "2007-08-20", "management_representative": "Lê Văn Cường",
        "version": committee.version,
    })
    assert response.status_code == 302
    committee.refresh_from_db()
    assert (committee.decision_number, committee.decision_date) == ("99/QĐ-SKHCN", dt.date(2007, 8, 20))
    assert committee.history.latest().history_user == officer_a


def test_a_bad_decision_date_is_refused_with_nothing_saved(login, officer_a, agency_a, committee):
    client = login(officer_a)
    response = client.post(reverse("agencies:committee_edit", args=[agency_a.code]), {
        "decision_number": "99/QĐ-SKHCN", "decision_date": "31/02/2007", "management_representative": "",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    committee.refresh_from_db()
    assert committee.decision_number == "12/QĐ-SKHCN"


def test_officer_records_a_committee_for_an_agency_that_has_none(login, officer_a, agency_a, committee):
    committee.delete()
    client = login(officer_a)
    client.post(reverse("agencies:committee_edit", args=[agency_a.code]), {
        "decision_number": "7/QĐ-SKHCN", "decision_date": "2007-06-01", "management_representative": "",
    })
    assert SteeringCommittee.objects.get(agency=agency_a).decision_number == "7/QĐ-SKHCN"


def test_adding_a_member_before_the_committee_exists_leads_to_the_committee_form(login, officer_a, agency_a, committee):
    committee.delete()
    response = login(officer_a).get(reverse("agencies:member_add", args=[agency_a.code]))
    assert response.url == reverse("agencies:committee_edit", args=[agency_a.code])


def test_officer_edits_and_removes_a_member(login, officer_a, agency_a, committee):
    member = CommitteeMember.objects.create(committee=committee, name="Lê Văn Cường", position="Chuyên viên")
    client = login(officer_a)
    client.post(
        reverse("agencies:member_edit", args=[agency_a.code, member.pk]),
        member_data(role="secretary", version=member.version),
    )
    member.refresh_from_db()
    assert member.role == MemberRole.SECRETARY
    client.post(reverse("agencies:member_remove", args=[agency_a.code, member.pk]))
    assert not committee.members.exists()
    assert [record.history_type for record in CommitteeMember.history.filter(id=member.pk).order_by("history_date")] \
        == ["+", "~", "-"]


def test_officer_of_another_agency_cannot_change_the_committee(login, officer_b, agency_a, committee):
    member = CommitteeMember.objects.create(committee=committee, name="Lê Văn Cường", position="Chuyên viên")
    client = login(officer_b)
    response = client.post(reverse("agencies:member_remove", args=[agency_a.code, member.pk]))
    assert response.status_code == 404
    response = client.post(reverse("agencies:member_add", args=[agency_a.code]), member_data(name="Kẻ Lạ"))
    assert response.status_code == 404
    assert list(committee.members.values_list("name", flat=True)) == ["Lê Văn Cường"]


def test_the_committee_member_from_the_province_cannot_edit_an_agencys_committee(login, committee_user, agency_a):
    response = login(committee_user).post(reverse("agencies:member_add", args=[agency_a.code]), member_data())
    assert response.status_code == 404


def test_the_detail_page_shows_members_and_who_changed_what(login, officer_a, head_a, agency_a, committee):
    client = login(officer_a)
    client.post(reverse("agencies:member_add", args=[agency_a.code]), member_data())
    client.post(reverse("agencies:committee_edit", args=[agency_a.code]), {
        "decision_number": "99/QĐ-SKHCN", "decision_date": "2007-06-01", "management_representative": "",
        "version": committee.version,
    })
    page = login(head_a).get(agency_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lê Văn Cường" in page
    assert "12/QĐ-SKHCN → 99/QĐ-SKHCN" in page
    assert officer_a.display_name in page
    assert "Edit the committee" not in page  # the head reads, the officer edits


# Services and history outside a request


def test_services_record_the_author_given_outside_a_request(committee, officer_a):
    member = services.add_committee_member(committee, by=officer_a, name="Lê Văn Cường", position="Chuyên viên")
    services.update_committee_member(member, by=officer_a, position="Phó Giám đốc Sở")
    entries = [entry for entry in committee_changes(committee) if entry.subject == "Lê Văn Cường"]
    assert [entry.type for entry in entries] == ["~", "+"]
    assert {entry.who for entry in entries} == {officer_a.display_name}
    assert [(c.old, c.new) for c in entries[0].changes] == [("Chuyên viên", "Phó Giám đốc Sở")]


def test_a_failed_service_call_leaves_nothing_behind(committee, officer_a):
    with pytest.raises(ValidationError):
        services.add_committee_member(
            committee, by=officer_a, name="Lê Văn Cường", position="Phó Giám đốc", role="chair"
        )
    assert not CommitteeMember.history.exists()
