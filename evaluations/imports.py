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
from decimal import Decimal
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from . import answer_types, limits, numbers, packages
from .exports import KEY_HEADER, LKE_SHEET
from .scoring import OPTION_VALUES

LIMITS = {code: (t.low, t.high) for code, t in answer_types.TYPES.items() if not t.takes_option}
log = logging.getLogger(__name__)
TYPE_LABEL = {code: t.workbook_label for code, t in answer_types.TYPES.items() if t.takes_option}
TYPE_NAME = {"persen": gettext_lazy("persentase"), "jumlah": gettext_lazy("jumlah"), "indeks": gettext_lazy("nilai survei")}


@dataclass(frozen=True)
class ImportQuestion:
    key: str
    text: str
    answer_type: str
    formula: str = ""
    where: str = ""  # how a person finds it: "IV. Penguatan Akuntabilitas · Keterlibatan Pimpinan · butir c"

    @property
    def label(self) -> str:
        return self.where or self.key


@dataclass(frozen=True)
class ImportRow:
    row: int
    key: str
    option: str = ""
    number: Decimal | None = None
    explanation: str | None = None  # None: leave the stored explanation as it is; "": clear it
    revision: int | None = None  # the answer's revision when the file was exported (this app's export)
    file_text: str = ""  # the row's question text, when it matched its place only loosely


@dataclass
class ImportResult:
    layout: str = ""  # "app" | "official"
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exported_at: str = ""  # ISO time this app's export was made, when the file says
    links: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # key → [(row, url)] from column Q
    notes: list[str] = field(default_factory=list)  # what was read but left out (not an error)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalize(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = re.sub(r"^[\s\-–•]+", "", text)
    return re.sub(r"[^\w%]+", " ", text).strip()


MAX_ROWS = 1000  # the LKE sheet has about 220 rows (official) or 150 (this app's export)
MAX_COLUMNS = 18  # A–Q, and R: this app's revision column
MAX_TEXT = limits.EXPLANATION  # an explanation, as the form allows
CLEAR = "[hapus]"  # typed in the explanation column, clears the stored explanation (an empty cell keeps it)
REVISION_HEADER = "Revisi"
A, B, C, D, E, F, G, J, K, M, O, Q, R = 0, 1, 2, 3, 4, 5, 6, 9, 10, 12, 14, 16, 17
HTTP_URL = URLValidator(schemes=["http", "https"])
MAX_NOTES = 50  # what the preview lists of ignored cells; the rest counted
URL_RE = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
OWN_EVIDENCE = re.compile(r"/kertas-kerja/\d+/bukti/\d+/?$")  # this app's download address of an attached file
MAX_LINKS = 20  # per question


def evidence_links(text: str, row: int, label: str, notes: list[str]) -> list[str]:
    """The links of one evidence cell (the export writes one per line; a file of this app reads
    "name — address" and is already attached, so it is not a link to add). Anything else on a line
    is noted, not refused: the answers in the file still count."""
    links = []
    for line in str(text or "").splitlines()[:200]:
        line = line.strip()
        if not line:
            continue
        found = URL_RE.findall(line)
        if not found:
            notes.append(_("Baris %(row)d (%(key)s): “%(text)s” di kolom bukti dukung bukan tautan; diabaikan.") % {
                "row": row, "key": label, "text": line[:60]})
            continue
        for url in found:
            url = url.rstrip(".,;)")
            if OWN_EVIDENCE.search(url):
                continue
            try:
                HTTP_URL(url)
            except ValidationError:
                notes.append(_("Baris %(row)d (%(key)s): “%(text)s” bukan tautan yang sah; diabaikan.") % {
                    "row": row, "key": label, "text": url[:60]})
                continue
            if len(url) > limits.URL:
                notes.append(_("Baris %(row)d (%(key)s): tautan lebih dari %(max)d karakter; diabaikan.") % {
                    "row": row, "key": label, "max": limits.URL})
                continue
            if url not in links:
                links.append(url)
    if len(links) > MAX_LINKS:
        notes.append(_("Baris %(row)d (%(key)s): hanya %(max)d tautan pertama yang dibaca.") % {
            "row": row, "key": label, "max": MAX_LINKS})
    return links[:MAX_LINKS]


