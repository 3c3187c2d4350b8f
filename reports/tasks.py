"""Background rendering of large reports (see reports.render for how memory stays bounded).

Run the worker with a memory cap so a child that grew during a national report is replaced afterwards:
``celery -A iso_portal worker --max-memory-per-child=400000`` (kB; settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD,
from CELERY_WORKER_MAX_MEMORY_KB, applies the same cap when the flag is left out).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from agencies.models import Agency
from reports.models import JobState, ReportJob
from reports.render import RENDERERS
from rollout.models import Programme

logger = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(hours=1)


def chunk_rows() -> int:
    return settings.REPORTS_PDF_CHUNK_ROWS


def queue_report(user, kind: str, programme: Programme, as_of: dt.date, *, agency: Agency | None = None) -> ReportJob:
    """Record the job and hand it to the worker once the record is committed."""
    parameters = {"programme": programme.pk, "as_of": as_of.isoformat()}
    if agency is not None:
        parameters["agency"] = agency.code
    job = ReportJob.objects.create(requested_by=user, kind=kind, parameters=parameters)
    transaction.on_commit(lambda: hand_over(job.pk))
    return job


def hand_over(job_id: int) -> bool:
    """Send the job to the worker and note when. A broker that is away leaves the job waiting, unnoted: the
    request still answers with the job page, and beat's minute run sends it once the broker is back."""
    try:
        render_report_job.delay(job_id)
    except BrokerError as error:
        logger.warning("Report job %s waits for the broker: %s", job_id, error)
        return False
    ReportJob.objects.filter(pk=job_id, handed_over_at__isnull=True).update(handed_over_at=timezone.now())
    return True


@shared_task(name="reports.hand_over_waiting_jobs")
def hand_over_waiting_jobs() -> int:
    """Run by beat every minute: send the queued jobs whose message never reached the broker. A job sent twice
    is rendered once (``_claim``)."""
    waiting = ReportJob.objects.filter(state=JobState.QUEUED, handed_over_at__isnull=True).order_by("pk")
    return sum(hand_over(pk) for pk in waiting.values_list("pk", flat=True))


def _claim(job_id: int) -> bool:
    """Only one worker renders a job; a job left running by a lost worker is taken over after an hour."""
    stale = timezone.now() - STALE_AFTER
    claimed = ReportJob.objects.filter(
        Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, started_at__lt=stale), pk=job_id
    ).update(state=JobState.RUNNING, started_at=timezone.now(), progress=0, error="")
    return claimed == 1


@shared_task(name="reports.render_report_job")
def render_report_job(job_id: int) -> str | None:
    if not _claim(job_id):
        return None
    job = ReportJob.objects.get(pk=job_id)
    root = Path(settings.REPORTS_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    relative = f"{job.pk}-{uuid.uuid4().hex}.pdf"
    partial = root / f"{relative}.part"

    def on_progress(percent: int) -> None:
        ReportJob.objects.filter(pk=job_id).update(progress=min(max(percent, 0), 99))

    try:
        programme = Programme.objects.get(pk=job.parameters["programme"])
        as_of = dt.date.fromisoformat(job.parameters["as_of"])
        with open(partial, "wb") as output:
            if job.kind == "agency":
                agency = Agency.objects.get(code=job.parameters["agency"])
                pages = RENDERERS["agency"](programme, agency, as_of, output)
            else:
                pages = RENDERERS[job.kind](programme, as_of, output, chunk_rows=chunk_rows(), on_progress=on_progress)
        partial.rename(root / relative)
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        partial.unlink(missing_ok=True)
        ReportJob.objects.filter(pk=job_id).update(
            state=JobState.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
        return None
    ReportJob.objects.filter(pk=job_id).update(
        state=JobState.DONE, progress=100, file_path=relative, pages=pages, finished_at=timezone.now()
    )
    return relative
