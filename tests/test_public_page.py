"""The public transparency page: anyone may read which agencies are certified and how far each group has come,
as of a day, in Vietnamese or English, with nothing personal on it; its figures are the engine's, kept in the
cache until the records change."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from rollout.progress import programme_progress
from tests.fixtures_dashboard import AS_OF, build_province
from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db
LATER = dt.datetime(2010, 1, 4, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def province():
    cache.clear()
    with time_machine.travel(LATER, tick=False):
        yield build_province()


def page(client, **query):
    return client.get(reverse("public:transparency"), query, HTTP_ACCEPT_LANGUAGE=query.pop("language", "en"))


def test_anyone_sees_the_certified_agencies_with_number_body_scope_and_validity(client, province):
    response = page(client, as_of=AS_OF.strftime("%d/%m/%Y"))
    assert response.status_code == 200
    records = {record.code: record for record in response.context["figures"].records}
    assert set(records) == {"SNV", "XA-NGHIAHIEP"}
    snv = records["SNV"]
    assert (snv.number, snv.body, snv.dated, snv.expires_on, snv.valid) == (
        "HT 1001.09",
        "Trung tâm Chứng nhận Phù hợp",
        dt.date(2009, 3, 15),
        dt.date(2012, 3, 15),
        True,
    )
    html = response.content.decode()
    assert "HT 1001.09" in html and "Các thủ tục hành chính" in html
    assert reverse("public:agency", kwargs={"code": "SNV"}) in html


def test_the_page_names_no_person_and_no_account(client, province):
    html = page(client).content.decode()
    assert "Lê Văn Đức" not in html  # the heads' names
    for username in ("bcd-tinh", "canbo-syt", "canbo-yenmy"):
        assert username not in html


def test_an_earlier_day_shows_what_was_true_then(client, province):
    records = page(client, as_of="01/04/2009").context["figures"].records
    assert [record.code for record in records] == ["SNV"]


def test_the_groups_are_the_engines_figures(client, province):
    figures = page(client, as_of=AS_OF.isoformat()).context["figures"]
    engine = programme_progress(province["programme"], AS_OF)
    assert [(g.group, g.total, g.completed, g.percent_completed) for g in figures.groups] == [
        (g.group, g.total, g.completed, g.percent_completed) for g in engine.groups
    ]
    assert (figures.mandatory.total, figures.mandatory.completed) == (5, 1)


def test_the_answer_is_kept_until_the_records_change(client, province, monkeypatch):
    from reports import public

    calls = []
    real = public.programme_progress
    monkeypatch.setattr(public, "programme_progress", lambda *a, **k: calls.append(a) or real(*a, **k))
    page(client, as_of=AS_OF.isoformat())
    page(client, as_of=AS_OF.isoformat())
    assert len(calls) == 1
    plan = province["plans"]["SYT"]
    from tests.fixtures_dashboard import certify

    certify(plan, "HT 1003.09", dt.date(2009, 6, 1))
    records = page(client, as_of=AS_OF.isoformat()).context["figures"].records
    assert len(calls) == 2
    assert "SYT" in [record.code for record in records]


def test_it_speaks_vietnamese_by_default_and_english_on_request(client, province):
    vietnamese = page(client, language="vi").content.decode()
    english = page(client, language="en").content.decode()
    assert "Cơ quan đã được cấp giấy chứng nhận" in vietnamese
    assert "Certified agencies" in english


def test_the_demo_says_its_figures_are_illustrative(client, province, settings):
    settings.DEMO = True
    assert "illustrative" in page(client).content.decode()
    settings.DEMO = False
    assert "illustrative" not in page(client).content.decode()


def test_each_agency_has_its_own_public_page(client, province):
    response = client.get(
        reverse("public:agency", kwargs={"code": "SNV"}), {"as_of": AS_OF.isoformat()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "HT 1001.09" in response.content.decode()
    assert response.context["progress"].status == "completed"
    assert client.get(reverse("public:agency", kwargs={"code": "NO-SUCH"})).status_code == 404


@pytest.mark.parametrize("query", [{"as_of": "31/02/2009"}, {"as_of": "01/01/2030"}, {"programme": "x"}])
def test_bad_input_is_told_plainly_or_not_found(client, province, query):
    response = page(client, **query)
    if "programme" in query:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert response.context["as_of"].notice


def test_the_public_pages_are_valid_html(client, province, tmp_path, settings):
    settings.DEMO = True
    pages = {
        "public": page(client, as_of=AS_OF.isoformat(), language="vi").content,
        "public_notice": page(client, as_of="31/02/2009").content,
        "public_agency": client.get(reverse("public:agency", kwargs={"code": "SNV"})).content,
        "public_agency_none": client.get(reverse("public:agency", kwargs={"code": "STP"})).content,
    }
    errors = html_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
