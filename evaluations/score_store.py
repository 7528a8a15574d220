"""Precomputed scores: what the dashboard reads instead of scoring every worksheet per request.

``refresh(worksheet_ids)`` recomputes, in bulk, each worksheet's unit and TPI scores, area scores and
readiness verdict from its answers, with the same pure functions the pages use. Every service that
changes an answer calls it inside its transaction, so the stored figures never lag behind; tests
compare them with a fresh computation after every kind of change.
"""

from __future__ import annotations

from django.db import transaction

from . import scoring, selectors
from .models import AreaScore, Worksheet, WorksheetScore


@transaction.atomic
def refresh(worksheet_ids) -> None:
    """Recompute the stored scores of these worksheets (a fixed number of queries per version):
    each value set's scores and verdict toward the unit's target, and the unit's own proposal
    prerequisites (the instansi's are the round's, judged when read)."""
    worksheets = list(Worksheet.objects.filter(pk__in=list(worksheet_ids))
                      .select_related("unit", "round__version", "round__instansi"))
    by_version: dict[int, list[Worksheet]] = {}
    for ws in worksheets:
        by_version.setdefault(ws.round.version_id, []).append(ws)
    WorksheetScore.objects.filter(worksheet__in=worksheets).delete()
    scores, areas = [], []
    for sheets in by_version.values():
        ctx = selectors.readiness_context(sheets[0].round.version)
        answers = selectors.answers_by_worksheet([ws.pk for ws in sheets])
        records = selectors.current_records(worksheet_ids=[ws.pk for ws in sheets])
        for ws in sheets:
            sets = answers.get(ws.pk) or {s: {} for s in selectors.VALUE_SETS}
            value_sets = ["unit"] + (["tpi"] if selectors.has_tpi_values(sets) else [])
            for which in value_sets:
                result = scoring.score(ctx.spec, sets[which])
                verdict = ctx.verdict(result, ws.unit.predicate)
                prereq = selectors.unit_prerequisites(ctx, ws, records.get(("worksheet", ws.pk), {}),
                                                      predicate=verdict.target)
                row = WorksheetScore(worksheet=ws, value_set=which, total=result.total.score,
                                     pengungkit=result.components["pengungkit"].score,
                                     hasil=result.components["hasil"].score, answered=result.total.answered,
                                     inputs=result.total.inputs, prereq_unmet=len(prereq.unmet),
                                     prereq_exempt=bool(prereq.exemption), **verdict.stored())
                scores.append(row)
                for comp in ctx.spec.components:
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
    """After a unit's predicate or Stranas PK service changes: its worksheets' verdicts depend on it."""
    refresh(Worksheet.objects.filter(unit_id__in=list(unit_ids)).values_list("pk", flat=True))
