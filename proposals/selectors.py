"""Reads for proposals and predicates, in a fixed number of queries each: the units and kawasan a
round may propose, a proposal with its nominees, a unit's history and its scores round to round,
the calibration of the TPI against the TPN, and the data the Word documents are filled with."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from evaluations import readiness, scoring
from evaluations import selectors as lke
from evaluations.models import Answer, Kawasan, Question, Round, Worksheet
from evaluations.readiness import PREDICATE_LABELS, fmt
from programme import selectors as programme
from units.models import Unit

from . import rules
from .models import (
    REEVALUATION_YEARS,
    Authority,
    Award,
    DocumentTemplate,
    IntegrationScore,
    Nominee,
    Proposal,
    years_after,
)

REMINDER_DAYS = 90  # the re-evaluation reminder shows this long before the date


def words(d: datetime.date | None) -> str:
    return date_format(d, "j F Y") if d else ""


def days_left(round_: Round, today: datetime.date | None = None) -> int:
    return (round_.proposal_date - (today or timezone.localdate())).days


def is_authorised(instansi_id: int) -> Authority | None:
    return Authority.objects.filter(instansi_id=instansi_id, authorised=True).first()


def _award_facts(unit_ids) -> dict[int, list[rules.AwardFact]]:
    out: dict[int, list] = defaultdict(list)
    for a in Award.objects.filter(unit_id__in=list(unit_ids)).only("unit_id", "predicate", "decree_date",
                                                                     "revoked_on"):
        out[a.unit_id].append(rules.AwardFact(a.predicate, a.decree_date, a.revoked_on, a.barred_until))
    return out


@dataclass
class Candidate:
    worksheet_id: int
    unit_id: int
    name: str
    predicate: str
    total: Decimal | None
    pengungkit: Decimal | None
    hasil: Decimal | None
    exempt: bool  # a Stranas PK service of a pemda
    exempt_pending: bool = False  # … proposed while some prerequisites are still being met
    blocked: str = ""  # why it cannot be chosen after all ("" when it can)

    @property
    def predicate_label(self) -> str:
        return str(PREDICATE_LABELS[self.predicate])


def candidates(round_: Round, route: str = Proposal.Route.TPN, today=None) -> list[Candidate]:
    """The units of the round that may be proposed: approved by the TPI, TPI scores passing toward
    the unit's target, prerequisites met or exempt (Stranas PK) — the dashboard's own rule
    (``ready_to_propose``) — and not already proposed this round, not barred by a revocation in
    the last two years; for the self-evaluation route only those aiming at Menuju WBK."""
    today = today or timezone.localdate()
    instansi_ok = {p: v.satisfied for p, v in lke.instansi_prerequisites(round_).items()}
    rows = list(lke.with_scores(Worksheet.objects.filter(round=round_).select_related("unit"), reviewer=True,
                                instansi_ok=instansi_ok)
                .filter(ready_to_propose=True).order_by("unit__name")
                .values_list("pk", "unit_id", "unit__name", "target", "ts__total", "ts__pengungkit", "ts__hasil",
                             "prereq_exempt", "prereq_unmet"))
    ids = [r[1] for r in rows]
    taken = set(Nominee.objects.filter(proposal__round=round_, unit_id__in=ids).values_list("unit_id", flat=True))
    pending = dict(Nominee.objects.filter(unit_id__in=ids, status__in=[Nominee.Status.PROPOSED,
                                                                       Nominee.Status.EVALUATING])
                   .exclude(proposal__round=round_).values_list("unit_id", "proposal__round__name"))
    facts = _award_facts(ids)
    out = []
    for ws_id, unit_id, name, target, total, pengungkit, hasil, exempt, unmet in rows:
        target = target or readiness.WBK
        c = Candidate(ws_id, unit_id, name, target, total, pengungkit, hasil, bool(exempt),
                      bool(exempt) and (bool(unmet) or not instansi_ok[target]))
        barred = rules.barred_until(facts.get(unit_id, []), today)
        if unit_id in taken:
            c.blocked = _("sudah diusulkan pada periode ini")
        elif unit_id in pending:
            c.blocked = _("masih dalam usulan %(r)s yang belum diputuskan") % {"r": pending[unit_id]}
        elif barred:
            c.blocked = _("predikatnya dicabut: belum dapat diusulkan sampai %(d)s") % {"d": words(barred)}
        elif route == Proposal.Route.MANDIRI and c.predicate != readiness.WBK:
            c.blocked = _("evaluasi mandiri hanya untuk Menuju WBK; Menuju WBBM diusulkan ke TPN")
        out.append(c)
    return out


def latest_integration(round_: Round) -> dict[int, IntegrationScore]:
    out = {}
    for s in (IntegrationScore.objects.filter(round=round_).select_related("recorded_by")
              .order_by("recorded_at", "pk")):
        out[s.kawasan_id] = s
    return out


@dataclass
class KawasanCandidate:
    kawasan: Kawasan
    predicate: str
    units: int
    integration: IntegrationScore | None
    blockers: list

    @property
    def predicate_label(self) -> str:
        return str(PREDICATE_LABELS[self.predicate])

    @property
    def ready(self) -> bool:
        return not self.blockers


def kawasan_candidates(round_: Round, today=None) -> list[KawasanCandidate]:
    """Every kawasan of the instansi with where it stands: every unit ready and approved, and the
    integration score at its minimum (≥ 6,5 WBK, ≥ 7,5 WBBM), or the reasons it is not."""
    kawasan = list(Kawasan.objects.filter(instansi_id=round_.instansi_id).order_by("name"))
    if not kawasan:
        return []
    worksheets = Worksheet.objects.filter(round=round_)
    # every unit meets the unit criteria for the kawasan's predicate: its scores and its own prerequisites
    rows = lke.with_scores(worksheets, reviewer=True).filter(Q(prereq_unmet=0) | Q(prereq_exempt=True))
    ready_wbk = dict(rows.filter(verdict__in=["wbk", "wbbm"]).values_list("unit_id", "status"))
    ready_wbbm = dict(rows.filter(verdict="wbbm").values_list("unit_id", "status"))
    in_round = set(worksheets.values_list("unit_id", flat=True))
    states = {readiness.WBK: {k["name"]: k for k in lke.kawasan_readiness(round_.instansi_id, ready_wbk, in_round)},
              readiness.WBBM: {k["name"]: k for k in lke.kawasan_readiness(round_.instansi_id, ready_wbbm, in_round)}}
    scores = latest_integration(round_)
    held = defaultdict(list)
    for a in Award.objects.filter(kawasan__in=kawasan):
        held[a.kawasan_id].append(rules.AwardFact(a.predicate, a.decree_date, a.revoked_on, a.barred_until))
    taken = set(Nominee.objects.filter(proposal__round=round_, kawasan__isnull=False).values_list("kawasan_id",
                                                                                                   flat=True))
    out = []
    for k in kawasan:
        holds = rules.held_predicate(held[k.pk])
        if holds == readiness.WBBM:
            continue
        predicate = readiness.WBBM if holds == readiness.WBK else readiness.WBK
        state = states[predicate][k.name]
        score = scores.get(k.pk)
        blockers = rules.kawasan_blockers(predicate=predicate, units=state["units"], missing=state["missing"],
                                          provisional=state["provisional"],
                                          integration=score.score if score else None)
        barred = rules.barred_until(held[k.pk], today or timezone.localdate())
        if barred:
            blockers.append(_("predikatnya dicabut: belum dapat diusulkan sampai %(d)s") % {"d": words(barred)})
        if k.pk in taken:
            blockers.insert(0, _("sudah diusulkan pada periode ini"))
        out.append(KawasanCandidate(k, predicate, state["units"], score, blockers))
    return out


def proposals_of(round_: Round) -> list[Proposal]:
    """The round's proposals with their nominees, stages and awards (four queries)."""
    return list(Proposal.objects.filter(round=round_).select_related("created_by").prefetch_related(
        Prefetch("nominees", queryset=Nominee.objects.select_related("unit", "kawasan", "worksheet", "award")
                 .prefetch_related("stages").order_by("kawasan_id", "unit__name", "pk"))))


