"""Settings for the test run: production's own (``zi_tracker/settings.py``), with harmless defaults set
in the environment first — DEBUG stays off as in production, but over plain HTTP on localhost, with a
plain static storage (no collectstatic), a throw-away evidence folder and an in-memory mailbox.
Variables already set still win. Processes a test starts as "production" (gunicorn, manage.py
check --deploy) drop DJANGO_SETTINGS_MODULE and so get production's settings alone."""

import os
import tempfile

for key, value in {
    "SECRET_KEY": "test-secret-key-not-for-production",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "EVIDENCE_ROOT": tempfile.mkdtemp(prefix="zi-evidence-"),
    "EMAIL_URL": "memorymail://",
}.items():
    os.environ.setdefault(key, value)

from zi_tracker.settings import *  # noqa: E402, F403

# The SQLite test database is a file, not memory: background workers the tests start as real
# processes (`manage.py worker`) share it with the live test server. One per checkout (/var/).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
    # A test database need not survive a power cut: no fsync on every commit.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
