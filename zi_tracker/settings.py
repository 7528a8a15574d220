"""ZI Tracker settings: one module, configured from the environment (django-environ).

Every variable is listed, with its default, in README.md ("Configuration") and .env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

ENV_FILE = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or .env (see .env.example); "
            "only DEBUG=true runs with a throw-away development key."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "zi_tracker.apps.ProjectConfig",
    "units",
    "evaluations",
    "programme",
    "surveys",
    "proposals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zi_tracker.sessions.SessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "units.security.PasswordChangeRequiredMiddleware",  # a starting password set by an admin is changed first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "zi_tracker.urls"

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
                "units.context_processors.roles",
                "zi_tracker.context_processors.session",
                "zi_tracker.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "zi_tracker.wsgi.application"

# SQLite by default so a fresh clone runs anywhere; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file. Every request is a transaction (ATOMIC_REQUESTS)
    # that may write; begun IMMEDIATE it takes the write lock at its start and a second one waits
    # up to `timeout` seconds for it. A deferred transaction that reads first and writes later
    # fails at once with "database is locked" instead (SQLite cannot wait to upgrade a read lock).
    # WAL lets readers outside a transaction (backups, management commands) go on meanwhile.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("timeout", 20)
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id with OWASP's parameters (zi_tracker/hashers.py: why); PBKDF2 hashes made before still verify
# and are rewritten as Argon2id at the next login.
PASSWORD_HASHERS = [
    "zi_tracker.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked for LOGIN_LOCKOUT_MINUTES. Username *and* address: a whole office
# behind one NAT address is not locked out by one person's typos. An admin unlocks at once with
# `manage.py axes_reset_username <username>`; every attempt is listed in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "units.security.client_ip"
AXES_VERBOSE = False
# Reverse proxies (addresses or networks) believed about the client's address in X-Forwarded-For;
# none by default: the client is REMOTE_ADDR. Behind nginx on the same host: 127.0.0.1.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Surveys (SPAK/SPKP): the public page's abuse controls. Per client address (salted hash) in 10
# minutes: from SURVEY_RATE_FLAG on, responses are flagged; at SURVEY_RATE_LIMIT, refused (a counter's
# shared tablet or office network sends many). Faster than SURVEY_MIN_SECONDS: flagged.
SURVEY_RATE_FLAG = env.int("SURVEY_RATE_FLAG", default=5)
SURVEY_RATE_LIMIT = env.int("SURVEY_RATE_LIMIT", default=60)
# A Word document (proposal letters, SK, LHE TPI) is filled in a child process given this much CPU
# time (seconds); a template that takes longer is refused with a message (proposals.docs).
DOCX_RENDER_SECONDS = env.int("DOCX_RENDER_SECONDS", default=10)
SURVEY_MIN_SECONDS = env.int("SURVEY_MIN_SECONDS", default=20)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Bahasa Indonesia first; English can follow through the same message catalogue.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="id")
# The interface language is the setting's, never the browser's: an office PC set to English must
# not get half-English pages with 1,234.56 numbers. Translations go in locale/.
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The institution's zone: WIB by default (WITA = Asia/Makassar, WIT = Asia/Jayapura).
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
# No automatic grouping: every {{ number }} in a template would get it, ids and data attributes
# included ("q-1.097"). Decimals still use the comma; big figures use |intcomma where shown.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Evidence files (and generated recaps): never given a public URL; streamed through a
# permission-checked view only. On the local disk by default (outside the web root), or in any
# S3-compatible object store — MinIO in a data centre, a cloud bucket — when S3_BUCKET is set, so
# that every web server and worker reads the same files.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,  # MinIO: http(s)://host:9000
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default="zi-tracker"),
            "default_acl": "private",  # no object is readable without the keys
            "querystring_auth": True,  # any URL the storage makes is signed …
            "querystring_expire": 60,  # … and short-lived (the app streams files itself anyway)
            "file_overwrite": False,  # a second "SK.pdf" gets its own name, as on disk
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),  # MinIO needs path style
        },
    }
else:
    EVIDENCE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env.path("EVIDENCE_ROOT", default=BASE_DIR / "var" / "evidence")),
                    "base_url": None},
    }
STORAGES = {
    "default": EVIDENCE_STORAGE,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}
# Files on disk are private whatever the umask: evidence 0600 in folders 0700 (the SQLite database
# is made 0600 by zi_tracker.apps when first opened).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
EVIDENCE_MAX_UPLOAD_MB = env.int("EVIDENCE_MAX_UPLOAD_MB", default=20)
# Intranet installs whose evidence links point to internal servers set it true (evaluations/linkcheck.py).
LINK_CHECK_ALLOW_PRIVATE = env.bool("LINK_CHECK_ALLOW_PRIVATE", default=False)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
# No form takes more than 20 files at once (bulk evidence): a request with more is refused before
# they are written to disk.
DATA_UPLOAD_MAX_NUMBER_FILES = 25

# Widgets are rendered as Django's templates would render them, without a template per field
# (zi_tracker/form_renderer.py).
FORM_RENDERER = "zi_tracker.form_renderer.FastWidgetRenderer"

# Background work (recap workbooks, rescoring, emails, daily housekeeping) on Django's tasks API
# (the django-tasks backport of django.tasks) with its database backend: the queue is a table in
# the app's own database, so there is no extra service; `manage.py db_worker` processes run it, on
# any number of machines sharing the database (`make run` starts one next to the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# How long a generated recap workbook stays downloadable.
RECAP_KEEP_HOURS = env.int("RECAP_KEEP_HOURS", default=24)

# Email: console by default; SMTP through EMAIL_URL (smtp+tls://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ZI Tracker <zi-tracker@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Who resets a forgotten password (shown on the login page), e.g. "Inspektorat, ext. 214".
SUPPORT_CONTACT = env.str("SUPPORT_CONTACT", default="")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: on by default outside DEBUG, each switchable from the environment.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # without activity: sliding (sessions.py)
CSRF_FAILURE_VIEW = "zi_tracker.sessions.csrf_failure"
# DENY everywhere; the evidence preview view opts in to SAMEORIGIN for in-page PDF viewing.
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only; no
# inline script, no inline style, no eval, no plugins, not framed (the evidence preview opts in to
# being framed by this site). Every asset is vendored under static/, so nothing else is needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's form controls draw their arrows as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# HSTS preload is for public hosts submitted to the browsers' list; intranet hosts are not.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=["security.W021"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"},
                # axes logs every login at INFO; failures and lockouts come at WARNING
                "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")}},
}
