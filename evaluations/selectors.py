"""Non-trivial reads: the template as a pure spec, answers as value sets, scores per worksheet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Least
from django.utils.translation import gettext as _

from . import readiness, scoring, spec_cache, workflow
from .models import (
    Answer,
    Area,
    AreaScore,
    Evidence,
    Kawasan,
    PrerequisiteDefinition,
    PrerequisiteRecord,
    Question,
    ReadinessRule,
    Worksheet,
    WorksheetEvent,
    WorksheetScore,
)
from .permissions import can_see_tpi_values
from .scoring import indicator_key

VALUE_SETS = ("unit", "tpi", "tpn")


def template_spec(version_id: int) -> scoring.TemplateSpec:
    """The whole template of a version as frozen dataclasses: built in one query, then kept by the
    process until the version's stamp changes (one small query per call)."""
    return _template(version_id)[0]


def score_memo(version_id: int) -> dict:
    """The process's memo of indicator scores for this version (scoring.score), kept with its spec."""
    return _template(version_id)[3]


def _template(version_id: int) -> tuple:
    """(spec, readiness rules, prerequisite specs) of a version, read once per process and stamp."""
    return spec_cache.get(version_id, lambda pk: (_build_template_spec(pk), _build_readiness_rules(pk),
                                                  _build_prerequisite_specs(pk), {}))


def _build_template_spec(version_id: int) -> scoring.TemplateSpec:
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
        i[1].append(question_spec(q))
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


def question_spec(q: Question) -> scoring.QuestionSpec:
    return scoring.QuestionSpec(q.key, q.code, q.answer_type, q.formula, tuple(
        scoring.EmptyBase(c["if_zero"], Decimal(str(c["percent"])), c["note"]) for c in q.empty_base or ()))


def area_codes_by_component(spec: scoring.TemplateSpec) -> dict[str, list[str]]:
    return {c.code: [a.code for a in c.areas] for c in spec.components}


def _answer_rows(worksheet_ids):
    return (Answer.objects.filter(worksheet_id__in=worksheet_ids)
            .values_list("worksheet_id", "question__key", "unit_option", "unit_number",
                         "tpi_option", "tpi_number", "tpn_option", "tpn_number"))


def answers_by_worksheet(worksheet_ids) -> dict[int, dict[str, dict[str, scoring.AnswerValue]]]:
    """{worksheet id: {value set: {question key: AnswerValue}}} in one query. A value set holds the
    answers that have a value in it (an empty one scores as no answer: the same to every reader)."""
    out: dict = defaultdict(lambda: {s: {} for s in VALUE_SETS})
    new, value = tuple.__new__, scoring.AnswerValue
    for ws_id, key, uo, un, to, tn, po, pn in _answer_rows(worksheet_ids):
        sets = out[ws_id]
        if uo or un is not None:
            sets["unit"][key] = new(value, (uo, un))
        if to or tn is not None:
            sets["tpi"][key] = new(value, (to, tn))
        if po or pn is not None:
            sets["tpn"][key] = new(value, (po, pn))
    return out


def readiness_rules(version_id: int) -> list[readiness.Rule]:
    return list(_template(version_id)[1])


def _build_readiness_rules(version_id: int) -> tuple[readiness.Rule, ...]:
    return tuple(readiness.Rule(r.predicate, r.scope, r.label, r.target, r.minimum, r.minimum_percent,
                           r.source, r.is_confirmed)
            for r in ReadinessRule.objects.filter(version_id=version_id))


# --------------------------------------------------------------------------- readiness and prerequisites


@dataclass(frozen=True)
class ReadinessContext:
    """Everything a version's verdicts are judged by (three queries, then reused for every worksheet)."""

    spec: scoring.TemplateSpec
    rules: list
    area_codes: dict
    partial: tuple
    prerequisites: list  # readiness.PrerequisiteSpec
    # indicators' scores by answer set, kept with the spec by the process (scoring.score's memo)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def verdict(self, result: scoring.ScoreResult, holds: str) -> readiness.Verdict:
        return readiness.evaluate(result, self.rules, area_codes_by_component=self.area_codes, holds=holds,
                                  partial_predicates=self.partial)

    def level(self, level: str) -> list:
        return [p for p in self.prerequisites if p.level == level]


