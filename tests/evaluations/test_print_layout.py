"""Excel that prints: the round recap and the unit's LKE set up for A4 landscape, and rendered to
PDF by LibreOffice to look at the pages as a printer gets them — how many, the header on each, no
column cut off from its rows, no wrapped text cut off by a row too short, no text over other text."""

import io
import re
import shutil
import subprocess
from collections import defaultdict

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import exports
from evaluations.models import Answer, Worksheet
from tests import factories as f

pytestmark = pytest.mark.django_db

LONG = ("Tim kerja telah dibentuk dengan surat keputusan kepala dinas, anggotanya dipilih melalui seleksi "
        "terbuka yang diumumkan kepada seluruh pegawai, dan rapat koordinasi diadakan setiap bulan dengan "
        "notulen serta daftar hadir yang diunggah sebagai bukti dukung pada folder bersama unit kerja.")


@pytest.fixture
def printed_round(instansi, round_open, reviewer):
    """Three units: one complete and in review with long explanations and TPI notes, one complete
    and submitted, one empty (long gap texts)."""
    sheets = [f.worksheet(round_open, f.unit(instansi, name), answers=answers, status=status, reviewers=[reviewer])
              for name, answers, status in [
                  ("Dinas Kependudukan dan Pencatatan Sipil Kabupaten", "best", Worksheet.Status.IN_REVIEW),
                  ("Rumah Sakit Umum Daerah Sukamaju", "best", Worksheet.Status.SUBMITTED),
                  ("Kecamatan Sukamaju Kota", "none", Worksheet.Status.DRAFT)]]
    Answer.objects.filter(worksheet=sheets[0], question__key__startswith="I.").update(
        unit_explanation=LONG, tpi_option="A", tpi_note=LONG)
    return sheets


def _lke(client, ws):
    response = client.get(reverse("evaluations:export_lke", args=[ws.pk]))
    assert response.status_code == 200
    return response.content


def test_the_units_lke_hides_key_and_criteria_from_print_and_has_a_sheet_to_print(client, reviewer, printed_round):
    client.force_login(reviewer)
    book = load_workbook(io.BytesIO(_lke(client, printed_round[0])))
    assert book.sheetnames[:2] == ["LKE ZI", exports.PRINT_SHEET]
    sheet = book["LKE ZI"]
    assert all(sheet.column_dimensions[c].hidden for c in ("H", "I", "R"))  # hidden columns do not print
    assert sheet.column_dimensions["H"].outline_level == 1  # one [+] shows key and criteria again
    assert "tidak ikut tercetak" in sheet["A5"].value
    print_sheet = book[exports.PRINT_SHEET]
    assert print_sheet.page_setup.orientation == "landscape" and int(print_sheet.page_setup.paperSize) == 9
    assert print_sheet.sheet_properties.pageSetUpPr.fitToPage and print_sheet.page_setup.fitToWidth == 1
    assert print_sheet.print_title_rows == "$5:$5"
    assert "Halaman &P dari &N" in print_sheet.oddFooter.center.text
    counts = [r for r in range(6, print_sheet.max_row + 1) if isinstance(print_sheet.cell(r, 3).value, (int, float))
              and print_sheet.cell(r, 3).value > 1]
    assert counts and all(print_sheet.cell(r, 3).number_format == "General" for r in counts)  # 40, not 40.00
    values = [r for r in range(6, print_sheet.max_row + 1) if print_sheet.cell(r, 4).value is not None]
    assert values and all(print_sheet.cell(r, 4).number_format == exports.SCORE_FORMAT for r in values)
    long_rows = [r for r in range(6, print_sheet.max_row + 1) if print_sheet.cell(r, 5).value == LONG]
    assert long_rows and all(print_sheet.row_dimensions[r].height >= 4 * exports.LINE_POINTS for r in long_rows)


def test_the_recap_is_set_up_for_a4_with_its_chart_on_a_page_of_its_own(admin_client_zi, round_open, printed_round):
    book = load_workbook(io.BytesIO(b"".join(f.recap(admin_client_zi, round_open).streaming_content)))
    assert book.sheetnames == ["Ringkasan", "Grafik", "Rekap cetak", "Rekap unit", "Skor indikator",
                               "Daftar kekurangan"]
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9, sheet.title
        # every sheet as wide as the page, but the indicator scores: full size, pages across
        assert sheet.sheet_properties.pageSetUpPr.fitToPage == (sheet.title != "Skor indikator"), sheet.title
    assert len(book["Grafik"]._charts) == 1 and not book["Ringkasan"]._charts
    assert [book["Ringkasan"].cell(r, 1).value.split(":")[0] for r in (2, 3, 4)] == ["Instansi", "Periode", "Dibuat"]
    assert book["Rekap cetak"].print_title_rows == "$5:$5" and book["Rekap unit"].print_title_rows == "$3:$3"
    for row in book["Rekap cetak"].iter_rows(min_row=6):  # a row of several lines reads across: all at the top
        assert {c.alignment.vertical for c in row if c.value is not None} == {"top"}


