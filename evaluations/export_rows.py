"""Reads for the Excel exports: the ORM and the pure scoring in, plain rows for ``exports`` out.

A fixed number of queries for one worksheet and for a whole round; the round recap reads answers
in chunks so memory stays flat however many units take part.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from units.models import Unit

from . import answer_types, exports, readiness, scoring, selectors
from .models import Answer, AnswerType, Evidence, Question, Worksheet, WorksheetScore

TYPE_LABEL = {code: t.workbook_label for code, t in answer_types.TYPES.items()}
ROMAN = ["I", "II", "III", "IV", "V", "VI"]


def _value(v: Fraction | None) -> Decimal | None:
    """A 0–1 question value as a number with up to four decimals (0.67, 0.5, 0.875)."""
    if v is None:
        return None
    return (Decimal(v.numerator) / Decimal(v.denominator)).quantize(Decimal("0.0001")).normalize()


def _answer_cell(q: Question, option: str, number: Decimal | None):
    if q.answer_type in TYPE_LABEL and q.answer_type not in (AnswerType.PERSEN, AnswerType.JUMLAH, AnswerType.INDEKS):
        return option or None
    return number


def lke_rows(worksheet: Worksheet, *, include_tpi: bool, base_url: str = "") -> list[exports.LkeRow]:
    spec = selectors.template_spec(worksheet.round.version_id)
    sets = selectors.answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {s: {} for s in selectors.VALUE_SETS}
    unit, tpi = scoring.score(spec, sets["unit"]), scoring.score(spec, sets["tpi"])
    questions = {q.key: q for q in Question.objects.filter(version_id=worksheet.round.version_id)
                 .prefetch_related("options")}
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet).prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("document__current", "version")
                 .order_by("attached_at", "pk")))}
    rows = []
    for c_index, comp in enumerate(spec.components):
        rows.append(exports.LkeRow("component", label=f"{'AB'[c_index]}. KOMPONEN {comp.code.upper()}",
                                   weight=comp.weight, text=comp.name, unit_value=unit.components[comp.code].score,
                                   tpi_value=tpi.components[comp.code].score))
        for area in comp.areas:
            label = f"{area.code}. {area.name.upper()}" if comp.code == "pengungkit" else area.name.upper()
            rows.append(exports.LkeRow("area", label=label, weight=area.weight, text=area.name,
                                       unit_value=unit.areas[area.code].score, tpi_value=tpi.areas[area.code].score))
            for part in area.parts:
                key = f"{area.code}.{part.kind}"
                if comp.code == "pengungkit":
                    rows.append(exports.LkeRow("part", part=part.kind.capitalize(), text=part.kind.upper(),
                                               weight=unit.parts[key].weight, unit_value=unit.parts[key].score,
                                               tpi_value=tpi.parts[key].score))
                for ind in part.indicators:
                    rows.append(exports.LkeRow("indicator", part=part.kind.capitalize(), numeral=f"{ind.code}.",
                                               text=ind.name, weight=ind.weight,
                                               unit_value=unit.indicators[ind.key].score,
                                               tpi_value=tpi.indicators[ind.key].score))
                    computed = {which: scoring.resolve_counts(ind.questions, sets[which]) for which in ("unit", "tpi")}
                    for qs in ind.questions:
                        row = _question_row(questions[qs.key], answers, unit, tpi, base_url, worksheet)
                        if qs.formula and qs.answer_type == scoring.JUMLAH:  # b = c + d + e: the count itself
                            row.unit_answer, row.tpi_answer = computed["unit"][qs.code], computed["tpi"][qs.code]
                        rows.append(row)
    rows.append(exports.LkeRow("total", label="TOTAL", text=_("Nilai total (pengungkit + hasil)"),
                               weight=unit.total.weight, unit_value=unit.total.score, tpi_value=tpi.total.score))
    return rows


def _question_row(q, answers, unit, tpi, base_url, worksheet):
    a = answers.get(q.pk)
    options = "\n".join(f"{o.letter}: {o.text}" if o.text and o.text != o.letter else o.letter
                        for o in q.options.all())
    if q.formula:
        options = _("Dihitung otomatis: %(f)s") % {"f": q.formula}
    elif q.guidance:
        options = "\n".join(filter(None, [options, q.guidance]))
    evidence = []
    for e in (a.evidence.all() if a else []):
        if not e.document.is_file:
            evidence.append(e.document.url)
        else:
            name = (e.version or e.document.current).original_name
            evidence.append(f"{name} — {base_url}/kertas-kerja/{worksheet.pk}/bukti/{e.pk}/")
    return exports.LkeRow(
        "question", letter=f"{q.code}.", text=q.text, key=q.key, options=options,
        answer_type=TYPE_LABEL[q.answer_type],
        unit_answer=None if q.formula or not a else _answer_cell(q, a.unit_option, a.unit_number),
        unit_value=_value(unit.questions.get(q.key)), unit_explanation=a.unit_explanation if a else "",
        tpi_answer=None if q.formula or not a else _answer_cell(q, a.tpi_option, a.tpi_number),
        tpi_value=_value(tpi.questions.get(q.key)), tpi_note=a.tpi_note if a else "",
        evidence="\n".join(evidence), revision=a.revision if a else 0)


def lke_meta(worksheet: Worksheet, *, include_tpi: bool) -> exports.LkeMeta:
    return exports.LkeMeta(
        instansi=worksheet.round.instansi.name, unit=worksheet.unit.name, round=worksheet.round.name,
        version=worksheet.round.version.name, status=worksheet.get_status_display(),
        exported_at=timezone.localtime().strftime("%d-%m-%Y %H.%M %Z"), include_tpi=include_tpi,
        exported_iso=timezone.now().isoformat(),
        notes=[_("Kolom K (jawaban unit) dan M (penjelasan) dapat diisi lalu diimpor kembali ke ZI Tracker; "
                 "kolom H (kunci) dan kolom R yang tersembunyi (revisi) jangan diubah."),
               _("Sel penjelasan yang kosong tidak mengubah penjelasan yang tersimpan; tulis [hapus] untuk "
                 "mengosongkannya."),
               _("Nilai butir di kolom L/O berskala 0–1; baris indikator, bagian, area, komponen dan total "
                 "berisi poin sesuai bobot, sama dengan nilai di aplikasi.")])


# --------------------------------------------------------------------------- round recap


def recap_data(round_, worksheets, *, reviewer: bool, chunk: int = 100, own_units=(),
               progress=None) -> exports.RecapData:
    """Everything the round recap needs, in a fixed number of queries plus one per ``chunk`` units;
    ``progress(done, total)`` is told after each chunk (the background job shows it to the person)."""
    spec = selectors.template_spec(round_.version_id)
    areas = [a for c in spec.components for a in c.areas]
    area_labels = [f"{a.code}" if not a.code.startswith("H-") else a.name for a in areas]
    indicators = [(a, p, i) for c in spec.components for a in c.areas for p in a.parts for i in p.indicators]
    instansi = selectors.instansi_prerequisites(round_)
    instansi_ok = {p: v.satisfied for p, v in instansi.items()}
    rows = list(selectors.with_scores(worksheets.select_related("unit"), reviewer=reviewer, instansi_ok=instansi_ok,
                                      own_units=own_units).order_by("unit__name"))
    area_scores: dict[tuple[int, str], dict[str, Decimal]] = {}
    tpi_verdicts: dict[int, str] = {}
    for ws_id, value_set, verdict, code, value in (
            WorksheetScore.objects.filter(worksheet__in=[w.pk for w in rows])
            .values_list("worksheet_id", "value_set", "verdict", "areas__area_code", "areas__value")):
        area_scores.setdefault((ws_id, value_set), {})[code] = value
        if value_set == "tpi":
            tpi_verdicts[ws_id] = verdict
    label = readiness.VERDICT_LABELS
    units, indicator_rows = [], []
    memo = selectors.score_memo(round_.version_id)  # indicators' answer sets recur across units and recaps
    kinds = {value: str(label) for value, label in Unit.Kind.choices}  # translated once, not per row
    status_labels = {value: str(label) for value, label in Worksheet.Status.choices}
    for start in range(0, len(rows), chunk):
        batch = rows[start:start + chunk]
        answers = selectors.answers_by_worksheet([w.pk for w in batch])
        for w in batch:
            sets = answers.get(w.pk) or {s: {} for s in selectors.VALUE_SETS}
            result = scoring.score(spec, sets["tpi"] if w.basis_is_tpi else sets["unit"], memo)
            indicator_rows.append((w.unit.name, [result.indicators[i.key].score for _, _, i in indicators]))
            gaps = (w.tpi_gaps if w.basis_is_tpi else w.unit_gaps) or []
            tpi_areas = area_scores.get((w.pk, "tpi"), {}) if w.tpi_total is not None else {}
            approved = w.status == Worksheet.Status.APPROVED
            units.append(exports.RecapUnit(
                name=w.unit.name, kind=kinds.get(w.unit.kind, w.unit.kind), status=status_labels[w.status],
                progress=(Decimal(w.unit_answered or 0) * 100 / w.unit_inputs).quantize(Decimal("1"))
                if w.unit_inputs else Decimal("0"),
                areas_unit=[area_scores.get((w.pk, "unit"), {}).get(a.code) for a in areas],
                areas_tpi=[tpi_areas.get(a.code) for a in areas], pengungkit=w.pengungkit, hasil=w.hasil,
                total_unit=w.unit_total, total_tpi=w.tpi_total,
                verdict=str(label[w.verdict or ""]) + (_(" (sebagian)") if w.verdict_partial else ""),
                basis=selectors.basis_label("tpi" if w.basis_is_tpi else "unit", approved),
                verdict_unit=str(label[w.unit_verdict or ""]),
                verdict_tpi=str(label[tpi_verdicts.get(w.pk) or ""]) if approved and w.pk in tpi_verdicts else "",
                prerequisites=selectors.describe_prerequisites(w, instansi), ready=w.ready_to_propose,
                gaps=[readiness.describe(g) for g in gaps]))
        if progress:
            progress(min(start + chunk, len(rows)), len(rows))
    counts = selectors.readiness_counts_by_basis(worksheets, instansi_ok)
    statuses = selectors.status_counts(worksheets)
    # As on the round summary page: handed-in worksheets only, so units still filling in do not
    # pull the averages down (the same numbers under the same label in both places).
    averages = selectors.area_averages(worksheets.exclude(status=Worksheet.Status.DRAFT), reviewer=reviewer)
    names = {a.code: (f"{a.code}. {a.name}" if not a.code.startswith("H-") else a.name) for a in areas}
    return exports.RecapData(
        title=_("Rekapitulasi %(round)s") % {"round": round_.name},
        subtitle=f"{round_.instansi.name} · {round_.version.name} · "
                 f"{timezone.localtime().strftime('%d-%m-%Y %H.%M %Z')}",
        area_labels=area_labels, units=units,
        indicator_labels=[f"{a.code}.{p.kind[:1].upper()}.{i.code} {i.name}" for a, p, i in indicators],
        indicator_weights=[i.weight for _, _, i in indicators], indicator_rows=indicator_rows,
        readiness_counts=[(label_, n_tpi, n_unit) for _key, label_, n_tpi, n_unit in counts.rows()],
        ready_count=counts.ready_to_propose, approved_count=counts.approved,
        status_counts=[(str(label), statuses.get(v, 0)) for v, label in Worksheet.Status.choices],
        area_averages=[(names.get(a["code"], a["code"]), a["percent"]) for a in averages],
        title_block=[_("Instansi: %(name)s") % {"name": round_.instansi.name},
                     _("Periode: %(round)s · %(version)s") % {"round": round_.name, "version": round_.version.name},
                     _("Dibuat: %(when)s") % {"when": date_format(timezone.localtime(), "j F Y H.i T")}])


