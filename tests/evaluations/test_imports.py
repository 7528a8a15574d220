"""Workbook import parsing: pure (no database), on workbooks built in memory."""

import io
from decimal import Decimal

from openpyxl import Workbook

from evaluations.imports import ImportQuestion, parse
from tests.official_workbook import lke_questions, official_workbook

QUESTIONS = [
    ImportQuestion("I.pemenuhan.i.a", "Unit kerja telah membentuk tim", "ya_tidak"),
    ImportQuestion("I.pemenuhan.i.b", "Penentuan anggota Tim dipilih melalui prosedur", "abc"),
    ImportQuestion("V.reform.iii.a", "Persentase penyampaian LHKPN", "persen", "f / (c + d + e)"),
    ImportQuestion("V.reform.iii.c", "Jumlah yang harus melaporkan", "jumlah"),
    ImportQuestion("V.reform.iii.h", "Jumlah yang harus melaporkan", "jumlah"),
    ImportQuestion("X.persen.i.a", "Persentase pegawai yang dilatih", "persen"),
    ImportQuestion("H-I.hasil.i.a", "Nilai Survei Persepsi Anti Korupsi", "indeks"),
]


def app_workbook(rows, sheet="LKE ZI"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["No", "", "", "", "", "", "Pertanyaan", "Kunci", "", "", "Jawaban unit", "", "Penjelasan unit"])
    for key, answer, explanation in rows:
        ws.append([None] * 6 + ["teks", key, None, None, answer, None, explanation])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_app_layout_reads_keys_answers_and_explanations():
    result = parse(app_workbook([("I.pemenuhan.i.a", "ya", "SK Tim"), ("I.pemenuhan.i.b", "b", None),
                                 ("V.reform.iii.c", 12, None), ("H-I.hasil.i.a", "3,62", None),
                                 ("X.persen.i.a", 87.5, None)]), QUESTIONS)
    assert result.ok and result.layout == "app"
    rows = {r.key: r for r in result.rows}
    assert (rows["I.pemenuhan.i.a"].option, rows["I.pemenuhan.i.a"].explanation) == ("Ya", "SK Tim")
    assert rows["I.pemenuhan.i.b"].option == "B"
    assert rows["V.reform.iii.c"].number == Decimal("12.00")
    assert rows["H-I.hasil.i.a"].number == Decimal("3.62") and rows["X.persen.i.a"].number == Decimal("87.50")


def test_every_bad_row_is_reported_with_its_row_number():
    result = parse(app_workbook([("I.pemenuhan.i.b", "F", None), ("X.persen.i.a", 150, None),
                                 ("V.reform.iii.c", -2, None), ("V.reform.iii.h", 2.5, None),
                                 ("H-I.hasil.i.a", "empat", None), ("Z.tidak.ada.a", "A", None),
                                 ("I.pemenuhan.i.a", "Ya", None), ("I.pemenuhan.i.a", "Tidak", None)]), QUESTIONS)
    assert not result.ok
    assert result.errors == [
        "Baris 2 (I.pemenuhan.i.b): jawaban “F” tidak dikenal untuk A/B/C (pilihan: A, B, C).",
        "Baris 3 (X.persen.i.a): persentase paling besar 100 (tertulis 150).",
        "Baris 4 (V.reform.iii.c): jumlah tidak boleh negatif (tertulis -2).",
        "Baris 5 (V.reform.iii.h): jumlah harus bilangan bulat, bukan 2,5.",
        "Baris 6 (H-I.hasil.i.a): “empat” bukan angka.",
        "Baris 7: kunci “Z.tidak.ada.a” tidak ada di template LKE ini.",
        "Baris 9: pertanyaan I.pemenuhan.i.a sudah ada di baris 8.",
    ]


def test_wrong_sheet_or_not_a_workbook():
    assert "Lembar (sheet) “LKE ZI” tidak ditemukan; lembar yang ada: Sheet1." in parse(
        app_workbook([], sheet="Sheet1"), QUESTIONS).errors
    assert parse(io.BytesIO(b"bukan excel"), QUESTIONS).errors == [
        "Berkas ini bukan dokumen Office (seperti .xlsx atau .docx) yang utuh: rusak, terpotong, atau berkas jenis lain."]


def test_official_layout_is_read_by_its_structure():
    """Every row lands on its question by its place — area, part, indicator, position — in the
    official order (all of PEMENUHAN, then REFORM), whatever its letter ("a.", "a", "-", swapped
    "c."/"b."), with count rows, sub-headings, trailing spaces and retyped texts."""

    questions = lke_questions()
    result = parse(official_workbook(), questions)
    assert result.ok, result.errors[:5]
    assert result.layout == "official"
    takes_input = [q.key for q in questions if not q.formula]
    assert sorted(r.key for r in result.rows) == sorted(takes_input)
    rows = {r.key: r for r in result.rows}
    assert rows["VI.pemenuhan.v.b"].option == "Ya" and rows["VI.pemenuhan.v.c"].option == "A"  # swapped labels
    assert rows["V.reform.iii.c"].number == Decimal("10.00") and rows["H-I.hasil.i.a"].number == Decimal("4.00")
    # Retyped rows are placed, and named: "Jumlah Perubahan yang dibuat" is I.reform.i.e.
    loose = {r.key: r.file_text for r in result.rows if r.file_text}
    assert set(loose) == {"I.reform.i.e"} and loose["I.reform.i.e"].startswith("- Jumlah Perubahan yang dibuat")


def test_an_extra_row_in_an_indicator_is_reported_where_it_is():
    extra = [None, None, None, None, None, "c.", "Pertanyaan tambahan yang tidak ada", None, "", "A/B/C", "A"]
    result = parse(official_workbook(extra_rows={"I.pemenuhan.i.b": [extra]}), lke_questions())
    assert len(result.errors) == 1
    assert "“Pertanyaan tambahan yang tidak ada” tidak ada pada tempatnya" in result.errors[0]
    assert "I · pemenuhan · i" in result.errors[0]


def test_an_empty_explanation_cell_keeps_the_stored_one_and_the_marker_clears_it():
    result = parse(app_workbook([("I.pemenuhan.i.a", "Ya", None), ("I.pemenuhan.i.b", "A", "[hapus]"),
                                 ("X.persen.i.a", 50, "  ")]), QUESTIONS)
    rows = {r.key: r for r in result.rows}
    assert rows["I.pemenuhan.i.a"].explanation is None and rows["X.persen.i.a"].explanation is None
    assert rows["I.pemenuhan.i.b"].explanation == ""

def test_excel_percent_cells_are_read_as_percentages():
    wb = Workbook()
    ws = wb.active
    ws.title = "LKE ZI"
    ws.append(["No", "", "", "", "", "", "", "Kunci"])
    ws.append([None] * 7 + ["X.persen.i.a", None, None, 0.875])
    ws["K2"].number_format = "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    assert parse(buf, QUESTIONS).rows[0].number == Decimal("87.50")
