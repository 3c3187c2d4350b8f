"""gunicorn reads this file from the directory it is started in (the README's production command): the settings
are checked once in the master, so a bad value is one line and gunicorn exits before any worker boots."""

import os

from iso_portal.startup import settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
settings_or_exit()
