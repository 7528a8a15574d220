"""Workbook import parsing: pure (no database), on workbooks built in memory."""

import io
from decimal import Decimal

from openpyxl import Workbook

from evaluations.imports import ImportQuestion, parse

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


def official_workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "LKE ZI"
    ws.append(["LEMBAR KERJA EVALUASI"])
    for text, answer in rows:
        ws.append([None] * 6 + [text, None, None, None, answer])
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
        "Baris 3 (X.persen.i.a): persentase 150 di luar rentang 0–100.",
        "Baris 4 (V.reform.iii.c): jumlah -2 di luar rentang 0–….",
        "Baris 5 (V.reform.iii.h): jumlah harus bilangan bulat, bukan 2,5.",
        "Baris 6 (H-I.hasil.i.a): “empat” bukan angka.",
        "Baris 7: kunci “Z.tidak.ada.a” tidak ada di template LKE ini.",
        "Baris 9: pertanyaan I.pemenuhan.i.a sudah ada di baris 8.",
    ]


def test_wrong_sheet_or_not_a_workbook():
    assert "Lembar (sheet) “LKE ZI” tidak ditemukan; lembar yang ada: Sheet1." in parse(
        app_workbook([], sheet="Sheet1"), QUESTIONS).errors
    assert parse(io.BytesIO(b"bukan excel"), QUESTIONS).errors == [
        "Berkas ditolak: Berkas bukan paket zip yang utuh (rusak atau terpotong)."]


def test_official_layout_matches_rows_by_text_in_order():
    result = parse(official_workbook([
        ("MANAJEMEN PERUBAHAN", None), ("Penyusunan Tim Kerja", None),
        ("Unit kerja telah membentuk tim", "Ya"), ("Penentuan anggota Tim dipilih melalui prosedur", "a"),
        ("Persentase penyampaian LHKPN", 0.9),  # computed: never read
        ("- Jumlah yang harus melaporkan", 40), ("- Jumlah yang harus melaporkan", 120),
        ("Pertanyaan yang tidak ada di LKE", "A"),
    ]), QUESTIONS)
    assert result.layout == "official"
    assert [(r.key, r.option or r.number) for r in result.rows] == [
        ("I.pemenuhan.i.a", "Ya"), ("I.pemenuhan.i.b", "A"),
        ("V.reform.iii.c", Decimal("40.00")), ("V.reform.iii.h", Decimal("120.00"))]
    assert result.errors == ["Baris 9: pertanyaan “Pertanyaan yang tidak ada di LKE” tidak ada di template LKE ini."]


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