def parse(fileobj, questions: list[ImportQuestion]) -> ImportResult:
    """Read a workbook with bounds on everything: the package is checked before anything is
    inflated (members, sizes, ratios, no DOCTYPE), at most ``MAX_ROWS`` rows of ``MAX_COLUMNS``
    cells are streamed, and any file the parsers cannot read — corrupt, truncated, hostile XML —
    gets a message instead of an error page. No database access: call it outside a transaction."""
    result = ImportResult()
    try:
        packages.open_zip(fileobj, packages.WORKBOOK, forbid_doctype=True)
    except packages.PackageError as exc:
        result.errors.append(str(exc))  # the page's heading already says the file was refused
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
    header = next((i for i, r in enumerate(rows[:15]) if _text(r, 7) == KEY_HEADER), None)
    result.layout = "app" if header is not None else "official"
    try:
        found = list(_app_rows(rows, header, questions, result) if header is not None
                     else _official_rows(rows, questions, result))
    except Exception:  # noqa: BLE001 — a layout this reader does not understand: words, not an error page
        log.exception("workbook rows could not be placed")
        result.errors.append(_("Susunan lembar “%(sheet)s” tidak dikenali; gunakan berkas ekspor ZI Tracker atau "
                               "LKE resmi tanpa mengubah susunan barisnya.") % {"sheet": LKE_SHEET})
        return result
    seen: dict[str, int] = {}
    for excel_row, q, answer_cell, explanation_text, revision, loose in found:
        if q.key in seen:
            result.errors.append(_("Baris %(row)d: pertanyaan %(key)s sudah ada di baris %(first)d.") % {
                "row": excel_row, "key": q.label, "first": seen[q.key]})
            continue
        seen[q.key] = excel_row
        if q.formula:
            continue  # computed from the counts
        explanation = _explanation(explanation_text, excel_row, q, result.errors)
        if explanation is False:
            continue
        answer = None if answer_cell is None else answer_cell.value
        if answer in (None, "") and explanation is None:
            continue
        parsed = _parse_answer(q, answer, answer_cell, excel_row, result.errors)
        if parsed is not None:
            option, number = parsed
            result.rows.append(ImportRow(excel_row, q.key, option, number, explanation, revision, loose))
    if len(result.notes) > MAX_NOTES:
        more = len(result.notes) - MAX_NOTES
        result.notes[MAX_NOTES:] = [_("… dan %(n)d catatan lain di kolom bukti dukung.") % {"n": more}]
    if not result.rows and not result.errors and not result.links:
        result.errors.append(_("Tidak ada jawaban yang ditemukan di kolom K lembar “%(sheet)s”.") % {"sheet": LKE_SHEET})
    result.errors.sort(key=_row_of)  # the report reads down the sheet
    return result


def _row_of(message: str) -> int:
    match = re.match(r"\D*(\d+)", message)
    return int(match.group(1)) if match else 0


def _row_number(cells, index: int) -> int:
    """The sheet row of a streamed row (empty cells carry no row number; rows are read from 1)."""
    return next((c.row for c in cells if getattr(c, "row", None)), index + 1)


def _cell(cells, i):
    return cells[i] if i < len(cells) else None


def _text(cells, i) -> str:
    cell = _cell(cells, i)
    return "" if cell is None or cell.value is None else str(cell.value).strip()[:2000]