def readiness_context(version) -> ReadinessContext:
    spec, rules, prerequisites, memo = _template(version.pk)
    return ReadinessContext(spec, list(rules), area_codes_by_component(spec),
                            () if version.wbbm_rules_complete else (readiness.WBBM,), list(prerequisites), memo)


def prerequisite_spec(d: PrerequisiteDefinition) -> readiness.PrerequisiteSpec:
    return readiness.PrerequisiteSpec(d.key, d.level, d.label, d.kind, d.minimums,
                                      tuple(tuple(item) for item in d.scale), d.source)


def prerequisite_specs(version_id: int) -> list[readiness.PrerequisiteSpec]:
    return list(_template(version_id)[2])


def _build_prerequisite_specs(version_id: int) -> tuple[readiness.PrerequisiteSpec, ...]:
    return tuple(prerequisite_spec(d) for d in
                 PrerequisiteDefinition.objects.filter(version_id=version_id).order_by("level", "order"))


def current_records(*, round_ids=(), worksheet_ids=()) -> dict[tuple[str, int], dict[str, PrerequisiteRecord]]:
    """The latest recorded fact per prerequisite: {("round", id) or ("worksheet", id): {key: record}}.
    One query; later records replace earlier ones."""
    q = Q(pk__in=[])
    if round_ids:
        q |= Q(round_id__in=list(round_ids))
    if worksheet_ids:
        q |= Q(worksheet_id__in=list(worksheet_ids))
    out: dict = defaultdict(dict)
    for r in (PrerequisiteRecord.objects.filter(q).select_related("definition", "recorded_by")
              .order_by("recorded_at", "pk")):
        scope = ("round", r.round_id) if r.round_id else ("worksheet", r.worksheet_id)
        out[scope][r.definition.key] = r
    return out


def _values(records: dict) -> dict[str, str]:
    return {key: r.value for key, r in records.items()}


def unit_prerequisites(ctx: ReadinessContext, worksheet: Worksheet, records: dict, *, predicate: str
                       ) -> readiness.PrerequisiteVerdict:
    """The unit's own prerequisites toward ``predicate``, with the Stranas PK exception."""
    group = worksheet.round.instansi.prerequisite_group
    return readiness.check_prerequisites(
        ctx.level(readiness.UNIT), _values(records), predicate=predicate, group=group,
        reference=worksheet.round.proposal_date,
        exemption=readiness.stranas_exemption(worksheet.unit.get_stranas_pk_service_display()
                                              if worksheet.unit.stranas_pk_service else "", group))


def instansi_prerequisites(round_, *, specs: list | None = None, records: dict | None = None
                           ) -> dict[str, readiness.PrerequisiteVerdict]:
    """The instansi's prerequisites for this round, toward WBK and toward WBBM (two queries at most)."""
    if specs is None:
        specs = prerequisite_specs(round_.version_id)
    if records is None:
        records = current_records(round_ids=[round_.pk]).get(("round", round_.pk), {})
    mine = [p for p in specs if p.level == readiness.INSTANSI]
    return {p: readiness.check_prerequisites(mine, _values(records), predicate=p,
                                             group=round_.instansi.prerequisite_group,
                                             reference=round_.proposal_date)
            for p in (readiness.WBK, readiness.WBBM)}


