"""LKE ZI scoring: pure, exact, no database.

Answers in, ScoreResult out. Arithmetic is exact: values are turned into ``Fraction`` on the way
in (``Fraction(Decimal("0.67"))`` is exactly 67/100), every mean and sum is exact, and only the
reported ``score`` of a node is rounded (two decimals, half up). Readiness compares the exact
value, so 2/3 × 1.5 is 1 and never 0.99999….

Rules (domain spec, PermenPANRB 90/2021):
- option values: Ya/Tidak 1/0; A/B 1/0; A/B/C 1/0.5/0; A/B/C/D 1/0.67/0.33/0; A/B/C/D/E 1/0.75/0.5/0.25/0
- persentase entered directly: value / 100, clamped to 0–1
- persentase computed from counts: the question's formula over the counts of its indicator
  (e.g. ``b / a``), capped at 1 and floored at 0 as the workbook does (``IF(x/y>1,1,x/y)``); a ratio
  above 1 is flagged (a count is probably mistyped). What an empty base means is template data:
  each formula lists its ``empty_base`` cases ("when b = 0 the ratio scores 100%: no complaints
  to handle"), checked in order before dividing; a missing count leaves it unanswered
- a computed percentage whose value set carries a number of its own (the TPI's own value) uses
  that number as a percentage instead of the counts
- jumlah: not scored; feeds formulas. A jumlah row with a formula (``c + d + e``) is computed
  from the other counts and is not typed in
- indeks survei (0–4, as the workbook's validation): index / 4
- indicator = mean of its scored questions (unanswered = 0) × weight; part, area, component and
  total are sums.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

from .answer_types import (  # noqa: F401  (re-exported: scoring's callers name the types through it)
    AB,
    ABC,
    ABCD,
    ABCDE,
    INDEKS,
    JUMLAH,
    NUMBER_TYPES,
    OPTION_VALUES,
    PERSEN,
    TYPES,
    YA_TIDAK,
)

INDEX_MIN, INDEX_MAX = TYPES[INDEKS].low, TYPES[INDEKS].high
CENT = Decimal("0.01")


def exact_sum(values) -> Fraction:
    """The exact sum of Fractions with one normalisation at the end (Fraction's ``+`` reduces after
    every step; a rescore adds some fifty thousand values per hundred worksheets)."""
    num, den = 0, 1
    for v in values:
        n, d = v.as_integer_ratio()
        if d == den:
            num += n
        else:
            common = den // math.gcd(den, d) * d
            num, den = num * (common // den) + n * (common // d), common
    return Fraction(num, den)


@functools.lru_cache(maxsize=16384)
def as_fraction(value: Decimal) -> Fraction:
    """A template constant (a weight, an option's value) or a count as a Fraction: the same few
    recur across a round, each converted once."""
    return Fraction(value)


def to_cents(value: Fraction) -> Decimal:
    """Round an exact value to two decimals, half up (as shown in the worksheet)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- template spec


def indicator_key(area_code: str, part_kind: str, indicator_code: str) -> str:
    """The template's own name for an indicator: "V.reform.ii"."""
    return f"{area_code}.{part_kind}.{indicator_code}"


@dataclass(frozen=True)
class EmptyBase:
    """What a computed percentage scores when ``if_zero`` (an expression over the counts) is 0,
    e.g. no complaints to handle (``b``) → 100%, with the reason shown beside the figure."""

    if_zero: str
    percent: Decimal
    note: str


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    code: str
    answer_type: str
    formula: str = ""
    empty_base: tuple[EmptyBase, ...] = ()

    @property
    def is_scored(self) -> bool:
        return self.answer_type != JUMLAH

    @property
    def takes_input(self) -> bool:
        return not self.formula


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    code: str
    name: str
    weight: Decimal
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class PartSpec:
    kind: str
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    weight: Decimal
    parts: tuple[PartSpec, ...]


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    name: str
    weight: Decimal
    areas: tuple[AreaSpec, ...]


@dataclass(frozen=True)
class TemplateSpec:
    components: tuple[ComponentSpec, ...]

    def questions(self):
        for component in self.components:
            for area in component.areas:
                for part in area.parts:
                    for indicator in part.indicators:
                        yield from indicator.questions


class AnswerValue(NamedTuple):
    """One value set's answer to one question: a letter for option types, a number otherwise.
    (A tuple: made, hashed and compared in C — a rescore handles a million of them.)"""

    option: str = ""
    number: Decimal | None = None


# --------------------------------------------------------------------------- formulas

_ALLOWED_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
                ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}


