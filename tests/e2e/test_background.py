"""Work off the request path, done by real worker processes: the recap workbook (the page shows
how far it got, then offers the file), an email that waits while the mail server is down and goes
out when it is back, and stored verdicts recomputed after a rule changes."""

import io
import re
import time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from evaluations import services, tasks
from evaluations.demo import DEMO_PASSWORD
from evaluations.models import ReadinessRule, Round, Worksheet, WorksheetScore
from tests import factories as f
from tests.e2e import background
from tests.e2e.conftest import login, wait_until


def test_the_recap_is_built_by_a_worker_while_the_page_shows_progress(demo_server, new_page, worker, shot):
    worker()
    page = new_page()
    login(page, demo_server, "admin", DEMO_PASSWORD)
    rnd = Round.objects.get(status="open")
    page.goto(f"{demo_server}/periode/{rnd.pk}/")
    page.get_by_test_id("export-recap").click()
    page.get_by_test_id("recap-download").wait_for(timeout=30_000)  # the panel polled until the file was there
    assert "tersedia sampai" in page.get_by_test_id("recap-made").inner_text()
    shot(page, "recap-ready")
    with page.expect_download() as download:
        page.get_by_test_id("recap-download").click()
    assert re.fullmatch(r"Rekap-ZI-evaluasi-zi-tahun-2026-\d{8}\.xlsx", download.value.suggested_filename)
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    units = Worksheet.objects.filter(round=rnd).count()
    assert len(list(book["Rekap unit"].iter_rows())) == 3 + units


def test_an_email_waits_while_the_mail_server_is_down_and_goes_out_when_it_is_back(submitted, worker):
    _base, ws, tpi = submitted
    port = background.free_port()  # nothing listens there yet
    worker(EMAIL_URL=f"smtp://127.0.0.1:{port}")
    get_user_model().objects.filter(username="kepala").update(email="kepala@rsud.pemda.go.id")
    ws.refresh_from_db()
    services.review_approve(user=tpi, worksheet=ws, expected_status=ws.status)
    emails = DBTaskResult.objects.filter(task_path="evaluations.tasks.send_email")
    wait_until(lambda: any(t.args_kwargs["kwargs"].get("attempt") == 2 and "disetujui" in t.args_kwargs["kwargs"]["subject"]
                           for t in emails.filter(status="READY")), timeout=20)
    ws.refresh_from_db()
    assert ws.status == "approved"  # the decision stands while the email waits
    server = background.MailServer(port)  # the mail server is back
    try:
        emails.filter(status="READY").update(run_after=timezone.now())  # (instead of waiting out the delay)
        wait_until(lambda: any("disetujui" in m for m in server.messages), timeout=20)
    finally:
        server.close()
    assert not emails.filter(status="READY").exists()


def test_a_changed_rule_is_applied_to_stored_verdicts_by_a_worker(worker, transactional_db):
    inst = f.instansi()
    ws = f.worksheet(f.round_(inst), f.unit(inst), answers="best")
    assert WorksheetScore.objects.get(worksheet=ws, value_set="unit").verdict == "wbk"
    rule = ReadinessRule.objects.get(version=ws.round.version, key="wbk-total")
    rule.minimum = Decimal("100.01")
    rule.save()  # as the admin's form does
    tasks.queue_rescore(version_id=ws.round.version_id)
    worker()
    wait_until(lambda: WorksheetScore.objects.get(worksheet=ws, value_set="unit").verdict == "", timeout=20)


def test_the_worker_queues_the_nightly_housekeeping_once(worker, transactional_db):
    worker()
    worker()
    nightly = DBTaskResult.objects.filter(task_path="evaluations.tasks.housekeeping", status="READY")
    wait_until(lambda: nightly.exists(), timeout=20)
    time.sleep(1)  # both workers are up by now
    assert nightly.count() == 1 and nightly.get().run_after > timezone.now()
