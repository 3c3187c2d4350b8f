"""The Django admin covers every agencies model and shows the history of changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import CommitteeMember, User


@pytest.fixture
def admin_client_logged_in(client, db):
    admin = User.objects.create_superuser("admin", "admin@example.gov.vn", "a-Long-admin-passw0rd")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", [
    "agency", "steeringcommittee", "committeemember", "user", "agencyuserobjectpermission",
    "agencygroupobjectpermission",
])
def test_every_agencies_model_has_an_admin_list(admin_client_logged_in, model, officer_a):
    response = admin_client_logged_in.get(reverse(f"admin:agencies_{model}_changelist"))
    assert response.status_code == 200


def test_the_agency_admin_page_shows_the_committee_and_the_permissions(admin_client_logged_in, officer_a, agency_a):
    response = admin_client_logged_in.get(reverse("admin:agencies_agency_change", args=[agency_a.pk]))
    assert response.status_code == 200
    assert "12/QĐ-SKHCN" in response.content.decode()
    assert "officer-skhcn" in response.content.decode()


def test_the_agency_admin_offers_history_and_object_permissions(admin_client_logged_in, agency_a):
    history = admin_client_logged_in.get(reverse("admin:agencies_agency_history", args=[agency_a.pk]))
    assert history.status_code == 200
    permissions = admin_client_logged_in.get(reverse("admin:agencies_agency_permissions", args=[agency_a.pk]))
    assert permissions.status_code == 200


def test_the_committee_admin_edits_members_inline(admin_client_logged_in, agency_a):
    committee = agency_a.steering_committee
    CommitteeMember.objects.create(committee=committee, name="Nguyễn Văn An", position="Giám đốc", role="chair")
    response = admin_client_logged_in.get(reverse("admin:agencies_steeringcommittee_change", args=[committee.pk]))
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()


def test_the_user_admin_shows_agency_and_role(admin_client_logged_in, officer_a):
    response = admin_client_logged_in.get(reverse("admin:agencies_user_change", args=[officer_a.pk]))
    assert response.status_code == 200
    assert 'name="role"' in response.content.decode()
    assert 'name="agency"' in response.content.decode()


def test_changing_a_users_agency_in_the_admin_moves_their_permissions(admin_client_logged_in, officer_a, agency_b):
    url = reverse("admin:agencies_user_change", args=[officer_a.pk])
    form = admin_client_logged_in.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(agency=agency_b.pk, role="iso_officer", groups=[], user_permissions=[],
                date_joined_0="2007-06-01", date_joined_1="08:00:00", language="vi")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer_a.refresh_from_db()
    assert officer_a.agency == agency_b
    assert sorted(officer_a.agencyuserobjectpermission_set.values_list("content_object__code", flat=True)) == [
        "VANLAM", "VANLAM",
    ]
