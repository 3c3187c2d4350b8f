"""Urging (đôn đốc) an agency: a letter from the provincial committee or DOST to the agency's ISO officers
and head, sent as soon as the record is committed and kept with who sent it and when."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import is_reviewer
from agencies.models import Agency, User, UserRole
from rollout.models import Milestone, Programme, UrgeRecord

MESSAGE_MAX_LENGTH = 2000
logger = logging.getLogger(__name__)


def urge_recipients(agency: Agency) -> list[str]:
    """The agency's active ISO officers and head, then its own mailbox; each address once."""
    users = (
        User.objects.filter(agency=agency, is_active=True, role__in=[UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD])
        .exclude(email="")
        .order_by("role", "username")
    )
    addresses = [user.email for user in users]
    if agency.email:
        addresses.append(agency.email)
    return list(dict.fromkeys(address.strip().lower() for address in addresses))


@transaction.atomic
def urge_agency(agency: Agency, programme: Programme, *, by: User, message: str) -> UrgeRecord:
    if not is_reviewer(by):
        raise PermissionDenied(_("Only the provincial steering committee and DOST may urge an agency."))
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Write what the agency should do.")})
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": _("Keep the message under %(limit)s characters.") % {"limit": MESSAGE_MAX_LENGTH}}
        )
    recipients = urge_recipients(agency)
    if not recipients:
        raise ValidationError(_("The agency has no ISO officer, head or mailbox with an e-mail address to write to."))
    record = UrgeRecord.objects.create(
        agency=agency, programme=programme, by=by, message=message, recipients=recipients
    )
    transaction.on_commit(lambda: send_urge_letter(record))
    return record


def send_urge_letter(record: UrgeRecord) -> None:
    """The letter is a formal Vietnamese document, so it is written in Vietnamese whatever the sender's language."""
    overdue = (
        Milestone.objects.overdue_on(timezone.localdate())
        .filter(plan__agency=record.agency, plan__programme=record.programme)
        .order_by("due_date", "number")
    )
    context = {
        "record": record,
        "agency": record.agency,
        "programme": record.programme,
        "sender": record.by.display_name if record.by else "",
        "overdue": list(overdue),
        "sent_on": timezone.localtime(record.at),
        "agency_url": settings.SITE_URL + record.agency.get_absolute_url(),
    }
    subject = " ".join(render_to_string("emails/urge_subject.txt", context).split())
    body = render_to_string("emails/urge_body.txt", context)
    try:
        EmailMessage(subject, body, to=record.recipients).send()
    except OSError:
        # The urging stays recorded (it was committed); a mail server that is down must not turn the page into
        # an error. The log says which letter did not leave.
        logger.exception("Urging letter %s to %s could not be sent", record.pk, ", ".join(record.recipients))
