"""Small rollout fixtures for the plan, milestone and evidence tests: a programme, plans for agencies A and B
with three milestones each (the last one completes the programme), and a certification body.

Milestones are created directly here so these tests do not depend on how the stage template is spread."""

from __future__ import annotations

import datetime as dt

import pytest

from rollout.models import (
    CertificationBody,
    Designation,
    ImplementationPlan,
    Milestone,
    PlanStatus,
    Programme,
    Regime,
)

PROGRAMME_START = dt.date(2007, 4, 18)
TARGET = dt.date(2010, 6, 30)
MILESTONES = [
    (1, "Steering committee established", dt.date(2007, 9, 30), False),
    (2, "Documentation", dt.date(2008, 12, 31), False),
    (3, "Certificate issued", dt.date(2010, 6, 30), True),
]


def make_programme(regime: str = Regime.CERTIFICATION, *, is_current: bool = True, name: str = "") -> Programme:
    return Programme.objects.create(
        name=name or "Đề án ISO 9001 tỉnh Hưng Yên 2007–2010", legal_basis="Chỉ thị 18/04/2007; QĐ 144/2006/QĐ-TTg",
        regime=regime, iso_edition="2000" if regime == Regime.CERTIFICATION else "2015",
        start_date=PROGRAMME_START, target_date=TARGET, is_current=is_current,
    )


def make_plan(agency, programme, status: str = PlanStatus.DRAFT) -> ImplementationPlan:
    plan = ImplementationPlan.objects.create(agency=agency, programme=programme, status=status,
                                             start_date=PROGRAMME_START)
    for number, name, due, completes in MILESTONES:
        Milestone.objects.create(plan=plan, number=number, name=name, due_date=due, is_completion=completes)
    return plan


def designated_body(name: str = "QUACERT", **extra) -> CertificationBody:
    """A certification body designated by the ministry from 2006 on, so it may certify in every test's years."""
    body = CertificationBody.objects.create(name=name, **extra)
    Designation.objects.create(certification_body=body, number="1246/QĐ-BKHCN", valid_from=dt.date(2006, 1, 1))
    return body


@pytest.fixture
def programme(db) -> Programme:
    return make_programme()


@pytest.fixture
def plan_a(agency_a, programme) -> ImplementationPlan:
    return make_plan(agency_a, programme)


@pytest.fixture
def plan_b(agency_b, programme) -> ImplementationPlan:
    return make_plan(agency_b, programme)


@pytest.fixture
def certification_body(db) -> CertificationBody:
    return designated_body("Trung tâm Chứng nhận Phù hợp (QUACERT)", short_name="QUACERT")