# --------------------------------------------------------------------------- rendered by LibreOffice


def _pdf(tmp_path, name, content):
    """The workbook as LibreOffice prints it (every sheet, its print settings), and its words per page
    with their boxes (poppler's pdftotext)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by `make setup-dev` (print-tools)"
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(content)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / f"{name}.pdf"), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(float(x0), float(y0), float(x1), float(y1), word) for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


def _text(page):
    return " ".join(w[4] for w in page)


def _words(text):
    return set(re.findall(r"[A-Za-z]{4,}", text))


def _overlaps(page):
    """Pairs of words printed over each other (more than a third of the smaller one covered)."""
    grid = defaultdict(list)
    found = []
    for i, (x0, y0, x1, y1, word) in enumerate(page):
        cells = {(gx, gy) for gx in range(int(x0) // 40, int(x1) // 40 + 1) for gy in range(int(y0) // 40, int(y1) // 40 + 1)}
        others = {j for cell in cells for j in grid[cell]}
        for j in others:
            a0, b0, a1, b1, other = page[j]
            w, h = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
            if w > 0 and h > 0 and w * h > min((x1 - x0) * (y1 - y0), (a1 - a0) * (b1 - b0)) / 3:
                found.append((word, other))
        for cell in cells:
            grid[cell].append(i)
    return found


def test_the_recap_prints_as_legible_pages(admin_client_zi, round_open, printed_round, tmp_path):
    content = b"".join(f.recap(admin_client_zi, round_open).streaming_content)
    pages = _pdf(tmp_path, "rekap", content)
    book = load_workbook(io.BytesIO(content))
    texts = [_text(p) for p in pages]
    assert 5 <= len(pages) <= 14, len(pages)
    assert "Instansi:" in texts[0] and "Dibuat:" in texts[0] and "Rata-rata area" in texts[0]
    chart = [i for i, t in enumerate(texts) if "terlemah di atas" in t]
    assert len(chart) == 1 and chart[0] > 0  # a page of its own, after the summary's tables
    assert "Jumlah kertas kerja" not in texts[chart[0]] and "Kesiapan" not in texts[chart[0]]
    printed = [t for t in texts if "dasar penilaian" in t]  # the print sheet's header, on each of its pages
    assert printed, "the print sheet's pages"
    for text in printed:  # its header on every page, every column with its rows (none cut off to a page)
        for label, _width in exports.PRINT_COLUMNS:
            assert all(word in text for word in label.split()), (label, text[:200])
    joined = " ".join(printed)
    for row in list(book["Rekap cetak"].iter_rows(min_row=6, values_only=True)):
        assert _words(row[1]) <= _words(joined), row[1]  # every unit, in full
        assert _words(row[8] or "") <= _words(joined), row[8]  # the gaps not cut off by the row's height
    for page in pages:
        assert not _overlaps(page)
    _legible([p for p, t in zip(pages, texts, strict=True) if "dasar penilaian" in t])


def _legible(pages, points=7):
    """The body text of these pages prints at least ``points`` tall (A4 page coordinates)."""
    heights = sorted(y1 - y0 for page in pages for _x0, y0, _x1, y1, _w in page)
    assert heights and heights[len(heights) // 2] >= points, heights[len(heights) // 2]


def test_the_units_lke_prints_as_legible_pages(client, reviewer, printed_round, tmp_path):
    client.force_login(reviewer)
    content = _lke(client, printed_round[0])
    pages = _pdf(tmp_path, "lke", content)
    texts = [_text(p) for p in pages]
    printed = [t for t in texts if "Butir / pertanyaan" in t]
    assert 8 <= len(printed) <= 30, len(printed)
    for text in printed:
        assert all(label in text for label in ("Jawaban", "Penjelasan unit", "Catatan TPI", "Bukti dukung"))
    joined = " ".join(printed)
    assert _words(LONG) <= _words(joined)
    assert joined.count("seleksi terbuka yang diumumkan") >= 2 * 5  # explanations and notes in full, not cut
    everything = " ".join(texts)
    assert "I.pemenuhan.i.a" not in everything  # the key column is not printed
    assert "Jika dengan prosedur/mekanisme yang jelas" not in everything  # nor the criteria column
    for page in pages:
        assert not _overlaps(page)
    _legible([p for p, t in zip(pages, texts, strict=True) if "Butir / pertanyaan" in t])
