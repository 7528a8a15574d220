"""Survey arithmetic, pure (no database): sums and counts in, indices out.

The method is the SKM's (PermenPANRB 14/2017): an item's index is the mean of its values over the
respondents who count (every response not excluded); an aspect's index is the mean of its items'
indices; the survey value is the mean of the aspects' indices (each aspect weighs the same — for
SPKP the nine elements, 1/9 each). On the 1–4 scale that value is what the LKE takes (0–4), and the
LKE scores it ``value / 4 × 17.5``. The value is rounded to two decimals, as it is typed into the LKE.

A scale other than 1–4 is mapped onto 1–4 linearly before anything else: ``x' = 1 + (x − min) × 3 /
(max − min)`` — on a 1–5 scale 1 → 1, 3 → 2,5 and 5 → 4 — so the worst answer stays 1 and the best 4,
as on the national scale.

Worked example (checked in ``tests/surveys/test_indices.py``). Aspect A has items a1 and a2, aspect B
item b1; scale 1–4; the unit's services are KTP, KK and Akta. Four responses:

    r1 KTP  a1=4 a2=3 b1=4
    r2 KTP  a1=2 a2=2 b1=3   ← excluded by an admin (reason recorded): not counted anywhere
    r3 KTP  a1=3 a2=4 b1=2
    r4 KK   a1=4 a2=4 b1=3

Respondents: 3 (1 excluded); KTP 2, KK 1, Akta 0 (warned: no response for that service).
Items: a1 = (4+3+4)/3 = 11/3 = 3,6667; a2 = (3+4+4)/3 = 11/3; b1 = (4+2+3)/3 = 3.
Aspects: A = (11/3 + 11/3)/2 = 3,6667; B = 3.  Value = (11/3 + 3)/2 = 10/3 → 3,33.
Sub-score in the LKE: 3,33 / 4 × 17,5 = 14,56875 → 14,57.
Per service: KTP a1 = 3,5, a2 = 3,5, b1 = 3 → A 3,5, B 3 → 3,25; KK → A 4, B 3 → 3,50; Akta → none.
(The overall 3,33 is not the mean of the services' 3,25 and 3,50: every respondent weighs the same.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

LKE_WEIGHT = Decimal("17.5")
TWO = Decimal("0.01")


def round2(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO, rounding=ROUND_HALF_UP)


def to_national(value: Fraction, scale_min: int, scale_max: int) -> Fraction:
    """A value (or a mean) on the instrument's scale, on the national 1–4 scale."""
    if (scale_min, scale_max) == (1, 4):
        return Fraction(value)
    return 1 + (Fraction(value) - scale_min) * 3 / (scale_max - scale_min)


def sub_score(value: Decimal | None) -> Decimal | None:
    """What the LKE gives a survey value 0–4 (two decimals, as the worksheet shows it)."""
    if value is None:
        return None
    return (value / 4 * LKE_WEIGHT).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ItemDef:
    code: str
    aspect: str


@dataclass(frozen=True)
class Scale:
    minimum: int = 1
    maximum: int = 4


@dataclass
class Index:
    """Indices of one set of respondents (all, or one service's)."""

    respondents: int
    items: dict[str, Fraction | None]
    aspects: dict[str, Fraction | None]
    value: Decimal | None  # on 1–4, two decimals; None without respondents

    @property
    def score(self) -> Decimal | None:
        return sub_score(self.value)


@dataclass
class Result:
    overall: Index
    services: dict[object, Index] = field(default_factory=dict)
    empty_services: list = field(default_factory=list)


def _index(items: list[ItemDef], aspects: list[str], sums: Mapping[str, tuple[int, int]], respondents: int,
           scale: Scale) -> Index:
    item_index: dict[str, Fraction | None] = {}
    for item in items:
        total, count = sums.get(item.code, (0, 0))
        item_index[item.code] = to_national(Fraction(total, count), scale.minimum, scale.maximum) if count else None
    by_aspect: dict[str, list[Fraction]] = defaultdict(list)
    for item in items:
        if item_index[item.code] is not None:
            by_aspect[item.aspect].append(item_index[item.code])
    aspect_index = {a: (sum(by_aspect[a], Fraction(0)) / len(by_aspect[a]) if by_aspect[a] else None) for a in aspects}
    known = [v for v in aspect_index.values() if v is not None]
    value = round2(sum(known, Fraction(0)) / len(known)) if known and respondents else None
    return Index(respondents, item_index, aspect_index, value)


def compute(items: Iterable[ItemDef], cells: Mapping[tuple[object, str], tuple[int, int]],
            respondents: Mapping[object, int], services: Iterable, scale: Scale = Scale()) -> Result:
    """``cells``: (service, item code) → (sum of values, number of values) over the responses that
    count; ``respondents``: service → responses that count; ``services``: every service of the
    period (those without a response are listed as empty)."""
    items = list(items)
    aspects = list(dict.fromkeys(i.aspect for i in items))
    overall: dict[str, tuple[int, int]] = {}
    per_service: dict[object, dict[str, tuple[int, int]]] = defaultdict(dict)
    for (service, code), (total, count) in cells.items():
        t, c = overall.get(code, (0, 0))
        overall[code] = (t + total, c + count)
        per_service[service][code] = (total, count)
    result = Result(_index(items, aspects, overall, sum(respondents.values()), scale))
    for service in services:
        n = respondents.get(service, 0)
        result.services[service] = _index(items, aspects, per_service.get(service, {}), n, scale)
        if not n:
            result.empty_services.append(service)
    return result