def _explanation(text, row, q, errors):
    """None: keep the stored explanation; "": clear it (the ``[hapus]`` marker); False: refused."""
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    if text.lower() == CLEAR:
        return ""
    if len(text) > MAX_TEXT:
        errors.append(_("Baris %(row)d (%(key)s): penjelasan %(n)s karakter; paling banyak %(max)s.") % {
            "row": row, "key": q.label, "n": numbers.plain(len(text)), "max": numbers.plain(MAX_TEXT)})
        return False
    return text


def _app_rows(rows, header, questions, result):
    """This app's export: the key in H, the answer in K, the explanation in M, the revision in R."""
    by_key = {q.key: q for q in questions}
    exported = _text(rows[header - 1], R) if header else ""
    result.exported_at = exported if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.+\-]+", exported) else ""
    for index, cells in enumerate(rows):
        if index <= header:
            continue
        key = _text(cells, 7)[:100]
        if not key:
            continue
        excel_row = _row_number(cells, index)
        q = by_key.get(key)
        if q is None:
            result.errors.append(_("Baris %(row)d: kunci “%(key)s” tidak ada di template LKE ini.") % {
                "row": excel_row, "key": key})
            continue
        revision = _text(cells, R)
        links = evidence_links(_text(cells, Q), excel_row, q.label, result.notes)
        if links:
            result.links[q.key] = [(excel_row, url) for url in links]
        yield (excel_row, q, _cell(cells, K), _cell(cells, M).value if _cell(cells, M) is not None else None,
               int(revision) if revision.isdigit() else None, "")


ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
OFFICIAL_TYPES = {"ya": "ya_tidak", "ya/tidak": "ya_tidak", "a/b": "ab", "a/b/c": "abc", "a/b/c/d": "abcd",
                  "a/b/c/d/e": "abcde", "%": "persen", "jumlah": "jumlah", "nilai (0-4)": "indeks",
                  "nilai(0-4)": "indeks", "nilai": "indeks"}


def _marker(text: str) -> str:
    """"a." / "a" / "c. " / "I." / "1." / "ii." → "a", "i", "1", "ii"; anything else → ""."""
    match = re.fullmatch(r"\s*([A-Za-z]{1,4}|\d{1,2})\s*\.?\s*", text or "")
    return match.group(1).lower() if match else ""


