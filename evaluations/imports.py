"""Reading a filled LKE workbook: pure (no ORM). Workbook in; answers or a row-by-row report out.

Two layouts are read from sheet "LKE ZI":
- this app's export: column H holds each question's key, K the unit's answer, M its explanation;
- the official workbook: no keys, so each row's question text (G) is matched with the template's,
  in document order (so repeated texts such as "Jumlah yang harus melaporkan" land on the right
  row), and the answer is read from K. Rows the template does not know are reported.
A computed percentage is never read (the app computes it from the counts).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from . import limits, packages
from .exports import KEY_HEADER, LKE_SHEET
from .scoring import OPTION_VALUES

LIMITS = {"persen": (Decimal("0"), Decimal("100")), "jumlah": (Decimal("0"), Decimal("999999999")),
          "indeks": (Decimal("0"), Decimal("4"))}  # the survey value 0–4, as the workbook validates it
log = logging.getLogger(__name__)
TYPE_LABEL = {"ya_tidak": "Ya/Tidak", "ab": "A/B", "abc": "A/B/C", "abcd": "A/B/C/D", "abcde": "A/B/C/D/E"}


@dataclass(frozen=True)
class ImportQuestion:
    key: str
    text: str
    answer_type: str
    formula: str = ""


@dataclass(frozen=True)
class ImportRow:
    row: int
    key: str
    option: str = ""
    number: Decimal | None = None
    explanation: str | None = None  # None: the file has no explanation column (leave it as it is)


@dataclass
class ImportResult:
    layout: str = ""  # "app" | "official"
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalize(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = re.sub(r"^[\s\-–•]+", "", text)
    return re.sub(r"[^\w%]+", " ", text).strip()


MAX_ROWS = 1000  # the LKE sheet has about 220 rows (official) or 150 (this app's export)
MAX_COLUMNS = 17  # A–Q
MAX_TEXT = limits.EXPLANATION  # an explanation, as the form allows


def parse(fileobj, questions: list[ImportQuestion]) -> ImportResult:
    """Read a workbook with bounds on everything: the package is checked before anything is
    inflated (members, sizes, ratios, no DOCTYPE), at most ``MAX_ROWS`` rows of ``MAX_COLUMNS``
    cells are streamed, and any file the parsers cannot read — corrupt, truncated, hostile XML —
    gets a message instead of an error page. No database access: call it outside a transaction."""
    result = ImportResult()
    try:
        packages.open_zip(fileobj, packages.WORKBOOK, forbid_doctype=True)
    except packages.PackageError as exc:
        result.errors.append(_("Berkas ditolak: %(reason)s") % {"reason": exc})
        return result
    try:
        fileobj.seek(0)
        rows = _read_rows(fileobj, result)
    except Exception:  # noqa: BLE001 — a file from outside: whatever the parsers raise, the person gets words
        log.info("workbook could not be read", exc_info=True)
        result.errors.append(_("Berkas tidak dapat dibaca sebagai workbook Excel (.xlsx): isinya rusak atau "
                               "bukan workbook biasa. Simpan ulang dari Excel/LibreOffice lalu unggah lagi."))
        return result
    if rows is None:
        return result
    header = next((i for i, r in enumerate(rows[:15]) if len(r) > 7 and str(r[7].value or "").strip() == KEY_HEADER),
                  None)
    result.layout = "app" if header is not None else "official"
    by_key = {q.key: q for q in questions}
    seen: dict[str, int] = {}
    matcher = _TextMatcher(questions)
    for index, cells in enumerate(rows):
        if header is not None and index <= header:
            continue
        excel_row = cells[0].row if cells and hasattr(cells[0], "row") else index + 1
        get = {i: (cells[i] if i < len(cells) else None) for i in (6, 7, 10, 12)}
        answer_cell = get[10]
        answer = None if answer_cell is None else answer_cell.value
        if result.layout == "app":
            key = str(get[7].value or "").strip()[:100] if get[7] is not None else ""
            if not key:
                continue
            q = by_key.get(key)
            if q is None:
                result.errors.append(_("Baris %(row)d: kunci “%(key)s” tidak ada di template LKE ini.") % {
                    "row": excel_row, "key": key})
                continue
        else:
            text = str(get[6].value)[:2000] if get[6] is not None and get[6].value is not None else None
            if not normalize(text):
                continue
            q = matcher.match(text)
            if q is None:
                if answer not in (None, ""):
                    result.errors.append(_("Baris %(row)d: pertanyaan “%(text)s” tidak ada di template LKE ini.") % {
                        "row": excel_row, "text": str(text)[:80]})
                continue
        if q.key in seen:
            result.errors.append(_("Baris %(row)d: pertanyaan %(key)s sudah ada di baris %(first)d.") % {
                "row": excel_row, "key": q.key, "first": seen[q.key]})
            continue
        seen[q.key] = excel_row
        if q.formula:
            continue  # computed from the counts
        explanation = None
        if result.layout == "app" and get[12] is not None:
            explanation = str(get[12].value or "").strip()
            if len(explanation) > MAX_TEXT:
                result.errors.append(_("Baris %(row)d (%(key)s): penjelasan %(n)s karakter; paling banyak %(max)s.") % {
                    "row": excel_row, "key": q.key, "n": f"{len(explanation):,}".replace(",", "."),
                    "max": f"{MAX_TEXT:,}".replace(",", ".")})
                continue
        if answer in (None, "") and not explanation:
            continue
        parsed = _parse_answer(q, answer, answer_cell, excel_row, result.errors)
        if parsed is not None:
            option, number = parsed
            result.rows.append(ImportRow(excel_row, q.key, option, number, explanation))
    if not result.rows and not result.errors:
        result.errors.append(_("Tidak ada jawaban yang ditemukan di kolom K lembar “%(sheet)s”.") % {"sheet": LKE_SHEET})
    return result


def _parse_answer(q, value, cell, row, errors):
    """(option, number) for a cell, or None after adding the reason to ``errors``."""
    where = _("Baris %(row)d (%(key)s)") % {"row": row, "key": q.key}
    if value in (None, ""):
        return "", None
    if q.answer_type in OPTION_VALUES:
        letters = list(OPTION_VALUES[q.answer_type])
        text = str(value).strip().rstrip(".")
        match = next((letter for letter in letters if letter.lower() == text.lower()), None)
        if match is None:
            errors.append(_("%(where)s: jawaban “%(value)s” tidak dikenal untuk %(type)s (pilihan: %(letters)s).") % {
                "where": where, "value": text, "type": TYPE_LABEL[q.answer_type], "letters": ", ".join(letters)})
            return None
        return match, None
    number = _number(value)
    if number is None:
        errors.append(_("%(where)s: “%(value)s” bukan angka.") % {"where": where, "value": value})
        return None
    if q.answer_type == "persen" and cell is not None and "%" in str(getattr(cell, "number_format", "")):
        number *= 100  # an Excel percentage cell stores 0.875 for 87,5%
    low, high = LIMITS[q.answer_type]
    if not low <= number <= high:
        what = {"persen": _("persentase"), "jumlah": _("jumlah"), "indeks": _("indeks")}[q.answer_type]
        errors.append(_("%(where)s: %(what)s %(value)s di luar rentang %(low)s–%(high)s.") % {
            "where": where, "what": what, "value": _plain(number), "low": _plain(low),
            "high": _plain(high) if q.answer_type != "jumlah" else "…"})
        return None
    if q.answer_type == "jumlah" and number != number.to_integral_value():
        errors.append(_("%(where)s: jumlah harus bilangan bulat, bukan %(value)s.") % {"where": where,
                                                                                     "value": _plain(number)})
        return None
    return "", number.quantize(Decimal("0.01"))


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").rstrip("%")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _plain(d: Decimal) -> str:
    return f"{d.normalize():f}".replace(".", ",")


def _read_rows(fileobj, result: ImportResult):
    """The sheet's first ``MAX_ROWS`` rows (cells A–Q), streamed; None after reporting why not."""
    wb = load_workbook(fileobj, read_only=True, data_only=True)
    try:
        if LKE_SHEET not in wb.sheetnames:
            result.errors.append(_("Lembar (sheet) “%(sheet)s” tidak ditemukan; lembar yang ada: %(found)s.") % {
                "sheet": LKE_SHEET, "found": ", ".join(name[:40] for name in wb.sheetnames[:20]) or "—"})
            return None
        rows = []
        for cells in wb[LKE_SHEET].iter_rows(min_row=1, max_col=MAX_COLUMNS):
            if len(rows) == MAX_ROWS:
                result.errors.append(_("Lembar “%(sheet)s” berisi lebih dari %(max)s baris; LKE hanya beberapa ratus "
                                       "baris. Hapus baris tambahan lalu unggah lagi.") % {
                    "sheet": LKE_SHEET, "max": f"{MAX_ROWS:,}".replace(",", ".")})
                return None
            rows.append(cells)
        return rows
    finally:
        wb.close()


class _TextMatcher:
    """Matches official-workbook rows to template questions by text, never going backwards."""

    def __init__(self, questions):
        self.questions = list(questions)
        self.position = 0
        self.by_text: dict[str, list[int]] = {}
        for i, q in enumerate(self.questions):
            self.by_text.setdefault(normalize(q.text), []).append(i)

    def match(self, text):
        for i in self.by_text.get(normalize(text), []):
            if i >= self.position:
                self.position = i + 1
                return self.questions[i]
        return None
