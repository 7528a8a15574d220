"""Deployment checks of the project's own settings (``manage.py check --deploy``), also logged when
a production process starts: links in emails must reach the app."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

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
