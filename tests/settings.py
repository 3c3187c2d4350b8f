"""Test settings: the real settings, made quick and hermetic. The database comes from DATABASE_URL as
usual, so the same suite runs on SQLite locally and on PostgreSQL in CI."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "true")
# A local .env written by `make run` is the demo's, not the tests': neither this process nor the ones the tests
# start (manage.py, Celery) read it.
os.environ["ISO_PORTAL_ENV_FILE"] = ""

from iso_portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
_TMP = Path(tempfile.mkdtemp(prefix="iso_portal_tests_"))
PRIVATE_MEDIA_ROOT = _TMP / "private_media"  # noqa: F405
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
REPORTS_ROOT = _TMP / "reports"
STATIC_ROOT = _TMP / "static"
STATIC_ROOT.mkdir()
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Unit tests run tasks in-process; the integration tests start real workers against REDIS_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_CODE = "vi"
