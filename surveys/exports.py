"""Workbooks of the surveys app (openpyxl only: rows in, workbook out): the anonymised responses with
the computation an Inspektorat can check by hand, and the list of one-time codes to print."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from evaluations.exports import _text_only

from . import indices
from .models import FLAGS

BOLD = Font(bold=True)


def _head(ws, values):
    ws.append(values)
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def results_workbook(period, data, rows, intact: tuple[int, int] | None = None) -> Workbook:
    """``intact``: (responses whose HMAC matches what they hold, all responses) when checked."""
    wb = Workbook()
    summary = wb.active
    summary.title = _("Ringkasan")
    summary.append([_("Hasil survei %(u)s — %(r)s") % {"u": period.unit.name, "r": period.round.name}])
    summary["A1"].font = BOLD
    summary.append([_("Dibuat"), date_format(timezone.localtime(), "j F Y H.i T")])
    summary.append([_("Periode survei"), _("%(a)s s.d. %(b)s") % {"a": f"{period.opens_on:%d-%m-%Y}",
                                                                   "b": f"{period.closes_on:%d-%m-%Y}"},
                    period.get_status_display()])
    summary.append([_("Jawaban diterima"), data.received])
    summary.append([_("Dikecualikan admin"), data.excluded])
    summary.append([_("Responden dihitung"), data.respondents, _("minimal %(m)d") % {"m": period.minimum}])
    if period.seal:
        summary.append([_("Segel (SHA-256 atas HMAC seluruh jawaban)"), period.seal])
    if intact is not None:
        ok, total = intact
        summary.append([_("Keutuhan jawaban (HMAC diperiksa ulang)"),
                        _("semua %(n)d cocok") % {"n": total} if ok == total
                        else _("%(bad)d dari %(n)d TIDAK cocok: diubah setelah dikirim") % {"bad": total - ok, "n": total}])
    summary.append([])
    _head(summary, [_("Survei"), _("Nilai (1–4, ke LKE 0–4)"), _("Skor LKE (nilai / 4 × 17,5)")])
    for label, result in (("IPAK (SPAK)", data.spak), ("IPKP (SPKP)", data.spkp)):
        summary.append([label, result.overall.value, result.overall.score])
    summary.append([])
    _head(summary, [_("Jenis layanan"), _("Responden"), "IPAK", "IPKP"])
    for s in data.services:
        summary.append([s.name, data.per_service.get(s.pk, 0), data.spak.services[s.pk].value,
                        data.spkp.services[s.pk].value])
    summary.append([])
    summary.append([_("Cara hitung: indeks butir = rata-rata nilai responden yang dihitung; indeks aspek = rata-rata "
                      "indeks butirnya; nilai survei = rata-rata indeks aspek (bobot sama), dibulatkan 2 desimal.")])
    for label, result in (("SPAK", data.spak), ("SPKP", data.spkp)):
        low, high = result.instrument.scale_min, result.instrument.scale_max
        if (low, high) != (1, 4):
            summary.append([_("%(s)s memakai skala %(lo)d–%(hi)d: rata-rata butir dikonversi ke 1–4 dengan "
                              "x' = 1 + (x − %(lo)d) × 3 / (%(hi)d − %(lo)d) sebelum dihitung.")
                            % {"s": label, "lo": low, "hi": high}])
    summary.column_dimensions["A"].width = 44
    summary.column_dimensions["B"].width = 22
    summary.column_dimensions["C"].width = 26

    calc = wb.create_sheet(_("Perhitungan"))
    _head(calc, [_("Survei"), _("Aspek"), _("Kode"), _("Pertanyaan"), _("Indeks butir"), _("Indeks aspek")])
    for label, result in (("SPAK", data.spak), ("SPKP", data.spkp)):
        for item in result.items:
            calc.append([label, item.aspect.name, item.code, item.text,
                         indices.round2(result.overall.items.get(str(item.pk))),
                         indices.round2(result.overall.aspects.get(item.aspect.code))])
    calc.column_dimensions["D"].width = 70

    items = data.spkp.items + data.spak.items
    sheet = wb.create_sheet(_("Jawaban"))
    _head(sheet, [_("Tanda terima"), _("Tanggal"), _("Jenis layanan"), _("Tanda"), _("Dikecualikan"), _("Alasan"),
                  *[i.code for i in items]])
    for row, (response, values) in enumerate(rows, start=2):
        exclusion = getattr(response, "exclusion", None)
        sheet.append([response.receipt, timezone.localtime(response.submitted_at).date(), response.service.name,
                      "; ".join(str(FLAGS.get(f, f)) for f in response.flags.split(",") if f),
                      _("ya") if exclusion else "", exclusion.reason if exclusion else "",
                      *[values.get(i.pk) for i in items]])
        sheet.cell(row=row, column=2).number_format = "DD-MM-YYYY"  # (max_row would scan every row each time)
    _text_only(wb)  # a service name or a reason typed as "=…" stays text
    return wb


def codes_workbook(period, codes, used_by_batch: dict[int, int]) -> Workbook:
    """The codes to print, and per batch how many were used — never which (a code is printed on a
    receipt that may carry the person's name)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kode survei")
    _head(ws, [_("Kode"), _("Batch")])
    for c in codes:
        ws.append([c.code, c.batch])
    ws.column_dimensions["A"].width = 14
    used = wb.create_sheet(_("Terpakai per batch"))
    _head(used, [_("Batch"), _("Kode"), _("Terpakai")])
    for batch, (total, n) in sorted(used_by_batch.items()):
        used.append([batch, total, n])
    _text_only(wb)
    return wb
