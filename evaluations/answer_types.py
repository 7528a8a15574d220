"""Answer types: one table for what each kind of LKE question takes — its option letters and what
each is worth, or its number range and decimals — and how the workbook writes the type. Scoring,
the LKE loader, the forms, the workbook import and the exports all read it; the model's choices
(``AnswerType``) must name the same codes (a test checks). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

YA_TIDAK, AB, ABC, ABCD, ABCDE = "ya_tidak", "ab", "abc", "abcd", "abcde"
PERSEN, JUMLAH, INDEKS = "persen", "jumlah", "indeks"


@dataclass(frozen=True)
class AnswerTypeSpec:
    code: str
    workbook_label: str  # column J of the LKE workbook: "A/B/C", "%", "Jumlah", "Nilai"
    options: tuple[tuple[str, Decimal], ...] = ()  # letter → value, best first
    low: Decimal | None = None  # numbers: the range the workbook accepts, and the decimals kept
    high: Decimal | None = None
    places: int = 0

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter for letter, _value in self.options)

    @property
    def takes_option(self) -> bool:
        return bool(self.options)


def _letters(*pairs: tuple[str, str]) -> tuple[tuple[str, Decimal], ...]:
    return tuple((letter, Decimal(value)) for letter, value in pairs)


TYPES: dict[str, AnswerTypeSpec] = {t.code: t for t in [
    AnswerTypeSpec(YA_TIDAK, "Ya/Tidak", _letters(("Ya", "1"), ("Tidak", "0"))),
    AnswerTypeSpec(AB, "A/B", _letters(("A", "1"), ("B", "0"))),
    AnswerTypeSpec(ABC, "A/B/C", _letters(("A", "1"), ("B", "0.5"), ("C", "0"))),
    AnswerTypeSpec(ABCD, "A/B/C/D", _letters(("A", "1"), ("B", "0.67"), ("C", "0.33"), ("D", "0"))),
    AnswerTypeSpec(ABCDE, "A/B/C/D/E", _letters(("A", "1"), ("B", "0.75"), ("C", "0.5"), ("D", "0.25"),
                                                ("E", "0"))),
    AnswerTypeSpec(PERSEN, "%", low=Decimal("0"), high=Decimal("100"), places=2),
    AnswerTypeSpec(JUMLAH, "Jumlah", low=Decimal("0"), high=Decimal("999999999"), places=0),
    AnswerTypeSpec(INDEKS, "Nilai", low=Decimal("0"), high=Decimal("4"), places=2),  # survey value 0–4
]}

OPTION_TYPES = frozenset(code for code, t in TYPES.items() if t.takes_option)
NUMBER_TYPES = frozenset(code for code, t in TYPES.items() if not t.takes_option)
OPTION_VALUES: dict[str, dict[str, Decimal]] = {code: dict(TYPES[code].options) for code in OPTION_TYPES}
