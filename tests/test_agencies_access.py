"""The access layer decides which agencies each role reaches; object permissions follow agency and role."""

from __future__ import annotations

import pytest
from django.http import Http404

from agencies.access import Access, agencies_for_user, agency_for_user, may, restrict
from agencies.models import Agency, AgencyKind, CommitteeMember, SteeringCommittee, UserRole
from tests.conftest import make_user


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_officer_sees_and_manages_only_their_own_agency(officer_a, agency_a, agency_b):
    assert codes(agencies_for_user(officer_a)) == {"SKHCN"}
    assert codes(agencies_for_user(officer_a, Access.MANAGE)) == {"SKHCN"}
    assert codes(agencies_for_user(officer_a, Access.APPROVE_AS_HEAD)) == set()


def test_head_sees_their_agency_and_approves_but_does_not_manage(head_a, agency_b):
    assert codes(agencies_for_user(head_a)) == {"SKHCN"}
    assert codes(agencies_for_user(head_a, Access.APPROVE_AS_HEAD)) == {"SKHCN"}
    assert codes(agencies_for_user(head_a, Access.MANAGE)) == set()


@pytest.mark.parametrize("fixture", ["committee_user", "dost_user", "viewer"])
def test_province_wide_roles_see_every_agency_and_manage_none(fixture, request, agency_a, agency_b):
    user = request.getfixturevalue(fixture)
    assert codes(agencies_for_user(user)) == set(Agency.objects.values_list("code", flat=True))
    assert codes(agencies_for_user(user, Access.MANAGE)) == set()


def test_anonymous_user_reaches_nothing(agency_a, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert codes(agencies_for_user(AnonymousUser())) == set()
    assert restrict(SteeringCommittee.objects.all(), AnonymousUser()).count() == 0


def test_restrict_limits_committees_to_the_officers_agency(officer_a, agency_a, agency_b):
    assert list(restrict(SteeringCommittee.objects.all(), officer_a)) == [agency_a.steering_committee]
    members = CommitteeMember.objects.filter(committee__agency=agency_b)
    assert restrict(members, officer_a, agency_field="committee__agency").count() == 0


def test_restrict_gives_reviewers_everything(committee_user, agency_a, agency_b):
    assert restrict(SteeringCommittee.objects.all(), committee_user).count() == 2


def test_agency_for_user_answers_404_for_another_agency(officer_a, agency_b):
    with pytest.raises(Http404):
        agency_for_user(officer_a, agency_b.code)
    with pytest.raises(Http404):
        agency_for_user(officer_a, "NO-SUCH-CODE")


def test_agency_for_user_answers_404_when_the_user_may_see_but_not_manage(committee_user, agency_a):
    assert agency_for_user(committee_user, agency_a.code) == agency_a
    with pytest.raises(Http404):
        agency_for_user(committee_user, agency_a.code, Access.MANAGE)


def test_can_reports_the_same_answers_for_templates(officer_a, officer_b, viewer, agency_a):
    assert may(officer_a, Access.MANAGE, agency_a)
    assert not may(officer_b, Access.VIEW, agency_a)
    assert may(viewer, Access.VIEW, agency_a)
    assert not may(viewer, Access.MANAGE, agency_a)


def test_moving_an_officer_to_another_agency_removes_the_old_agencys_permissions(officer_a, agency_a, agency_b):
    officer_a.agency = agency_b
    officer_a.save()
    assert codes(agencies_for_user(officer_a)) == {"VANLAM"}
    assert codes(agencies_for_user(officer_a, Access.MANAGE)) == {"VANLAM"}
    assert not officer_a.has_perm(Access.MANAGE.value, agency_a)


def test_turning_an_officer_into_a_head_swaps_manage_for_approve(agency_a):
    user = make_user("someone", agency=agency_a, role=UserRole.ISO_OFFICER)
    user.role = UserRole.AGENCY_HEAD
    user.save()
    assert codes(agencies_for_user(user, Access.MANAGE)) == set()
    assert codes(agencies_for_user(user, Access.APPROVE_AS_HEAD)) == {"SKHCN"}


def test_removing_the_agency_removes_every_object_permission(officer_a, agency_a):
    officer_a.agency = None
    officer_a.role = ""
    officer_a.save()
    assert codes(agencies_for_user(officer_a)) == set()
    assert officer_a.agencyuserobjectpermission_set.count() == 0


def test_a_new_agency_is_not_visible_to_an_officer_of_another(officer_a):
    Agency.objects.create(code="SYT", name="Sở Y tế", kind=AgencyKind.DEPARTMENT)
    assert codes(agencies_for_user(officer_a)) == {"SKHCN"}


def test_the_helpers_accept_the_permission_name_as_a_plain_string(officer_a, agency_a):
    assert codes(agencies_for_user(officer_a, "agencies.manage_rollout")) == {"SKHCN"}
    assert may(officer_a, "agencies.manage_rollout", agency_a)
