"""Excel workbooks with openpyxl only: plain rows in, Workbook out. No ORM, no request.

Per-unit LKE (sheet "LKE ZI", the official workbook's columns A, E, F, G, I, J, K kept where they
are) and the round recap (write-only, for hundreds of units).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from . import answer_types, numbers

LKE_SHEET = "LKE ZI"
TITLE_ROWS = 5  # title block above the header row
HEADER_ROW = 6
KEY_HEADER = "Kunci"

# (column letter, header, width). A, E, F, G, I, J, K follow the official sheet; H carries this app's
# key so a re-imported export matches rows exactly.
LKE_COLUMNS = [
    ("A", "No", 6), ("B", "Komponen / Area", 16), ("C", "Bagian", 11), ("D", "Bobot", 8), ("E", "Indikator", 9),
    ("F", "Butir", 6), ("G", "Pertanyaan / Uraian", 60), ("H", KEY_HEADER, 16), ("I", "Penjelasan pilihan", 55),
    ("J", "Pilihan jawaban", 12), ("K", "Jawaban unit", 11), ("L", "Nilai unit", 10), ("M", "Penjelasan unit", 40),
    ("N", "Jawaban TPI", 11), ("O", "Nilai TPI", 10), ("P", "Catatan TPI", 40), ("Q", "Bukti dukung", 45),
    ("R", "Revisi", 8),
]
COL = {letter: i + 1 for i, (letter, _, _) in enumerate(LKE_COLUMNS)}

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
FONT = "Calibri"  # named on every font: a spreadsheet without it falls back to its own default (a serif)
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
BOLD = Font(name=FONT, bold=True)
LEVEL_FILL = {"component": PatternFill("solid", fgColor="BDD7EE"), "area": PatternFill("solid", fgColor="DDEBF7"),
              "part": PatternFill("solid", fgColor="EDF3FA"), "indicator": PatternFill("solid", fgColor="F2F2F2"),
              "total": PatternFill("solid", fgColor="FFE699")}
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
SCORE_FORMAT = "0.00"
# Text a spreadsheet could take for a formula (or DDE) when opened or edited: kept as text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell):
    """Typed text (explanations, notes, names…) is never a live formula in a workbook this app
    writes: a string starting with = + - @ tab or CR is stored as text with Excel's quote prefix,
    so it shows as typed and stays text if someone edits the cell. Numbers stay numbers."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _text_only(wb: Workbook) -> None:
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)


@dataclass
class LkeRow:
    """One row of the "LKE ZI" sheet: a component, area, part, indicator, question or the total."""

    level: str  # component | area | part | indicator | question | total
    label: str = ""  # B
    part: str = ""  # C
    weight: Decimal | None = None  # D
    numeral: str = ""  # E
    letter: str = ""  # F
    text: str = ""  # G
    key: str = ""  # H
    options: str = ""  # I
    answer_type: str = ""  # J
    unit_answer: object = None  # K: letter or number
    unit_value: Decimal | None = None  # L: 0–1 for questions, points for subtotals
    unit_explanation: str = ""  # M
    tpi_answer: object = None  # N
    tpi_value: Decimal | None = None  # O
    tpi_note: str = ""  # P
    evidence: str = ""  # Q
    revision: int | None = None  # R (hidden): the answer's revision at export, so an old file cannot overwrite newer work


@dataclass
class LkeMeta:
    instansi: str
    unit: str
    round: str
    version: str
    status: str
    exported_at: str
    include_tpi: bool = True
    notes: list[str] = field(default_factory=list)
    exported_iso: str = ""  # R5 (hidden): when, for the import's "changed since this file" check


