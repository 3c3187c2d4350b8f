"""Demo accounts for administering the portal and for the communes that joined: ``load_demo`` calls
``load(stdout)`` after the rollout's demo.

- ``admin-vpubnd``: the secretariat administrator (Văn phòng UBND tỉnh, the committee's secretariat).
- ``officer-<code>`` and ``head-<code>`` for the first communes, wards and townships to join the 2007
  programme voluntarily (plans started 2008–2011), each invited by the secretariat, as the record shows.
The districts' officers and heads (``officer-vanlam``, ``head-vanlam`` …) come with the agencies' demo and
oversee their communes. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.contrib.auth.models import Group
from django.db import transaction

from administration.models import RoleChange, RoleChangeKind
from administration.services import describe_role
from agencies.demo import Loader
from agencies.models import SECRETARIAT_GROUP, Agency, AgencyGroup, User, UserRole
from rollout.models import ImplementationPlan

JOINED_COMMUNES_WITH_ACCOUNTS = 12
JOINED_BETWEEN = (dt.date(2008, 1, 1), dt.date(2011, 12, 31))


def joined_communes() -> list[Agency]:
    """The communes, wards and townships whose first plan started within the years they joined, earliest first."""
    plans = (
        ImplementationPlan.objects.filter(agency__group=AgencyGroup.COMMUNES, start_date__range=JOINED_BETWEEN)
        .select_related("agency")
        .order_by("start_date", "agency__code")
    )
    found: dict[int, Agency] = {}
    for plan in plans:
        found.setdefault(plan.agency_id, plan.agency)
    return list(found.values())[:JOINED_COMMUNES_WITH_ACCOUNTS]


@transaction.atomic
def load(stdout: TextIO) -> None:
    loader = Loader(stdout)
    secretariat_group, _new = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    office = Agency.objects.filter(code="VPUBND").first()
    specs = [
        {
            "username": "admin-vpubnd",
            "groups": [secretariat_group],
            "first_name": "Ngọc",
            "last_name": "Hoàng Bảo",
            "agency_id": office.pk if office else None,
            "role": "",
            "position": "Chuyên viên Văn phòng UBND tỉnh, quản trị cổng thông tin ISO",
        },
    ]
    for index, commune in enumerate(joined_communes()):
        family, _space, given = (commune.head_name or f"Nguyễn Văn Xã{index}").rpartition(" ")
        specs += [
            {
                "username": f"head-{commune.code.lower()}",
                "first_name": given,
                "last_name": family,
                "agency_id": commune.pk,
                "role": UserRole.AGENCY_HEAD,
                "position": commune.head_title or "Chủ tịch",
            },
            {
                "username": f"officer-{commune.code.lower()}",
                "first_name": "Thị Hạnh",
                "last_name": "Nguyễn",
                "agency_id": commune.pk,
                "role": UserRole.ISO_OFFICER,
                "position": "Công chức Văn phòng - Thống kê",
            },
        ]
    users = loader.users(specs)
    admin = users["admin-vpubnd"]
    recorded = set(RoleChange.objects.filter(kind=RoleChangeKind.INVITED).values_list("user_id", flat=True))
    RoleChange.objects.bulk_create(
        [
            RoleChange(user=user, by=admin, kind=RoleChangeKind.INVITED, after=describe_role(user))
            for user in User.objects.filter(pk__in=[u.pk for u in users.values()]).select_related("agency")
            if user.pk not in recorded and user != admin
        ]
    )
    loader.report()