def nominee_counts(round_: Round) -> dict[str, int]:
    return dict(Nominee.objects.filter(proposal__round=round_).order_by().values("status")
                .annotate(n=Count("pk")).values_list("status", "n"))


def due_awards(today=None):
    """Current predicates (not revoked, not superseded) whose two-yearly re-evaluation falls within
    ``REMINDER_DAYS`` or is past — in SQL: their last decree or re-evaluation two years before that."""
    today = today or timezone.localdate()
    cutoff = years_after(today + datetime.timedelta(days=REMINDER_DAYS), -REEVALUATION_YEARS)
    return (Award.objects.filter(revoked_on__isnull=True, superseded_by__isnull=True)
            .annotate(last=Coalesce("reevaluated_on", "decree_date")).filter(last__lte=cutoff))


def due_reevaluations(instansi_id: int, today=None, limit: int = 50) -> list[Award]:
    """The instansi's predicates due for re-evaluation, the longest overdue first (the first ``limit``)."""
    return list(due_awards(today).filter(Q(unit__instansi_id=instansi_id) | Q(kawasan__instansi_id=instansi_id))
                .select_related("unit", "kawasan").order_by("last", "pk")[:limit])


def template_for(instansi_id: int, kind: str) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(instansi_id=instansi_id, kind=kind).order_by("-uploaded_at", "-pk").first()


