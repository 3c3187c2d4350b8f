"""Settings for iso_portal. Every deployment-specific value comes from the environment (see README)."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from iso_portal.env import env_bool, env_database, env_int, env_list, env_redis_url, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
# The local environment file written by the set-up (scripts/write_env.py): manage.py, the web server, the worker
# and beat all read it here, so a command works in a new shell as it does under `make run`.
ENV_FILE = load_env_file(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)
# The illustrative demo (`make run`): load_demo may run with DEBUG off, and the in-process tasks sweep at start-up.
DEMO = env_bool("DEMO", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY: required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env_str("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "documents",
    "agencies",
    "accounts",
    "rollout",
    "procedures",
    "training",
    "maintenance",
    "evaluation",
    "funding",
    "imports",
    "library",
    "administration",
    "reports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "iso_portal.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "iso_portal.replica.ReplicaReadsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iso_portal.urls"
WSGI_APPLICATION = "iso_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "agencies.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends seconds on the progress engine's grouped queries (their correlated
    # subqueries inflate the cost estimates past jit_above_cost) and saves nothing on them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if env_str("DATABASE_REPLICA_URL"):
    # A PostgreSQL streaming replica of the primary (README: "A read replica"); the dashboard's, the reports'
    # and the API's reads go there (iso_portal.replica). Tests read it as the primary's test database.
    DATABASES["replica"] = {
        **env_database("DATABASE_REPLICA_URL", ""),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["iso_portal.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out user or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # No Vietnamese common-password list is packaged on PyPI: the portal keeps a short one of its own.
    {
        "NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
        "OPTIONS": {"password_list_path": BASE_DIR / "accounts" / "common_passwords_vi.txt"},
    },
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link works for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 2, minimum=1) * 3600

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failures for one account, or from one address,
# that account or address is locked for LOGIN_COOLOFF_MINUTES. Locks and the record of every attempt are in
# the admin (Axes), where an administrator lifts a lock by deleting its access attempt.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.signals.client_ip"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp, see accounts/twofactor.py).
OTP_TOTP_ISSUER = "Cổng ISO Hưng Yên"
# Sessions: ended when the browser closes, or after SESSION_IDLE_MINUTES without activity; "remember me"
# keeps one for REMEMBER_ME_DAYS (the idle timeout ends the others much sooner).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
REMEMBER_ME_SECONDS = env_int("REMEMBER_ME_DAYS", 14, minimum=1) * 86400
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = REMEMBER_ME_SECONDS
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["iso_portal.formats"]  # dates typed day/month/year in both languages
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True
LANGUAGE_COOKIE_NAME = "iso_portal_language"
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed names; STATIC_COMPRESS=0 skips the gzip/brotli copies (a minute of CPU) where a proxy
# compresses or the files are served to one machine only.
if DEBUG:
    _STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"
elif env_bool("STATIC_COMPRESS", True):
    _STATIC_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    _STATIC_BACKEND = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}
# Evidence files live outside the static/web root and are served only through a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 10, minimum=1) * 1024 * 1024
REPORTS_ROOT = Path(env_str("REPORTS_ROOT", str(BASE_DIR / "private_media" / "reports")))
# PDF reports covering more tracked agencies than this are rendered by the worker, in sections of
# REPORTS_PDF_CHUNK_ROWS table rows so its memory stays bounded (see reports/render.py).
REPORTS_TASK_THRESHOLD = env_int("REPORTS_TASK_THRESHOLD", 1000, minimum=0)
REPORTS_PDF_CHUNK_ROWS = env_int("REPORTS_PDF_CHUNK_ROWS", 400, minimum=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent_emails"))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL: set at most one of them")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "iso-portal@hungyen.gov.vn")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with REDIS_URL unset, tasks run in-process (eagerly) so a checkout works without a broker.
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_KB", 400_000, minimum=50_000)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "iso_portal.beat:DatabaseScheduler"  # waits for its database (iso_portal/beat.py)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# The beat schedules (daily sweep 07:00, weekly digest Monday 07:30, the senders every minute) live in the
# database, editable in the admin; rollout's migrations create them (rollout.notices.schedules).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")

# The outbox (rollout.notices): how many send attempts before a notice is given up, the first retry delay
# (doubled on each attempt), how long a claimed notice may stay "sending" without its sender renewing the
# claim before another sender takes it over, and the longest one message may take to send.
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5, minimum=1)
REMINDER_RETRY_SECONDS = env_int("REMINDER_RETRY_SECONDS", 300, minimum=1)
REMINDER_SEND_LEASE_SECONDS = env_int("REMINDER_SEND_LEASE_SECONDS", 60, minimum=1)
REMINDER_SEND_DEADLINE_SECONDS = env_int("REMINDER_SEND_DEADLINE_SECONDS", 600, minimum=1)

# The REST API (api/): token or session authentication, problem details for errors, a rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_details_handler",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
# Requests per token (or per signed-in user without a token) and period: "N/second|minute|hour|day".
API_RATE = env_str("API_RATE", "1200/hour")
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "ISO 9001 rollout portal API",
    "DESCRIPTION": (
        "Programmes, agencies, implementation plans, milestones, certificates and declarations, and the "
        "progress engine's figures as of a date. Authenticate with a personal API token "
        "(`Authorization: Bearer …`, created under Account → API tokens) or the portal's session. "
        "Errors are RFC 9457 problem details (`application/problem+json`) in the language of `Accept-Language`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "agencies.models.AgencyKind",
        "AgencyGroupEnum": "agencies.models.AgencyGroup",
        "PlanStatusEnum": "rollout.models.PlanStatus",
        "MilestoneStatusEnum": "rollout.models.MilestoneStatus",
        "ProgressStatusEnum": "rollout.progress.ProgressStatus",
        "ReminderKindEnum": "rollout.models.ReminderKind",
        "ReminderStatusEnum": "rollout.models.ReminderStatus",
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security: strict by default, relaxed only by DEBUG for local work.
# Cookies only over HTTPS, unless a local plain-HTTP installation (the demo) says otherwise.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
DEMO_PASSWORD = "hungyen2007"

# Content-Security-Policy (django-csp): everything from the portal itself, no inline script or style, no
# frames; browsers report violations to /csp-report/, which logs them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report/",
    },
}
