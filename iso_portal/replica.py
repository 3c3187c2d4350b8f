"""Reads of the dashboard, the reports and the API from a PostgreSQL streaming replica, when one is configured.

``DATABASE_REPLICA_URL`` adds the ``replica`` alias; the middleware marks a GET or HEAD to those pages and the
router sends that request's reads there. Writes, and every other page's reads (forms that read what they just
wrote, logins, the outbox), stay on ``default``: a replica lags its primary by a moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections
from django.urls import Resolver404, resolve

REPLICA = "replica"
REPLICA_URL_NAMES = {"home"}  # the dashboard
REPLICA_NAMESPACES = {"reports", "api"}

_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reads_from_replica.set(True)
    try:
        yield
    finally:
        _reads_from_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and REPLICA in connections.databases:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


def reads_from_replica(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in REPLICA_URL_NAMES or bool(set(match.namespaces) & REPLICA_NAMESPACES)


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if REPLICA in connections.databases and reads_from_replica(request):
            # The session and the user are read on the primary: a login made a moment ago is there.
            _ = request.user.is_authenticated
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
