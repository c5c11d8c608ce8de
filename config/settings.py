"""Django settings, read from the environment (docs/operations.md lists every variable).

Secrets come only from the environment: ``KAOHE_SECRET_KEY`` is required unless ``KAOHE_DEBUG=1``
(development), which allows a fixed development key.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
)
from kaohe.core.security import DEFAULT_POLICY

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = BASE_DIR / "kaohe"

DEBUG = env_bool("KAOHE_DEBUG", False)
SECRET_KEY = env_str(
    "KAOHE_SECRET_KEY", "development-only-key-never-in-production" if DEBUG else None
)
ALLOWED_HOSTS = env_list(
    "KAOHE_ALLOWED_HOSTS", ("127.0.0.1", "localhost", "[::1]") if DEBUG else ()
)
CSRF_TRUSTED_ORIGINS = env_list("KAOHE_CSRF_TRUSTED_ORIGINS")

VAR_DIR = env_path("KAOHE_VAR_DIR", Path("var"), base=BASE_DIR)
DATABASE = database_from_url(
    env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kaohe.sqlite3'}"), base=BASE_DIR
)
if DATABASE["ENGINE"] == "django.db.backends.sqlite3":
    Path(str(DATABASE["NAME"])).parent.mkdir(parents=True, exist_ok=True)
DATABASE["CONN_MAX_AGE"] = env_int("KAOHE_DB_CONN_MAX_AGE", 0, minimum=0)
DATABASE["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": DATABASE}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "kaohe.core",
    "kaohe.accounts",
    "kaohe.org",
    "kaohe.plans",
    "kaohe.collection",
    "kaohe.results",
    "kaohe.api",
    "kaohe.reports",
    "kaohe.analytics",
    "kaohe.followup",
    "kaohe.evaluations",
    "kaohe.audit",
    "kaohe.cycle",
    "kaohe.ratings",
    "kaohe.tasks",
    "kaohe.diary",
    "kaohe.political",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kaohe.core.security.SecurityHeadersMiddleware",  # Content-Security-Policy (own origin only)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaohe.core.security.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kaohe.audit.context.AuditContextMiddleware",  # who and from where, for the audit trail
    # AxesMiddleware last: it turns lockouts into responses
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],  # one template tree; APP_DIRS for the admin's
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"kaohe": "kaohe.web.templatetags"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kaohe.cycle.context_processors.notifications",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "rules.permissions.ObjectPermissionBackend",
    "kaohe.accounts.backends.ModelPermissionBackend",  # the admin's model permissions
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("KAOHE_PASSWORD_MIN_LENGTH", 12, minimum=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: login throttling
AXES_FAILURE_LIMIT = env_int("KAOHE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KAOHE_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path("KAOHE_STATIC_ROOT", VAR_DIR / "static", base=BASE_DIR)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_AUTOREFRESH = DEBUG  # development: serve from the apps' folders, no collectstatic
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KAOHE_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Sessions end after KAOHE_SESSION_MINUTES without a request (give or take a minute), and when
# the browser closes.
SESSION_COOKIE_AGE = env_int("KAOHE_SESSION_MINUTES", 30, minimum=1) * 60
KAOHE_SESSION_REFRESH_SECONDS = 60  # kaohe.core.security.SessionIdleMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx and the API docs read the token from the page, not the cookie
# HTTPS in production: redirect, HSTS (KAOHE_HSTS_SECONDS=0 turns it off), proxy header
SECURE_SSL_REDIRECT = env_bool("KAOHE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("KAOHE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KAOHE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("KAOHE_HSTS_PRELOAD", not DEBUG)
if env_bool("KAOHE_BEHIND_PROXY", False):  # the proxy sets X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
KAOHE_CONTENT_SECURITY_POLICY = env_str("KAOHE_CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

# Background jobs: django-tasks with the database backend (worker: manage.py db_worker).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Kaohe's own settings
KAOHE_IMPORT_MAX_BYTES = env_int("KAOHE_IMPORT_MAX_MB", 20, minimum=1) * 1024 * 1024
KAOHE_IMPORT_MAX_UNPACKED_BYTES = (
    env_int("KAOHE_IMPORT_MAX_UNPACKED_MB", 200, minimum=1) * 1024 * 1024
)
# Runs of districts up to this many cadres are computed in the request; larger ones by the worker.
KAOHE_SYNC_COMPUTE_MAX_CADRES = env_int("KAOHE_SYNC_COMPUTE_MAX_CADRES", 3000, minimum=0)
KAOHE_BULK_BATCH_SIZE = env_int("KAOHE_BULK_BATCH_SIZE", 2000, minimum=1)
# Seconds a rendered page body is kept (kaohe/web/cache.py); 0: render every request.
KAOHE_PAGE_CACHE_SECONDS = env_int("KAOHE_PAGE_CACHE_SECONDS", 300, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The monthly cycle (docs/cycle.md): evidence files of adjustments, reminders, email
KAOHE_EVIDENCE_MAX_BYTES = env_int("KAOHE_EVIDENCE_MAX_MB", 10, minimum=1) * 1024 * 1024
KAOHE_REMIND_DAYS_BEFORE = env_int("KAOHE_REMIND_DAYS_BEFORE", 2, minimum=0)
KAOHE_SITE_URL = env_str("KAOHE_SITE_URL", "http://127.0.0.1:8000")  # links in emails
EMAIL_HOST = env_str("KAOHE_EMAIL_HOST", "")  # unset: no email, in-app notifications only
KAOHE_EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = env_int("KAOHE_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("KAOHE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KAOHE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KAOHE_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("KAOHE_EMAIL_FROM", "kaohe@localhost")

# Daily attendance (docs/diary.md): a sign-in after this local time (HH:MM) is late.
KAOHE_DIARY_START_TIME = time.fromisoformat(env_str("KAOHE_DIARY_START_TIME", "09:00"))

# The audit trail (docs/audit.md): row-level events for every model except these apps and
# models. evaluations: ballots are never audited per voter. results, collection.importbatch:
# written in bulk, audited as one event per run or import. Redacted fields are recorded as
# changed, never with their value; ignored fields alone do not make an event.
KAOHE_AUDIT_EXCLUDED_APPS = (
    "admin",
    "migrations",
    "sessions",
    "contenttypes",
    "axes",
    "django_tasks_database",
    "audit",
    "evaluations",
    "results",
)
KAOHE_AUDIT_EXCLUDED_MODELS = ("collection.importbatch", "cycle.notification")
KAOHE_AUDIT_REDACTED_FIELDS = ("password", "digest")
KAOHE_AUDIT_IGNORED_FIELDS = ("last_login", "updated")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KAOHE_LOG_LEVEL", "INFO")},
}

# Democratic evaluation and public surveys (docs/evaluations.md)
KAOHE_BALLOT_MIN_SHOWN = env_int("KAOHE_BALLOT_MIN_SHOWN", 5, minimum=1)
KAOHE_SURVEY_DAILY_LIMIT = env_int("KAOHE_SURVEY_DAILY_LIMIT", 3, minimum=1)
KAOHE_SURVEY_DEVICE_COOKIE = env_bool("KAOHE_SURVEY_DEVICE_COOKIE", True)
KAOHE_SURVEY_RATER_GROUP = env_str("KAOHE_SURVEY_RATER_GROUP", "subordinates")
KAOHE_CLIENT_IP_HEADER = env_str("KAOHE_CLIENT_IP_HEADER", "")  # behind a trusted proxy