# --------------------------------------------------------------------------- a unit over the years


@dataclass
class HistoryItem:
    date: datetime.date
    kind: str
    text: str
    detail: str = ""


def unit_history(unit: Unit) -> list[HistoryItem]:
    """Pencanangan, each round (status, unit/TPI/TPN totals), each proposal and each award or
    revocation, newest first. The programme's pencanangan is read through its selector."""
    items = []
    cancang = programme.pencanangan(unit)
    if cancang:
        items.append(HistoryItem(cancang.date, "pencanangan", _("Pencanangan pembangunan ZI"), cancang.declared_by))
    for ws in (Worksheet.objects.filter(unit=unit).select_related("round").prefetch_related("scores")
               .order_by("round__year", "pk")):
        scores = {s.value_set: s for s in ws.scores.all()}
        parts = [_("penilaian mandiri %(v)s") % {"v": fmt(scores["unit"].total)}] if "unit" in scores else []
        if "tpi" in scores and ws.status == Worksheet.Status.APPROVED:
            parts.append(_("TPI %(v)s") % {"v": fmt(scores["tpi"].total)})
        items.append(HistoryItem(timezone.localdate(ws.decided_at or ws.created_at), "round",
                                 _("%(round)s: %(status)s") % {"round": ws.round.name, "status": ws.get_status_display()},
                                 " · ".join(parts)))
    for n in (Nominee.objects.filter(unit=unit).select_related("proposal__round").order_by("proposal__created_at")):
        items.append(HistoryItem(n.proposal.letter_date, "proposal",
                                 _("Diusulkan %(p)s (%(route)s)") % {"p": n.get_predicate_display(),
                                                                     "route": n.proposal.get_route_display()},
                                 _("status: %(s)s") % {"s": n.get_status_display()}))
    for a in Award.objects.filter(unit=unit).order_by("decree_date"):
        items.append(HistoryItem(a.decree_date, "award", _("Predikat %(p)s %(y)s") % {
            "p": a.get_predicate_display(), "y": a.year}, _("%(src)s · SK %(no)s") % {
            "src": a.get_source_display(), "no": a.decree_number}))
        if a.revoked_on:
            items.append(HistoryItem(a.revoked_on, "revoked", _("Predikat %(p)s dicabut") % {
                "p": a.get_predicate_display()}, a.revoke_reason))
    return sorted(items, key=lambda i: (i.date, i.kind), reverse=True)


def _round_label(ws) -> str:
    return ws.round.name if str(ws.round.year) in ws.round.name else f"{ws.round.year} · {ws.round.name}"