class FormulaError(ValueError):
    pass


@functools.lru_cache(maxsize=1024)
def _parse(formula: str) -> ast.expr:
    """The checked syntax tree of a formula. A template has a few dozen formulas and scoring
    reads them for every worksheet: parsed once per process (the tree is never changed)."""
    try:
        tree = ast.parse(formula, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"rumus tidak dapat dibaca: {formula!r}") from exc
    for node in ast.walk(tree):
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Name, ast.Load)):
            if isinstance(node, ast.Name) and node.id.startswith("_"):  # _k0…: the compiled constants
                raise FormulaError(f"huruf pertanyaan dalam rumus tidak boleh diawali garis bawah: {formula!r}")
            if isinstance(node, ast.BinOp) and type(node.op) not in _ALLOWED_OPS:
                raise FormulaError(f"operator tidak diizinkan dalam rumus: {formula!r}")
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub):
                raise FormulaError(f"operator tidak diizinkan dalam rumus: {formula!r}")
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            continue
        if isinstance(node, (ast.operator, ast.unaryop)):
            continue
        raise FormulaError(f"rumus hanya boleh memuat huruf pertanyaan, angka, + - * / dan kurung: {formula!r}")
    return tree


@functools.lru_cache(maxsize=1024)
def formula_names(formula: str) -> frozenset[str]:
    """The question codes a formula reads; raises FormulaError for anything but arithmetic."""
    return frozenset(node.id for node in ast.walk(_parse(formula)) if isinstance(node, ast.Name))


class _Constants(ast.NodeTransformer):
    """Replaces each number of a formula by a name bound to its exact Fraction (``0.5`` → 1/2)."""

    def __init__(self):
        self.values: dict[str, Fraction] = {}

    def visit_Constant(self, node):
        name = f"_k{len(self.values)}"
        self.values[name] = Fraction(str(node.value))
        return ast.copy_location(ast.Name(name, ast.Load()), node)


@functools.lru_cache(maxsize=1024)
def _compiled(formula: str):
    """A checked formula as Python bytecode over Fractions, with its exact constants and the names
    it reads. Only what ``_parse`` allows gets here: numbers, names, + - * / and unary minus; the
    names are looked up only in the counts handed over (no builtins), so nothing else can run."""
    constants = _Constants()
    names = formula_names(formula)
    _parse(formula)  # checked; a tree of its own is rewritten (the cached one is shared)
    tree = ast.fix_missing_locations(ast.Expression(constants.visit(ast.parse(formula, mode="eval").body)))
    return compile(tree, "<rumus>", "eval"), {"__builtins__": {}, **constants.values}, names


def evaluate_formula(formula: str, counts: Mapping[str, Decimal | None]) -> Fraction | None:
    """Exact value of a formula, or None when a count is missing or a divisor is zero."""
    code, constants, names = _compiled(formula)
    env = {}
    for name in names:
        value = counts.get(name)
        if value is None:
            return None
        env[name] = as_fraction(value)
    try:
        return eval(code, constants, env)  # noqa: S307 — a checked arithmetic expression, see _compiled
    except ZeroDivisionError:
        return None


# --------------------------------------------------------------------------- question values


_ZERO, _ONE = Fraction(0), Fraction(1)


def _clamp(value: Fraction) -> Fraction:
    return _ZERO if value < 0 else _ONE if value > 1 else value


@dataclass(frozen=True)
class Computed:
    """A percentage computed from counts: its 0–1 value and how it came about."""

    value: Fraction | None  # None: a count is missing (or a divisor is 0 with no rule for it)
    raw: Fraction | None = None  # before capping at 1 and flooring at 0
    note: str = ""  # the empty-base case that decided the value, in words
    overridden: bool = False  # the value set's own number was used instead of the counts

    @property
    def capped(self) -> bool:
        """The counts give more than 100%: capped, as the workbook does, and probably mistyped."""
        return self.raw is not None and self.raw > 1


def compute(question: QuestionSpec, counts: Mapping[str, Decimal | None],
            answer: AnswerValue | None = None) -> Computed:
    """The value of a computed percentage from its indicator's counts (see the module rules)."""
    if answer is not None and answer.number is not None:
        own = Fraction(answer.number) / 100
        return Computed(_clamp(own), own, overridden=True)
    names = formula_names(question.formula).union(*(formula_names(c.if_zero) for c in question.empty_base))
    if any(counts.get(n) is None for n in names):  # every count it reads must be filled in, as in the workbook
        return Computed(None)
    for case in question.empty_base:
        if evaluate_formula(case.if_zero, counts) == 0:
            value = Fraction(case.percent) / 100
            return Computed(value, value, case.note)
    raw = evaluate_formula(question.formula, counts)
    return Computed(None) if raw is None else Computed(_clamp(raw), raw)


