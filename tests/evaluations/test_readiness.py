"""Pure readiness tests: the verdict names every failing rule and its gap."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from evaluations import readiness, scoring
from evaluations.readiness import Prerequisite, Rule
from tests.specs import compact_answers, compact_spec

SPEC = compact_spec()
AREAS = {"pengungkit": ["I", "II", "III", "IV", "V", "VI"], "hasil": ["H-I", "H-II"]}

WBK_RULES = [
    Rule("wbk", "total", "Nilai total", minimum=D("75")),
    Rule("wbk", "component", "Total pengungkit", "pengungkit", minimum=D("40")),
    Rule("wbk", "each_area", "Setiap area pengungkit 60%", "pengungkit", minimum_percent=D("60")),
    Rule("wbk", "component", "Total hasil", "hasil", minimum=D("32.25")),
    Rule("wbk", "area", "Birokrasi Bersih", "H-I", minimum=D("18.25")),
    Rule("wbk", "indicator", "IPAK", "H-I.hasil.i", minimum=D("15.75")),
    Rule("wbk", "indicator", "Capaian Kinerja", "H-I.hasil.ii", minimum=D("2.50")),
    Rule("wbk", "area", "IPKP", "H-II", minimum=D("14")),
]
WBBM_RULES = [Rule("wbbm", "total", "Nilai total", minimum=D("85"))]


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def verdict(answers, rules=WBK_RULES + WBBM_RULES, **kw):
    return readiness.evaluate(scoring.score(SPEC, answers), rules, area_codes_by_component=AREAS, **kw)


def test_all_best_is_ready_for_wbk_and_with_wbk_held_for_wbbm():
    assert verdict(compact_answers()).code == "wbk"
    v = verdict(compact_answers(), holds_wbk=True)
    assert v.code == "wbbm" and v.label == "Siap WBBM"


def test_area_below_60_percent_names_the_area_and_its_gap():
    v = verdict(compact_answers(V__pemenuhan__i__a="54", V__reform__i__a="54"))
    assert v.code == ""
    assert v.label == "Belum memenuhi"
    [short] = v.wbk.shortfalls
    assert short.name == "Penguatan Pengawasan"
    assert short.gap == D("0.90")
    assert short.message == "Penguatan Pengawasan: 8,10 / 15,00 — kurang 0,90 dari 60%"


def test_total_short_says_by_how_much():
    # Everything at 80%: pengungkit 48, hasil: IPAK 3.2 → 14.00, capaian 80% → 4, IPKP 3.2 → 14 → total 80.
    # Drop the capaian to 32% (1.60) and IPAK to 2.4 (10.50): hasil 26.10, total 74.10.
    v = verdict(compact_answers(percent="80", ipak="2.4", ipkp="3.2", capaian="32"))
    messages = [s.message for s in v.wbk.shortfalls]
    assert "Total 74,10 — kurang 0,90 dari minimum 75,00" in messages
    assert "IPAK: 10,50 — kurang 5,25 dari minimum 15,75" in messages
    assert "Capaian Kinerja Lebih Baik: 1,60 — kurang 0,90 dari minimum 2,50" in messages
    assert len(v.wbk.shortfalls) == 5  # total, hasil, H-I, IPAK, capaian


def test_every_failing_area_is_listed():
    v = verdict(compact_answers(I__pemenuhan__i__a="10", II__reform__i__a="0"))
    names = [s.name for s in v.wbk.shortfalls]
    assert "Manajemen Perubahan" in names and "Penataan Tata Laksana" in names


def test_exactly_at_the_threshold_passes():
    # Area V at exactly 60%: 9.00 of 15.
    v = verdict(compact_answers(V__pemenuhan__i__a="60", V__reform__i__a="60"))
    assert v.wbk.met


def test_the_gap_adds_up_with_the_shown_figures():
    # Total exactly 41.615 is shown 41,62; the gap read off the page is 75,00 − 41,62 = 33,38.
    v = verdict(compact_answers(percent="0", ipak="3.8", ipkp="3.78", capaian="82.3"))
    short = next(s for s in v.wbk.shortfalls if s.rule.scope == "total")
    assert short.actual + short.gap == short.required


def test_a_gap_smaller_than_a_cent_is_shown_as_a_cent_not_zero():
    # Area V at 59.99% in both halves: 8.9985 of 15 → short 0.0015 → shown 0.01.
    v = verdict(compact_answers(V__pemenuhan__i__a="59.99", V__reform__i__a="59.99"))
    [short] = v.wbk.shortfalls
    assert short.actual == D("9.00") and short.gap == D("0.01")


def test_wbbm_needs_wbk_already_held():
    v = verdict(compact_answers(), holds_wbk=False)
    assert not v.wbbm.met and v.wbbm.shortfalls == ()
    assert "belum berpredikat WBK" in v.wbbm.blockers[0]


def test_unmet_prerequisite_blocks_the_predicates_it_applies_to():
    prereq = [Prerequisite("Opini BPK WTP", "both", False), Prerequisite("SAKIP minimal BB", "wbbm", True)]
    v = verdict(compact_answers(), holds_wbk=True, prerequisites=prereq)
    assert v.code == ""
    assert v.wbk.blockers == ("Prasyarat belum terpenuhi: Opini BPK WTP",)


def test_wbbm_total_short():
    v = verdict(compact_answers(percent="90"), holds_wbk=True)  # 54 + 40 = 94 → ready
    assert v.code == "wbbm"
    v = verdict(compact_answers(percent="80", ipak="3.6", ipkp="3.6", capaian="100"), holds_wbk=True)
    # 48 + 15.75 + 5 + 15.75 = 84.50
    assert v.code == "wbk"
    assert [s.message for s in v.wbbm.shortfalls] == ["Total 84,50 — kurang 0,50 dari minimum 85,00"]
    assert v.largest_gaps()[0].gap == D("0.50")


def test_partial_rule_sets_are_flagged():
    assert verdict(compact_answers(), partial_predicates=["wbbm"]).wbbm.partial
    unconfirmed = [Rule("wbbm", "total", "Nilai total", minimum=D("85"), confirmed=False)]
    assert verdict(compact_answers(), WBK_RULES + unconfirmed).wbbm.partial
    assert not verdict(compact_answers()).wbk.partial


def test_no_rules_means_not_ready():
    assert verdict(compact_answers(), rules=[]).label == "Belum memenuhi"


def test_a_rule_has_exactly_one_kind_of_minimum():
    with pytest.raises(ValueError):
        Rule("wbk", "total", "x")
    with pytest.raises(ValueError):
        Rule("wbk", "total", "x", minimum=D("1"), minimum_percent=D("1"))