def lke_workbook(meta: LkeMeta, rows: list[LkeRow]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = LKE_SHEET
    ws["A1"] = "LEMBAR KERJA EVALUASI ZONA INTEGRITAS MENUJU WBK/WBBM"
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    ws["A2"] = f"{meta.unit} — {meta.instansi}"
    ws["A2"].font = BOLD
    ws["A3"] = f"{meta.round} · {meta.version} · Status: {meta.status}"
    ws["A4"] = f"Diekspor {meta.exported_at} dari ZI Tracker" + ("" if meta.include_tpi else
                                                               " · nilai TPI belum ditampilkan kepada unit")
    ws.row_dimensions[HEADER_ROW].height = row_height(((h, w) for letter, h, w in LKE_COLUMNS if letter != "H"),
                                                      bold=True)
    for letter, header, width in LKE_COLUMNS:
        cell = ws.cell(row=HEADER_ROW, column=COL[letter], value=header)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[letter].width = width
    for number, row in enumerate(rows, start=1):
        r = HEADER_ROW + number
        values = {"A": number, "B": row.label, "C": row.part, "D": row.weight, "E": row.numeral, "F": row.letter,
                  "G": row.text, "H": row.key, "I": row.options, "J": row.answer_type, "K": row.unit_answer,
                  "L": row.unit_value, "M": row.unit_explanation, "N": row.tpi_answer if meta.include_tpi else None,
                  "O": row.tpi_value if meta.include_tpi else None, "P": row.tpi_note if meta.include_tpi else "",
                  "Q": row.evidence, "R": row.revision}
        for letter, value in values.items():
            if isinstance(value, Decimal):
                value = float(value)  # a number in Excel, not text
            cell = ws.cell(row=r, column=COL[letter], value=value if value != "" else None)
            cell.border = BORDER
            cell.alignment = WRAP
            if letter in ("D", "L", "O") and value is not None:
                cell.number_format = SCORE_FORMAT
        if row.level != "question":
            for letter in COL:
                ws.cell(row=r, column=COL[letter]).fill = LEVEL_FILL[row.level]
                ws.cell(row=r, column=COL[letter]).font = BOLD
        ws.row_dimensions[r].height = row_height(
            ((values[letter], width) for letter, _h, width in LKE_COLUMNS if letter != "H"),  # I shown again fits
            bold=row.level != "question")
    ws.cell(row=HEADER_ROW - 1, column=COL["R"], value=meta.exported_iso)
    ws["A5"] = PRINT_NOTE
    ws["A5"].font = Font(name=FONT, italic=True, size=9)
    for letter in NOT_PRINTED:  # hidden columns are not printed; the [+] above them shows them again
        ws.column_dimensions[letter].outline_level = 1
        ws.column_dimensions[letter].hidden = True
    ws.column_dimensions["J"].collapsed = True
    ws.column_dimensions["R"].hidden = True
    _answer_dropdowns(ws, rows)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=COL["H"])
    ws.auto_filter.ref = f"A{HEADER_ROW}:R{HEADER_ROW + len(rows)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _a4_landscape(ws)
    ws.print_area = f"A1:Q{HEADER_ROW + len(rows)}"
    _lke_print_sheet(wb, meta, rows)
    if meta.notes:
        notes = wb.create_sheet("Catatan")
        for i, note in enumerate(meta.notes, start=1):
            notes.cell(row=i, column=1, value=note)
        notes.column_dimensions["A"].width = 120
    _text_only(wb)
    return wb


NOT_PRINTED = ("H", "I")  # the key and the answers' criteria: for the computer and for filling in
PRINT_NOTE = ("Kolom H (kunci) dan I (penjelasan pilihan) disembunyikan agar tidak ikut tercetak; tombol [+] "
              "di atas kolom menampilkannya. Lembar “Cetak” berisi tata letak untuk dicetak.")
PRINT_SHEET = "Cetak"


