import os

from django.core.wsgi import get_wsgi_application

from iso_portal.startup import one_line_errors, settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
# Under gunicorn, status 4 ("the application failed to load") stops the master instead of booting the workers
# again and again; gunicorn.conf.py has already checked the settings once in the master.
APP_LOAD_ERROR = 4
settings_or_exit(APP_LOAD_ERROR)
with one_line_errors(status=APP_LOAD_ERROR):
    application = get_wsgi_application()
