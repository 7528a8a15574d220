"""The rules after the TPI's approval, pure (no database): whether a kawasan may be proposed, the
two-year bar after a revocation, the predicate a unit holds from its awards, and the calibration
arithmetic (the TPI's values against the TPN's)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from evaluations.readiness import PREDICATE_LABELS, WBBM, WBK, fmt
from evaluations.scoring import ScoreResult, to_cents

# Kawasan: the business-process integration score (PermenPANRB 90/2021 as amended by 5/2024)
INTEGRATION_MINIMUM = {WBK: Decimal("6.5"), WBBM: Decimal("7.5")}
RANK = {"": 0, WBK: 1, WBBM: 2}


@dataclass(frozen=True)
class AwardFact:
    predicate: str
    decree_date: datetime.date
    revoked_on: datetime.date | None = None
    barred_until: datetime.date | None = None


def held_predicate(awards: Iterable[AwardFact]) -> str:
    """The highest predicate among the awards not revoked ("" when none)."""
    best = ""
    for a in awards:
        if a.revoked_on is None and RANK[a.predicate] > RANK[best]:
            best = a.predicate
    return best


def barred_until(awards: Iterable[AwardFact], today: datetime.date) -> datetime.date | None:
    """The last day a revocation still bars a new proposal, or None."""
    bars = [a.barred_until for a in awards if a.barred_until and a.barred_until > today]
    return max(bars) if bars else None


def kawasan_blockers(*, predicate: str, units: int, missing: list[str], provisional: list[str],
                     integration: Decimal | None) -> list[str]:
    """Why a kawasan cannot be proposed for ``predicate`` yet, in words (empty: it can). Every unit of
    the kawasan must be ready and approved by the TPI, and its integration score must reach the
    minimum."""
    out = []
    if not units:
        out.append(_("kawasan belum mempunyai unit"))
    if missing:
        out.append(_("unit belum memenuhi: %(u)s") % {"u": ", ".join(missing)})
    if provisional:
        out.append(_("menunggu persetujuan TPI: %(u)s") % {"u": ", ".join(provisional)})
    minimum = INTEGRATION_MINIMUM[predicate]
    if integration is None:
        out.append(_("nilai integrasi proses bisnis belum dicatat (minimal %(m)s untuk %(p)s)") % {
            "m": fmt(minimum), "p": PREDICATE_LABELS[predicate]})
    elif integration < minimum:
        out.append(_("nilai integrasi proses bisnis %(v)s — kurang dari %(m)s untuk %(p)s") % {
            "v": fmt(integration), "m": fmt(minimum), "p": PREDICATE_LABELS[predicate]})
    return out


# --------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class Pair:
    """One unit's TPI and TPN results in one round."""

    unit: str
    year: int
    tpi: ScoreResult
    tpn: ScoreResult


@dataclass(frozen=True)
class Difference:
    """TPI − TPN over the pairs that have both values for this node: points for areas and
    indicators, the answer's value (0–1, × 100 as a percentage point) for questions."""

    key: str
    name: str
    weight: Decimal
    n: int  # pairs counted
    tpi: Decimal  # mean TPI score
    tpn: Decimal  # mean TPN score
    mean: Decimal  # mean of TPI − TPN
    higher: int  # pairs where the TPI scored above the TPN
    lower: int

    @property
    def direction(self) -> str:
        return "higher" if self.mean > 0 else "lower" if self.mean < 0 else "same"

    @property
    def sentence(self) -> str:
        if self.mean == 0:
            return _("TPI menilai %(name)s sama dengan TPN") % {"name": self.name}
        words = _("lebih tinggi") if self.mean > 0 else _("lebih rendah")
        return _("TPI menilai %(name)s rata-rata %(d)s poin %(words)s dari TPN") % {
            "name": self.name, "d": fmt(abs(self.mean)), "words": words}


def _difference(key, name, weight, values: list[tuple[Fraction, Fraction]]) -> Difference:
    n = len(values)
    tpi = sum((a for a, _b in values), Fraction(0)) / n
    tpn = sum((b for _a, b in values), Fraction(0)) / n
    return Difference(key, name, weight, n, to_cents(tpi), to_cents(tpn), to_cents(tpi - tpn),
                      sum(1 for a, b in values if a > b), sum(1 for a, b in values if a < b))


def _has_values(result: ScoreResult) -> bool:
    return result.total.answered > 0


def calibrate(pairs: Iterable[Pair], level: str) -> list[Difference]:
    """TPI against TPN at ``level`` ("area", "indicator" or "question") over the pairs whose TPN
    values were entered, largest difference first. A question counts only where both gave a value;
    an area or indicator where both answered something below it."""
    nodes: dict[str, tuple[str, Decimal, list]] = {}
    for pair in pairs:
        if not (_has_values(pair.tpi) and _has_values(pair.tpn)):
            continue
        if level == "question":
            tpn_values = pair.tpn.questions
            for key, a in pair.tpi.questions.items():
                b = tpn_values.get(key)
                if a is None or b is None:
                    continue
                nodes.setdefault(key, (key, Decimal(100), []))[2].append((a * 100, b * 100))
            continue
        mine, theirs = (pair.tpi.areas, pair.tpn.areas) if level == "area" else (pair.tpi.indicators,
                                                                                 pair.tpn.indicators)
        for key, node in mine.items():
            other = theirs[key]
            if node.answered and other.is_complete and other.inputs:  # a TPN value set entered in part: its whole nodes only
                nodes.setdefault(key, (node.name, node.weight, []))[2].append((node.exact, other.exact))
    out = [_difference(key, name, weight, values) for key, (name, weight, values) in nodes.items()]
    return sorted(out, key=lambda d: (-abs(d.mean), d.key))


def change(values: list[Decimal | None]) -> list[Decimal | None]:
    """Round to round: each value's change from the one before it (None where either is missing)."""
    return [None if i == 0 or v is None or values[i - 1] is None else v - values[i - 1]
            for i, v in enumerate(values)]
