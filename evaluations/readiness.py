"""Readiness toward Menuju WBK / WBBM: pure, no database.

Two questions, answered apart, because the regulation asks them apart:

1. **Do the scores pass?** ScoreResult + rules (PermenPANRB 90/2021 Lampiran II, Tabel 6) + the
   predicate the unit already holds in; a ``Verdict`` out that names every failing rule with its
   gap in points. Values are compared exactly; the gap is the shown minimum less the shown score
   (so the message adds up), and at least a cent, so a unit that is short never reads "kurang 0,00".
   A unit aims at WBK first; WBBM is its target once it holds WBK (Tabel 6: WBBM needs WBK held).
2. **May it be proposed?** The prerequisites of Tabel 5 (as replaced by PermenPANRB 5/2024), at
   the instansi's level (opini BPK, SAKIP, Indeks RB, SPIP) and the unit's (tindak lanjut,
   LHKASN/LHKPN, building ZI ≥ 1 year, …): ``check_prerequisites`` says which are met by the facts
   recorded, and whether the Stranas PK exception lets the unit be proposed meanwhile.

A unit is ready to propose when the TPI has approved it, its TPI scores pass toward its target and
its prerequisites allow it (``ready_to_propose``).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .scoring import CENT, ScoreResult, to_cents

WBK, WBBM = "wbk", "wbbm"
TOTAL, COMPONENT, AREA, EACH_AREA, INDICATOR = "total", "component", "area", "each_area", "indicator"
TABEL_6 = "PermenPANRB 90/2021 Lampiran II, Tabel 6"
TABEL_5 = "PermenPANRB 5/2024 Lampiran II Bab II, Tabel 5"

# One home for the words of a verdict (badges, exports, counts).
VERDICT_LABELS = {WBBM: gettext_lazy("Siap WBBM"), WBK: gettext_lazy("Siap WBK"), "": gettext_lazy("Belum memenuhi")}
PREDICATE_LABELS = {WBK: gettext_lazy("Menuju WBK"), WBBM: gettext_lazy("Menuju WBBM")}


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
    """A stored gap in words, in the active language: "Penguatan Pengawasan: 8,10 / 15,00 — kurang 0,90 dari 60%"."""
    if d.get("scope") == "blocker":
        return d["message"]
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
    blockers: tuple[str, ...]  # rules that are not a score (WBBM: WBK already held), in words
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
    """Where one value set's scores stand toward WBK and WBBM, and toward the unit's next step."""

    wbk: PredicateVerdict
    wbbm: PredicateVerdict
    holds: str = ""  # the predicate the unit already holds: "", wbk or wbbm

    @property
    def code(self) -> str:
        if self.wbbm.met:
            return WBBM
        if self.wbk.met:
            return WBK
        return ""

    @property
    def label(self) -> str:
        return str(VERDICT_LABELS[self.code])

    @property
    def target(self) -> str:
        """WBK first; WBBM once the unit holds WBK (Tabel 6)."""
        return WBBM if self.holds in (WBK, WBBM) else WBK

    @property
    def target_verdict(self) -> PredicateVerdict:
        return self.wbbm if self.target == WBBM else self.wbk

    @property
    def target_met(self) -> bool:
        return self.target_verdict.met

    @property
    def gaps(self) -> list[Shortfall]:
        """Every shortfall toward the target, largest first."""
        return sorted(self.target_verdict.shortfalls, key=lambda s: s.gap, reverse=True)

    def largest_gaps(self, n: int = 3) -> list[Shortfall]:
        return self.gaps[:n]

    @property
    def wbbm_after_wbk(self) -> bool:
        """Ready for WBK and not holding it yet: WBBM comes after the WBK predicate, not this round."""
        return self.target == WBK and self.wbk.met

    def stored(self) -> dict:
        """The fields a ``WorksheetScore`` keeps of this verdict (the dashboard filters on them)."""
        target = self.target_verdict
        gaps = [s.to_dict() for s in self.gaps] + [{"scope": "blocker", "message": b} for b in target.blockers]
        return {"verdict": self.code, "verdict_partial": self.code == WBBM and self.wbbm.partial,
                "target": self.target, "target_met": target.met, "gap_total": target.total_gap, "gaps": gaps}


@functools.lru_cache(maxsize=1024)
def _required(minimum: Decimal | None, minimum_percent: Decimal | None, weight: Decimal) -> tuple[Fraction, Decimal]:
    """A rule's minimum for a node of this weight, exact and as shown (the same few per template:
    computed once per process)."""
    required = Fraction(minimum) if minimum is not None else Fraction(weight) * Fraction(minimum_percent) / 100
    return required, to_cents(required)


def _check(rule: Rule, node) -> Shortfall | None:
    """The comparison is exact; the gap is what the reader can check with the shown figures
    (minimum − shown score), and never less than a cent for a unit that is short."""
    required, shown_required = _required(rule.minimum, rule.minimum_percent, node.weight)
    if node.exact >= required:
        return None
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
             holds: str = "", partial_predicates: Iterable[str] = ()) -> Verdict:
    """The verdict for one value set. ``holds``: the predicate the unit already holds (WBBM needs
    WBK held). ``partial_predicates`` names rule sets known to be incomplete (a future version
    whose minimums are not yet verified against its regulation)."""
    rules, partial_predicates = list(rules), set(partial_predicates)
    verdicts = {}
    for predicate in (WBK, WBBM):
        mine = [r for r in rules if r.predicate == predicate]
        shortfalls = [s for r in mine for s in check_rule(r, result, area_codes_by_component)]
        blockers = []
        if predicate == WBBM and holds not in (WBK, WBBM):
            blockers.append(_("Menuju WBBM hanya untuk unit yang telah berpredikat Menuju WBK (%(src)s); "
                              "raih WBK lebih dulu") % {"src": TABEL_6})
        verdicts[predicate] = PredicateVerdict(
            predicate, tuple(shortfalls), tuple(blockers),
            partial=predicate in partial_predicates or any(not r.confirmed for r in mine),
            has_rules=bool(mine))
    return Verdict(verdicts[WBK], verdicts[WBBM], holds)


# --------------------------------------------------------------------------- prerequisites (Tabel 5)

INSTANSI, UNIT = "instansi", "unit"
CHOICE, PERCENT, YES_NO, SINCE = "choice", "percent", "yes_no", "since"
PEMDA, KL = "pemda", "kl"
YES = "ya"


@dataclass(frozen=True)
class PrerequisiteSpec:
    """One prerequisite of Tabel 5 as data: what is recorded and the minimum per predicate.

    ``minimums``: {predicate: minimum} or {predicate: {"pemda": …, "kl": …}} where the regulation
    differs by kind of instansi; a predicate without an entry does not need it. Kinds: ``choice``
    (a grade on ``scale``, best first: WTP, WDP…; AA, A, BB…), ``percent`` (≥ minimum), ``yes_no``
    (must be "ya"), ``since`` (a date at least ``minimum`` years before the proposal date).
    """

    key: str
    level: str
    label: str
    kind: str
    minimums: Mapping = field(default_factory=dict)
    scale: tuple[tuple[str, str], ...] = ()
    source: str = ""

    def minimum(self, predicate: str, group: str) -> str | None:
        value = self.minimums.get(predicate)
        return value.get(group) if isinstance(value, Mapping) else value

    def value_label(self, value: str) -> str:
        if self.kind == CHOICE:
            return dict(self.scale).get(value, value)
        if self.kind == YES_NO:
            return _("Ya") if value == YES else _("Tidak")
        if self.kind == PERCENT:
            return f"{number_format(Decimal(value).normalize())}%"
        if self.kind == SINCE:
            return _date_words(datetime.date.fromisoformat(value))
        return value


@dataclass(frozen=True)
class PrerequisiteCheck:
    spec: PrerequisiteSpec
    required: str  # in words
    actual: str  # in words; "belum dicatat" when no fact is recorded
    met: bool
    recorded: bool

    @property
    def message(self) -> str:
        return _("%(label)s: %(actual)s (syarat: %(required)s)") % {
            "label": self.spec.label, "actual": self.actual, "required": self.required}


@dataclass(frozen=True)
class PrerequisiteVerdict:
    predicate: str
    checks: tuple[PrerequisiteCheck, ...]
    exemption: str = ""  # the Stranas PK exception, in words, when it applies

    @property
    def unmet(self) -> tuple[PrerequisiteCheck, ...]:
        return tuple(c for c in self.checks if not c.met)

    @property
    def satisfied(self) -> bool:
        return not self.unmet

    @property
    def allows_proposal(self) -> bool:
        """Met, or exempt while they are still being met (Stranas PK, PermenPANRB 5/2024)."""
        return self.satisfied or bool(self.exemption)

    @property
    def summary(self) -> str:
        """"syarat pengusulan: 2 belum terpenuhi", with the exception when it applies."""
        if self.satisfied:
            text = _("syarat pengusulan %(p)s: terpenuhi") % {"p": PREDICATE_LABELS[self.predicate]}
        else:
            text = _("syarat pengusulan %(p)s: %(n)d belum terpenuhi") % {
                "p": PREDICATE_LABELS[self.predicate], "n": len(self.unmet)}
        if self.exemption and not self.satisfied:
            text += " · " + _("dikecualikan (%(why)s): dapat diusulkan sambil memenuhi syarat") % {"why": self.exemption}
        return text

    def merged(self, other: PrerequisiteVerdict) -> PrerequisiteVerdict:
        """The instansi's checks and the unit's together (same predicate)."""
        return PrerequisiteVerdict(self.predicate, self.checks + other.checks, self.exemption or other.exemption)


def _date_words(d: datetime.date) -> str:
    return date_format(d, "j F Y")


def _years_before(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _required_words(spec: PrerequisiteSpec, minimum: str, reference: datetime.date) -> str:
    if spec.kind == CHOICE:
        return _("minimal %(v)s") % {"v": spec.value_label(minimum)}
    if spec.kind == PERCENT:
        return f"{number_format(Decimal(minimum).normalize())}%"
    if spec.kind == YES_NO:
        return _("ya")
    return _("dimulai paling lambat %(d)s (≥ %(n)s tahun sebelum batas pengusulan %(ref)s)") % {
        "d": _date_words(_years_before(reference, int(minimum))), "n": minimum, "ref": _date_words(reference)}


def fact_meets(spec: PrerequisiteSpec, value: str, minimum: str, reference: datetime.date) -> bool:
    """Whether one recorded value meets its minimum (pure; a value that cannot be read does not)."""
    try:
        if spec.kind == CHOICE:
            order = [v for v, _label in spec.scale]
            return value in order and order.index(value) <= order.index(minimum)
        if spec.kind == PERCENT:
            return Decimal(value) >= Decimal(minimum)
        if spec.kind == YES_NO:
            return value == YES
        if spec.kind == SINCE:
            return datetime.date.fromisoformat(value) <= _years_before(reference, int(minimum))
    except (ValueError, InvalidOperation):
        return False
    return False


def check_prerequisites(specs: Iterable[PrerequisiteSpec], facts: Mapping[str, str], *, predicate: str,
                        group: str, reference: datetime.date, exemption: str = "") -> PrerequisiteVerdict:
    """Every prerequisite that applies to ``predicate``, checked against the recorded ``facts``
    ({key: value}); an unrecorded one is not met. ``group``: pemda or kl (Indeks RB differs);
    ``reference``: the proposal date the "≥ 1 year" prerequisites count back from."""
    checks = []
    for spec in specs:
        minimum = spec.minimum(predicate, group)
        if minimum is None:
            continue
        value = facts.get(spec.key) or ""
        checks.append(PrerequisiteCheck(
            spec, _required_words(spec, minimum, reference),
            spec.value_label(value) if value else _("belum dicatat"),
            bool(value) and fact_meets(spec, value, minimum, reference), bool(value)))
    return PrerequisiteVerdict(predicate, tuple(checks), exemption)


def stranas_exemption(service_label: str, group: str) -> str:
    """The Stranas PK exception of PermenPANRB 5/2024, in words, or "": units of a regional
    government that run RSUD, Dukcapil, SAMSAT, PTSP, education or employment services may be
    proposed while still meeting Tabel 5. ``service_label``: the unit's such service, or ""."""
    if service_label and group == PEMDA:
        return _("Stranas PK: %(service)s") % {"service": service_label}
    return ""


def ready_to_propose(*, approved: bool, tpi_verdict: Verdict | None, prerequisites: PrerequisiteVerdict) -> bool:
    """Approved by the TPI, its TPI scores pass toward its target, and its prerequisites allow it
    (a unit that already holds WBBM has nothing left to be proposed for)."""
    return (approved and tpi_verdict is not None and tpi_verdict.holds != WBBM and tpi_verdict.target_met
            and prerequisites.allows_proposal)
