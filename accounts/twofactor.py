"""Two-factor sign-in with django-otp: a TOTP authenticator app, and ten single-use recovery codes.

Required for the provincial steering committee, DOST and administrators (staff), who see every agency and
change its records or the accounts; optional for everyone else, who may turn it on. Whether a session still
owes its second factor is decided once at sign-in and kept in the session, so pages cost no extra query.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.access import Access, may

NEEDED_KEY = "second_factor_needed"
RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"


def second_factor_required(user) -> bool:
    """The committee and DOST (who oversee every agency) and staff must sign in with a second factor."""
    return user.is_authenticated and (user.is_staff or may(user, Access.OVERSEE))


def has_second_factor(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def second_factor_needed(user) -> bool:
    """Whether signing in takes a code: required by the role, or turned on by the user."""
    return second_factor_required(user) or has_second_factor(user)


def check_code(user, code: str):
    """The device the code belongs to (an authenticator's current code or an unused recovery code), or None.
    A recovery code is used up."""
    code = "".join((code or "").split())
    if not code or len(code) > 16:
        return None
    return match_token(user, code)


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: unconfirmed until its first code is entered."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def confirm_authenticator(device: TOTPDevice, code: str) -> bool:
    if not device.verify_token("".join((code or "").split())):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    return True


def new_recovery_codes(user) -> list[str]:
    """Ten fresh single-use codes; the earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def qr_code_svg(device: TOTPDevice) -> str:
    """The authenticator's enrolment address as an inline SVG QR code (drawn here: nothing leaves the portal)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title=str(settings.OTP_TOTP_ISSUER))


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it by hand: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
