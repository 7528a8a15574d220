"""Excel in the browser: the recap downloads with a visible progress state; an operator exports
the unit's LKE, fills in an answer in Excel, and imports it through the preview."""

from openpyxl import load_workbook

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Answer, Worksheet
from tests.e2e.conftest import login


def test_recap_download_and_lke_roundtrip(demo_server, new_page, shot, tmp_path):
    page = new_page()
    login(page, demo_server, "admin", DEMO_PASSWORD)
    with page.expect_download() as download:
        page.get_by_test_id("export-recap").click()
        page.get_by_text("Menyiapkan rekap").wait_for()  # the progress state shows while it works
    recap = load_workbook(open(download.value.path(), "rb"))
    assert "Rekap unit" in recap.sheetnames
    page.get_by_text("Rekap terunduh.").wait_for()
    page.get_by_role("button", name="Keluar").click()

    login(page, demo_server, "operator", DEMO_PASSWORD)
    with page.expect_download() as download:
        page.get_by_test_id("export-lke").click()
    book = load_workbook(open(download.value.path(), "rb"))
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
    assert "1 jawaban akan berubah" in preview.inner_text() and "I.pemenuhan.i.a" in preview.inner_text()
    shot(page, "import-preview")
    page.get_by_test_id("apply-import").click()
    page.get_by_text("Impor selesai: 1 jawaban diperbarui").wait_for()
    assert "1 jawaban diperbarui dari berkas Excel" in page.get_by_test_id("timeline").inner_text()
    ws = Worksheet.objects.get(unit__name="Dinas Kependudukan dan Pencatatan Sipil", round__status="open")
    a = Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.a")
    assert a.unit_option == "Ya" and a.unit_explanation.startswith("SK Kepala Dinas")
