"""A workbook in the official LKE ZI layout (Lampiran III), written by the tests themselves from the
shipped fixture — with what real filled copies carry: the PEMENUHAN section for all six areas before
the REFORM section, letters written "a.", "a", "-" or swapped ("c." before "b."), count rows
starting with "- ", trailing spaces, the regulation's own typos and re-typed texts, the LHKPN block's
sub-headings, an indicator heading carrying a "%" in its answer-type column, formulas cached in the
computed cells, and the hasil items in columns D/E (the real copy's layout, read 2026-11)."""

import io
import json
from pathlib import Path

from openpyxl import Workbook

from evaluations.imports import ImportQuestion

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lke_zi_permenpanrb_90_2021.json"
TYPE_LABEL = {"ya_tidak": "Ya/Tidak", "ab": "A/B", "abc": "A/B/C", "abcd": "A/B/C/D", "abcde": "A/B/C/D/E",
              "persen": "%", "jumlah": "Jumlah", "indeks": "Nilai\n(0-4)"}
BEST = {"ya_tidak": "Ya", "ab": "A", "abc": "A", "abcd": "A", "abcde": "A", "indeks": 4}
# Text as real copies have it, where it differs from the fixture (the regulation's typos, re-typed rows).
RETYPED = {
    "IV.pemenuhan.ii.h": "Unit kerja telah berupaya meningkatkan kapasitas SDM yang menangangi akuntabilitas kinerja",
    "I.reform.i.e": "Jumlah Perubahan yang dibuat",
    "V.reform.iii.j": "Pejabat Penawas (eselon IV)",
}


def lke_questions():
    """Every question of the fixture as the importer sees it (ImportQuestion), in template order."""

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    out = []
    for comp in data["components"]:
        for area in comp["areas"]:
            for part in area["parts"]:
                for ind in part["indicators"]:
                    for q in ind["questions"]:
                        out.append(ImportQuestion(f"{area['code']}.{part['kind']}.{ind['code']}.{q['code']}", q["text"],
                                                  q["answer_type"], q.get("formula") or ""))
    return out


def official_workbook(answer=None, explanation=None, extra_rows=None) -> io.BytesIO:
    """``answer(key, answer_type)`` → the K cell (default: the best answer, counts 10 — 0 violations);
    ``explanation(key)`` → column O; ``extra_rows``: {after key: [row cells]} for damaged copies."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    answer = answer or _best
    explanation = explanation or (lambda key: None)
    extra_rows = extra_rows or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "LKE ZI"
    ws.append(["LAMPIRAN III PERATURAN MENTERI PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI"])
    ws.append([1, "Penilaian", None, None, None, None, None, "Bobot", "Penjelasan", "Pilihan Jawaban", "Jawaban",
               "Nilai", " %", None, "Catatan/Keterangan/Penjelasan"])
    ws.append([2])
    pengungkit, hasil = data["components"]
    ws.append([3, "A.", "PENGUNGKIT", None, None, None, None, 60])
    for part_no, kind in (("I.", "pemenuhan"), ("II.", "reform")):
        ws.append([None, None, part_no, kind.upper(), None, None, None, 30])
        for number, area in enumerate(pengungkit["areas"], start=1):
            ws.append([None, None, None, f"{number}.", area["name"].upper() + " ", None, None, area["weight"]])
            part = next(p for p in area["parts"] if p["kind"] == kind)
            for ind in part["indicators"]:
                key = f"{area['code']}.{kind}.{ind['code']}"
                heading_type = "%" if key == "V.reform.ii" else None
                ws.append([None, None, None, None, f"{ind['code']}.", ind["name"] + " ", None, ind["weight"], None,
                           heading_type])
                for position, q in enumerate(ind["questions"]):
                    qkey = f"{key}.{q['code']}"
                    if qkey == "V.reform.iii.a":  # the LHKPN block's sub-headings, as in the real copy
                        ws.append([None, None, None, None, "i.", "Penyampaian Laporan Harta Kekayaan Pejabat Negara",
                                   None, 1])
                    if qkey == "V.reform.iii.g":
                        ws.append([None, None, None, None, None, "Penyampaian Laporan Harta Kekayaan ASN", None, 1])
                    ws.append(_question_row(qkey, q, position, key, answer, explanation))
                    for extra in extra_rows.get(qkey, []):
                        ws.append(extra)
    ws.append([211, "TOTAL PENGUNGKIT"])
    ws.append([214, "B.", "HASIL", None, None, None, None, 40])
    for part_no, area in zip(("I.", "II."), hasil["areas"], strict=True):
        ws.append([None, None, part_no, area["name"].upper(), None, None, None, area["weight"]])
        letters = "abcdef"
        items = [(ind, q) for part in area["parts"] for ind in part["indicators"] for q in ind["questions"]]
        for i, (ind, q) in enumerate(items):
            qkey = f"{area['code']}.hasil.{ind['code']}.{q['code']}"
            ws.append([None, None, None, letters[i], q["text"], None, None, ind["weight"], q.get("guidance", ""),
                       TYPE_LABEL[q["answer_type"]], answer(qkey, q["answer_type"]), None, None, None,
                       explanation(qkey)])
    ws.append([222, "TOTAL HASIL"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "LKE ZI resmi.xlsx"
    return buf


def _question_row(qkey, q, position, ind_key, answer, explanation):
    text = RETYPED.get(qkey, q["text"])
    if q["answer_type"] == "jumlah" and not q.get("formula"):
        letter, text = None, "- " + text  # count rows: no letter, a dash in the text
    elif qkey.startswith("VI.pemenuhan.v.") and q["code"] in "bc":
        letter = {"b": "c. ", "c": "b."}[q["code"]]  # the real copy's swapped labels
    elif ind_key.startswith(("III.reform", "V.reform.ii", "V.reform.iii")) or q["code"] == "a" and len(q["text"]) > 90:
        letter = "-" if ind_key.startswith("V.reform") else "a"
    else:
        letter = f"{q['code']}."
    value = "=IF(OR(K1=\"\"),\"Blm Diisi\",1)" if q.get("formula") else answer(qkey, q["answer_type"])
    return [None, None, None, None, None, letter, text + "  ", None, "", TYPE_LABEL[q["answer_type"]], value, None,
            None, None, explanation(qkey)]


def _best(key, answer_type):
    if answer_type == "jumlah":
        if key.startswith("III.reform.iii."):
            return 0  # no violations either year: 100%
        return 30 if key in ("V.reform.iii.f", "V.reform.iii.l") else 10  # all 30 obliged reported; else 10 of 10
    if answer_type == "persen":
        return 100
    return BEST[answer_type]
