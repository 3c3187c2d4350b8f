"""Load the illustrative Hưng Yên 2007 demo: agencies, committees, accounts, then the demo of every app above
(its ``demo.load(stdout)``, in the order of INSTALLED_APPS, which is the order of the floors)."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies import demo


def _demos_above():
    for config in apps.get_app_configs():
        if config.name == "agencies":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "load"):
            yield module


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
        for app_demo in _demos_above():
            app_demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded. Every demo account's password is {settings.DEMO_PASSWORD!r}."
        ))