def _lke_print_sheet(wb, meta: LkeMeta, rows: list[LkeRow]) -> None:
    """The LKE as it is handed to the head: A4 landscape, the columns a reader needs at a size that
    reads (about 9 points), wrapped text in rows tall enough for it, the header on every page."""
    ws = wb.create_sheet(PRINT_SHEET)
    columns = [("No", 5), ("Butir / pertanyaan", 52 if meta.include_tpi else 64), ("Jawaban unit", 9),
               ("Nilai unit", 8), ("Penjelasan unit", 30 if meta.include_tpi else 40)]
    if meta.include_tpi:
        columns += [("Jawaban TPI", 9), ("Nilai TPI", 8), ("Catatan TPI", 28)]
    columns += [("Bukti dukung", 26 if meta.include_tpi else 34)]
    for i, (_label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws["A1"] = "LEMBAR KERJA EVALUASI ZONA INTEGRITAS MENUJU WBK/WBBM"
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws["A2"] = f"{meta.unit} — {meta.instansi}"
    ws["A2"].font = BOLD
    ws["A3"] = f"{meta.round} · {meta.version} · Status: {meta.status} · Diekspor {meta.exported_at}"
    ws["A4"] = "Salinan saat ekspor: isian yang diubah di lembar “LKE ZI” tidak tampil di sini; ekspor ulang setelah impor."
    ws["A4"].font = Font(name=FONT, italic=True, size=9)
    header = 5
    for i, (label, _width) in enumerate(columns, start=1):
        cell = ws.cell(row=header, column=i, value=label)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[header].height = 2 * LINE_POINTS + 3
    for number, row in enumerate(rows, start=1):
        r = header + number
        text = {"question": f"{row.letter} {row.text}", "indicator": f"{row.numeral} {row.text}",
                "part": row.text}.get(row.level, row.label).strip()
        if row.level != "question" and row.weight is not None:
            text += f" (bobot {numbers.plain(row.weight)})"
        values = [number, text, row.unit_answer, row.unit_value, row.unit_explanation]
        scores = {4}  # the values (0–1, or points on subtotal rows): two decimals; answers as typed
        if meta.include_tpi:
            values += [row.tpi_answer, row.tpi_value, row.tpi_note]
            scores.add(7)
        values += [row.evidence]
        for i, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=i, value=float(value) if isinstance(value, Decimal) else
                           (value if value != "" else None))
            cell.border, cell.alignment = BORDER, WRAP
            if i in scores and value is not None:
                cell.number_format = SCORE_FORMAT
            if row.level != "question":
                cell.fill, cell.font = LEVEL_FILL[row.level], BOLD
        ws.row_dimensions[r].height = row_height(zip(values, (w for _l, w in columns), strict=True),
                                                 bold=row.level != "question")
    ws.print_title_rows = f"{header}:{header}"
    ws.print_area = f"A1:{get_column_letter(len(columns))}{header + len(rows)}"
    _a4_landscape(ws)


ANSWER_LISTS = {t.workbook_label: ",".join(t.letters) for t in answer_types.TYPES.values() if t.takes_option}


def _answer_dropdowns(ws, rows):
    """Column K offers exactly the answers each question accepts (and refuses others in Excel)."""
    validations = {}
    for offset, row in enumerate(rows, start=1):
        if row.level != "question" or row.answer_type not in ANSWER_LISTS:
            continue
        dv = validations.get(row.answer_type)
        if dv is None:
            dv = validations[row.answer_type] = DataValidation(
                type="list", formula1=f'"{ANSWER_LISTS[row.answer_type]}"', allow_blank=True,
                showErrorMessage=True, errorTitle="Jawaban tidak dikenal",
                error=f"Pilih salah satu: {ANSWER_LISTS[row.answer_type].replace(',', ', ')}")
            ws.add_data_validation(dv)
        dv.add(f"K{HEADER_ROW + offset}")


def _a4_landscape(ws, *, one_page=False):
    """A4 landscape, as wide as the page (and as tall, ``one_page``), page numbers at the foot."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.3)
    ws.oddFooter.center.text = "Halaman &P dari &N"
    ws.oddFooter.center.size = 8


LINE_POINTS = 15  # one line of 11-point text with its leading
MAX_ROW_POINTS = 409  # Excel's tallest row: a taller height makes it call the file damaged
CHARS_PER_WIDTH = 0.95  # characters of running text per unit of column width, a little under the font's
# average so that words wrapped at spaces still fit in the lines counted


def lines_needed(text, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` wide (Excel's width units)."""
    if text is None or text == "":
        return 1
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def row_height(values_and_widths, *, bold=False) -> float:
    """A row tall enough for its longest wrapped cell: spreadsheets do not grow a row for wrapped
    text on their own when the file sets no height, and a printed row would cut the text off."""
    scale = 0.85 if bold else 1  # bold letters are wider
    lines = max((lines_needed(v, w * scale) for v, w in values_and_widths), default=1)
    return min(LINE_POINTS * lines + 3, MAX_ROW_POINTS)


