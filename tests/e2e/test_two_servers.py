"""Stateless web servers: two gunicorn servers on different ports over the same database, the
same S3 bucket (moto's server) and the same queue (one worker process). What a request needs lives
in none of them: a session started on one is good on the other, evidence uploaded through one is
downloaded through the other, a save on one conflicts with a stale save on the other, and a recap
asked for on one is built by the worker and handed out by the other."""

import contextlib
import io
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evaluations.demo import DEMO_PASSWORD
from tests import s3
from tests.databases import fresh_database_url
from tests.e2e.conftest import login

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _wait(url, proc):
    for _ in range(150):
        if proc.poll() is not None:
            pytest.fail(f"{url} exited: " + proc.stdout.read().decode()[-2000:])
        try:
            urllib.request.urlopen(f"{url}/masuk/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, s3_server, django_db_blocker):
    tmp = tmp_path_factory.mktemp("dua")
    cleanup = contextlib.ExitStack()
    with django_db_blocker.unblock():
        database = cleanup.enter_context(fresh_database_url(tmp))
    bucket = s3.new_bucket(s3_server)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "STATICFILES_STORAGE",
                        "DATABASE_URL", "EVIDENCE_ROOT")}
    env.update({"SECRET_KEY": "two-servers-secret-key-" + "z" * 40, "DEBUG": "false", "DATABASE_URL": database,
                "STATIC_ROOT": str(tmp / "static"), "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
                "SECURE_HSTS_SECONDS": "0", "EVIDENCE_ROOT": str(tmp / "tidak-dipakai"), "ENV_FILE": "/nonexistent",
                **s3.environment(s3_server, bucket)})
    for cmd in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_lke"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *cmd], cwd=ROOT, env=env, check=True, capture_output=True,
                       timeout=300)
    procs, urls = [], []
    for _ in range(2):
        port = s3._free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "zi_tracker/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "zi_tracker.wsgi"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    procs.append(subprocess.Popen([sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay",
                                   "--interval", "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT))
    for url, proc in zip(urls, procs, strict=False):
        _wait(url, proc)
    yield urls, (s3_server, bucket), tmp
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=20)
    with django_db_blocker.unblock():
        cleanup.close()  # the database is dropped


def test_a_session_evidence_and_a_recap_cross_from_one_server_to_the_other(two_servers, new_page, tmp_path):
    (a, b), (endpoint, bucket), tmp = two_servers
    page = new_page()
    login(page, a, "operator", DEMO_PASSWORD)  # lands on the unit's open worksheet
    worksheet = re.search(r"/kertas-kerja/(\d+)/", page.url).group(1)
    page.goto(f"{a}/kertas-kerja/{worksheet}/area/II/")
    card = page.locator("[data-testid^=question-]").first
    card.locator("summary", has_text="Tambah bukti dukung").click()
    pdf = tmp_path / "SK dua server.pdf"
    pdf.write_bytes(PDF)
    card.locator("input[type=file]").set_input_files(str(pdf))
    card.get_by_role("button", name="Unggah", exact=True).click()
    link = card.get_by_test_id("evidence-file").filter(has_text="SK dua server.pdf")  # named as chosen
    link.wait_for()
    path = link.get_attribute("href")
    assert [k for k in s3.objects(endpoint, bucket) if k.endswith("SK_dua_server.pdf")]  # in the shared bucket
    assert not (tmp / "tidak-dipakai").exists()  # not on either server's disk
    # The same browser (same session cookie) on the other server: signed in, and the file is there.
    response = page.request.get(f"{b}{path}")
    assert response.status == 200 and response.body() == PDF
    page.goto(f"{b}/kertas-kerja/{worksheet}/area/II/")
    assert "SK dua server.pdf" in page.locator("[data-testid^=question-]").first.inner_text()

    admin = new_page()
    login(admin, a, "admin", DEMO_PASSWORD)
    round_id = re.search(r"/periode/(\d+)/", admin.url).group(1)
    admin.get_by_test_id("export-recap").click()  # asked for on server A
    admin.goto(f"{b}/periode/{round_id}/")  # watched and downloaded on server B
    admin.get_by_test_id("recap-download").wait_for(timeout=30_000)
    with admin.expect_download() as download:
        admin.get_by_test_id("recap-download").click()
    assert "Rekap unit" in load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).sheetnames


def test_a_stale_save_on_one_server_is_refused_after_a_save_on_the_other(two_servers, new_page):
    (a, b), _store, _tmp = two_servers
    first, second = new_page(), new_page()
    login(first, a, "operator", DEMO_PASSWORD)
    login(second, b, "operator2", DEMO_PASSWORD)
    worksheet = re.search(r"/kertas-kerja/(\d+)/", first.url).group(1)
    for page, base in ((first, a), (second, b)):
        page.goto(f"{base}/kertas-kerja/{worksheet}/area/III/")
    key = "III.pemenuhan.i.a"
    card_a, card_b = (p.get_by_test_id(f"question-{key}") for p in (first, second))
    card_a.locator("textarea[name=explanation]").fill("Disimpan lewat server A.")
    card_a.get_by_role("button", name="Simpan").click()
    card_a.get_by_test_id("saved-info").wait_for()
    card_b.locator("textarea[name=explanation]").fill("Disimpan lewat server B, dari halaman lama.")
    card_b.get_by_role("button", name="Simpan").click()
    card_b.get_by_test_id("conflict").wait_for()  # refused: server B knows what server A stored
    assert "Disimpan lewat server A." in card_b.get_by_test_id("conflict").inner_text()
    assert card_b.locator("textarea[name=explanation]").input_value() == "Disimpan lewat server B, dari halaman lama."
