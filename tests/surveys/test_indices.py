"""The survey arithmetic against the hand-computed example in ``surveys.indices``' docstring."""

from decimal import Decimal
from fractions import Fraction

from surveys import indices
from surveys.indices import ItemDef, Scale

ITEMS = [ItemDef("a1", "A"), ItemDef("a2", "A"), ItemDef("b1", "B")]
RESPONSES = [  # service, values, excluded
    ("KTP", {"a1": 4, "a2": 3, "b1": 4}, False),
    ("KTP", {"a1": 2, "a2": 2, "b1": 3}, True),
    ("KTP", {"a1": 3, "a2": 4, "b1": 2}, False),
    ("KK", {"a1": 4, "a2": 4, "b1": 3}, False),
]


def _cells(responses):
    """What the database's GROUP BY gives: (service, item) → (sum, count), respondents per service."""
    cells, respondents = {}, {}
    for service, values, excluded in responses:
        if excluded:
            continue
        respondents[service] = respondents.get(service, 0) + 1
        for code, v in values.items():
            total, n = cells.get((service, code), (0, 0))
            cells[(service, code)] = (total + v, n + 1)
    return cells, respondents


def test_the_docstring_example_with_an_exclusion_and_an_empty_service_type():
    cells, respondents = _cells(RESPONSES)
    result = indices.compute(ITEMS, cells, respondents, ["KTP", "KK", "Akta"])
    overall = result.overall
    assert overall.respondents == 3
    assert overall.items == {"a1": Fraction(11, 3), "a2": Fraction(11, 3), "b1": Fraction(3)}
    assert overall.aspects == {"A": Fraction(11, 3), "B": Fraction(3)}
    assert overall.value == Decimal("3.33") and overall.score == Decimal("14.57")
    assert result.services["KTP"].value == Decimal("3.25") and result.services["KTP"].respondents == 2
    assert result.services["KK"].value == Decimal("3.50")
    assert result.services["Akta"].value is None and result.empty_services == ["Akta"]


def test_no_respondents_no_value():
    result = indices.compute(ITEMS, {}, {}, ["KTP"])
    assert result.overall.value is None and result.overall.score is None and result.empty_services == ["KTP"]


def test_a_scale_other_than_1_to_4_is_mapped_linearly_onto_1_to_4():
    assert indices.to_national(Fraction(1), 1, 5) == 1
    assert indices.to_national(Fraction(3), 1, 5) == Fraction(5, 2)
    assert indices.to_national(Fraction(5), 1, 5) == 4
    assert indices.to_national(Fraction(7, 2), 1, 4) == Fraction(7, 2)  # the national scale unchanged
    # Everyone answers 4 on 1–5 (4 → 3.25 on 1–4): the value is 3.25, not 4 or 3.2.
    cells = {("X", c): (4, 1) for c in ("a1", "a2", "b1")}
    result = indices.compute(ITEMS, cells, {"X": 1}, ["X"], Scale(1, 5))
    assert result.overall.value == Decimal("3.25")


def test_sub_score_is_value_over_4_times_17_5_rounded_half_up():
    assert indices.sub_score(Decimal("4.00")) == Decimal("17.50")
    assert indices.sub_score(Decimal("3.60")) == Decimal("15.75")  # the WBK/WBBM minimum for IPAK
    assert indices.sub_score(Decimal("3.33")) == Decimal("14.57")
