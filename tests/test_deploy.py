"""Production settings: deploy checks clean, DEBUG off, no insecure key fallback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE") and not k.startswith(
        ("SECRET_KEY", "DEBUG", "SECURE_", "SESSION_", "CSRF_", "STATICFILES_", "EVIDENCE_", "EMAIL_URL"))}
    base["ENV_FILE"] = "/nonexistent/.env"  # a developer's own .env must not change what is tested
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_variables():
    result = _run("check", "--deploy", "--fail-level", "WARNING",
                  SECRET_KEY="x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
                  ALLOWED_HOSTS="zi.pemda.go.id", SITE_URL="https://zi.pemda.go.id")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("site_url, why", [
    (None, "point at this machine only"),  # left at its default
    ("https://zi-lama.pemda.go.id", "is not in ALLOWED_HOSTS"),
])
def test_email_links_that_would_not_reach_the_app_are_warned_about_at_check_and_at_start(site_url, why):
    env = {"SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
           "ALLOWED_HOSTS": "zi.pemda.go.id", **({"SITE_URL": site_url} if site_url else {})}
    result = _run("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0 and "zi_tracker.W001" in result.stderr and why in result.stderr
    started = _run("shell", "-c", "pass", **env)  # any production process says it when it starts
    assert started.returncode == 0 and why in started.stderr


def test_no_secret_key_outside_debug_refuses_to_start():
    result = _run("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("flag", ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"])
def test_security_flags_default_on_in_production(flag):
    result = _run("shell", "-c", f"from django.conf import settings; print(settings.{flag}, settings.DEBUG)",
                  SECRET_KEY="k" * 60)
    assert result.stdout.split()[-2:] == ["True", "False"], result.stderr


def test_production_settings_do_not_know_the_test_runner():
    """Test defaults live in tests/settings.py: a production process started from a test shell
    (PYTEST_VERSION set) still refuses to start without a SECRET_KEY."""
    result = _run("check", PYTEST_VERSION="8.3")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
