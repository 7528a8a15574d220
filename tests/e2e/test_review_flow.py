"""TPI flags an answer and returns; the operator sees the note, fixes it and the kepala resubmits;
TPI approves; both sides' timelines show every step. Chromium against the live server."""

import re
from fractions import Fraction

from django.template.defaultfilters import floatformat

from evaluations import scoring
from evaluations.models import Answer
from tests import factories as f
from tests.e2e.conftest import login

KEY = "I.pemenuhan.i.b"
STEPS = ["Pengisian → Diajukan", "Diajukan → Direviu TPI", "Direviu TPI → Dikembalikan untuk perbaikan",
         "Dikembalikan untuk perbaikan → Diajukan", "Diajukan → Disetujui TPI"]


def test_return_fix_resubmit_approve(submitted, new_page, shot):
    base, ws, _tpi = submitted
    page = new_page()
    page.on("dialog", lambda d: d.accept())

    # TPI: flag one answer with a note, return.
    login(page, base, "tpi", f.PASSWORD)
    page.get_by_role("link", name="RSUD Sukamaju").click()
    page.get_by_test_id("open-review").click()
    card = page.get_by_test_id(f"review-{KEY}")
    card.locator("label", has_text=re.compile("^B$")).click()
    card.get_by_label("Catatan TPI").fill("Seleksi anggota tim belum terdokumentasi; lampirkan berita acara.")
    card.get_by_label("Perlu perbaikan oleh unit").check()
    card.get_by_role("button", name="Simpan penilaian").click()
    card.get_by_test_id("needs-revision").wait_for()
    assert page.get_by_test_id("area-diff").inner_text() == "-0,12"
    shot(page, "review-flagged")
    page.goto(f"{base}{ws.get_absolute_url()}")
    page.locator("#id_decision_comment").fill("Mohon perbaiki jawaban yang ditandai.")
    page.get_by_test_id("return-button").click()
    assert page.get_by_test_id("status").inner_text() == "Dikembalikan untuk perbaikan"
    page.get_by_role("button", name="Keluar").click()

    # Operator: sees the note, fixes the flagged answer; everything else is locked.
    login(page, base, "operator", f.PASSWORD)
    panel = page.get_by_test_id("returned-panel")
    assert "Mohon perbaiki jawaban yang ditandai." in panel.inner_text()
    assert "lampirkan berita acara" in panel.inner_text()
    panel.get_by_role("link").first.click()
    card = page.get_by_test_id(f"question-{KEY}")
    assert "lampirkan berita acara" in card.get_by_test_id("tpi-note").inner_text()
    assert page.locator("input[name=option]:not([disabled])").count() == 3  # only this answer's A/B/C
    card.get_by_label("Penjelasan unit").fill("Berita acara seleksi anggota tim terlampir.")
    card.get_by_role("button", name="Simpan").click()
    card.get_by_test_id("saved-info").wait_for()
    shot(page, "review-unit-fixing")
    page.get_by_role("button", name="Keluar").click()

    login(page, base, "kepala", f.PASSWORD)
    page.get_by_test_id("submit-button").click()
    assert page.get_by_test_id("status").inner_text() == "Diajukan"
    page.get_by_role("button", name="Keluar").click()

    # TPI: sees what changed, approves.
    login(page, base, "tpi", f.PASSWORD)
    page.get_by_role("link", name="RSUD Sukamaju").click()
    page.get_by_test_id("open-review").click()
    assert page.get_by_test_id(f"review-{KEY}").get_by_test_id("changed-since-return").is_visible()
    page.goto(f"{base}{ws.get_absolute_url()}")
    page.get_by_test_id("approve-button").click()
    assert page.get_by_test_id("status").inner_text() == "Disetujui TPI"
    tpi_timeline = page.get_by_test_id("timeline").inner_text()
    shot(page, "review-approved-tpi")
    page.get_by_role("button", name="Keluar").click()

    login(page, base, "operator", f.PASSWORD)
    unit_timeline = page.get_by_test_id("timeline").inner_text()
    shot(page, "review-approved-unit")
    for step in STEPS:
        assert step in tpi_timeline and step in unit_timeline, step
    assert "Berita acara seleksi" in unit_timeline  # the unit's change after submission is in the trail


def test_the_tpi_sheet_previews_and_refreshes_computed_rows_and_marks_changed_counts(submitted, new_page, shot):
    """LHKPN (a = f / b, b = c + d + e): the TPI types another "sudah melaporkan" count; the TPI's
    percentage follows while typing, is the server's after the save (no reload), and the count is
    marked "Nilai berbeda"."""
    base, ws, _tpi = submitted
    counts = {c: Answer.objects.get(worksheet=ws, question__key=f"V.reform.iii.{c}").unit_number for c in "cdef"}
    must = sum(counts[c] for c in "cde")
    page = new_page()
    login(page, base, "tpi", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/reviu/V/")
    percent = page.get_by_test_id("review-V.reform.iii.a").get_by_test_id("tpi-computed")
    assert "100,00%" in percent.inner_text()
    count = page.get_by_test_id("review-V.reform.iii.f")
    half = must // 2
    count.locator("input[name=number]").fill(str(half))  # typed, not saved yet
    expected = floatformat(scoring.to_cents(Fraction(int(half) * 100, int(must))), "2g") + "%"
    assert expected in percent.inner_text()
    with page.expect_response(lambda r: "/reviu/" in r.url and r.request.method == "POST"):
        count.get_by_role("button", name="Simpan penilaian").click()
    count = page.get_by_test_id("review-V.reform.iii.f")
    count.get_by_test_id("value-differs").wait_for()
    assert expected in page.get_by_test_id("review-V.reform.iii.a").get_by_test_id("tpi-computed").inner_text()
    assert Answer.objects.get(worksheet=ws, question__key="V.reform.iii.f").tpi_number == half
    shot(page, "review-count-changed")
