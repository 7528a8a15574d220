"""Non-trivial reads: the template as a pure spec, answers as value sets, scores per worksheet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from . import readiness, scoring
from .models import Answer, Area, Question, ReadinessRule, Worksheet

VALUE_SETS = ("unit", "tpi", "tpn")


def indicator_key(area_code: str, part_kind: str, indicator_code: str) -> str:
    return f"{area_code}.{part_kind}.{indicator_code}"


def template_spec(version_id: int) -> scoring.TemplateSpec:
    """The whole template of a version as frozen dataclasses, in one query."""
    rows = (Question.objects.filter(version_id=version_id)
            .select_related("indicator__part__area__component")
            .order_by("indicator__part__area__component__order", "indicator__part__area__order",
                      "indicator__part__order", "indicator__order", "order"))
    tree: dict = {}
    for q in rows:
        ind = q.indicator
        part = ind.part
        area = part.area
        comp = area.component
        c = tree.setdefault(comp.pk, (comp, {}))
        a = c[1].setdefault(area.pk, (area, {}))
        p = a[1].setdefault(part.pk, (part, {}))
        i = p[1].setdefault(ind.pk, (ind, []))
        i[1].append(scoring.QuestionSpec(q.key, q.code, q.answer_type, q.formula))
    return scoring.TemplateSpec(tuple(
        scoring.ComponentSpec(comp.code, comp.name, comp.weight, tuple(
            scoring.AreaSpec(area.code, area.name, area.weight, tuple(
                scoring.PartSpec(part.kind, tuple(
                    scoring.IndicatorSpec(indicator_key(area.code, part.kind, ind.code), ind.code, ind.name,
                                          ind.weight, tuple(questions))
                    for ind, questions in inds.values()))
                for part, inds in parts.values()))
            for area, parts in areas.values()))
        for comp, areas in tree.values()))


def area_codes_by_component(spec: scoring.TemplateSpec) -> dict[str, list[str]]:
    return {c.code: [a.code for a in c.areas] for c in spec.components}


def _answer_rows(worksheet_ids):
    return (Answer.objects.filter(worksheet_id__in=worksheet_ids)
            .values_list("worksheet_id", "question__key", "unit_option", "unit_number",
                         "tpi_option", "tpi_number", "tpn_option", "tpn_number"))


def answers_by_worksheet(worksheet_ids) -> dict[int, dict[str, dict[str, scoring.AnswerValue]]]:
    """{worksheet id: {value set: {question key: AnswerValue}}} in one query."""
    out: dict = defaultdict(lambda: {s: {} for s in VALUE_SETS})
    for ws_id, key, uo, un, to, tn, po, pn in _answer_rows(worksheet_ids):
        sets = out[ws_id]
        sets["unit"][key] = scoring.AnswerValue(uo, un)
        sets["tpi"][key] = scoring.AnswerValue(to, tn)
        sets["tpn"][key] = scoring.AnswerValue(po, pn)
    return out


def worksheet_scores(worksheet: Worksheet, spec: scoring.TemplateSpec | None = None) -> dict[str, scoring.ScoreResult]:
    spec = spec or template_spec(worksheet.round.version_id)
    sets = answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {s: {} for s in VALUE_SETS}
    return scoring.score_sets(spec, sets)


def readiness_rules(version_id: int) -> list[readiness.Rule]:
    return [readiness.Rule(r.predicate, r.scope, r.label, r.target, r.minimum, r.minimum_percent,
                           r.source, r.is_confirmed)
            for r in ReadinessRule.objects.filter(version_id=version_id)]


def has_tpi_values(sets: dict[str, dict[str, scoring.AnswerValue]]) -> bool:
    return any(a.option or a.number is not None for a in sets.get("tpi", {}).values())


def round_rows(round_, worksheets):
    """One row per worksheet of a round: status, progress, unit and TPI totals, readiness.

    A fixed number of queries whatever the number of units: the template, the rules, the
    worksheets and all their answers are read once each; scoring is pure Python.
    """
    spec = template_spec(round_.version_id)
    rules = readiness_rules(round_.version_id)
    areas = area_codes_by_component(spec)
    partial = () if round_.version.wbbm_rules_complete else (readiness.WBBM,)
    worksheets = list(worksheets.select_related("unit").annotate(
        reviewer_count=Count("reviewers", distinct=True)))
    answers = answers_by_worksheet([w.pk for w in worksheets])
    rows = []
    for ws in worksheets:
        sets = answers.get(ws.pk) or {s: {} for s in VALUE_SETS}
        unit_result = scoring.score(spec, sets["unit"])
        tpi_result = scoring.score(spec, sets["tpi"]) if has_tpi_values(sets) else None
        basis = tpi_result or unit_result
        verdict = readiness.evaluate(basis, rules, area_codes_by_component=areas,
                                     holds_wbk=ws.unit.holds_wbk, partial_predicates=partial)
        rows.append({"worksheet": ws, "unit": unit_result, "tpi": tpi_result, "verdict": verdict,
                     "progress": _percent(unit_result.total.answered, unit_result.total.inputs)})
    return rows


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("1")) if whole else Decimal("0")


def status_counts(worksheets) -> dict[str, int]:
    return dict(worksheets.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))


def question_counts(version_id: int) -> dict[str, int]:
    return Question.objects.filter(version_id=version_id).aggregate(
        total=Count("pk"), inputs=Count("pk", filter=Q(formula="")))


# --------------------------------------------------------------------------- worksheet pages


def worksheet_missing(worksheet: Worksheet):
    """What keeps a worksheet from being submitted, in the workbook's order (two queries)."""
    from .services import Missing

    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet).annotate(
        n_evidence=Count("evidence"))}
    unanswered, no_evidence = [], []
    questions = (Question.objects.filter(version_id=worksheet.round.version_id)
                 .select_related("indicator__part__area").order_by("order"))
    for q in questions:
        a = answers.get(q.pk)
        spec = scoring.QuestionSpec(q.key, q.code, q.answer_type, q.formula)
        if q.takes_input and not scoring.is_answered(spec, a and scoring.AnswerValue(a.unit_option, a.unit_number)):
            unanswered.append(q)
        if q.evidence_required and not (a and a.n_evidence):
            no_evidence.append(q)
    return Missing(unanswered, no_evidence)


