"""Load the illustrative Hưng Yên 2007 demo: agencies, committees, accounts, then the rollout demo if present."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies import demo


def _rollout_demo():
    try:
        return importlib.import_module("rollout.demo")
    except ModuleNotFoundError as error:
        if error.name != "rollout.demo":
            raise
        return None


class Command(BaseCommand):
    help = "Load illustrative demo data for Hưng Yên province as of 2007. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Load even when DEBUG and DEMO are off (the demo accounts share one published password).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not settings.DEMO and not force:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: the demo accounts share a published password. "
                "Use --force to load it anyway (the demo's own environment file sets DEMO=1)."
            )
        demo.load(self.stdout)
        rollout_demo = _rollout_demo()
        if rollout_demo is not None and hasattr(rollout_demo, "load"):
            rollout_demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded. Every demo account's password is {settings.DEMO_PASSWORD!r}."
        ))