# --------------------------------------------------------------------------- round recap (write-only)


@dataclass
class RecapUnit:
    name: str
    kind: str
    status: str
    progress: Decimal  # % of the questions that take an answer
    areas_unit: list[Decimal | None]
    areas_tpi: list[Decimal | None]
    pengungkit: Decimal | None
    hasil: Decimal | None
    total_unit: Decimal | None
    total_tpi: Decimal | None
    verdict: str  # by the values the row rests on (``basis``)
    gaps: list[str]
    basis: str = ""  # whose values: "nilai TPI (disetujui)", "penilaian mandiri unit", …
    verdict_unit: str = ""  # by the unit's self-assessment
    verdict_tpi: str = ""  # by the TPI's approved values ("" before approval)
    prerequisites: str = ""
    ready: bool = False


@dataclass
class RecapData:
    title: str
    subtitle: str
    area_labels: list[str]  # pengungkit areas then hasil sub-components
    units: list[RecapUnit]
    indicator_labels: list[str]
    indicator_weights: list[Decimal]
    indicator_rows: list[tuple[str, list[Decimal | None]]]  # unit name, score per indicator (basis values)
    readiness_counts: list[tuple[str, int, int]]  # label, by the TPI's approved values, by self-assessment
    status_counts: list[tuple[str, int]]
    area_averages: list[tuple[str, Decimal]]  # label, % of weight
    ready_count: int = 0
    approved_count: int = 0
    title_block: list[str] = field(default_factory=list)  # "Instansi: …", "Periode: …", "Dibuat: …"


def _cell(ws, value, *, bold=False, fill=None, number_format=None, wrap=False):
    if isinstance(value, Decimal):
        value = float(value)
    cell = as_text(WriteOnlyCell(ws, value=value))
    if bold:
        cell.font = Font(name=FONT, bold=True, color="FFFFFF" if fill is HEADER_FILL else None)
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if wrap:
        cell.alignment = WRAP
    return cell


def _append(ws, values):
    """A write-only row where text that a spreadsheet could take for a formula goes through
    ``as_text``; other plain values are written as they are (a styled cell costs openpyxl's
    write-only writer an exception and a repr per cell: a fifth of a 500-unit recap)."""
    ws.append([_cell(ws, v) if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v for v in values])


def _header(ws, labels):
    ws.append([_cell(ws, label, bold=True, fill=HEADER_FILL, wrap=True) for label in labels])


def recap_workbook(data: RecapData) -> Workbook:
    """Six sheets, each set up for A4 landscape with its header on every page: the summary, its
    chart on a page of its own, a recap laid out to be printed, then the full tables to filter."""
    wb = Workbook(write_only=True)
    summary, averages_at = _recap_summary(wb, data)
    _recap_chart(wb, data, summary, averages_at)
    _recap_print(wb, data)
    _recap_units(wb, data)
    _recap_indicators(wb, data)
    _recap_gaps(wb, data)
    return wb


def _title_block(ws, data):
    """Title, instansi, round and date at the top of a recap sheet (two or more rows)."""
    _append(ws, [_cell(ws, data.title, bold=True)])
    for line in data.title_block or [data.subtitle]:
        _append(ws, [line])
    return 1 + len(data.title_block or [data.subtitle])