@dataclass(frozen=True)
class Assessment:
    """One worksheet judged for one person: the unit's and the TPI's results, which of them the
    person's figures rest on, the verdict, the prerequisites and whether the unit may be proposed."""

    unit: scoring.ScoreResult
    tpi: scoring.ScoreResult
    has_tpi: bool  # the TPI has given values
    sees_tpi: bool  # … and this person may see them
    approved: bool
    unit_verdict: readiness.Verdict
    tpi_verdict: readiness.Verdict | None  # None unless the person may see TPI values and there are some
    prerequisites: readiness.PrerequisiteVerdict  # instansi + unit, toward the unit's target
    instansi_prerequisites: readiness.PrerequisiteVerdict
    unit_prerequisites: readiness.PrerequisiteVerdict
    records: dict  # the unit's current facts {key: PrerequisiteRecord}
    instansi_records: dict  # the round's current instansi facts {key: PrerequisiteRecord}
    spec: scoring.TemplateSpec  # the template it was judged against (pages lay out its areas)

    @property
    def show_tpi(self) -> bool:
        return self.tpi_verdict is not None

    @property
    def basis(self) -> str:
        """Whose values the verdict rests on: "tpi" (approved or provisional) or "unit"."""
        return "tpi" if self.show_tpi else "unit"

    @property
    def result(self) -> scoring.ScoreResult:
        return self.tpi if self.show_tpi else self.unit

    @property
    def verdict(self) -> readiness.Verdict:
        return self.tpi_verdict or self.unit_verdict

    @property
    def basis_label(self) -> str:
        return basis_label(self.basis, self.approved)

    @property
    def ready_to_propose(self) -> bool:
        return readiness.ready_to_propose(approved=self.approved, tpi_verdict=self.tpi_verdict,
                                          prerequisites=self.prerequisites)

    @property
    def proposal_blockers(self) -> list[str]:
        """Why the unit cannot be proposed yet, in words (empty when it can, or holds WBBM already)."""

        if self.ready_to_propose or self.verdict.holds == readiness.WBBM:
            return []
        target = readiness.PREDICATE_LABELS[self.verdict.target]
        out = []
        if not self.approved:
            out.append(_("menunggu persetujuan TPI"))
            if not self.verdict.target_met:
                out.append(_("nilai belum memenuhi %(p)s") % {"p": target})
        elif not (self.tpi_verdict and self.tpi_verdict.target_met):
            out.append(_("nilai TPI belum memenuhi %(p)s") % {"p": target})
        if not self.prerequisites.allows_proposal:
            out.append(_("syarat pengusulan belum terpenuhi"))
        return out


def basis_label(basis: str, approved: bool) -> str:
    """Whose values a figure rests on, in words (every badge says it)."""

    if basis == "tpi":
        return _("nilai TPI (disetujui)") if approved else _("nilai TPI (sementara, reviu berjalan)")
    return _("penilaian mandiri unit")


def worksheet_assessment(worksheet: Worksheet, *, user, ctx: ReadinessContext | None = None,
                         sets: dict | None = None) -> Assessment:
    """The one way to judge a worksheet for a page or an export (a fixed number of queries)."""
    ctx = ctx or readiness_context(worksheet.round.version)
    if sets is None:
        sets = answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {s: {} for s in VALUE_SETS}
    unit, tpi = scoring.score(ctx.spec, sets["unit"]), scoring.score(ctx.spec, sets["tpi"])
    has_tpi = has_tpi_values(sets)
    sees_tpi = can_see_tpi_values(user, worksheet)
    holds = worksheet.unit.predicate
    unit_verdict = ctx.verdict(unit, holds)
    tpi_verdict = ctx.verdict(tpi, holds) if has_tpi and sees_tpi else None
    records = current_records(round_ids=[worksheet.round_id], worksheet_ids=[worksheet.pk])
    mine, theirs = records.get(("worksheet", worksheet.pk), {}), records.get(("round", worksheet.round_id), {})
    target = unit_verdict.target
    own = unit_prerequisites(ctx, worksheet, mine, predicate=target)
    inst = instansi_prerequisites(worksheet.round, specs=ctx.prerequisites, records=theirs)[target]
    return Assessment(unit, tpi, has_tpi, sees_tpi, worksheet.status == Worksheet.Status.APPROVED, unit_verdict,
                      tpi_verdict, inst.merged(own), inst, own, mine, theirs, ctx.spec)


def has_tpi_values(sets: dict[str, dict[str, scoring.AnswerValue]]) -> bool:
    return any(a.option or a.number is not None for a in sets.get("tpi", {}).values())


def status_counts(worksheets) -> dict[str, int]:
    return dict(worksheets.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))


# --------------------------------------------------------------------------- worksheet pages


