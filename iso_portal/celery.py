import os

from celery import Celery
from celery.signals import worker_init

from iso_portal.startup import database_or_exit, settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")

app = Celery("iso_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def read_the_settings_first(**kwargs) -> None:
    """Before Celery reads its configuration from the settings: a bad value is one line and status 2."""
    settings_or_exit()


@worker_init.connect
def a_worker_needs_the_database(**kwargs) -> None:
    """A worker started without its database would fail every task: one line naming it, status 3, instead."""
    database_or_exit()
