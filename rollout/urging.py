"""Urging (đôn đốc) an agency: a letter from the provincial committee or DOST to the agency's ISO officers,
head and mailbox. The record keeps who sent it and when; each address gets the letter through the outbox
(``rollout.notices``), claimed in the same transaction, retried and, if it cannot be delivered, shown as
given up on the "not yet delivered" page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import Access, may
from agencies.models import Agency, User, UserRole
from rollout.models import ImplementationPlan, Programme, ReminderKind, ReminderLog, UrgeRecord
from rollout.notices import outbox

MESSAGE_MAX_LENGTH = 2000


def urge_recipients(agency: Agency) -> list[str]:
    """The agency's active ISO officers and head, then its own mailbox; each address once."""
    return [address for address, _user in _addressees(agency)]


def _addressees(agency: Agency) -> list[tuple[str, User | None]]:
    users = (
        User.objects.filter(agency=agency, is_active=True, role__in=[UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD])
        .exclude(email="")
        .order_by("role", "username")
    )
    found: dict[str, User | None] = {}
    for user in users:
        found.setdefault(user.email.strip().lower(), user)
    if agency.email:
        found.setdefault(agency.email.strip().lower(), None)
    return list(found.items())


@transaction.atomic
def urge_agency(
    agency: Agency, programme: Programme, *, by: User, message: str, with_letter: bool = False
) -> UrgeRecord:
    """Record the urging and put one e-mail per address in the outbox; ``with_letter`` attaches the formal
    urging letter (công văn đôn đốc) of the agency's plan, which then goes out by itself, not only with an
    escalation."""
    if not may(by, Access.URGE, agency):
        raise PermissionDenied(_("Only the provincial steering committee and DOST may urge an agency."))
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Write what the agency should do.")})
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": _("Keep the message under %(limit)s characters.") % {"limit": MESSAGE_MAX_LENGTH}}
        )
    if with_letter and not ImplementationPlan.objects.filter(agency=agency, programme=programme).exists():
        raise ValidationError({"with_letter": _("The agency has no plan in this programme, so there is no letter.")})
    addressees = _addressees(agency)
    if not addressees:
        raise ValidationError(_("The agency has no ISO officer, head or mailbox with an e-mail address to write to."))
    record = UrgeRecord.objects.create(
        agency=agency,
        programme=programme,
        by=by,
        message=message,
        recipients=[address for address, _ in addressees],
        with_letter=with_letter,
    )
    day = timezone.localdate(record.at)
    outbox.claim(
        [
            ReminderLog(
                urge=record,
                programme=programme,
                kind=ReminderKind.URGING,
                key=f"urge/{record.pk}",
                recipient=user,
                email=address,
                for_date=day,
            )
            for address, user in addressees
        ]
    )
    outbox.wake(len(addressees))
    return record
