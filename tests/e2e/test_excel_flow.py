"""Excel in the browser: the recap downloads with a visible progress state; an operator exports
the unit's LKE, fills in an answer in Excel, and imports it through the preview."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evaluations import services
from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Answer, Worksheet
from tests import factories as f
from tests.e2e.conftest import login


def test_lke_roundtrip(demo_server, new_page, shot, tmp_path):
    """(The recap, built by a background worker, is walked in test_background.py.)"""
    page = new_page()
    login(page, demo_server, "operator", DEMO_PASSWORD)
    with page.expect_download() as download:
        page.get_by_test_id("export-lke").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["LKE ZI"]
    for row in sheet.iter_rows(min_row=7):
        if row[7].value == "I.pemenuhan.i.a":
            row[10].value = "Ya"
            row[12].value = "SK Kepala Dinas Nomor 800/45/2026 tentang Tim Kerja ZI"
    edited = tmp_path / "LKE-diisi.xlsx"
    book.save(edited)
    page.get_by_test_id("import-link").click()
    page.locator("input[type=file]").set_input_files(str(edited))
    page.get_by_role("button", name="Periksa berkas").click()
    preview = page.get_by_test_id("import-preview")
    text = preview.inner_text()
    assert "1 jawaban akan berubah" in text
    assert "I. Manajemen Perubahan · Penyusunan Tim Kerja" in text and "I.pemenuhan.i.a" not in text  # words, not keys
    shot(page, "import-preview")
    page.get_by_test_id("apply-import").click()
    page.get_by_text("Impor selesai: 1 jawaban diperbarui").wait_for()
    assert "1 jawaban diperbarui dari berkas Excel" in page.get_by_test_id("timeline").inner_text()
    ws = Worksheet.objects.get(unit__name="Dinas Kependudukan dan Pencatatan Sipil", round__status="open")
    a = Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.a")
    assert a.unit_option == "Ya" and a.unit_explanation.startswith("SK Kepala Dinas")


@pytest.fixture
def returned(submitted):
    """A worksheet the TPI sent back with one answer flagged "perlu perbaikan"."""
    base, ws, tpi = submitted
    flagged = Answer.objects.get(worksheet=ws, question__key=FLAGGED)
    services.review_answer_save(user=tpi, worksheet=ws, question=flagged.question, option="Tidak",
                                note="SK belum ditandatangani", needs_revision=True, revision=flagged.revision)
    services.review_return(user=tpi, worksheet=ws, comment="Perbaiki SK tim kerja")
    return base, ws


FLAGGED, LOCKED = "I.pemenuhan.i.a", "I.pemenuhan.i.b"


def _edit(path, out, values):
    book = load_workbook(io.BytesIO(Path(path).read_bytes()))
    for row in book["LKE ZI"].iter_rows(min_row=7):
        if row[7].value in values:
            row[10].value, row[12].value = values[row[7].value]
    book.save(out)


def test_a_returned_worksheet_imports_only_its_flagged_rows_and_says_so(returned, new_page, shot, tmp_path):
    """Rows the unit may not change (a returned worksheet opens only its flagged answers) are shown
    as locked in the preview and never offered: "Terapkan" counts only what will be applied, and a
    file touching only locked rows offers nothing to apply."""
    base, ws = returned
    page = new_page()
    login(page, base, "operator", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/")
    with page.expect_download() as download:
        page.get_by_test_id("export-lke").click()
    both, locked_only = tmp_path / "dua-baris.xlsx", tmp_path / "terkunci.xlsx"
    _edit(download.value.path(), both, {FLAGGED: ("Ya", "SK ditandatangani 3 Juni 2026"),
                                         LOCKED: ("C", "diubah di Excel")})
    _edit(download.value.path(), locked_only, {LOCKED: ("C", "diubah di Excel")})

    page.get_by_test_id("import-link").click()
    page.locator("input[type=file]").set_input_files(str(locked_only))
    page.get_by_role("button", name="Periksa berkas").click()
    page.get_by_test_id("nothing-applicable").wait_for()
    assert page.get_by_test_id("apply-import").count() == 0
    assert page.get_by_role("button", name="Terapkan").is_disabled()

    page.locator("input[type=file]").set_input_files(str(both))
    page.get_by_role("button", name="Periksa berkas").click()
    preview = page.get_by_test_id("import-preview")
    preview.get_by_test_id("locked-row").wait_for()
    assert "1 baris terkunci tidak akan diterapkan" in preview.inner_text()
    apply = page.get_by_test_id("apply-import")
    assert apply.inner_text().strip() == "Terapkan 1 perubahan"
    shot(page, "import-preview-locked")
    apply.click()
    page.get_by_text("Impor selesai: 1 jawaban diperbarui").wait_for()
    assert Answer.objects.get(worksheet=ws, question__key=FLAGGED).unit_option == "Ya"
    kept = Answer.objects.get(worksheet=ws, question__key=LOCKED)
    assert kept.unit_option != "C" and kept.unit_explanation != "diubah di Excel"
