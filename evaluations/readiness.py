"""Readiness toward WBK/WBBM: pure, no database.

ScoreResult + rules (+ the unit's predicate and the instansi's yes/no prerequisites) in; a verdict
out that names every failing rule with its gap in points. Values are compared exactly; the gap is
the shown minimum less the shown score (so the message adds up), and at least a cent, so a unit
that is short never reads "kurang 0,00".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .scoring import CENT, ScoreResult, to_cents

WBK, WBBM = "wbk", "wbbm"
TOTAL, COMPONENT, AREA, EACH_AREA, INDICATOR = "total", "component", "area", "each_area", "indicator"


def fmt(value: Decimal) -> str:
    """Two decimals in the active locale (Bahasa Indonesia: 1.234,50)."""
    return number_format(value, 2, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Rule:
    predicate: str  # wbk | wbbm
    scope: str  # total | component | area | each_area | indicator
    label: str
    target: str = ""
    minimum: Decimal | None = None
    minimum_percent: Decimal | None = None
    source: str = ""
    confirmed: bool = True

    def __post_init__(self):
        if (self.minimum is None) == (self.minimum_percent is None):
            raise ValueError("a rule has either a minimum or a minimum_percent")


@dataclass(frozen=True)
class Prerequisite:
    label: str
    applies_to: str  # both | wbk | wbbm
    is_met: bool

    def applies(self, predicate: str) -> bool:
        return self.applies_to in ("both", predicate)


@dataclass(frozen=True)
class Shortfall:
    """One failing rule for one node: what it has, what it needs, and how much it is short."""

    rule: Rule
    name: str
    actual: Decimal
    weight: Decimal
    required: Decimal
    gap: Decimal

    @property
    def message(self) -> str:
        return describe(self.to_dict())

    def to_dict(self) -> dict:
        """Plain data for storing with precomputed scores; ``describe`` turns it back into words."""
        return {"scope": self.rule.scope, "name": self.name, "actual": str(self.actual), "weight": str(self.weight),
                "required": str(self.required), "gap": str(self.gap),
                "percent": None if self.rule.minimum_percent is None else str(self.rule.minimum_percent)}


def describe(d: dict) -> str:
    """A shortfall in words, in the active language: "Penguatan Pengawasan: 8,10 / 15,00 — kurang 0,90 dari 60%"."""
    actual, gap, required = Decimal(d["actual"]), Decimal(d["gap"]), Decimal(d["required"])
    if d["scope"] == TOTAL:
        return _("Total %(actual)s — kurang %(gap)s dari minimum %(req)s") % {
            "actual": fmt(actual), "gap": fmt(gap), "req": fmt(required)}
    if d.get("percent") is not None:
        return _("%(name)s: %(actual)s / %(weight)s — kurang %(gap)s dari %(pct)s%%") % {
            "name": d["name"], "actual": fmt(actual), "weight": fmt(Decimal(d["weight"])), "gap": fmt(gap),
            "pct": number_format(Decimal(d["percent"]).normalize())}
    return _("%(name)s: %(actual)s — kurang %(gap)s dari minimum %(req)s") % {
        "name": d["name"], "actual": fmt(actual), "gap": fmt(gap), "req": fmt(required)}


@dataclass(frozen=True)
class PredicateVerdict:
    predicate: str
    shortfalls: tuple[Shortfall, ...]
    blockers: tuple[str, ...]  # unmet prerequisites, in words
    partial: bool  # the rule set is not fully confirmed against the regulation
    has_rules: bool

    @property
    def met(self) -> bool:
        return self.has_rules and not self.shortfalls and not self.blockers

    @property
    def total_gap(self) -> Decimal:
        return sum((s.gap for s in self.shortfalls), Decimal("0.00"))


@dataclass(frozen=True)
class Verdict:
    wbk: PredicateVerdict
    wbbm: PredicateVerdict

    @property
    def code(self) -> str:
        if self.wbbm.met:
            return WBBM
        if self.wbk.met:
            return WBK
        return ""

    @property
    def label(self) -> str:
        return {WBBM: _("Siap WBBM"), WBK: _("Siap WBK")}.get(self.code, _("Belum memenuhi"))

    @property
    def next_target(self) -> PredicateVerdict:
        """The predicate within reach: WBK first, WBBM once WBK is met."""
        return self.wbbm if self.wbk.met else self.wbk

    def largest_gaps(self, n: int = 3) -> list[Shortfall]:
        """The biggest gaps toward the next predicate within reach (WBK first, unless met)."""
        return sorted(self.next_target.shortfalls, key=lambda s: s.gap, reverse=True)[:n]


def _required(rule: Rule, weight: Decimal) -> Fraction:
    if rule.minimum is not None:
        return Fraction(rule.minimum)
    return Fraction(weight) * Fraction(rule.minimum_percent) / 100


def _check(rule: Rule, node) -> Shortfall | None:
    """The comparison is exact; the gap is what the reader can check with the shown figures
    (minimum − shown score), and never less than a cent for a unit that is short."""
    required = _required(rule, node.weight)
    if node.exact >= required:
        return None
    shown_required = to_cents(required)
    gap = max(shown_required - node.score, CENT)
    return Shortfall(rule, node.name, node.score, node.weight, shown_required, gap)


def check_rule(rule: Rule, result: ScoreResult, area_codes_by_component: dict[str, list[str]]) -> list[Shortfall]:
    """Every shortfall of one rule (``each_area`` yields one per failing area)."""
    if rule.scope == EACH_AREA:
        nodes = [result.areas[code] for code in area_codes_by_component[rule.target]]
    else:
        nodes = [result.node(rule.scope, rule.target)]
    return [s for s in (_check(rule, node) for node in nodes) if s]


def evaluate(result: ScoreResult, rules: Iterable[Rule], *, area_codes_by_component: dict[str, list[str]],
             holds_wbk: bool = False, prerequisites: Iterable[Prerequisite] = (),
             partial_predicates: Iterable[str] = ()) -> Verdict:
    """The verdict for one value set. ``partial_predicates`` names rule sets known to be
    incomplete (e.g. WBBM minimums not yet verified against the regulation)."""
    rules, prerequisites, partial_predicates = list(rules), list(prerequisites), set(partial_predicates)
    verdicts = {}
    for predicate in (WBK, WBBM):
        mine = [r for r in rules if r.predicate == predicate]
        shortfalls = [s for r in mine for s in check_rule(r, result, area_codes_by_component)]
        blockers = [_("Prasyarat belum terpenuhi: %(label)s") % {"label": p.label}
                    for p in prerequisites if p.applies(predicate) and not p.is_met]
        if predicate == WBBM and not holds_wbk:
            blockers.insert(0, _("Unit belum berpredikat WBK; WBBM hanya untuk unit yang telah meraih WBK"))
        verdicts[predicate] = PredicateVerdict(
            predicate, tuple(shortfalls), tuple(blockers),
            partial=predicate in partial_predicates or any(not r.confirmed for r in mine),
            has_rules=bool(mine))
    return Verdict(verdicts[WBK], verdicts[WBBM])