def round_to_round(unit: Unit) -> dict:
    """Each area's and indicator's unit/TPI/TPN scores in every round of the unit, with the change
    from the round before (one query for the worksheets, one for all their answers, the templates
    from the process cache)."""
    sheets = list(Worksheet.objects.filter(unit=unit).select_related("round").order_by("round__year", "pk"))
    answers = lke.answers_by_worksheet([ws.pk for ws in sheets])
    columns, results = [], []
    for ws in sheets:
        spec = lke.template_spec(ws.round.version_id)
        sets = answers.get(ws.pk) or {s: {} for s in lke.VALUE_SETS}
        scored = {s: scoring.score(spec, sets[s]) for s in lke.VALUE_SETS}
        visible_tpi = ws.status in ("returned", "approved")
        results.append((spec, {s: r for s, r in scored.items()
                               if r.total.answered and (s == "unit" or visible_tpi or s == "tpn")}))
        tpn = scored["tpn"].total
        columns.append({"label": _round_label(ws), "status": ws.get_status_display(), "worksheet": ws,
                        "tpn_partial": (tpn.answered, tpn.inputs) if 0 < tpn.answered < tpn.inputs else None})
    rows = []
    if results:
        spec = results[-1][0]
        nodes = [("total", "", _("Total"), None)]
        for comp in spec.components:
            for area in comp.areas:
                nodes.append(("area", area.code, area.name, area.weight))
                for part in area.parts:
                    for ind in part.indicators:
                        nodes.append(("indicator", ind.key, ind.name, ind.weight))
        for level, key, name, weight in nodes:
            series = {}
            for which in lke.VALUE_SETS:
                values = []
                for _spec, scored in results:
                    r = scored.get(which)
                    node = None
                    if r is not None:
                        node = r.total if level == "total" else (r.areas if level == "area" else r.indicators).get(key)
                    # the TPN's values entered in part: only the nodes it has whole (never a misleading 0)
                    whole = node is not None and (which != "tpn" or node.is_complete)
                    values.append(node.score if whole else None)
                series[which] = list(zip(values, rules.change(values), strict=True))
            cells = [(series["unit"][i], series["tpi"][i], series["tpn"][i]) for i in range(len(columns))]
            rows.append({"level": level, "key": key, "name": name, "weight": weight, "series": series,
                         "cells": cells})
    return {"columns": columns, "rows": rows}


# --------------------------------------------------------------------------- calibration


def calibration(instansi_id: int, *, unit_id: int | None = None, year: int | None = None) -> dict:
    """The TPI against the TPN over every worksheet of the instansi with TPN values (or one unit's),
    per area, indicator and question, for all years together and per year. Fixed queries: the
    worksheets, their answers, the question texts."""
    sheets = Worksheet.objects.filter(round__instansi_id=instansi_id).filter(
        Q(answers__tpn_option__gt="") | Q(answers__tpn_number__isnull=False)).distinct()
    if unit_id:
        sheets = sheets.filter(unit_id=unit_id)
    sheets = list(Worksheet.objects.filter(pk__in=sheets.values("pk")).select_related("unit", "round")
                  .order_by("round__year", "unit__name"))
    answers = lke.answers_by_worksheet([ws.pk for ws in sheets])
    pairs = []
    for ws in sheets:
        spec = lke.template_spec(ws.round.version_id)
        sets = answers.get(ws.pk) or {s: {} for s in lke.VALUE_SETS}
        pairs.append(rules.Pair(ws.unit.name, ws.round.year, scoring.score(spec, sets["tpi"]),
                                scoring.score(spec, sets["tpn"])))
    years = sorted({p.year for p in pairs})
    chosen = [p for p in pairs if year is None or p.year == year]
    texts = {}
    if chosen:
        versions = {ws.round.version_id for ws in sheets}
        texts = {key: (text, area) for key, text, area in Question.objects.filter(version_id__in=versions)
                 .values_list("key", "text", "indicator__part__area__name")}
    questions = rules.calibrate(chosen, "question")
    question_rows = [{"d": d, "text": texts.get(d.key, (d.key, ""))[0], "area": texts.get(d.key, ("", ""))[1]}
                     for d in questions if d.mean != 0]
    areas = rules.calibrate(chosen, "area")
    by_year = []
    for y in years:
        found = {d.key: d for d in rules.calibrate([p for p in pairs if p.year == y], "area")}
        by_year.append({"year": y, "n": sum(1 for p in pairs if p.year == y),
                        "cells": [found.get(d.key) for d in areas]})  # in the columns' order, a gap where none
    return {
        "pairs": len(chosen), "years": years, "units": sorted({p.unit for p in chosen}), "areas": areas,
        "indicators": [d for d in rules.calibrate(chosen, "indicator") if d.mean != 0][:40],
        "questions": question_rows[:60], "questions_total": len(question_rows),
        "by_year": by_year,
    }