def resolve_counts(questions: tuple[QuestionSpec, ...], answers: Mapping[str, AnswerValue]) -> dict[str, Decimal | None]:
    """Each jumlah row's count by its letter: typed, or computed from the others (``c + d + e``)."""
    counts: dict[str, Decimal | None] = {q.code: answers[q.key].number if q.key in answers else None
                                         for q in questions if q.answer_type == JUMLAH and not q.formula}
    pending = [q for q in questions if q.answer_type == JUMLAH and q.formula]
    while pending:  # a computed count may read another computed count; the loader refuses cycles
        ready = [q for q in pending if formula_names(q.formula) <= counts.keys()]
        if not ready:
            counts.update({q.code: None for q in pending})
            break
        for q in ready:
            value = evaluate_formula(q.formula, counts)
            counts[q.code] = None if value is None else Decimal(value.numerator) / Decimal(value.denominator)
            pending.remove(q)
    return counts


def question_value(question: QuestionSpec, answer: AnswerValue | None,
                   counts: Mapping[str, Decimal | None] | None = None) -> Fraction | None:
    """The 0–1 value of one answer; None when unanswered or not computable. Jumlah → None."""
    if question.answer_type == JUMLAH:
        return None
    if question.formula:
        return compute(question, counts or {}, answer).value
    if answer is None:
        return None
    if question.answer_type in OPTION_VALUES:
        value = OPTION_VALUES[question.answer_type].get(answer.option)
        return None if value is None else as_fraction(value)
    if answer.number is None:
        return None
    if question.answer_type == PERSEN:
        return _clamp(Fraction(answer.number) / 100)
    if question.answer_type == INDEKS:
        return _clamp(Fraction(answer.number) / 4)
    raise ValueError(f"jenis jawaban tidak dikenal: {question.answer_type}")


def is_answered(question: QuestionSpec, answer: AnswerValue | None) -> bool:
    """Whether an input question holds a usable answer (progress)."""
    if answer is None:
        return False
    if question.answer_type in OPTION_VALUES:
        return answer.option in OPTION_VALUES[question.answer_type]
    return answer.number is not None


# --------------------------------------------------------------------------- results


class NodeScore(NamedTuple):
    """A scored node: indicator, part, area, component or the total. (A tuple, as AnswerValue.)"""

    key: str
    name: str
    weight: Decimal
    exact: Fraction
    answered: int  # input questions answered below this node
    inputs: int  # input questions below this node

    @property
    def score(self) -> Decimal:
        return to_cents(self.exact)

    @property
    def percent(self) -> Decimal:
        """Score as a percentage of the weight (0–100), two decimals."""
        return to_cents(self.exact / Fraction(self.weight) * 100) if self.weight else Decimal("0.00")

    @property
    def is_complete(self) -> bool:
        return self.answered == self.inputs


class ScoreResult:
    """A value set's scores at every level. ``questions`` (each answer's 0–1 value) is assembled
    when first read: a rescore of thousands of worksheets never reads it."""

    __slots__ = ("total", "components", "areas", "parts", "indicators", "_values", "_questions")

    def __init__(self, total: NodeScore, components: dict[str, NodeScore], areas: dict[str, NodeScore],
                 parts: dict[str, NodeScore], indicators: dict[str, NodeScore],
                 questions: dict[str, Fraction | None] | None = None, *, values: list[dict] = ()):
        self.total, self.components, self.areas, self.parts = total, components, areas, parts  # "I.pemenuhan"
        self.indicators = indicators  # "I.pemenuhan.i"
        self._values, self._questions = values, questions

    @property
    def questions(self) -> dict[str, Fraction | None]:
        if self._questions is None:
            self._questions = {}
            for values in self._values:
                self._questions.update(values)
        return self._questions

    def node(self, scope: str, target: str) -> NodeScore:
        if scope == "total":
            return self.total
        return {"component": self.components, "area": self.areas, "part": self.parts,
                "indicator": self.indicators}[scope][target]