def _recap_summary(wb, data):
    ws = wb.create_sheet("Ringkasan")
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 16
    _a4_landscape(ws)
    row = _title_block(ws, data)
    _append(ws, [])
    headers = ["Kesiapan", "Menurut TPI (disetujui)", "Menurut penilaian mandiri"]
    ws.row_dimensions[row + 2].height = row_height(zip(headers, (48, 16, 16), strict=True), bold=True)
    _header(ws, headers)
    for label, n_tpi, n_unit in data.readiness_counts:
        _append(ws, [label, n_tpi, n_unit])
    _append(ws, ["Jumlah kertas kerja", data.approved_count, sum(n for _, _, n in data.readiness_counts)])
    ready = ("Siap diusulkan (disetujui TPI, nilai TPI memenuhi, syarat pengusulan terpenuhi atau "
             "dikecualikan)")
    ws.row_dimensions[row + 3 + len(data.readiness_counts) + 1].height = row_height([(ready, 48)], bold=True)
    _append(ws, [_cell(ws, ready, bold=True, wrap=True), data.ready_count])
    _append(ws, [])
    _header(ws, ["Status", "Jumlah unit"])
    for label, n in data.status_counts:
        _append(ws, [label, n])
    _append(ws, [])
    start = row + 2 + len(data.readiness_counts) + 2 + 1 + 1 + len(data.status_counts) + 1 + 1
    _header(ws, ["Rata-rata area (% bobot), kertas kerja yang telah diajukan", "%"])
    for label, pct in data.area_averages:
        _append(ws, [label, _cell(ws, pct, number_format=SCORE_FORMAT)])  # two decimals, as the app shows it
    return ws, start


def _recap_chart(wb, data, summary, start):
    """The area averages as a bar chart, alone on its page (it reads the summary's table)."""
    ws = wb.create_sheet("Grafik")
    _a4_landscape(ws, one_page=True)
    _title_block(ws, data)
    if not data.area_averages:
        _append(ws, ["Belum ada kertas kerja yang diajukan: belum ada rata-rata area."])
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Rata-rata nilai area (% bobot), terlemah di atas"
    chart.y_axis.title = "% bobot"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    chart.legend = None
    chart.height, chart.width = 13, 25
    values = Reference(summary, min_col=2, min_row=start + 1, max_row=start + len(data.area_averages))
    labels = Reference(summary, min_col=1, min_row=start + 1, max_row=start + len(data.area_averages))
    chart.add_data(values, titles_from_data=False)
    chart.set_categories(labels)
    chart.x_axis.scaling.orientation = "maxMin"
    ws.add_chart(chart, "A5")


PRINT_COLUMNS = [("No", 5), ("Unit", 32), ("Jenis", 11), ("Status", 14), ("Total unit", 9), ("Total TPI", 9),
                 ("Kesiapan dan dasar penilaian", 24), ("Siap diusulkan", 9), ("Kekurangan terbesar", 45)]


def _recap_print(wb, data):
    """One row per unit with what a head reads, at a size that reads on A4 (the full tables
    follow on the next sheets, for filtering)."""
    ws = wb.create_sheet("Rekap cetak")
    widths = [w for _label, w in PRINT_COLUMNS]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    _a4_landscape(ws)  # (a write-only sheet writes its page properties with its first row)
    header = _title_block(ws, data) + 1
    ws.print_title_rows = f"{header}:{header}"
    ws.row_dimensions[header].height = row_height(PRINT_COLUMNS, bold=True)
    _header(ws, [label for label, _w in PRINT_COLUMNS])
    for number, u in enumerate(data.units, start=1):
        verdict = f"{u.verdict} — menurut {u.basis}" if u.basis else u.verdict
        gaps = "; ".join(u.gaps[:3]) + (f" (+{len(u.gaps) - 3} lainnya)" if len(u.gaps) > 3 else "")
        values = [number, u.name, u.kind, u.status, u.total_unit, u.total_tpi, verdict, "Ya" if u.ready else "Tidak",
                  gaps]
        ws.row_dimensions[header + number].height = row_height(zip(values, widths, strict=True))
        ws.append([_cell(ws, v, number_format=SCORE_FORMAT if isinstance(v, Decimal) else None, wrap=True)
                   for v in values])  # every cell top-aligned: a row of several lines reads across


