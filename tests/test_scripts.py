"""The benchmark and the load tests stay runnable: each is run small, end to end, as the README
names them (the load tests need PostgreSQL, so they run in CI's PostgreSQL pass)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE")
           and not k.startswith(("SECRET_KEY", "DEBUG", "SECURE_", "SESSION_", "CSRF_", "STATICFILES_",
                                 "EVIDENCE_", "EMAIL_URL", "DATABASE_URL"))}
    return {**env, **extra}


def test_the_benchmark_runs_and_prints_its_table(tmp_path):
    result = subprocess.run([sys.executable, "scripts/benchmark.py", "--units", "10", "--repeat", "2"], cwd=ROOT,
                            env=_env(DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}"),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "10 units, 1,370 answers" in out
    for row in ("Dasbor periode (50 baris per halaman)", "Lembar reviu TPI: area V", "Simpan satu jawaban",
                "Rekap Excel periode (10 unit)", "dashboard (all rows) ÷ raw SQL of the same rows"):
        assert row in out, row


@pytest.mark.django_db
def test_the_load_test_runs_clean_against_gunicorn_and_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the load test drives gunicorn against PostgreSQL: it runs in the PostgreSQL pass")
    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    result = subprocess.run([sys.executable, "scripts/loadtest.py", "--units", "30", "--users", "12",
                             "--duration", "8", "--ramp", "2", "--workers", "2", "--servers", "2", "--pg-url", server],
                            cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "**Result: PASS**" in result.stdout
    assert "lost writes: 0" in result.stdout
    assert "servers: 2 gunicorn on separate ports" in result.stdout  # users spread over two stateless servers


@pytest.mark.django_db
def test_the_survey_load_test_counts_every_acknowledged_response_once():
    if connection.vendor != "postgresql":
        pytest.skip("the survey load test drives gunicorn against PostgreSQL: it runs in the PostgreSQL pass")
    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    result = subprocess.run([sys.executable, "scripts/loadtest_surveys.py", "--respondents", "10", "--duration", "5",
                             "--ramp", "1", "--think", "1-2", "--workers", "2", "--pg-url", server,
                             "--bar-ms", "5000"],
                            cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    out = result.stdout
    assert "**Result: PASS**" in out  # (latency is the README's full run: here a loose bar, a shared machine)
    assert "| request | count | p50 ms | p95 ms | p99 ms | max ms | errors |" in out
    assert "| survey form GET |" in out and "| survey submit POST |" in out
    assert "exactly once: yes" in out and "0 phantom" in out
    assert "SURVEY_RATE_LIMIT=60" in out and "TRUSTED_PROXIES=['127.0.0.1']" in out  # the limit as deployed
