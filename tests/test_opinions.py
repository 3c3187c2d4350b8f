"""Co-review: Home Affairs and Planning & Investment give opinions on a submitted plan before DOST decides; the
plan page and DOST's review queue show them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from agencies.models import Agency, AgencyKind, UserRole
from rollout import services
from rollout.models import PlanOpinion, PlanStatus
from tests.conftest import make_user
from tests.fixtures_rollout_ui import make_plan, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def planning(db):
    agency = Agency.objects.create(code="SKHDT", name="Sở Kế hoạch và Đầu tư", kind=AgencyKind.DEPARTMENT,
                                   coordinating_role="planning")
    return make_user("viewer-skhdt", agency=agency, role=UserRole.VIEWER)


@pytest.fixture
def submitted(agency_a):
    return make_plan(agency_a, make_programme(), status=PlanStatus.SUBMITTED)


def test_home_affairs_and_planning_give_their_opinions_on_a_submitted_plan(submitted, home_affairs, planning):
    services.add_opinion(submitted, by=home_affairs, text="Phạm vi nên gồm thủ tục cấp phép.")
    services.add_opinion(submitted, by=planning, text="Kinh phí phù hợp kế hoạch năm.")
    assert list(submitted.opinions.values_list("body", "by__username")) == [
        ("home_affairs", "viewer-snv"), ("planning", "viewer-skhdt")]


def test_no_opinion_once_dost_has_decided(agency_a, home_affairs):
    plan = make_plan(agency_a, make_programme(), status=PlanStatus.APPROVED)
    with pytest.raises(ValidationError, match="submitted plan"):
        services.add_opinion(plan, by=home_affairs, text="x")
    assert not PlanOpinion.objects.exists()


@pytest.mark.parametrize("role", ["officer_a", "viewer", "dost_user"])
def test_only_the_co_reviewing_bodies_give_opinions(role, submitted, request):
    with pytest.raises(ValidationError, match="Only Home Affairs and Planning"):
        services.add_opinion(submitted, by=request.getfixturevalue(role), text="x")


def test_the_plan_page_and_the_review_queue_show_the_opinion(client, submitted, home_affairs, dost_user):
    client.force_login(home_affairs)
    response = client.post(reverse("rollout:plan_opinion", args=[submitted.pk]), {"text": "Đề nghị bổ sung TTHC."})
    assert response.status_code == 302
    client.force_login(dost_user)
    assert "Đề nghị bổ sung TTHC." in client.get(reverse("rollout:plan", args=[submitted.pk])).content.decode()
    assert "Đề nghị bổ sung TTHC." in client.get(reverse("rollout:review_queue")).content.decode()