@dataclass(frozen=True)
class Missing:
    """What keeps a worksheet from being submitted."""

    unanswered: list  # Question rows (scored or count) without an answer
    no_evidence: list  # Questions that require evidence and have none
    carried: list = field(default_factory=list)  # Questions whose answer came from last round, not checked yet

    def __bool__(self):
        return bool(self.unanswered or self.no_evidence or self.carried)

    @property
    def total(self) -> int:
        return len(self.unanswered) + len(self.no_evidence) + len(self.carried)


def worksheet_missing(worksheet: Worksheet) -> Missing:
    """What keeps a worksheet from being submitted, in the workbook's order (two queries)."""
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet).annotate(
        n_evidence=Count("evidence"))}
    unanswered, no_evidence, carried = [], [], []
    questions = (Question.objects.filter(version_id=worksheet.round.version_id)
                 .select_related("indicator__part__area").order_by("order"))
    for q in questions:
        a = answers.get(q.pk)
        spec = question_spec(q)
        if q.takes_input and not scoring.is_answered(spec, a and scoring.AnswerValue(a.unit_option, a.unit_number)):
            unanswered.append(q)
        if q.evidence_required and not (a and a.n_evidence):
            no_evidence.append(q)
        if a and a.carried:
            carried.append(q)
    return Missing(unanswered, no_evidence, carried)


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
    rejected: dict | None = None
    upload_form: object = None  # the evidence forms of an editable card (bound when one was refused)
    link_form: object = None
    formula_terms: list = field(default_factory=list)
    computed: scoring.Computed | None = None  # a computed percentage from the unit's counts: why, capped?
    computed_count: Decimal | None = None  # a computed count (b = c + d + e) from the unit's counts
    tpi_computed: scoring.Computed | None = None
    tpi_computed_count: Decimal | None = None
    tpi_from_unit: bool = False  # review not started: the TPI's values are the unit's until it does
    suggestions: list = field(default_factory=list)  # library documents that may fit (library.suggestions)
    attach_form: object = None

    @property
    def raw_percent(self):
        """What the unit's counts give before the cap (shown with the warning when above 100%)."""
        return None if not self.computed or self.computed.raw is None else scoring.to_cents(self.computed.raw * 100)

    @property
    def tpi_raw_percent(self):
        c = self.tpi_computed
        return None if not c or c.raw is None else scoring.to_cents(c.raw * 100)

    @property
    def tpi_percent(self):
        return None if self.tpi_value is None else scoring.to_cents(self.tpi_value * 100)

    @property
    def differs(self) -> bool:
        """The TPI's value is not the unit's (a computed or unanswered value counts too). A count
        has no score of its own: its number (typed, or computed from other counts) is compared."""
        if self.tpi_from_unit:
            return False
        if self.question.answer_type == scoring.JUMLAH:
            if self.question.formula:
                return self.tpi_computed_count != self.computed_count
            return self.answer is not None and self.answer.tpi_number != self.answer.unit_number
        return self.tpi_value != self.value

    @property
    def percent(self):
        """The unit value as a percentage with two decimals (computed percentages)."""
        return None if self.value is None else scoring.to_cents(self.value * 100)

    @property
    def needs_attention(self) -> bool:
        return bool(self.answer and self.answer.needs_revision)


