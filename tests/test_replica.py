"""Reads of the dashboard, the reports and the API go to the replica when one is configured; the rest stays on the
primary. The replica here is a second connection to the test database (``TEST: {"MIRROR": "default"}``)."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iso_portal.replica import REPLICA


def reads_of_the_rollout(queries: list[str]) -> list[str]:
    return [sql for sql in queries if '"rollout_' in sql]


pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """Added before the tests' database access is set up, so they may use it; removed after the module."""
    connections.settings[REPLICA] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def queries_on_each_alias(client, url):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in primary], [query["sql"] for query in replica]


def test_the_dashboard_reads_from_the_replica(login, committee_user):
    primary, replica_reads = queries_on_each_alias(login(committee_user), reverse("reports:dashboard"))

    assert reads_of_the_rollout(replica_reads)
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in replica_reads)
    assert reads_of_the_rollout(primary) == []  # the middleware before it (session, user, sign-in) stay there


def test_the_reports_page_reads_from_the_replica(login, committee_user):
    primary, replica_reads = queries_on_each_alias(login(committee_user), reverse("reports:index"))

    assert replica_reads
    assert reads_of_the_rollout(primary) == []


def test_other_pages_read_from_the_primary(login, committee_user):
    primary, replica_reads = queries_on_each_alias(login(committee_user), reverse("agencies:list"))

    assert primary
    assert replica_reads == []
