"""The portal's Celery app as the integration tests' workers run it (``celery -A tests.celery_app worker``).

When the test sets ``TEST_SEND_LOCK`` the outbox's send hook is replaced in every worker process at start:
a pause of ``TEST_SEND_DELAY_MS`` before each send, then that file locked around send-and-mark, so the test
can kill a worker anywhere but inside the residual window (between the mail server's "accepted" and the row
marked sent). Production code knows nothing of this.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager

from celery.signals import worker_process_init

from iso_portal.celery import app

__all__ = ["app"]


@contextmanager
def _locked_send(path: str, pause: float):
    time.sleep(pause)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@worker_process_init.connect
def replace_the_send_hook(**kwargs) -> None:
    path = os.environ.get("TEST_SEND_LOCK")
    if not path:
        return
    from rollout.notices import outbox

    pause = int(os.environ.get("TEST_SEND_DELAY_MS", "0")) / 1000
    outbox.around_send = lambda: _locked_send(path, pause)