def _official_rows(rows, questions, result):
    """The official workbook (Lampiran III): each row is placed by the structure around it —
    component (A./B.), part (PEMENUHAN / REFORM), area (1.–6.; in HASIL I./II.), indicator (i., ii.,
    …) and its position under the indicator — and its text only confirms the place. Question letters
    may be "a.", "a", "-" or re-typed; count rows start with "- "; the regulation's own typos stay. A
    row whose text differs from the template's is still placed, and named in the preview."""
    by_indicator: dict[tuple, list[ImportQuestion]] = {}
    indicators: dict[tuple, list[str]] = {}
    for q in questions:
        area, part, ind, _letter = q.key.split(".")
        by_indicator.setdefault((area, part, ind), []).append(q)
        if ind not in indicators.setdefault((area, part), []):
            indicators[(area, part)].append(ind)
    component = part = area = indicator = None
    position = hasil_items = 0
    for index, cells in enumerate(rows):
        excel_row = _row_number(cells, index)
        b, c, d, e, f, g = (_text(cells, i) for i in (B, C, D, E, F, G))
        kind = OFFICIAL_TYPES.get(re.sub(r"\s+", " ", _text(cells, J).lower()), "")
        upper = " ".join(x.upper() for x in (c, d) if x)
        if _marker(b) in ("a", "b") and ("PENGUNGKIT" in upper or "HASIL" in upper):
            component, part, area, indicator = ("hasil" if "HASIL" in upper else "pengungkit"), None, None, None
            continue
        if component == "pengungkit" and _marker(c) and normalize(d) in ("pemenuhan", "reform"):
            part, area, indicator = normalize(d), None, None
            continue
        if component == "pengungkit" and part and _marker(d).isdigit() and e and not kind:
            number = int(_marker(d))
            area, indicator = (["I", "II", "III", "IV", "V", "VI"][number - 1] if 1 <= number <= 6 else None), None
            continue
        if component == "hasil" and _marker(c) in ("i", "ii") and d and not kind:
            part, area, indicator, hasil_items = "hasil", {"i": "H-I", "ii": "H-II"}[_marker(c)], None, 0
            continue
        if component == "pengungkit" and area and _marker(e) in ROMAN:  # questions never use column E
            known = indicators.get((area, part), [])
            at = known.index(indicator) + 1 if indicator in known else 0
            following = known[at] if at < len(known) else None
            if _marker(e) == following:  # the next indicator; any other numeral is a sub-heading inside one
                indicator, position = following, 0
            continue
        if not kind or not area:
            continue
        if component == "hasil":
            known = indicators.get((area, "hasil"), [])
            indicator = known[hasil_items] if hasil_items < len(known) else None
            hasil_items, position, text = hasil_items + 1, 0, e
        else:
            text = g or f
        candidates = by_indicator.get((area, part, indicator), [])
        if position >= len(candidates):
            result.errors.append(_("Baris %(row)d: “%(text)s” tidak ada pada tempatnya di template LKE ini "
                                   "(%(where)s).") % {"row": excel_row, "text": text[:80],
                                                       "where": f"{area} · {part} · {indicator or '—'}"})
            continue
        q = candidates[position]
        position += 1
        if kind != q.answer_type and not (kind == "ya_tidak" and q.answer_type == "ya_tidak"):
            result.errors.append(_("Baris %(row)d: jenis jawaban “%(found)s” berbeda dengan template (%(key)s, "
                                   "%(expected)s); periksa baris ini di berkas.") % {
                "row": excel_row, "found": _text(cells, J), "key": q.label,
                "expected": TYPE_LABEL.get(q.answer_type, TYPE_NAME.get(q.answer_type, q.answer_type))})
            continue
        close = SequenceMatcher(None, normalize(text), normalize(q.text)).ratio() >= 0.9
        yield excel_row, q, _cell(cells, K), _text(cells, O) or None, None, "" if close else text


def _parse_answer(q, value, cell, row, errors):
    """(option, number) for a cell, or None after adding the reason to ``errors``."""
    where = _("Baris %(row)d (%(key)s)") % {"row": row, "key": q.label}
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
    number = _number(value, grouping=q.answer_type == answer_types.JUMLAH)
    if number is None:
        errors.append(_("%(where)s: “%(value)s” bukan angka.") % {"where": where, "value": value})
        return None
    if q.answer_type == "persen" and cell is not None and "%" in str(getattr(cell, "number_format", "")):
        number *= 100  # an Excel percentage cell stores 0.875 for 87,5%
    low, high = LIMITS[q.answer_type]
    if number < 0:
        errors.append(_("%(where)s: %(what)s tidak boleh negatif (tertulis %(value)s).") % {
            "where": where, "what": TYPE_NAME[q.answer_type], "value": _plain(number)})
        return None
    if number > high:
        errors.append(_("%(where)s: %(what)s paling besar %(high)s (tertulis %(value)s).") % {
            "where": where, "what": TYPE_NAME[q.answer_type], "value": _plain(number), "high": _plain(high)})
        return None
    if q.answer_type == "jumlah" and number != number.to_integral_value():
        errors.append(_("%(where)s: jumlah harus bilangan bulat, bukan %(value)s.") % {"where": where,
                                                                                     "value": _plain(number)})
        return None
    return "", number.quantize(Decimal("0.01"))


def _number(value, *, grouping: bool = False) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return numbers.parse(str(value).strip().rstrip("%"), grouping=grouping)


def _plain(d: Decimal) -> str:
    return numbers.plain(d, grouping=False)


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
                    "sheet": LKE_SHEET, "max": numbers.plain(MAX_ROWS)})
                return None
            rows.append(cells)
        return rows
    finally:
        wb.close()
