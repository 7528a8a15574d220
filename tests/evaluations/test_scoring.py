"""Pure scoring tests: no database."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from evaluations import scoring
from evaluations.scoring import AnswerValue, IndicatorSpec, QuestionSpec
from tests.specs import compact_answers, compact_spec, counts, lke_indicator


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


@pytest.mark.parametrize("formula", ["__import__('os')", "_k0 / 4", "True + a", "a ** 2", "a.b", "a if b else c", "f(a)", "[a]", "a // b"])
def test_formulas_allow_only_arithmetic_over_codes(formula):
    with pytest.raises(scoring.FormulaError):
        scoring.formula_names(formula)


def test_formulas_are_exact_and_read_only_the_counts_given():
    """Formulas run as compiled bytecode: numbers stay exact (0.1 is 1/10, not a float), unary
    minus and brackets work, and a name that is not one of the counts (a builtin) is no value."""
    assert scoring.evaluate_formula("0.1 * a + 0.2 * a", {"a": D("10")}) == Fraction(3)
    assert scoring.evaluate_formula("-(a - b) / 3", {"a": D("1"), "b": D("2")}) == Fraction(1, 3)
    assert scoring.evaluate_formula("a / (b - b)", {"a": D("1"), "b": D("2")}) is None
    assert scoring.evaluate_formula("len + a", {"a": D("1")}) is None
    assert scoring.evaluate_formula("-" * 190 + "a", {"a": D("2")}) == 2  # deep nesting: no recursion error


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


# --------------------------------------------------------------------------- computed percentages
# The workbook's own cell formulas (LKE audit §6): every ratio capped at 1; what an empty base means
# is template data (``empty_base``), worked by hand below on the real indicators of the fixture.


def test_disiplin_no_violations_last_year_or_this_year_scores_100():
    """III/reform/iii (Pelanggaran Disiplin Pegawai, weight 2): a = (b − c) / b, b = 0, c = 0, d = 0.
    The workbook: IF(AND(b=0,c=0),1,…) → a = 100%. One scored question → indicator = 1 × 2 = 2.00
    (it was 0.00 of 2 before: the zero divisor left it unanswered)."""
    ind = lke_indicator("III.reform.iii")
    node, values = scoring.score_indicator(ind, counts("III.reform.iii", b=0, c=0, d=0))
    assert values["III.reform.iii.a"] == 1
    assert node.score == D("2.00")
    computed = scoring.compute(ind.questions[0], {"b": D(0), "c": D(0), "d": D(0)})
    assert computed.note == "Tidak ada pelanggaran disiplin tahun lalu maupun tahun ini — dinilai 100%"


def test_disiplin_violations_appear_after_a_year_without_any_score_0():
    """b = 0, c = 3: (0 − 3) / 0 has no value in the workbook (#DIV/0!); violations rose from none,
    so the ratio's floor applies: 0%, 0.00 of 2, with the reason."""
    ind = lke_indicator("III.reform.iii")
    node, values = scoring.score_indicator(ind, counts("III.reform.iii", b=0, c=3, d=3))
    assert values["III.reform.iii.a"] == 0 and node.score == D("0.00")
    assert "tahun ini ada" in scoring.compute(ind.questions[0], {"b": D(0), "c": D(3), "d": D(3)}).note


def test_disiplin_fewer_violations():
    """b = 8, c = 2: (8 − 2) / 8 = 0.75 → 0.75 × 2 = 1.50."""
    node, values = scoring.score_indicator(lke_indicator("III.reform.iii"), counts("III.reform.iii", b=8, c=2, d=2))
    assert values["III.reform.iii.a"] == Fraction(3, 4) and node.score == D("1.50")


def test_no_complaints_to_handle_scores_100_and_says_why():
    """V/reform/ii (Penanganan Pengaduan Masyarakat, weight 3): a = d / b with b = c = d = 0 →
    nothing to handle → 100% → 1 × 3 = 3.00 (it was 0.00 of 3)."""
    ind = lke_indicator("V.reform.ii")
    node, _values = scoring.score_indicator(ind, counts("V.reform.ii", b=0, c=0, d=0))
    assert node.score == D("3.00")
    computed = scoring.compute(ind.questions[0], {"b": D(0), "c": D(0), "d": D(0)})
    assert computed.note == "Tidak ada pengaduan yang harus ditindaklanjuti — dinilai 100%"


def test_an_empty_base_waits_for_every_count_it_reads():
    """b = 0 but d not yet typed: still unanswered, as the workbook's "Blm Diisi"."""
    node, values = scoring.score_indicator(lke_indicator("V.reform.ii"), counts("V.reform.ii", b=0, c=0))
    assert values["V.reform.ii.a"] is None and node.score == D("0.00")


def test_no_change_agents_scores_0_with_the_reason():
    """I/reform/i (weight 2): a = c / b with b = 0 agents → 0%; d = f / e with e = 5, f = 4 → 0.8.
    Mean (0 + 0.8) / 2 = 0.4 → 0.80."""
    ind = lke_indicator("I.reform.i")
    node, values = scoring.score_indicator(ind, counts("I.reform.i", b=0, c=0, e=5, f=4))
    assert values["I.reform.i.a"] == 0 and values["I.reform.i.d"] == Fraction(4, 5)
    assert node.score == D("0.80")
    assert scoring.compute(ind.questions[0], {"b": D(0), "c": D(0)}).note == "Belum ada agen perubahan — dinilai 0%"


def test_a_ratio_above_100_percent_is_capped_and_flagged():
    """1.234 changes by 25 agents: 4936% → capped at 100% as the workbook does; flagged as a typo."""
    ind = lke_indicator("I.reform.i")
    computed = scoring.compute(ind.questions[0], {"b": D(25), "c": D(1234)})
    assert computed.value == 1 and computed.capped and computed.raw == Fraction(1234, 25)
    assert not scoring.compute(ind.questions[0], {"b": D(25), "c": D(25)}).capped


def test_lhkpn_must_report_is_computed_from_its_rows_and_takes_no_input():
    """V/reform/iii (weight 2): b = c + d + e (not typed), a = f / b; h = i + j + k, g = l / h.
    c, d, e = 1, 6, 3 → b = 10, f = 9 → a = 0.9; i, j, k = 2, 5, 13 → h = 20, l = 20 → g = 1.
    Mean (0.9 + 1) / 2 = 0.95 → 1.90. Inputs: c, d, e, f, i, j, k, l — not b, h."""
    ind = lke_indicator("V.reform.iii")
    by_code = {q.code: q for q in ind.questions}
    assert not by_code["b"].takes_input and not by_code["h"].takes_input and by_code["b"].formula == "c + d + e"
    node, values = scoring.score_indicator(ind, counts("V.reform.iii", c=1, d=6, e=3, f=9, i=2, j=5, k=13, l=20))
    assert values["V.reform.iii.a"] == Fraction(9, 10) and values["V.reform.iii.g"] == 1
    assert node.score == D("1.90") and (node.answered, node.inputs) == (8, 8)
    assert scoring.resolve_counts(ind.questions, counts("V.reform.iii", c=1, d=6, e=3))["b"] == D(10)


def test_nobody_obliged_to_report_lhkpn_scores_100():
    ind = lke_indicator("V.reform.iii")
    _node, values = scoring.score_indicator(ind, counts("V.reform.iii", c=0, d=0, e=0, f=0, i=1, j=0, k=0, l=1))
    assert values["V.reform.iii.a"] == 1


def test_every_computed_percentage_of_the_lke_says_what_an_empty_base_means():
    for key in ("I.reform.i", "III.reform.iii", "IV.reform.i", "V.reform.ii", "V.reform.iii", "VI.reform.i"):
        for question in lke_indicator(key).questions:
            if question.formula and question.answer_type == "persen":
                assert question.empty_base, question.key


def test_the_tpi_may_set_its_own_value_for_a_computed_percentage():
    """The TPI's own number on a computed question overrides the counts (e.g. no complaints, but
    the TPI judges the channel unused: 50%)."""
    q_ = lke_indicator("V.reform.ii").questions[0]
    computed = scoring.compute(q_, {"b": D(0), "c": D(0), "d": D(0)}, AnswerValue(number=D("50")))
    assert computed.value == Fraction(1, 2) and computed.overridden and not computed.note


@pytest.mark.parametrize("index,value", [("0", "0"), ("0.5", "0.125"), ("4", "1")])
def test_survey_index_accepts_0_to_4_as_the_workbook_does(index, value):
    assert scoring.question_value(q("indeks"), AnswerValue(number=D(index))) == Fraction(D(value))
