"""The database away (a restart): pages answer 503 with a short translated page and Retry-After, not 500, and the
portal is back by itself once the database is. On PostgreSQL the connection really goes to a closed port; the
in-memory SQLite of a local run cannot be taken away, so there its cursor fails as a lost database's would."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection

from tests.integration import free_port


@pytest.fixture
def database_down(monkeypatch):
    def take_it_away():
        if connection.vendor == "postgresql":
            monkeypatch.setitem(connection.settings_dict, "PORT", str(free_port()))
            connection.close()
        else:

            def fail(*args, **kwargs):
                raise sqlite3.OperationalError("disk I/O error")

            monkeypatch.setattr("django.db.backends.sqlite3.base.SQLiteCursorWrapper.execute", fail)

    def bring_it_back():
        monkeypatch.undo()
        connection.close()

    return take_it_away, bring_it_back


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_with_retry_after_while_the_database_is_away_and_200_once_it_is_back(
    client, committee_user, database_down
):
    take_it_away, bring_it_back = database_down
    client.force_login(committee_user)
    assert client.get("/healthz").status_code == 200

    take_it_away()
    for path, language, text in [
        ("/", "en", "Temporarily unavailable"),
        ("/healthz", "en", "Please try again in 30 seconds"),
        ("/rollout/reminders/", "vi", "Tạm thời không truy cập được"),
    ]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30"
        assert text in response.content.decode()

    bring_it_back()
    assert client.get("/healthz").status_code == 200
    assert client.get("/rollout/reminders/").status_code == 200