def _recap_units(wb, data):
    ws = wb.create_sheet("Rekap unit")
    widths = [40, 14, 16, 10] + [9] * (2 * len(data.area_labels)) + [11, 9, 10, 10, 16, 22, 16, 16, 34, 10, 70]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B4"
    ws.print_title_rows = "3:3"
    _a4_landscape(ws)
    headers = (["Unit", "Jenis", "Status", "Kemajuan (%)"] + [f"{a} (unit)" for a in data.area_labels]
               + [f"{a} (TPI)" for a in data.area_labels]
               + ["Pengungkit (TPI bila ada)", "Hasil (TPI bila ada)", "Total unit", "Total TPI",
                  "Kesiapan (TPI bila ada)", "Dasar kesiapan", "Kesiapan menurut penilaian mandiri",
                  "Kesiapan menurut TPI (disetujui)", "Syarat pengusulan", "Siap diusulkan", "Kekurangan terbesar"])
    ws.row_dimensions[3].height = row_height(zip(headers, widths, strict=True), bold=True)
    _append(ws, [_cell(ws, data.title, bold=True)])
    _append(ws, [data.subtitle])
    _header(ws, headers)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{3 + len(data.units)}"
    for r, u in enumerate(data.units, start=4):
        ws.row_dimensions[r].height = row_height([(u.name, 40), (u.prerequisites, 34), ("; ".join(u.gaps), 70)])
        scores = [_cell(ws, v, number_format=SCORE_FORMAT) for v in u.areas_unit + u.areas_tpi]
        _append(ws, [_cell(ws, u.name, wrap=True), u.kind, u.status, _cell(ws, u.progress, number_format="0"), *scores, _cell(ws, u.pengungkit, number_format=SCORE_FORMAT),
                   _cell(ws, u.hasil, number_format=SCORE_FORMAT), _cell(ws, u.total_unit, number_format=SCORE_FORMAT),
                   _cell(ws, u.total_tpi, number_format=SCORE_FORMAT), u.verdict, u.basis, u.verdict_unit,
                   u.verdict_tpi, _cell(ws, u.prerequisites, wrap=True), "Ya" if u.ready else "Tidak",
                   _cell(ws, "; ".join(u.gaps), wrap=True)])


def _recap_indicators(wb, data):
    ws = wb.create_sheet("Skor indikator")
    ws.column_dimensions["A"].width = 40
    ws.freeze_panes = "B4"
    for i in range(2, len(data.indicator_labels) + 2):
        ws.column_dimensions[get_column_letter(i)].width = 14
    ws.print_title_rows = "2:3"
    ws.print_title_cols = "A:A"  # many indicators: pages across, the unit's name on each
    _a4_landscape(ws)
    ws.sheet_properties.pageSetUpPr.fitToPage = False  # at full size, across as many pages as it takes
    ws.row_dimensions[2].height = row_height(((label, 14) for label in data.indicator_labels), bold=True)
    _append(ws, [_cell(ws, "Skor tiap indikator per unit (nilai TPI bila ada, selain itu nilai unit)", bold=True)])
    _header(ws, ["Unit"] + data.indicator_labels)
    _append(ws, [_cell(ws, "Bobot", bold=True)] + [_cell(ws, w, number_format=SCORE_FORMAT)
                                                  for w in data.indicator_weights])
    for name, scores in data.indicator_rows:
        _append(ws, [name] + [_cell(ws, s, number_format=SCORE_FORMAT) for s in scores])


def _recap_gaps(wb, data):
    ws = wb.create_sheet("Daftar kekurangan")
    for col, w in zip("ABC", (40, 16, 110), strict=True):
        ws.column_dimensions[col].width = w
    ws.print_title_rows = "1:1"
    _a4_landscape(ws)
    _header(ws, ["Unit", "Kesiapan", "Kekurangan (syarat yang belum terpenuhi)"])
    ws.auto_filter.ref = f"A1:C{1 + sum(len(u.gaps or []) for u in data.units)}"
    r = 1
    for u in data.units:
        for gap in u.gaps or []:
            r += 1
            ws.row_dimensions[r].height = row_height([(u.name, 40), (gap, 110)])
            _append(ws, [_cell(ws, u.name, wrap=True), u.verdict, _cell(ws, gap, wrap=True)])