def area_rows(worksheet: Worksheet, area: Area, unit_result: scoring.ScoreResult, editable_for,
              tpi_result: scoring.ScoreResult | None = None, *, indicator_id: int | None = None) -> list[dict]:
    """Parts → indicators → question rows of one area, with answers and evidence (four queries).

    With ``tpi_result`` every indicator, part and row also carries the TPI's score or value. With
    ``indicator_id`` only that indicator's rows (what a saved card needs: its siblings feed its
    computed values), not the whole area's.
    """
    where = Q(indicator_id=indicator_id) if indicator_id else Q(indicator__part__area=area)
    questions = (Question.objects.filter(where)
                 .select_related("indicator__part").prefetch_related("options").order_by("order"))
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet)
               .filter(Q(question__indicator_id=indicator_id) if indicator_id else Q(question__indicator__part__area=area))
               .select_related("updated_by", "tpi_updated_by")
               .prefetch_related(Prefetch("evidence", Evidence.objects.select_related("document", "version")))}
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
        if q.formula:
            names = scoring.formula_names(q.formula)
            row.formula_terms = [(c.code, c.text) for c in questions if c.indicator_id == q.indicator_id
                                 and c.code in names]
        row.tpi_value = tpi_result.questions.get(q.key) if tpi_result else None
        entry["rows"].append(row)
    for p in parts.values():
        for entry in p["indicators"].values():
            _explain_computed(entry["rows"], with_tpi=tpi_result is not None)
    return [{"part": p["part"], "score": unit_result.parts[f"{area.code}.{p['part'].kind}"],
             "tpi": tpi_result.parts[f"{area.code}.{p['part'].kind}"] if tpi_result else None,
             "indicators": list(p["indicators"].values())} for p in parts.values()]


def _explain_computed(rows: list[QuestionRow], *, with_tpi: bool) -> None:
    """Each computed row of one indicator gets how its value came about (the empty-base case that
    applied, a ratio capped above 100%, a computed count), per value set — no query."""
    specs = [question_spec(r.question) for r in rows]
    if not any(s.formula for s in specs):
        return
    for which in ("unit", "tpi") if with_tpi else ("unit",):
        answers = {r.question.key: scoring.AnswerValue(getattr(r.answer, f"{which}_option"),
                                                       getattr(r.answer, f"{which}_number"))
                   for r in rows if r.answer is not None}
        counts = scoring.resolve_counts(tuple(specs), answers)
        prefix = "" if which == "unit" else "tpi_"
        for row, spec in zip(rows, specs, strict=True):
            if spec.formula and spec.answer_type == scoring.JUMLAH:
                setattr(row, f"{prefix}computed_count", counts.get(spec.code))
            elif spec.formula:
                setattr(row, f"{prefix}computed", scoring.compute(spec, counts, answers.get(spec.key)))


def events_visible_to(worksheet: Worksheet, *, sees_tpi: bool) -> list[WorksheetEvent]:
    """The worksheet's history, newest first, as this person may read it: the TPI's values and notes
    since the last submission stay with the TPI until it decides; what it decided before (a return)
    stays visible to the unit. One query."""
    events = list(worksheet.events.select_related("actor", "answer__question__indicator__part__area")
                  .order_by("-created_at", "-pk"))
    if sees_tpi:
        return events
    submitted = next((i for i, e in enumerate(events) if e.kind == e.Kind.STATUS
                      and e.to_status == Worksheet.Status.SUBMITTED), len(events))
    unit_fields = ("unit_value", "unit_explanation", "evidence")
    return [e for i, e in enumerate(events)
            if not (i < submitted and e.kind == e.Kind.VALUE and e.field not in unit_fields)]


def changed_since_last_return(worksheet: Worksheet) -> set[int]:
    """Answers the unit changed after the TPI last returned the worksheet (two queries)."""

    last = (WorksheetEvent.objects.filter(worksheet=worksheet, to_status=Worksheet.Status.RETURNED)
            .order_by("-created_at", "-pk").values_list("created_at", flat=True).first())
    if last is None:
        return set()
    return set(WorksheetEvent.objects.filter(worksheet=worksheet, kind="value", field__startswith="unit_",
                                             created_at__gte=last).values_list("answer_id", flat=True))


# --------------------------------------------------------------------------- dashboard (precomputed scores)

SORTS = {
    "unit": ("unit__name",), "status": ("status_rank", "unit__name"), "progress": ("unit_answered", "unit__name"),
    "unit_total": ("unit_total",), "tpi_total": ("tpi_total",), "pengungkit": ("pengungkit",),
    "hasil": ("hasil",), "readiness": ("readiness_rank", "gap_total"), "gap": ("gap_total",),
}


