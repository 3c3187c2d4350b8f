"""Queries and time of one request to the API's progress endpoint on the national data (``bench/generate.py``
first), for a committee member (the nation) and an ISO officer (one agency): the first request, which runs
the engine, and the next, which the committee's kept answer serves.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iso_bench .venv/bin/python -m bench.api_queries
"""

from __future__ import annotations

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
os.environ.setdefault("DEBUG", "1")


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIRequestFactory, force_authenticate

    from agencies.models import Agency, User, UserRole
    from agencies.services import ensure_role_groups, sync_agency_permissions
    from api.views import ProgrammeViewSet
    from rollout.models import Programme

    committee_group, _dost = ensure_role_groups()
    committee, _ = User.objects.get_or_create(username="bench-committee")
    committee.groups.add(committee_group)
    agency = Agency.objects.filter(code__startswith="P33-H").order_by("code").first()
    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"agency": agency, "role": UserRole.ISO_OFFICER}
    )
    sync_agency_permissions(officer)
    programme = Programme.objects.current()
    view = ProgrammeViewSet.as_view({"get": "progress"})
    factory = APIRequestFactory()
    for label, user in (("committee (nation)", committee), ("officer (one agency)", officer)):
        for attempt in ("first", "next"):
            request = factory.get(f"/api/v1/programmes/{programme.pk}/progress/", HTTP_HOST="localhost")
            force_authenticate(request, user=User.objects.get(pk=user.pk))
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = view(request, pk=programme.pk)
                response.render()
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.content[:300]
            print(
                f"{label}, {attempt} request: {len(queries)} queries, {elapsed:.0f} ms, "
                f"{response.data['agencies_count']} agencies, {len(response.content) // 1024} KiB"
            )


if __name__ == "__main__":
    main()
