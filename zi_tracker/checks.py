"""Deployment checks of the project's own settings (``manage.py check --deploy``), also logged when
a production process starts: links in emails must reach the app."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def site_url_problem() -> str:
    """Why the links in emails would not reach the app from another computer; "" when they would."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if not host:
        return f"SITE_URL ({settings.SITE_URL!r}) is not an address."
    if host in LOCAL_HOSTS:
        return (f"SITE_URL is {settings.SITE_URL!r}: links in the emails (submissions, decisions) point at "
                "this machine only. Set SITE_URL to the address people open the app on, e.g. https://zi.pemda.go.id.")
    allowed = settings.ALLOWED_HOSTS
    if "*" not in allowed and not any(host == h or (h.startswith(".") and host.endswith(h)) for h in allowed):
        return (f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS {allowed!r}: links in the emails would be "
                "refused (400).")
    return ""


@register("zi_tracker", deploy=True)
def check_site_url(app_configs, **kwargs):
    problem = site_url_problem()
    return [Warning(problem, id="zi_tracker.W001")] if problem else []


def warn_at_start() -> None:
    """A production process (gunicorn, a worker) says so in its log at start, not only on ``check --deploy``."""
    if not settings.DEBUG and (problem := site_url_problem()):
        logging.getLogger("zi_tracker").warning(problem)


# The evaluations migrations made before the first release, squashed into one on 30 Nov 2026.
SQUASHED_EVALUATIONS = ("0001_initial", "0002_precomputed_scores_kawasan", "0003_tpi_editor_and_event_kinds",
                        "0004_worksheetevent_assign", "0005_prerequisites_rule_keys_empty_base",
                        "0006_review_deadline_extension_round_events", "0007_answer_unit_updated_at")
LAST_COMMIT_WITH_THEM = "160d907"


@register(Tags.database)
def check_half_applied_squash(app_configs, databases=None, **kwargs):
    """A database that applied only some of the squashed migrations would see no evaluations
    migration at all (Django keeps the missing originals and drops the squash), and ``migrate``
    would say "no migrations to apply" over a schema missing columns. ``migrate`` runs this check
    first, so it stops with the way out instead."""
    errors = []
    for alias in databases or ():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT name FROM django_migrations WHERE app = %s", ["evaluations"])
                applied = {row[0] for row in cursor.fetchall()}
        except DatabaseError:  # no migrations table yet: a new database
            continue
        done = applied & set(SQUASHED_EVALUATIONS)
        if done and len(done) < len(SQUASHED_EVALUATIONS):
            missing = ", ".join(n for n in SQUASHED_EVALUATIONS if n not in applied)
            errors.append(Error(
                f"Database {alias!r} stopped part-way through the evaluations migrations that are now one "
                f"(missing: {missing}).",
                hint=f"Check out commit {LAST_COMMIT_WITH_THEM} (it still has them), run `manage.py migrate` there, "
                     "then come back and migrate again (README, \"Upgrading an installation\").",
                id="zi_tracker.E001"))
    return errors