def ready_to_propose_q(instansi_ok: dict[str, bool]) -> Q:
    """The SQL twin of ``Assessment.ready_to_propose`` over ``with_scores`` rows: approved, TPI
    scores pass toward the target, and the prerequisites allow it (exempt, or the unit's own met
    and the instansi's met for that target). ``instansi_ok``: {predicate: instansi's met}."""
    instansi = Q(pk__in=[])
    for predicate, ok in instansi_ok.items():
        if ok:
            instansi |= Q(ts__target=predicate)
    return (Q(status=Worksheet.Status.APPROVED, ts__target_met=True) & ~Q(unit__predicate=readiness.WBBM)
            & (Q(ts__prereq_exempt=True) | (Q(ts__prereq_unmet=0) & instansi)))


def with_scores(worksheets, *, reviewer: bool, instansi_ok: dict[str, bool] | None = None, own_units=()):
    """Annotate worksheets with their stored unit and TPI scores and the verdict that counts: the
    TPI's once it has values (for the unit: once the TPI has decided), else the unit's. A reviewer
    who is also staff of some units (``own_units``) sees those units as their staff do. With
    ``instansi_ok`` also whether each may be proposed (``ready_to_propose``)."""

    qs = worksheets.annotate(
        us=FilteredRelation("scores", condition=Q(scores__value_set="unit")),
        ts=FilteredRelation("scores", condition=Q(scores__value_set="tpi")),
    )
    decided = Q(status__in=workflow.TPI_DECIDED)
    tpi_shown = Q(ts__id__isnull=False) & ((~Q(unit_id__in=list(own_units)) | decided) if reviewer else decided)

    def pick(field, output=None):
        return Case(When(tpi_shown, then=F(f"ts__{field}")), default=F(f"us__{field}"), output_field=output)

    qs = qs.annotate(
        unit_total=F("us__total"), unit_answered=F("us__answered"), unit_inputs=F("us__inputs"),
        tpi_total=Case(When(tpi_shown, then=F("ts__total"))),
        basis_is_tpi=Case(When(tpi_shown, then=Value(True)), default=Value(False)),
        pengungkit=pick("pengungkit"), hasil=pick("hasil"), total=pick("total"),
        verdict=Coalesce(pick("verdict"), Value("")), gap_total=pick("gap_total"),
        unit_verdict=Coalesce(F("us__verdict"), Value("")), unit_gaps=F("us__gaps"), tpi_gaps=F("ts__gaps"),
        verdict_partial=pick("verdict_partial"), target=F("us__target"), target_met=pick("target_met"),
        prereq_unmet=F("us__prereq_unmet"), prereq_exempt=F("us__prereq_exempt"),
    ).annotate(readiness_rank=Case(When(verdict="wbbm", then=Value(0)), When(verdict="wbk", then=Value(1)),
                                   default=Value(2), output_field=IntegerField()),
               # the workflow's order (Pengisian → … → Disetujui), not the codes' alphabet
               status_rank=Case(*[When(status=value, then=Value(i)) for i, value in enumerate(Worksheet.Status.values)],
                                output_field=IntegerField()))
    if instansi_ok is not None:
        qs = qs.annotate(ready_to_propose=Case(When(ready_to_propose_q(instansi_ok), then=Value(True)),
                                               default=Value(False), output_field=BooleanField()))
    return qs


BASIS_FILTERS = ("tpi", "unit")


def dashboard(worksheets, *, reviewer: bool, status="", kind="", readiness_code=None, basis="", search="",
              sort="unit", descending=False, instansi_ok=None, ready_only=False, own_units=()):
    """The round dashboard's rows as one queryset: filtered, searched and sorted in SQL.
    ``basis``: filter the readiness by the TPI's approved values ("tpi"), by the unit's own ("unit"),
    or by the values each row shows (""); ``ready_only``: the units that may be proposed."""
    qs = with_scores(worksheets.select_related("unit"), reviewer=reviewer, instansi_ok=instansi_ok, own_units=own_units)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(unit__kind=kind)
    if readiness_code is not None:
        if basis == "tpi":
            qs = qs.filter(status=Worksheet.Status.APPROVED, ts__verdict=readiness_code)
        elif basis == "unit":
            qs = qs.filter(us__verdict=readiness_code)
        else:
            qs = qs.filter(verdict=readiness_code)
    if ready_only and instansi_ok is not None:
        qs = qs.filter(ready_to_propose=True)
    if search:
        qs = qs.filter(Q(unit__name__icontains=search) | Q(unit__short_name__icontains=search))
    fields = SORTS.get(sort, SORTS["unit"])
    order = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields]
    return qs.order_by(*order, "unit__name")


