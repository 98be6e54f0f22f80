"""Settings for the disclosure-report application, read from environment variables.

DATABASE_URL selects the database (PostgreSQL through psycopg 3 in production); without it a
SQLite file in the project is used so that a fresh clone runs with no setup.
"""
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production-0123456789"


def env_bool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# A fixed development key when unset; `check --deploy` fails then (config/checks.py).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "agencies",
    # Before django_tasks_db: reports' db_worker command (resuming interrupted imports) wraps its.
    "reports",
    "config",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Chart pages inline their figure JSON; Django's GZip adds BREACH mitigation (random padding).
    "django.middleware.gzip.GZipMiddleware",
    # Below GZip so that it sees responses first: brotli for clients accepting it, else gzip.
    "config.compression.BrotliMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 400 for NUL and other control characters before any view runs (issue 10).
    "config.control_chars.RejectControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL with NORMAL sync: one fsync per checkpoint instead of per commit, which bulk imports
    # (one transaction per file) need; IMMEDIATE avoids lock upgrades failing under concurrency.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Counts print as 3,119 in both languages (Django's zh_Hans formats group by nothing, English by
# thousands): config/formats/ groups zh-hans like en. USE_THOUSAND_SEPARATOR stays off so that
# years and ids are never grouped; templates group counts with floatformat:"g" / intcomma.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    # Uploaded originals and the files of import batches waiting for a worker. Workers on other
    # machines need the same storage: a shared DJANGO_MEDIA_ROOT, or another backend such as an
    # S3-compatible bucket through django-storages (README, "More workers").
    "default": {
        "BACKEND": os.environ.get("DJANGO_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("DJANGO_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        # Compressed, hashed names with far-future caching in production; plain files in DEBUG
        # and tests so that no collectstatic run is needed there.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("DJANGO_PLAIN_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_MAX_AGE = 31536000

# Uploads: one report file at most this many bytes; a zip expands to at most the archive limits.
# /reports/ and /agencies/ (reports/paging.py, reports/facets.py): above this many rows (the
# PostgreSQL planner's estimate) a list shows "about N" instead of counting; a facet whose set
# has more rows lists its values without counts; either happens too when the planner expects
# reading the rows to cost more than LIST_MAX_COST (its units; an index-only scan of 45,000
# reports costs about 1,200, a bitmap heap scan of 80,000 scattered ones about 40,000).
LIST_COUNT_ESTIMATE_ABOVE = int(os.environ.get("LIST_COUNT_ESTIMATE_ABOVE", 100_000))
LIST_FACET_MAX_ROWS = int(os.environ.get("LIST_FACET_MAX_ROWS", 50_000))
LIST_MAX_COST = float(os.environ.get("LIST_MAX_COST", 10_000))

REPORT_MAX_FILE_BYTES = int(os.environ.get("REPORT_MAX_FILE_BYTES", 20 * 1024 * 1024))
REPORT_MAX_ARCHIVE_BYTES = int(os.environ.get("REPORT_MAX_ARCHIVE_BYTES", 200 * 1024 * 1024))
REPORT_MAX_ARCHIVE_MEMBERS = int(os.environ.get("REPORT_MAX_ARCHIVE_MEMBERS", 2000))
REPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("REPORT_MAX_COMPRESSION_RATIO", 100))
DATA_UPLOAD_MAX_NUMBER_FILES = 1000

# Imports run as background tasks (reports/imports.py) on django-tasks' database backend;
# `manage.py db_worker` processes run them, as many as wanted, over the same database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Files a worker parses and then writes in one transaction (a savepoint each).
REPORT_IMPORT_CHUNK = int(os.environ.get("REPORT_IMPORT_CHUNK", 25))
# Tasks one batch is split into, so that that many workers can share it.
REPORT_IMPORT_PARALLEL = int(os.environ.get("REPORT_IMPORT_PARALLEL", 4))
# A worker that stops renewing its claim on a chunk for this long is taken to be dead and the
# chunk goes to another worker; a task hands over to a fresh one after about SLICE seconds so a
# stopping worker (SIGTERM) finishes quickly.
REPORT_IMPORT_LEASE_SECONDS = float(os.environ.get("REPORT_IMPORT_LEASE_SECONDS", 120))
REPORT_IMPORT_SLICE_SECONDS = float(os.environ.get("REPORT_IMPORT_SLICE_SECONDS", 10))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "admin:login"

# Production hardening; `manage.py check --deploy` is clean when DJANGO_DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Nothing a page does may reach another host (issue 10): only this host, no inline scripts
# (page data travels in json_script elements), no framing. style-src 'self' holds because
# plotly.js's injected rules are served as static/vendor/plotly.css (reports/plotly_bundles.py);
# plotly's other styling goes through element.style, which CSP does not restrict, except its
# colorbar, which resets its rects with style="": style-src-attr allows that one value (the hash
# is the empty string's) and no other style attribute. img-src allows data: and blob: for
# plotly's PNG/SVG downloads.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-hashes'", EMPTY_STYLE_HASH],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
