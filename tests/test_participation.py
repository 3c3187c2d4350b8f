"""The encouraged units that joined a programme, and when: shown per district, read within the user's reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from agencies.models import Agency, AgencyKind
from reports.participation import participation
from rollout.models import ImplementationPlan
from tests.fixtures_rollout_ui import make_plan, make_programme


@pytest.fixture
def communes(agency_b):
    yen_my = Agency.objects.create(
        code="YENMY", name="UBND huyện Yên Mỹ", kind=AgencyKind.DISTRICT, active_from=dt.date(2007, 1, 1)
    )
    made = {}
    for code, parent in (("LACHONG", agency_b), ("DINHDU", agency_b), ("TANLAP", yen_my)):
        made[code] = Agency.objects.create(
            code=code, name=f"UBND xã {code}", kind=AgencyKind.COMMUNE, parent=parent, active_from=dt.date(2007, 1, 1)
        )
    return made


def joins(agency, programme, day):
    plan = make_plan(agency, programme)
    ImplementationPlan.objects.filter(pk=plan.pk).update(start_date=day)


def test_joining_is_counted_per_district_and_year(agency_b, communes):
    programme = make_programme()
    joins(communes["LACHONG"], programme, dt.date(2008, 3, 1))
    joins(communes["TANLAP"], programme, dt.date(2009, 5, 2))
    figures = participation(programme, Agency.objects.all())
    assert (figures["communes_joined"], figures["communes"]) == (2, 3)
    assert figures["by_year"] == [(2008, 1), (2009, 1)]
    van_lam = next(row for row in figures["districts"] if row.district == agency_b)
    assert (van_lam.units, van_lam.joined) == (2, [(communes["LACHONG"], dt.date(2008, 3, 1))])


def test_a_district_officer_sees_only_the_communes_of_the_district(client, officer_b, communes):
    programme = make_programme()
    joins(communes["TANLAP"], programme, dt.date(2009, 5, 2))
    client.force_login(officer_b)
    response = client.get(reverse("reports:participation"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "0 of 2 communes, wards and townships joined." in page
    assert "TANLAP" not in page
