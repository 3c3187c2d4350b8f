"""Print the demo authenticator's current code, for signing into the demo's committee and DOST accounts."""

from __future__ import annotations

import time
from binascii import unhexlify

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current code of the demo's authenticator (demo and development only)."

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "DEMO", False)):
            raise CommandError("demo_otp works only for the demo (DEBUG or DEMO on).")
        totp = TOTP(unhexlify(DEMO_TOTP_KEY), step=30, digits=6)
        self.stdout.write(f"{totp.token():06d}  (valid for {30 - int(time.time()) % 30} s more)")
