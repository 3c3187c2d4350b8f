"""The demo's second factor: every demo account whose role requires one (the committee, DOST) gets an
authenticator with the published demo secret (README), so the demo can be signed into with any TOTP app or
with the code ``manage.py demo_otp`` prints."""

from __future__ import annotations

from typing import TextIO

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import second_factor_required
from agencies.models import User

# RFC 6238's published test secret "12345678901234567890": base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_DEVICE = "demo authenticator"


def demo_users():
    return [user for user in User.objects.filter(is_active=True).prefetch_related("groups") if
            second_factor_required(user)]


def load(stdout: TextIO) -> None:
    users = demo_users()
    have = set(TOTPDevice.objects.filter(name=DEMO_DEVICE, user__in=users).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=DEMO_DEVICE, key=DEMO_TOTP_KEY, confirmed=True)
        for user in users if user.pk not in have
    )
    stdout.write(f"Demo second factor: {len(users)} account(s) use the demo authenticator secret.")
