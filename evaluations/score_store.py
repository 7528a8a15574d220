"""Precomputed scores: what the dashboard reads instead of scoring every worksheet per request.

``refresh(worksheet_ids)`` recomputes, in bulk, each worksheet's unit and TPI scores, area scores and
readiness verdict from its answers, with the same pure functions the pages use. Every service that
changes an answer calls it inside its transaction, so the stored figures never lag behind; tests
compare them with a fresh computation after every kind of change.
"""

from __future__ import annotations

from django.db import transaction

from . import readiness, scoring, selectors
from .models import AreaScore, Worksheet, WorksheetScore


def _verdict_fields(verdict: readiness.Verdict, holds_wbk: bool) -> dict:
    target = verdict.next_target
    if verdict.code == readiness.WBK and not holds_wbk:
        # Ready for WBK and not yet holding it: WBBM is not within reach this round.
        return {"verdict": verdict.code, "verdict_partial": False, "gap_total": 0, "gaps": []}
    shortfalls = sorted(target.shortfalls, key=lambda s: s.gap, reverse=True)
    gaps = [s.to_dict() for s in shortfalls] + [{"scope": "blocker", "message": b} for b in target.blockers]
    return {"verdict": verdict.code, "verdict_partial": verdict.code == readiness.WBBM and verdict.wbbm.partial,
            "gap_total": target.total_gap, "gaps": gaps}


@transaction.atomic
def refresh(worksheet_ids) -> None:
    """Recompute the stored scores of these worksheets (a fixed number of queries per version)."""
    worksheets = list(Worksheet.objects.filter(pk__in=list(worksheet_ids)).select_related("unit", "round__version"))
    by_version: dict[int, list[Worksheet]] = {}
    for ws in worksheets:
        by_version.setdefault(ws.round.version_id, []).append(ws)
    WorksheetScore.objects.filter(worksheet__in=worksheets).delete()
    scores, areas = [], []
    for version_id, sheets in by_version.items():
        spec = selectors.template_spec(version_id)
        rules = selectors.readiness_rules(version_id)
        area_codes = selectors.area_codes_by_component(spec)
        partial = () if sheets[0].round.version.wbbm_rules_complete else (readiness.WBBM,)
        answers = selectors.answers_by_worksheet([ws.pk for ws in sheets])
        for ws in sheets:
            sets = answers.get(ws.pk) or {s: {} for s in selectors.VALUE_SETS}
            value_sets = ["unit"] + (["tpi"] if selectors.has_tpi_values(sets) else [])
            for which in value_sets:
                result = scoring.score(spec, sets[which])
                verdict = readiness.evaluate(result, rules, area_codes_by_component=area_codes,
                                             holds_wbk=ws.unit.holds_wbk, partial_predicates=partial)
                row = WorksheetScore(worksheet=ws, value_set=which, total=result.total.score,
                                     pengungkit=result.components["pengungkit"].score,
                                     hasil=result.components["hasil"].score, answered=result.total.answered,
                                     inputs=result.total.inputs, **_verdict_fields(verdict, ws.unit.holds_wbk))
                scores.append(row)
                for comp in spec.components:
                    for area in comp.areas:
                        parts = {p.kind: result.parts[f"{area.code}.{p.kind}"].score for p in area.parts}
                        areas.append((row, AreaScore(area_code=area.code, value=result.areas[area.code].score,
                                                     weight=area.weight, pemenuhan=parts.get("pemenuhan"),
                                                     reform=parts.get("reform"))))
    WorksheetScore.objects.bulk_create(scores, batch_size=500)
    for row, area in areas:
        area.score = row
    AreaScore.objects.bulk_create([a for _, a in areas], batch_size=2000)


def refresh_version(version_id: int) -> int:
    """After readiness rules of a version change: every worksheet using it."""
    ids = list(Worksheet.objects.filter(round__version_id=version_id).values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        refresh(ids[start:start + 200])
    return len(ids)


def refresh_units(unit_ids) -> None:
    """After a unit's predicate (held WBK) changes: its worksheets' verdicts depend on it."""
    refresh(Worksheet.objects.filter(unit_id__in=list(unit_ids)).values_list("pk", flat=True))
