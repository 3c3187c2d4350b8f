"""A report asked for while the broker is down: the request answers with the job page, and the job reaches the
worker once the broker is back (beat's minute run hands it over). Real Redis, stopped and started; a real worker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import JobState, ReportJob
from reports.tasks import hand_over_waiting_jobs
from tests.fixtures_reports import build_rollout
from tests.integration import PrivateRedis, tasks_sent_to, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def stopped_broker():
    broker = PrivateRedis()  # its port is chosen, nothing listens on it yet
    yield broker
    broker.remove()


@pytest.mark.django_db(transaction=True)
def test_a_report_asked_for_while_the_broker_is_down_waits_on_its_page_and_is_rendered_once_it_is_back(
    celery_env, stopped_broker, login, committee_user, settings, tmp_path
):
    shared, processes, env = celery_env
    settings.REPORTS_TASK_THRESHOLD = 0  # every province report goes to the worker
    rollout = build_rollout()
    client = login(committee_user)

    with tasks_sent_to(stopped_broker.url):
        response = client.get(
            reverse("reports:province"),
            {"programme": rollout["programme"].pk, "as_of": "2010-06-30"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        job = ReportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
        page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and "Waiting for a worker" in page.content.decode()
        assert (job.state, job.handed_over_at) == (JobState.QUEUED, None)
        assert hand_over_waiting_jobs() == 0  # still down: nothing sent, nothing lost

        stopped_broker.start()
        assert hand_over_waiting_jobs() == 1  # beat's minute run, the broker back
        assert hand_over_waiting_jobs() == 0  # handed over once

    env.update({"REDIS_URL": stopped_broker.url, "CELERY_QUEUE": "celery", "REPORTS_ROOT": str(tmp_path / "reports")})
    shared.publish()
    processes.start_worker("worker")
    wait_for(lambda: shared.job_state(job.pk) in ("done", "failed"), 120, "the worker to render the report", 0.5)
    processes.stop_all()
    shared.collect()

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.pages and (tmp_path / "reports" / job.file_path).is_file()