def tpn_scores(worksheet: Worksheet):
    """The TPN's result for one worksheet (None before any TPN value is entered)."""
    spec = lke.template_spec(worksheet.round.version_id)
    sets = lke.answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {s: {} for s in lke.VALUE_SETS}
    result = scoring.score(spec, sets["tpn"])
    return result if result.total.answered else None


def tpn_totals(worksheet_ids) -> dict[int, scoring.NodeScore]:
    """{worksheet id: the TPN's total (score, answered of inputs)} for the worksheets with TPN values
    (two queries)."""
    ids = list(worksheet_ids)
    versions = dict(Worksheet.objects.filter(pk__in=ids).values_list("pk", "round__version_id"))
    return {ws_id: scoring.score(lke.template_spec(versions[ws_id]), sets["tpn"]).total
            for ws_id, sets in lke.answers_by_worksheet(ids).items() if sets["tpn"]}


# --------------------------------------------------------------------------- documents


def _signatory(proposal: Proposal) -> dict:
    return {"name": proposal.signatory_name, "title": proposal.signatory_title, "nip": proposal.signatory_nip,
            "title_upper": proposal.signatory_title.upper(),
            "nip_line": f"NIP {proposal.signatory_nip}" if proposal.signatory_nip else ""}


def _num(v) -> str:
    return fmt(v) if v is not None else "—"


def proposal_context(proposal: Proposal, nominees: list[Nominee]) -> dict:
    """What the letter, the statement and the SK penetapan are filled with (no query: the caller
    passes the nominees it read)."""
    instansi = proposal.round.instansi
    rows = [{"no": i, "name": n.name + (_(" (kawasan)") if n.kawasan_id else ""),
             "predicate": n.get_predicate_display(), "total": _num(n.tpi_total), "pengungkit": _num(n.tpi_pengungkit),
             "hasil": _num(n.tpi_hasil), "reasons": n.reasons}
            for i, n in enumerate(nominees, start=1)]
    exempt = [n.name for n in nominees if n.exempt]
    authority = getattr(proposal, "authority_reference", "") or _("kewenangan evaluasi mandiri dari Menteri PANRB")
    return {
        "instansi": instansi.name, "instansi_upper": instansi.name.upper(), "address": "",
        "year": proposal.round.year, "round": proposal.round.name,
        "letter": {"number": proposal.letter_number, "date": words(proposal.letter_date)},
        "place_date": words(proposal.letter_date), "signatory": _signatory(proposal),
        "rows": rows, "count": len(rows), "attachments": _("%(n)d berkas LKE dan 1 surat pernyataan") % {"n": len(rows)},
        "tpi_basis": _("nilai yang disetujui TPI"),
        "exemption_note": (_(", kecuali syarat yang dikecualikan bagi layanan Stranas PK (%(u)s) yang sedang dipenuhi")
                           % {"u": ", ".join(exempt)}) if exempt else "",
        "panel": [m.strip() for m in proposal.panel_members.splitlines() if m.strip()],
        "panel_date": words(proposal.panel_date), "authority": authority,
    }


SAMPLE = {  # what an uploaded template is tried with before it is kept
    "instansi": "Pemerintah Kabupaten Contoh", "instansi_upper": "PEMERINTAH KABUPATEN CONTOH", "address": "",
    "year": 2026, "round": "Evaluasi ZI 2026", "letter": {"number": "700/1/2026", "date": "1 Mei 2026"},
    "place_date": "1 Mei 2026", "signatory": {"name": "Nama", "title": "Bupati", "nip": "", "title_upper": "BUPATI",
                                              "nip_line": ""},
    "rows": [{"no": 1, "name": "Dinas Contoh", "predicate": "Menuju WBK", "total": "80,00", "pengungkit": "52,00",
              "hasil": "28,00", "reasons": "Memenuhi"}],
    "count": 1, "attachments": "1 berkas", "tpi_basis": "nilai TPI", "exemption_note": "", "panel": ["Ketua"],
    "panel_date": "1 Mei 2026", "authority": "Surat Menteri", "unit": "Dinas Contoh", "unit_upper": "DINAS CONTOH",
    "status": "Disetujui TPI", "basis": "nilai TPI", "total": "80,00", "pengungkit": "52,00", "hasil": "28,00",
    "unit_total": "82,00", "verdict": "Siap WBK", "target": "Menuju WBK", "gaps": [], "no_gaps": "",
    "notes": [{"where": "I.a", "unit": "Ya", "tpi": "Ya", "note": "Catatan"}], "recommendations": ["Rekomendasi"],
}