@dataclass(frozen=True)
class ReadinessCounts:
    """Readiness counted apart by whose values it rests on (never mixed): the TPI's approved
    values, and the units' own self-assessment; plus how many may be proposed."""

    tpi: dict  # {"wbbm": n, "wbk": n, "": n} over approved worksheets
    unit: dict  # the same over every worksheet, by the unit's values
    approved: int
    total: int
    ready_to_propose: int

    def rows(self):
        """(code, label, by TPI, by self-assessment) in the order people read them."""
        labels = readiness.VERDICT_LABELS
        return [(key, str(labels[code]), self.tpi.get(code, 0), self.unit.get(code, 0))
                for key, code in (("wbbm", "wbbm"), ("wbk", "wbk"), ("belum", ""))]


def readiness_counts_by_basis(worksheets, instansi_ok: dict[str, bool]) -> ReadinessCounts:
    """Three queries, whatever the number of units."""

    def by_verdict(qs):
        return dict(qs.order_by().values("verdict").annotate(n=Count("pk")).values_list("verdict", "n"))

    approved = worksheets.filter(status=Worksheet.Status.APPROVED)
    unit = by_verdict(WorksheetScore.objects.filter(worksheet__in=worksheets, value_set="unit"))
    tpi = by_verdict(WorksheetScore.objects.filter(worksheet__in=approved, value_set="tpi"))
    ready = (with_scores(worksheets, reviewer=True, instansi_ok=instansi_ok).filter(ready_to_propose=True)
             .order_by().count())
    return ReadinessCounts(tpi, unit, sum(tpi.values()), sum(unit.values()), ready)


def describe_prerequisites(row, instansi: dict[str, readiness.PrerequisiteVerdict]) -> str:
    """A dashboard row's prerequisites toward its target in words, from its stored count and the
    round's instansi verdicts (no query)."""

    target = row.target or readiness.WBK
    unmet = (row.prereq_unmet or 0) + len(instansi[target].unmet)
    label = readiness.PREDICATE_LABELS[target]
    if not unmet:
        return _("syarat pengusulan %(p)s: terpenuhi") % {"p": label}
    text = _("syarat pengusulan %(p)s: %(n)d belum terpenuhi") % {"p": label, "n": unmet}
    return text + (" · " + _("dikecualikan (Stranas PK)") if row.prereq_exempt else "")


def total_distribution(qs) -> list[tuple[str, int]]:
    """How many units score 0–9, 10–19, … 90–100 (the basis total), in one query."""

    buckets = dict(qs.exclude(total__isnull=True).order_by()
                   .annotate(bucket=Least(Cast(Floor(F("total") / 10), IntegerField()), Value(9)))
                   .values("bucket").annotate(n=Count("pk")).values_list("bucket", "n"))
    return [(f"{b * 10}–{b * 10 + 9 if b < 9 else 100}", buckets.get(b, 0))
            for b in range(10)]


