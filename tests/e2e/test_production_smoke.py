"""The app as production runs it: gunicorn, DEBUG off, collected static files through
whitenoise, a fresh database set up by the same commands as the README. Every demo role logs in
through Chromium and lands on its page, with the stylesheet served."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from evaluations.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "STATICFILES_STORAGE",
                        "DATABASE_URL")}
    env.update({
        "SECRET_KEY": "smoke-test-secret-key-" + "x" * 40, "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "STATIC_ROOT": str(tmp / "static"),
        "EVIDENCE_ROOT": str(tmp / "evidence"), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: production flags that need TLS are switched off here only.
        "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
    })
    for cmd in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_lke"], ["seed_demo"]):
        subprocess.run([PY, "manage.py", *cmd], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    proc = subprocess.Popen([PY, "-m", "gunicorn", "-c", "zi_tracker/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                             "--workers", "2", "zi_tracker.wsgi"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/masuk/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not start: " + proc.stdout.read().decode()[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("username,path", [("admin", "/periode/"), ("tpi", "/reviu/"), ("operator", "/kertas-kerja/"),
                                           ("kepala", "/kertas-kerja/")])
def test_each_demo_role_lands_on_its_page_in_production_mode(production_server, new_page, shot, username, path):
    page = new_page()
    login(page, production_server, username, DEMO_PASSWORD)
    assert path in page.url
    assert page.get_by_test_id("page-title").is_visible()
    # Bootstrap is served by whitenoise from the collected, hashed files (no CDN).
    css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert css.startswith("/static/vendor/bootstrap-5.3.9/css/bootstrap.min.") and css.endswith(".css")
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    shot(page, f"production-{username}")


def test_debug_is_off_in_production_mode(production_server):
    try:
        urllib.request.urlopen(f"{production_server}/tidak-ada/", timeout=5)
    except urllib.error.HTTPError as err:
        assert err.code == 404
        assert b"URLconf" not in err.read()  # no Django debug page


def _login_at_once(url, usernames, password):
    """Every user posts the login form at the same instant; the statuses they get."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    prepared = []
    for name in usernames:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        opener.open(f"{url}/masuk/", timeout=30).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        prepared.append((opener, urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": name, "password": password}).encode()))
    barrier, statuses = threading.Barrier(len(prepared)), []

    def post(opener, data):
        request = urllib.request.Request(f"{url}/masuk/", data=data, headers={"Referer": f"{url}/masuk/"})
        barrier.wait()
        try:
            statuses.append(opener.open(request, timeout=60).status)
        except urllib.error.HTTPError as err:
            statuses.append(err.code)

    threads = [threading.Thread(target=post, args=p) for p in prepared]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return sorted(statuses)


def test_people_logging_in_at_the_same_moment_all_get_in_on_sqlite(production_server):
    """SQLite is the default database: simultaneous writes (each login writes its session and its
    access-log row) wait for each other instead of failing with "database is locked" (a 500)."""
    users = ["admin", "tpi", "tpi2", "operator", "operator2", "kepala", "operator.rsud", "kepala.rsud"]
    assert _login_at_once(production_server, users, DEMO_PASSWORD) == [302] * len(users)
