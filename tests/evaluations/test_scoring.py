"""Pure scoring tests: no database."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from evaluations import scoring
from evaluations.scoring import AnswerValue, IndicatorSpec, QuestionSpec
from tests.specs import compact_answers, compact_spec


def q(answer_type, key="x.a", code="a", formula=""):
    return QuestionSpec(key, code, answer_type, formula)


@pytest.mark.parametrize("answer_type,letter,value", [
    ("ya_tidak", "Ya", "1"), ("ya_tidak", "Tidak", "0"),
    ("ab", "A", "1"), ("ab", "B", "0"),
    ("abc", "A", "1"), ("abc", "B", "0.5"), ("abc", "C", "0"),
    ("abcd", "A", "1"), ("abcd", "B", "0.67"), ("abcd", "C", "0.33"), ("abcd", "D", "0"),
    ("abcde", "A", "1"), ("abcde", "B", "0.75"), ("abcde", "C", "0.5"), ("abcde", "D", "0.25"), ("abcde", "E", "0"),
])
def test_option_values_follow_the_regulation(answer_type, letter, value):
    assert scoring.question_value(q(answer_type), AnswerValue(letter)) == Fraction(D(value))


@pytest.mark.parametrize("answer_type,letter", [("abc", "D"), ("ya_tidak", "A"), ("ab", "C"), ("abcd", ""), ("abcde", "F")])
def test_a_letter_the_type_does_not_have_is_unanswered(answer_type, letter):
    assert scoring.question_value(q(answer_type), AnswerValue(letter)) is None
    assert not scoring.is_answered(q(answer_type), AnswerValue(letter))


@pytest.mark.parametrize("number,value", [("0", "0"), ("37.5", "0.375"), ("100", "1"), ("150", "1"), ("-5", "0")])
def test_percentage_is_value_over_100_clamped(number, value):
    assert scoring.question_value(q("persen"), AnswerValue(number=D(number))) == Fraction(D(value))


@pytest.mark.parametrize("index,value", [("1", "0.25"), ("3.5", "0.875"), ("4", "1")])
def test_survey_index_is_index_over_4(index, value):
    assert scoring.question_value(q("indeks"), AnswerValue(number=D(index))) == Fraction(D(value))


def test_count_is_not_scored_but_takes_input():
    count = q("jumlah")
    assert scoring.question_value(count, AnswerValue(number=D("12"))) is None
    assert not count.is_scored and count.takes_input


def test_computed_percentage_reads_the_counts_of_its_indicator():
    pct = q("persen", formula="b / a")
    assert scoring.question_value(pct, None, {"a": D("8"), "b": D("6")}) == Fraction(3, 4)
    assert not pct.takes_input


def test_computed_percentage_with_a_missing_count_or_zero_divisor_is_unanswered():
    pct = q("persen", formula="b / a")
    assert scoring.question_value(pct, None, {"a": D("8"), "b": None}) is None
    assert scoring.question_value(pct, None, {"a": D("0"), "b": D("0")}) is None


def test_computed_percentage_is_clamped():
    assert scoring.question_value(q("persen", formula="b / a"), None, {"a": D("4"), "b": D("9")}) == 1
    assert scoring.question_value(q("persen", formula="(a - b) / a"), None, {"a": D("4"), "b": D("9")}) == 0


@pytest.mark.parametrize("formula", ["__import__('os')", "a ** 2", "a.b", "a if b else c", "f(a)", "[a]", "a // b"])
def test_formulas_allow_only_arithmetic_over_codes(formula):
    with pytest.raises(scoring.FormulaError):
        scoring.formula_names(formula)


def test_formula_names():
    assert scoring.formula_names("(a - b) / a") == {"a", "b"}


def test_indicator_worked_example():
    """A reform indicator of weight 2.5, worked by hand.

    Questions: a = A/B/C answered "B" → 0.5; b = A/B/C/D answered "B" → 0.67;
    c = jumlah 20 (count, not scored); d = jumlah 15; e = persen computed "d / c" → 15/20 = 0.75;
    f = Ya/Tidak unanswered → 0.
    Scored questions: a, b, e, f → mean = (0.5 + 0.67 + 0.75 + 0) / 4 = 1.92 / 4 = 0.48.
    Indicator score = 0.48 × 2.5 = 1.20. Inputs: a, b, c, d, f (e is computed) → 4 of 5 answered.
    """
    ind = IndicatorSpec("V.reform.ii", "ii", "Penanganan Pengaduan", D("2.5"), (
        q("abc", "k.a", "a"), q("abcd", "k.b", "b"), q("jumlah", "k.c", "c"), q("jumlah", "k.d", "d"),
        q("persen", "k.e", "e", "d / c"), q("ya_tidak", "k.f", "f")))
    answers = {"k.a": AnswerValue("B"), "k.b": AnswerValue("B"), "k.c": AnswerValue(number=D("20")),
               "k.d": AnswerValue(number=D("15"))}
    node, values = scoring.score_indicator(ind, answers)
    assert node.score == D("1.20")
    assert node.exact == Fraction(6, 5)
    assert (node.answered, node.inputs) == (4, 5)
    assert values["k.e"] == Fraction(3, 4) and values["k.f"] is None and values["k.c"] is None


def test_exact_arithmetic_has_no_drift():
    """Two of three questions best on a weight of 1.5 is exactly 1, not 0.9999…"""
    ind = IndicatorSpec("x", "i", "x", D("1.5"), tuple(q("ya_tidak", f"x.{c}", c) for c in "abc"))
    node, _ = scoring.score_indicator(ind, {"x.a": AnswerValue("Ya"), "x.b": AnswerValue("Ya"),
                                            "x.c": AnswerValue("Tidak")})
    assert node.exact == 1 and node.score == D("1.00")


def test_scores_round_half_up_to_the_cent():
    assert scoring.to_cents(Fraction(1, 200)) == D("0.01")
    assert scoring.to_cents(Fraction(2, 3)) == D("0.67")
    assert scoring.to_cents(Fraction(1, 3)) == D("0.33")


def test_all_best_answers_score_100():
    result = scoring.score(compact_spec(), compact_answers())
    assert result.total.score == D("100.00")
    assert result.components["pengungkit"].score == D("60.00")
    assert result.components["hasil"].score == D("40.00")
    assert result.total.is_complete


def test_nothing_answered_scores_zero_and_shows_progress_zero():
    result = scoring.score(compact_spec(), {})
    assert result.total.score == D("0.00")
    assert (result.total.answered, result.total.inputs) == (0, 15)


def test_rollup_question_to_total():
    """Area V at 54% in both parts: 0.54 × 7.5 = 4.05 each, area 8.10 (54% of 15). The other
    five areas at 100% give 60 − 15 = 45, so pengungkit = 53.10. Hasil: IPAK 3.6 / 4 × 17.5 = 15.75,
    capaian 50% × 5 = 2.50 (area H-I 18.25), IPKP 3.2 / 4 × 17.5 = 14.00 → 32.25. Total 85.35."""
    answers = compact_answers(ipak="3.6", ipkp="3.2", capaian="50", V__pemenuhan__i__a="54", V__reform__i__a="54")
    result = scoring.score(compact_spec(), answers)
    assert result.parts["V.pemenuhan"].score == D("4.05")
    assert result.areas["V"].score == D("8.10")
    assert result.areas["V"].percent == D("54.00")
    assert result.components["pengungkit"].score == D("53.10")
    assert result.indicators["H-I.hasil.i"].score == D("15.75")
    assert result.areas["H-I"].score == D("18.25")
    assert result.components["hasil"].score == D("32.25")
    assert result.total.score == D("85.35")


def test_partial_answers_count_zero_but_are_shown_as_unanswered():
    answers = compact_answers()
    del answers["I.reform.i.a"]
    result = scoring.score(compact_spec(), answers)
    assert result.areas["I"].score == D("4.00")
    assert (result.areas["I"].answered, result.areas["I"].inputs) == (1, 2)
    assert not result.total.is_complete


def test_each_value_set_rolls_up_the_same_way():
    spec = compact_spec()
    sets = scoring.score_sets(spec, {"unit": compact_answers(), "tpi": compact_answers(percent="50"), "tpn": {}})
    assert sets["unit"].total.score == D("100.00")
    assert sets["tpi"].components["pengungkit"].score == D("30.00")
    assert sets["tpn"].total.score == D("0.00")
