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

SCORE_FIELDS = ("total", "pengungkit", "hasil", "answered", "inputs", "verdict", "verdict_partial", "target",
                "target_met", "prereq_unmet", "prereq_exempt", "gap_total", "gaps")
AREA_FIELDS = ("value", "weight", "pemenuhan", "reform")


def _stored(worksheet_ids) -> dict[int, dict]:
    """{worksheet id: {value set: (score fields, {area code: area fields})}} as stored, two queries."""
    out: dict = {}
    by_pk = {}
    for pk, ws_id, value_set, *fields in (WorksheetScore.objects.filter(worksheet_id__in=worksheet_ids)
                                          .values_list("pk", "worksheet_id", "value_set", *SCORE_FIELDS)):
        by_pk[pk] = out.setdefault(ws_id, {})[value_set] = (tuple(fields), {})
    for score_id, code, *area in (AreaScore.objects.filter(score_id__in=list(by_pk))
                                  .values_list("score_id", "area_code", *AREA_FIELDS)):
        by_pk[score_id][1][code] = tuple(area)
    return out


def refresh(worksheets) -> None:
    """Recompute the stored scores of these worksheets (ids, or Worksheet rows a service has just
    locked, with their unit and round: not read again) in a fixed number of queries per version:
    each value set's scores and verdict toward the unit's target, and the unit's own proposal
    prerequisites (the instansi's are the round's, judged when read). Only worksheets whose
    figures changed are written: after a rule change, the verdicts; after a save, the one sheet.
    Given ids, it locks those worksheets as a save does. Inside a service's transaction no
    savepoint of its own: a failure here fails the service."""
    worksheets = list(worksheets)
    with transaction.atomic(savepoint=False):
        if not all(isinstance(ws, Worksheet) for ws in worksheets):
            # Locked (in id order, as every rescore does) before their answers are read: a save in
            # flight finishes first, and its scores are not overwritten with ones from before it.
            worksheets = list(Worksheet.objects.filter(pk__in=worksheets).order_by("pk")
                              .select_for_update(no_key=True, of=("self",))
                              .select_related("unit", "round__version", "round__instansi"))
        _refresh(worksheets)


def _refresh(worksheets: list[Worksheet]) -> None:
    by_version: dict[int, list[Worksheet]] = {}
    for ws in worksheets:
        by_version.setdefault(ws.round.version_id, []).append(ws)
    stored = _stored([ws.pk for ws in worksheets])
    fresh: dict[int, dict] = {}
    prereq_memo = {}  # the prerequisite facts recur across the batch
    for sheets in by_version.values():
        ctx = selectors.readiness_context(sheets[0].round.version)
        answers = selectors.answers_by_worksheet([ws.pk for ws in sheets])
        records = selectors.current_records(worksheet_ids=[ws.pk for ws in sheets])
        areas_of = [(area.code, area.weight, [p.kind for p in area.parts])
                    for comp in ctx.spec.components for area in comp.areas]
        for ws in sheets:
            sets = answers.get(ws.pk) or {s: {} for s in selectors.VALUE_SETS}
            value_sets = ["unit"] + (["tpi"] if selectors.has_tpi_values(sets) else [])
            facts = records.get(("worksheet", ws.pk), {})
            mine = fresh[ws.pk] = {}
            for which in value_sets:
                result = scoring.score(ctx.spec, sets[which], ctx.memo)
                verdict = ctx.verdict(result, ws.unit.predicate)
                # the unit's prerequisites depend on the round, the unit's Stranas PK service, the
                # target and the recorded facts only
                key = (ws.round_id, ws.unit.stranas_pk_service, verdict.target,
                       tuple(sorted((k, r.value) for k, r in facts.items())))
                if key not in prereq_memo:
                    prereq = selectors.unit_prerequisites(ctx, ws, facts, predicate=verdict.target)
                    prereq_memo[key] = (len(prereq.unmet), bool(prereq.exemption))
                unmet, exempt = prereq_memo[key]
                v = verdict.stored()
                fields = (result.total.score, result.components["pengungkit"].score,
                          result.components["hasil"].score, result.total.answered, result.total.inputs,
                          v["verdict"], v["verdict_partial"], v["target"], v["target_met"], unmet, exempt,
                          v["gap_total"], v["gaps"])
                parts = result.parts
                mine[which] = (fields, {code: (result.areas[code].score, weight,
                                               parts[f"{code}.pemenuhan"].score if "pemenuhan" in kinds else None,
                                               parts[f"{code}.reform"].score if "reform" in kinds else None)
                                        for code, weight, kinds in areas_of})
    changed = [ws for ws in worksheets if fresh[ws.pk] != stored.get(ws.pk, {})]
    if not changed:
        return
    WorksheetScore.objects.filter(worksheet__in=changed).delete()
    scores, areas = [], []
    for ws in changed:
        sets = fresh[ws.pk]
        for which, (fields, by_area) in sets.items():
            row = WorksheetScore(worksheet=ws, value_set=which, **dict(zip(SCORE_FIELDS, fields, strict=True)))
            scores.append(row)
            superseded = which == WorksheetScore.ValueSet.UNIT and WorksheetScore.ValueSet.TPI in sets
            areas.extend(AreaScore(score=row, worksheet=ws, value_set=which, superseded=superseded, area_code=code,
                                   **dict(zip(AREA_FIELDS, values, strict=True)))
                         for code, values in by_area.items())
    WorksheetScore.objects.bulk_create(scores, batch_size=500)
    for area in areas:
        area.score_id = area.score.pk
    AreaScore.objects.bulk_create(areas, batch_size=2000)


def refresh_version(version_id: int) -> int:
    """After readiness rules of a version change: every worksheet using it."""
    ids = list(Worksheet.objects.filter(round__version_id=version_id).values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        refresh(ids[start:start + 200])
    return len(ids)


def refresh_units(unit_ids) -> None:
    """After a unit's predicate or Stranas PK service changes: its worksheets' verdicts depend on it."""
    refresh(Worksheet.objects.filter(unit_id__in=list(unit_ids)).values_list("pk", flat=True))
