"""The agency list and detail pages, and the account pages around them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from agencies.models import Agency, AgencyKind, CommitteeMember
from agencies.views import AGENCIES_PER_PAGE
from tests.conftest import PASSWORD


@pytest.fixture
def van_lam_communes(agency_b):
    return [
        Agency.objects.create(code=f"X{gso}", name=f"UBND xã {name}", kind=AgencyKind.COMMUNE, parent=agency_b,
                              gso_code=gso)
        for gso, name in [(11989, "Lạc Đạo"), (11992, "Chỉ Đạo"), (11995, "Đại Đồng")]
    ]


def names(response) -> list[str]:
    return [agency.name for agency in response.context["page"].object_list]


def test_committee_member_sees_every_agency(login, committee_user, agency_a, agency_b, van_lam_communes):
    response = login(committee_user).get(reverse("agencies:list"))
    assert response.context["page"].paginator.count == 5


def test_officer_sees_only_their_own_agency_in_the_list(login, officer_a, agency_a, agency_b):
    response = login(officer_a).get(reverse("agencies:list"))
    assert names(response) == ["Sở Khoa học và Công nghệ"]


def test_the_list_filters_by_group(login, dost_user, agency_a, agency_b, van_lam_communes):
    response = login(dost_user).get(reverse("agencies:list"), {"group": "districts"})
    assert names(response) == ["UBND huyện Văn Lâm"]


def test_the_list_filters_by_kind(login, dost_user, agency_a, agency_b, van_lam_communes):
    response = login(dost_user).get(reverse("agencies:list"), {"kind": "department"})
    assert names(response) == ["Sở Khoa học và Công nghệ"]


def test_the_list_filters_by_district_showing_the_district_and_its_communes(
    login, dost_user, agency_a, agency_b, van_lam_communes
):
    response = login(dost_user).get(reverse("agencies:list"), {"district": "VANLAM"})
    assert names(response) == ["UBND huyện Văn Lâm", "UBND xã Lạc Đạo", "UBND xã Chỉ Đạo", "UBND xã Đại Đồng"]


def test_the_list_searches_by_name_and_by_code(login, dost_user, agency_a, agency_b, van_lam_communes):
    client = login(dost_user)
    assert names(client.get(reverse("agencies:list"), {"q": "đại đồng"})) == ["UBND xã Đại Đồng"]
    assert names(client.get(reverse("agencies:list"), {"q": "dai dong"})) == ["UBND xã Đại Đồng"]
    assert names(client.get(reverse("agencies:list"), {"q": "skhcn"})) == ["Sở Khoa học và Công nghệ"]


def test_an_unknown_filter_value_shows_a_message_instead_of_failing(login, dost_user, agency_a, agency_b):
    response = login(dost_user).get(reverse("agencies:list"), {"kind": "castle"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_list_is_paginated_and_keeps_the_filters_in_page_links(login, dost_user, agency_b):
    Agency.objects.bulk_create([
        Agency(code=f"X{20000 + n}", name=f"UBND xã Thử {n:03}", kind=AgencyKind.COMMUNE, parent=agency_b,
               group="communes", tier="encouraged")
        for n in range(AGENCIES_PER_PAGE + 5)
    ])
    client = login(dost_user)
    first = client.get(reverse("agencies:list"), {"group": "communes"})
    assert len(names(first)) == AGENCIES_PER_PAGE
    assert "?group=communes&amp;page=2" in first.content.decode()
    second = client.get(reverse("agencies:list"), {"group": "communes", "page": 2})
    assert len(names(second)) == 5
    assert client.get(reverse("agencies:list"), {"page": "nonsense"}).status_code == 200


def test_the_list_needs_the_same_number_of_queries_for_many_agencies(
    login, dost_user, agency_a, agency_b, van_lam_communes, django_assert_max_num_queries
):
    client = login(dost_user)
    client.get(reverse("agencies:list"))  # warm the session and the user
    with django_assert_max_num_queries(9):  # the page, the filters' choices present among the agencies
        client.get(reverse("agencies:list"))


def test_the_detail_of_a_district_lists_its_communes(login, viewer, agency_b, van_lam_communes):
    response = login(viewer).get(agency_b.get_absolute_url())
    assert [child.name for child in response.context["children"]] == [
        "UBND xã Lạc Đạo", "UBND xã Chỉ Đạo", "UBND xã Đại Đồng",
    ]
    assert "rollout-heading" in response.content.decode()  # the rollout summary is included


def test_the_detail_page_shows_members_in_role_order(login, head_a, agency_a):
    committee = agency_a.steering_committee
    CommitteeMember.objects.create(committee=committee, name="Đỗ Thị Em", position="Chuyên viên", role="secretary")
    CommitteeMember.objects.create(committee=committee, name="Nguyễn Văn An", position="Giám đốc", role="chair")
    response = login(head_a).get(agency_a.get_absolute_url())
    assert [member.name for member in response.context["members"]] == ["Nguyễn Văn An", "Đỗ Thị Em"]
    assert "01/06/2007" in response.content.decode()


def test_an_unknown_agency_code_shows_the_not_found_page(login, committee_user):
    response = login(committee_user).get("/agencies/NOPE/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Account pages


def test_logging_in_with_a_wrong_password_shows_a_clear_error(client, officer_a):
    response = client.post(reverse("login"), {"username": "officer-skhcn", "password": "wrong"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_out_from_the_header_form_ends_the_session(login, officer_a):
    client = login(officer_a)
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}" method="post"' in page
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("agencies:list")).url.startswith(reverse("login"))


def test_password_change_refuses_a_wrong_current_password(login, officer_a):
    response = login(officer_a).post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "a-Long-new-passw0rd", "new_password2": "a-Long-new-passw0rd",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_password_change_with_good_values_changes_the_password(login, officer_a):
    response = login(officer_a).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-Long-new-passw0rd", "new_password2": "a-Long-new-passw0rd",
    })
    assert response.url == reverse("accounts:sessions")  # to see and end the other sessions
    officer_a.refresh_from_db()
    assert officer_a.check_password("a-Long-new-passw0rd")


def test_password_reset_sends_a_translated_email_with_a_working_link(client, head_a):
    with translation.override("en"):
        response = client.post(reverse("password_reset"), {"email": head_a.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.url == reverse("password_reset_done")
    message = mail.outbox[0]
    assert message.subject == "Reset your password for the ISO 9001 rollout portal"
    assert "Hello Nguyễn Văn An," in message.body
    assert "Your user name is: head-skhcn" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "a-Long-new-passw0rd", "new_password2": "a-Long-new-passw0rd",
    })
    assert done.url == reverse("password_reset_complete")
    head_a.refresh_from_db()
    assert head_a.check_password("a-Long-new-passw0rd")


def test_password_reset_email_is_in_vietnamese_by_default(client, head_a):
    client.post(reverse("password_reset"), {"email": head_a.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, head_a):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.vn"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_invalid_reset_link_says_so(client, db):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "set-password"]), HTTP_ACCEPT_LANGUAGE="en")
    assert "This link is not valid" in response.content.decode()


def test_a_field_error_is_announced_and_tied_to_its_field(login, officer_a, agency_a):
    response = login(officer_a).post(reverse("agencies:committee_edit", args=[agency_a.code]), {
        "decision_number": "1/QĐ", "decision_date": "not a date",
    }, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert 'aria-describedby="id_decision_date_error"' in page
    assert 'id="id_decision_date_error" role="alert"' in page


def test_an_officer_who_sees_only_their_agency_is_offered_no_filter(login, officer_a, agency_a, agency_b):
    html = login(officer_a).get(reverse("agencies:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'role="search"' not in html and agency_a.name in html


def test_the_filters_offer_only_what_can_change_the_answer(login, dost_user, agency_a, agency_b, van_lam_communes):
    html = login(dost_user).get(reverse("agencies:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="group"' in html and 'name="kind"' in html and 'name="district"' in html
    assert "Public service unit" not in html  # no such agency: not offered