@dataclass
class QuestionRow:
    question: Question
    answer: Answer | None
    value: object  # exact unit value (Fraction) or None
    evidence: list
    editable: bool = False
    form: object = None
    conflict: Answer | None = None
    evidence_error: str = ""
    tpi_value: object = None
    changed_since_return: bool = False

    @property
    def tpi_percent(self):
        return None if self.tpi_value is None else scoring.to_cents(self.tpi_value * 100)

    @property
    def differs(self) -> bool:
        """The TPI's value is not the unit's (a computed or unanswered value counts too)."""
        return self.tpi_value != self.value

    @property
    def percent(self):
        """The unit value as a percentage with two decimals (computed percentages)."""
        return None if self.value is None else scoring.to_cents(self.value * 100)

    @property
    def needs_attention(self) -> bool:
        return bool(self.answer and self.answer.needs_revision)


def area_rows(worksheet: Worksheet, area: Area, unit_result: scoring.ScoreResult, editable_for,
              tpi_result: scoring.ScoreResult | None = None) -> list[dict]:
    """Parts → indicators → question rows of one area, with answers and evidence (four queries).

    With ``tpi_result`` every indicator, part and row also carries the TPI's score or value.
    """
    questions = (Question.objects.filter(indicator__part__area=area)
                 .select_related("indicator__part").prefetch_related("options").order_by("order"))
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet, question__indicator__part__area=area)
               .select_related("updated_by").prefetch_related("evidence")}
    parts: dict = {}
    for q in questions:
        ind = q.indicator
        part = parts.setdefault(ind.part_id, {"part": ind.part, "indicators": {}})
        key = indicator_key(area.code, ind.part.kind, ind.code)
        entry = part["indicators"].setdefault(ind.pk, {
            "indicator": ind, "score": unit_result.indicators[key], "rows": [],
            "tpi": tpi_result.indicators[key] if tpi_result else None})
        a = answers.get(q.pk)
        row = QuestionRow(q, a, unit_result.questions.get(q.key), list(a.evidence.all()) if a else [], editable_for(a))
        row.tpi_value = tpi_result.questions.get(q.key) if tpi_result else None
        entry["rows"].append(row)
    return [{"part": p["part"], "score": unit_result.parts[f"{area.code}.{p['part'].kind}"],
             "tpi": tpi_result.parts[f"{area.code}.{p['part'].kind}"] if tpi_result else None,
             "indicators": list(p["indicators"].values())} for p in parts.values()]


def changed_since_last_return(worksheet: Worksheet) -> set[int]:
    """Answers the unit changed after the TPI last returned the worksheet (two queries)."""
    from .models import WorksheetEvent

    last = (WorksheetEvent.objects.filter(worksheet=worksheet, to_status=Worksheet.Status.RETURNED)
            .order_by("-created_at", "-pk").values_list("created_at", flat=True).first())
    if last is None:
        return set()
    return set(WorksheetEvent.objects.filter(worksheet=worksheet, kind="value", field__startswith="unit_",
                                             created_at__gte=last).values_list("answer_id", flat=True))
