"""The Nu Html Checker (the vnu-jar npm package, run with the system Java) finds no error in the rendered
login page, dashboard, agency page, officer home, urge page, certificate register, registry and reports page —
including their error and notice states.
All pages are checked by one Java run, which is the slow part."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from rollout.models import Milestone
from tests.fixtures_dashboard import AS_OF, build_province
from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db


def render_pages(client, province) -> dict[str, str]:
    pages = {"login": client.get(reverse("login"))}
    client.force_login(province["committee"])
    pages["dashboard"] = client.get("/")
    pages["dashboard_district"] = client.get("/", {"district": "YENMY", "sort": "-overdue", "q": "xa"})
    pages["dashboard_notices"] = client.get("/", {"as_of": "31/02/2009", "kind": "castle", "page": "99"})
    pages["agency"] = client.get(reverse("agencies:detail", kwargs={"code": "YENMY"}))
    pages["urge"] = client.get(reverse("rollout:urge", kwargs={"code": "YENMY"}))
    pages["urge_error"] = client.post(reverse("rollout:urge", kwargs={"code": "YENMY"}), {"message": ""})
    pages["register"] = client.get(reverse("reports:register"), {"as_of": AS_OF.isoformat(), "sort": "-issued"})
    pages["registry"] = client.get(reverse("rollout:registry"), {"q": "yen"})
    pages["reports"] = client.get(reverse("reports:index"))
    client.force_login(province["officer_yenmy"])
    pages["officer_home"] = client.get("/")
    milestone = Milestone.objects.get(plan=province["plans"]["YENMY"], number=2)
    pages["officer_home_error"] = client.post(
        reverse("rollout:quick_update", kwargs={"pk": milestone.pk}),
        {f"m{milestone.pk}-version": milestone.version, f"m{milestone.pk}-status": "done"},
    )
    for name, response in pages.items():
        assert response.status_code == 200, name
    return {name: response.content.decode() for name, response in pages.items()}


def test_the_main_pages_are_valid_html(client, tmp_path):
    with time_machine.travel(dt.datetime.combine(AS_OF, dt.time(5, 0), tzinfo=dt.UTC), tick=False):
        pages = render_pages(client, build_province())
    errors = html_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
