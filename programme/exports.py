"""The programme's workbook for an Inspektorat to print: every unit's rencana aksi with its quarterly
realisation, and every unit's progress — A4 landscape, the header on every page, wrapped text with
row heights set (the same helpers as the round recap). openpyxl only: rows in, workbook out."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from evaluations.exports import _a4_landscape, _append, _cell, _header, row_height


@dataclass
class PlanRow:
    unit: str
    area: str
    description: str
    indicators: str
    target: str
    output: str
    pic: str
    due: object
    budget: object
    status: str
    quarters: list  # realisation % per quarter (None: not reported)
    obstacles: str = ""


@dataclass
class PlanData:
    title: str
    title_block: list[str] = field(default_factory=list)
    plans: list[PlanRow] = field(default_factory=list)
    progress: list[list] = field(default_factory=list)  # rows of the progress table, as shown
    progress_headers: list[str] = field(default_factory=list)


PLAN_COLUMNS = [("No.", 5), (_("Unit"), 24), (_("Area"), 8), (_("Kegiatan"), 36), (_("Indikator LKE"), 20),
                (_("Target"), 22), (_("Keluaran"), 18), (_("PJ"), 16), (_("Batas"), 11), (_("Anggaran (Rp)"), 14),
                (_("Status"), 12), (_("TW I"), 7), (_("TW II"), 7), (_("TW III"), 7), (_("TW IV"), 7),
                (_("Kendala terakhir"), 26)]


def _title(ws, data) -> int:
    _append(ws, [_cell(ws, data.title, bold=True)])
    for line in data.title_block:
        _append(ws, [line])
    return 1 + len(data.title_block)


PROGRESS_EVERY = 500  # rows between two "how far" reports


def plan_workbook(data: PlanData, progress=None) -> Workbook:
    """``progress(done, total)`` is told every few hundred rows (the background job shows it)."""
    total = len(data.plans) + len(data.progress)
    tell = progress or (lambda done, total: None)
    tell(0, total)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(_("Rencana aksi")))
    widths = [w for _label, w in PLAN_COLUMNS]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    _a4_landscape(ws)  # (a write-only sheet writes its page properties with its first row)
    header = _title(ws, data) + 1
    ws.print_title_rows = f"{header}:{header}"
    ws.row_dimensions[header].height = row_height(PLAN_COLUMNS, bold=True)
    _header(ws, [str(label) for label, _w in PLAN_COLUMNS])
    for number, p in enumerate(data.plans, start=1):
        values = [number, p.unit, p.area, p.description, p.indicators, p.target, p.output, p.pic, p.due, p.budget,
                  p.status, *[f"{q}%" if q is not None else "—" for q in p.quarters], p.obstacles]
        ws.row_dimensions[header + number].height = row_height(zip(values, widths, strict=True))
        ws.append([_cell(ws, v, wrap=True, number_format="#,##0" if i == 9 and v is not None else
                         "DD-MM-YYYY" if i == 8 else None) for i, v in enumerate(values)])
        if number % PROGRESS_EVERY == 0:
            tell(number, total)
    ps = wb.create_sheet(str(_("Kemajuan unit")))
    p_widths = [30] + [14] * (len(data.progress_headers) - 1)
    for i, w in enumerate(p_widths, start=1):
        ps.column_dimensions[get_column_letter(i)].width = w
    _a4_landscape(ps)
    p_header = _title(ps, data) + 1
    ps.print_title_rows = f"{p_header}:{p_header}"
    ps.row_dimensions[p_header].height = row_height(zip(data.progress_headers, p_widths, strict=True), bold=True)
    _header(ps, data.progress_headers)
    for r, row in enumerate(data.progress, start=p_header + 1):
        ps.row_dimensions[r].height = row_height(zip(row, p_widths, strict=True))
        ps.append([_cell(ps, v, wrap=True, number_format="DD-MM-YYYY" if i in (1, 2) and v else None)
                   for i, v in enumerate(row)])
    tell(total, total)
    return wb