def lhe_context(worksheet: Worksheet, *, user) -> dict:
    """The TPI's evaluation report of one worksheet: scores per area (unit and TPI), the gaps toward
    the target by the TPI's values, every TPI note, and recommendations from the gaps and the
    answers the TPI flagged (fixed queries: the assessment's, the answers with notes, the reviewers)."""
    a = lke.worksheet_assessment(worksheet, user=user)
    tpi = a.tpi if a.has_tpi else None
    areas = []
    for comp in a.spec.components:
        for area in comp.areas:
            node_t = tpi.areas[area.code] if tpi else None
            areas.append({"name": f"{area.code}. {area.name}" if not area.code.startswith("H-") else area.name,
                          "weight": fmt(area.weight), "unit": fmt(a.unit.areas[area.code].score),
                          "tpi": fmt(node_t.score) if node_t else "—",
                          "percent": f"{fmt(node_t.percent)}%" if node_t else "—"})
    verdict = a.tpi_verdict or a.unit_verdict
    gaps = [s.message for s in verdict.gaps] + list(verdict.target_verdict.blockers)
    notes, recommendations = [], []
    for ans in (Answer.objects.filter(worksheet=worksheet).exclude(tpi_note="")
                .select_related("question__indicator__part__area").order_by("question__order")):
        q = ans.question
        where = f"{q.indicator.part.area.code} · {q.indicator.name} · {q.code}"
        unit_value = ans.unit_option or (fmt(ans.unit_number) if ans.unit_number is not None else "—")
        tpi_value = ans.tpi_option or (fmt(ans.tpi_number) if ans.tpi_number is not None else "—")
        notes.append({"where": where, "unit": unit_value, "tpi": tpi_value, "note": ans.tpi_note})
        if ans.needs_revision or (ans.tpi_option and ans.tpi_option != ans.unit_option):
            recommendations.append(f"{q.indicator.name} ({q.code}): {ans.tpi_note}")
    for s in verdict.largest_gaps(5):
        recommendations.append(_("Tingkatkan %(name)s (kurang %(gap)s poin)") % {"name": s.name, "gap": fmt(s.gap)})
    reviewers = ", ".join(u.get_full_name() or u.username for u in worksheet.reviewers.all())
    result = tpi or a.unit
    return {
        "instansi": worksheet.round.instansi.name, "instansi_upper": worksheet.round.instansi.name.upper(),
        "address": "", "unit": worksheet.unit.name, "unit_upper": worksheet.unit.name.upper(),
        "round": worksheet.round.name, "year": worksheet.round.year, "status": worksheet.get_status_display(),
        "basis": a.basis_label, "rows": areas, "total": fmt(result.total.score),
        "pengungkit": fmt(result.components["pengungkit"].score), "hasil": fmt(result.components["hasil"].score),
        "unit_total": fmt(a.unit.total.score), "verdict": verdict.label,
        "target": str(PREDICATE_LABELS[verdict.target]), "gaps": gaps,
        "no_gaps": "" if gaps else _("Tidak ada kekurangan: nilai memenuhi ketentuan."),
        "notes": notes, "recommendations": recommendations or [_("Pertahankan capaian dan dokumentasikan bukti dukung.")],
        "place_date": words(timezone.localdate()),
        "signatory": {"name": reviewers or _("Tim Penilai Internal"), "title": _("Tim Penilai Internal"),
                      "nip": "", "title_upper": "", "nip_line": ""},
    }