def _sum(key: str, name: str, weight: Decimal, children: list[NodeScore]) -> NodeScore:
    return NodeScore(key, name, weight, exact_sum(c.exact for c in children),
                     sum(c.answered for c in children), sum(c.inputs for c in children))


def score_indicator(indicator: IndicatorSpec, answers: Mapping[str, AnswerValue]) -> tuple[NodeScore, dict]:
    counts = resolve_counts(indicator.questions, answers)
    values, answered, inputs = {}, 0, 0
    for q in indicator.questions:
        answer = answers.get(q.key)
        values[q.key] = question_value(q, answer, counts)
        if q.takes_input:
            inputs += 1
            answered += is_answered(q, answer)
    scored = [values[q.key] or _ZERO for q in indicator.questions if q.is_scored]
    mean = exact_sum(scored) / len(scored) if scored else _ZERO
    node = NodeScore(indicator.key, indicator.name, indicator.weight, mean * as_fraction(indicator.weight),
                     answered, inputs)
    return node, values


MEMO_LIMIT = 20_000


class _Plan(NamedTuple):
    """A template's shape flattened once: indicators with their question keys, and how they sum."""

    indicators: tuple  # (IndicatorSpec, its question keys)
    parts: tuple  # (area code, part key, kind, weight, indicator positions)
    areas: tuple  # (AreaSpec, part positions)
    components: tuple  # (ComponentSpec, area positions)
    weight: Decimal


def _plan(template: TemplateSpec) -> _Plan:
    """The template's plan, made once and kept on the (immutable) spec itself."""
    plan = template.__dict__.get("_plan")
    if plan is None:
        plan = _make_plan(template)
        object.__setattr__(template, "_plan", plan)  # not a field: equality and hashing ignore it
    return plan


def _make_plan(template: TemplateSpec) -> _Plan:
    indicators, parts, areas, components = [], [], [], []
    for component in template.components:
        area_at = []
        for area in component.areas:
            part_at = []
            for part in area.parts:
                ind_at = []
                for indicator in part.indicators:
                    ind_at.append(len(indicators))
                    indicators.append((indicator, tuple(q.key for q in indicator.questions)))
                part_at.append(len(parts))
                parts.append((f"{area.code}.{part.kind}", part.kind,
                              sum((i.weight for i in part.indicators), Decimal("0")), tuple(ind_at)))
            area_at.append(len(areas))
            areas.append((area, tuple(part_at)))
        components.append((component, tuple(area_at)))
    return _Plan(tuple(indicators), tuple(parts), tuple(areas), tuple(components),
                 sum((c.weight for c in template.components), Decimal("0")))


def score(template: TemplateSpec, answers: Mapping[str, AnswerValue], memo: dict | None = None) -> ScoreResult:
    """Roll one value set up: question → indicator → part → area → component → total.

    ``memo``: a dict kept across the worksheets of one batch (a rescore, the recap). An indicator's
    score depends only on its own questions' answers, and across a round the same few answer
    combinations recur (a tenth of them are distinct at 500 units), so each is computed once."""
    plan = _plan(template)
    get = answers.get
    ind_nodes, values = [], []
    for indicator, keys in plan.indicators:
        if memo is None:
            found = score_indicator(indicator, answers)
        else:
            key = (indicator.key, tuple(map(get, keys)))
            found = memo.get(key)
            if found is None:
                if len(memo) >= MEMO_LIMIT:  # memory stays bounded on the largest recap
                    memo.clear()
                found = memo[key] = score_indicator(indicator, answers)
        ind_nodes.append(found[0])
        values.append(found[1])
    part_nodes = [_sum(key, kind, weight, [ind_nodes[i] for i in at]) for key, kind, weight, at in plan.parts]
    area_nodes = [_sum(area.code, area.name, area.weight, [part_nodes[i] for i in at]) for area, at in plan.areas]
    comp_nodes = [_sum(c.code, c.name, c.weight, [area_nodes[i] for i in at]) for c, at in plan.components]
    return ScoreResult(_sum("total", "Total", plan.weight, comp_nodes),
                       {n.key: n for n in comp_nodes}, {n.key: n for n in area_nodes},
                       {n.key: n for n in part_nodes}, {n.key: n for n in ind_nodes}, values=values)


def score_sets(template: TemplateSpec,
               answers_by_set: Mapping[str, Mapping[str, AnswerValue]]) -> dict[str, ScoreResult]:
    """Score each value set (unit, tpi, tpn) the same way."""
    return {which: score(template, answers) for which, answers in answers_by_set.items()}