def round_figures(worksheets, *, reviewer: bool, instansi_ok: dict[str, bool], own_units=()
                  ) -> tuple[dict[str, int], ReadinessCounts, list[tuple[str, int]]]:
    """The round summary's counts in one grouped query: worksheets by status, readiness by whose
    values (as ``readiness_counts_by_basis``) and the distribution of the totals that count (as
    ``total_distribution`` over ``with_scores``) — the same numbers as those three, which read the
    round five times."""
    rows = with_scores(worksheets, reviewer=reviewer, instansi_ok=instansi_ok, own_units=own_units).annotate(
        has_unit=Case(When(us__id__isnull=False, then=Value(True)), default=Value(False), output_field=BooleanField()),
        tpi_verdict=F("ts__verdict"),
        bucket=Least(Cast(Floor(F("total") / 10), IntegerField()), Value(9)))
    statuses: dict[str, int] = defaultdict(int)
    unit: dict[str, int] = defaultdict(int)
    tpi: dict[str, int] = defaultdict(int)
    buckets: dict[int, int] = defaultdict(int)
    ready = 0
    for status, has_unit, unit_verdict, tpi_verdict, bucket, is_ready, n in (
            rows.order_by().values("status", "has_unit", "unit_verdict", "tpi_verdict", "bucket", "ready_to_propose")
            .annotate(n=Count("pk"))
            .values_list("status", "has_unit", "unit_verdict", "tpi_verdict", "bucket", "ready_to_propose", "n")):
        statuses[status] += n
        if has_unit:
            unit[unit_verdict] += n
        if status == Worksheet.Status.APPROVED and tpi_verdict is not None:
            tpi[tpi_verdict] += n
        if bucket is not None:
            buckets[bucket] += n
        ready += n if is_ready else 0
    counts = ReadinessCounts(dict(tpi), dict(unit), sum(tpi.values()), sum(unit.values()), ready)
    distribution = [(f"{b * 10}–{b * 10 + 9 if b < 9 else 100}", buckets.get(b, 0)) for b in range(10)]
    return dict(statuses), counts, distribution


def area_averages(worksheets, *, reviewer: bool) -> list[dict]:
    """Each area's average across the units (TPI values where they count), weakest first: one
    grouped query over the area rows, which carry their worksheet and value set."""

    if reviewer:
        basis = Q(superseded=False)
    else:
        visible = Q(worksheet__status__in=workflow.TPI_DECIDED)
        basis = (Q(value_set="tpi") & visible) | (Q(value_set="unit") & (Q(superseded=False) | ~visible))
    rows = AreaScore.objects.filter(worksheet__in=worksheets).filter(basis)
    data = (rows.order_by().values("area_code", "weight")
            .annotate(avg=Avg("value"), pemenuhan=Avg("pemenuhan"), reform=Avg("reform"), n=Count("pk")))
    out = [{"code": d["area_code"], "weight": d["weight"], "avg": Decimal(d["avg"]).quantize(Decimal("0.01")),
            "pemenuhan": None if d["pemenuhan"] is None else Decimal(d["pemenuhan"]).quantize(Decimal("0.01")),
            "reform": None if d["reform"] is None else Decimal(d["reform"]).quantize(Decimal("0.01")),
            "percent": (Decimal(d["avg"]) * 100 / d["weight"]).quantize(Decimal("0.01")), "n": d["n"]}
           for d in data]
    return sorted(out, key=lambda r: r["percent"])


def kawasan_readiness(instansi_id: int, ready_units: dict[int, str], round_unit_ids: set[int]) -> list[dict]:
    """A kawasan is ready when every one of its units takes part in the round, is ready, and has
    been approved by the TPI; ready on provisional values (not all approved yet) is said so.
    ``ready_units``: unit id → worksheet status, for the units whose verdict is WBK or WBBM."""

    members: dict[int, list] = {}
    names = dict(Kawasan.objects.filter(instansi_id=instansi_id).values_list("pk", "name"))
    for kawasan_id, unit_id, unit_name in (Kawasan.units.through.objects.filter(kawasan_id__in=names)
                                           .values_list("kawasan_id", "unit_id", "unit__name")):
        members.setdefault(kawasan_id, []).append((unit_id, unit_name))
    out = []
    for pk, name in sorted(names.items(), key=lambda kv: kv[1]):
        units = members.get(pk, [])
        missing = [n for uid, n in units if uid not in ready_units]
        provisional = [n for uid, n in units if uid in ready_units and ready_units[uid] != Worksheet.Status.APPROVED]
        approved = sum(1 for uid, _n in units if ready_units.get(uid) == Worksheet.Status.APPROVED)
        out.append({"name": name, "units": len(units), "ready": len(units) - len(missing), "approved": approved,
                    "is_ready": bool(units) and not missing and not provisional,
                    "provisional": provisional if units and not missing else [], "missing": missing,
                    "not_in_round": [n for uid, n in units if uid not in round_unit_ids]})
    return out
