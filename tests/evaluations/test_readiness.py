"""Pure readiness tests: the verdict names every failing rule and its gap; the rules are the
regulation's own (PermenPANRB 90/2021 Lampiran II, Tabel 6), read from the shipped fixture."""

import datetime
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import translation

from evaluations import readiness, scoring
from evaluations.readiness import PrerequisiteSpec, Rule
from tests.specs import compact_answers, compact_spec

SPEC = compact_spec()
AREAS = {"pengungkit": ["I", "II", "III", "IV", "V", "VI"], "hasil": ["H-I", "H-II"]}
FIXTURE = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "readiness_lke_zi_90_2021.json")
                     .read_text(encoding="utf-8"))


def _rule(r):
    return Rule(r["predicate"], r["scope"], r["label"], r.get("target", ""),
                D(r["minimum"]) if r.get("minimum") else None,
                D(r["minimum_percent"]) if r.get("minimum_percent") else None, r["source"], r["confirmed"])


RULES = [_rule(r) for r in FIXTURE["rules"]]


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def verdict(answers, rules=RULES, **kw):
    return readiness.evaluate(scoring.score(SPEC, answers), rules, area_codes_by_component=AREAS, **kw)


def wbbm_shortfalls(answers):
    return [s.message for s in verdict(answers, holds="wbk").wbbm.shortfalls]


# --------------------------------------------------------------------------- the rule set itself


def test_the_fixture_holds_tabel_6_for_both_predicates_each_rule_with_its_source():
    by = {(r.predicate, r.scope, r.target): (r.minimum, r.minimum_percent) for r in RULES}
    assert by == {
        ("wbk", "total", ""): (D("75.00"), None), ("wbbm", "total", ""): (D("85.00"), None),
        ("wbk", "component", "pengungkit"): (D("40.00"), None), ("wbbm", "component", "pengungkit"): (D("48.00"), None),
        ("wbk", "each_area", "pengungkit"): (None, D("60")), ("wbbm", "each_area", "pengungkit"): (None, D("75")),
        ("wbk", "area", "H-I"): (D("18.25"), None), ("wbbm", "area", "H-I"): (D("19.50"), None),
        ("wbk", "indicator", "H-I.hasil.i"): (D("15.75"), None), ("wbbm", "indicator", "H-I.hasil.i"): (D("15.75"), None),
        ("wbk", "indicator", "H-I.hasil.ii"): (D("2.50"), None), ("wbbm", "indicator", "H-I.hasil.ii"): (D("3.75"), None),
        ("wbk", "area", "H-II"): (D("14.00"), None), ("wbbm", "area", "H-II"): (D("15.75"), None),
    }
    assert all(r.confirmed and r.source.startswith("PermenPANRB 90/2021 Lampiran II, Tabel 6") for r in RULES)
    assert FIXTURE["wbbm_rules_complete"] is True


def test_no_hasil_total_rule_so_a_weak_survey_is_not_counted_twice():
    # IPAK 3.0 → 13.125: short on IPAK and on Birokrasi Bersih — and not again on "hasil ≥ 32,25".
    v = verdict(compact_answers(ipak="3"))
    assert [s.name for s in v.wbk.shortfalls] == ["Birokrasi yang Bersih dan Akuntabel", "IPAK"]


# --------------------------------------------------------------------------- WBK


def test_all_best_is_ready_for_wbk_and_with_wbk_held_for_wbbm():
    assert verdict(compact_answers()).code == "wbk"
    v = verdict(compact_answers(), holds="wbk")
    assert v.code == "wbbm" and v.label == "Siap WBBM"


def test_area_below_60_percent_names_the_area_and_its_gap():
    v = verdict(compact_answers(V__pemenuhan__i__a="54", V__reform__i__a="54"))
    assert v.code == "" and v.label == "Belum memenuhi"
    [short] = v.wbk.shortfalls
    assert short.name == "Penguatan Pengawasan"
    assert short.gap == D("0.90")
    assert short.message == "Penguatan Pengawasan: 8,10 / 15,00 — kurang 0,90 dari 60%"


def test_the_area_rule_is_per_area_not_per_half():
    # Area V: pemenuhan 100%, reform 30% → 65% of the area: passes (Tabel 6 speaks of the area).
    assert verdict(compact_answers(V__reform__i__a="30")).wbk.met


def test_total_short_says_by_how_much():
    # Pengungkit at 80% = 48; IPAK 2.4 → 10.50, capaian 32% → 1.60, IPKP 3.2 → 14: total 74.10.
    v = verdict(compact_answers(percent="80", ipak="2.4", ipkp="3.2", capaian="32"))
    messages = [s.message for s in v.wbk.shortfalls]
    assert "Total 74,10 — kurang 0,90 dari minimum 75,00" in messages
    assert "IPAK: 10,50 — kurang 5,25 dari minimum 15,75" in messages
    assert "Capaian Kinerja Lebih Baik: 1,60 — kurang 0,90 dari minimum 2,50" in messages
    assert len(v.wbk.shortfalls) == 4  # total, Birokrasi Bersih, IPAK, capaian


@pytest.mark.parametrize("capaian,met", [("50", True), ("49.8", False)])  # 2.50 passes, 2.49 does not
def test_wbk_capaian_boundary(capaian, met):
    assert ("Capaian Kinerja Lebih Baik" not in [s.name for s in verdict(compact_answers(capaian=capaian))
                                                  .wbk.shortfalls]) is met


def test_exactly_at_the_threshold_passes():
    v = verdict(compact_answers(V__pemenuhan__i__a="60", V__reform__i__a="60"))  # 9.00 of 15
    assert v.wbk.met


def test_the_gap_adds_up_with_the_shown_figures():
    v = verdict(compact_answers(percent="0", ipak="3.8", ipkp="3.78", capaian="82.3"))
    short = next(s for s in v.wbk.shortfalls if s.rule.scope == "total")
    assert short.actual + short.gap == short.required


def test_a_gap_smaller_than_a_cent_is_shown_as_a_cent_not_zero():
    v = verdict(compact_answers(V__pemenuhan__i__a="59.99", V__reform__i__a="59.99"))
    [short] = v.wbk.shortfalls
    assert short.actual == D("9.00") and short.gap == D("0.01")


# --------------------------------------------------------------------------- WBBM (Tabel 6)

# A WBK holder that passes every WBBM rule with room to spare: pengungkit 90% (54), IPAK 4, capaian
# 100% (5), IPKP 4 → 94.00.
STRONG = {"percent": "90"}


@pytest.mark.parametrize("capaian,met", [("75", True), ("74.8", False)])  # 3.75 passes, 3.74 does not
def test_wbbm_capaian_kinerja_boundary(capaian, met):
    shortfalls = wbbm_shortfalls(compact_answers(capaian=capaian, **STRONG))
    assert not any(m.startswith("Capaian Kinerja") for m in shortfalls) is met
    if not met:
        assert "Capaian Kinerja Lebih Baik: 3,74 — kurang 0,01 dari minimum 3,75" in shortfalls


def test_wbbm_gap_message_names_what_is_missing():
    # Capaian C (50%) = 2,50: fine for WBK, 1,25 short of WBBM's 3,75.
    v = verdict(compact_answers(capaian="50", **STRONG), holds="wbk")
    assert v.target == "wbbm" and v.code == "wbk"
    assert "Capaian Kinerja Lebih Baik: 2,50 — kurang 1,25 dari minimum 3,75" in [s.message for s in v.gaps]


@pytest.mark.parametrize("index,met", [("3.6", True), ("3.59", False)])  # 15,75 exactly; 15,71 is short
def test_wbbm_ipak_and_ipkp_boundary(index, met):
    ipak = wbbm_shortfalls(compact_answers(ipak=index, **STRONG))
    ipkp = wbbm_shortfalls(compact_answers(ipkp=index, **STRONG))
    assert (not any(m.startswith("IPAK") for m in ipak)) is met
    assert (not any(m.startswith("Pelayanan Publik yang Prima") for m in ipkp)) is met


def test_wbbm_birokrasi_bersih_is_19_50_exactly_ipak_and_capaian_at_their_minimums():
    # IPAK 3.6 → 15.75, capaian 75% → 3.75: Birokrasi Bersih 19.50 exactly, passes.
    assert not any(m.startswith("Birokrasi") for m in wbbm_shortfalls(compact_answers(ipak="3.6", capaian="75",
                                                                                      **STRONG)))
    assert any(m.startswith("Birokrasi") for m in wbbm_shortfalls(compact_answers(ipak="3.6", capaian="74.8",
                                                                                  **STRONG)))


@pytest.mark.parametrize("percent,met", [("75", True), ("74.99", False)])
def test_wbbm_each_area_at_75_percent_of_its_weight(percent, met):
    answers = compact_answers(V__pemenuhan__i__a=percent, V__reform__i__a=percent, **STRONG)
    assert (not any(m.startswith("Penguatan Pengawasan") for m in wbbm_shortfalls(answers))) is met


@pytest.mark.parametrize("percent,met", [("80", True), ("79.99", False)])  # pengungkit 48,00 / 47,99
def test_wbbm_pengungkit_boundary(percent, met):
    shortfalls = wbbm_shortfalls(compact_answers(percent=percent, ipak="4", ipkp="4"))
    assert (not any(m.startswith("Pengungkit:") for m in shortfalls)) is met


def test_wbbm_total_short():
    # Pengungkit 48 + IPAK 15.75 + capaian 5 + IPKP 15.75 = 84.50: every minimum met but the total.
    v = verdict(compact_answers(percent="80", ipak="3.6", ipkp="3.6", capaian="100"), holds="wbk")
    assert v.code == "wbk"
    assert [s.message for s in v.wbbm.shortfalls] == ["Total 84,50 — kurang 0,50 dari minimum 85,00"]
    assert v.largest_gaps()[0].gap == D("0.50")


def test_a_unit_without_wbk_never_reaches_wbbm_and_is_told_wbk_comes_first():
    v = verdict(compact_answers(), holds="")
    assert v.code == "wbk" and not v.wbbm.met and v.wbbm.shortfalls == ()
    assert "telah berpredikat Menuju WBK" in v.wbbm.blockers[0] and "Tabel 6" in v.wbbm.blockers[0]
    assert v.target == "wbk" and v.wbbm_after_wbk
    assert v.stored()["gaps"] == [] and v.stored()["target_met"] is True


def test_gaps_go_toward_the_units_target():
    weak = compact_answers(capaian="50", **STRONG)
    assert verdict(weak, holds="").gaps == []  # meets WBK; WBBM is not its target yet
    # IPAK 4 (17,50) + capaian 2,50 = 20,00 clears Birokrasi Bersih's 19,50: only the capaian is short.
    assert [s.name for s in verdict(weak, holds="wbk").gaps] == ["Capaian Kinerja Lebih Baik"]
    stored = verdict(weak, holds="wbk").stored()
    assert stored["target"] == "wbbm" and stored["target_met"] is False and stored["verdict"] == "wbk"


def test_partial_rule_sets_are_flagged_for_a_future_version():
    assert verdict(compact_answers(), partial_predicates=["wbbm"]).wbbm.partial
    unconfirmed = [Rule("wbbm", "total", "Nilai total", minimum=D("85"), confirmed=False)]
    assert verdict(compact_answers(), [r for r in RULES if r.predicate == "wbk"] + unconfirmed).wbbm.partial
    assert not verdict(compact_answers()).wbbm.partial  # this version's WBBM rules are complete


def test_no_rules_means_not_ready():
    assert verdict(compact_answers(), rules=[]).label == "Belum memenuhi"


def test_a_rule_has_exactly_one_kind_of_minimum():
    with pytest.raises(ValueError):
        Rule("wbk", "total", "x")
    with pytest.raises(ValueError):
        Rule("wbk", "total", "x", minimum=D("1"), minimum_percent=D("1"))


# --------------------------------------------------------------------------- prerequisites (Tabel 5)

PREREQ = [PrerequisiteSpec(p["key"], p["level"], p["label"], p["kind"], p["minimums"],
                           tuple(tuple(i) for i in p.get("scale", ())), p["source"])
          for p in FIXTURE["prerequisites"]]
MAY_31 = datetime.date(2027, 5, 31)
ALL_MET = {"opini-bpk": "WTP", "sakip-instansi": "BB", "indeks-rb": "B", "maturitas-spip": "3",
           "layanan-inti": "ya", "dampak-persepsi": "ya", "tindak-lanjut": "100", "kepatuhan-lhk": "100",
           "membangun-wbk": "2026-05-31", "membangun-wbbm": "2026-05-31", "sakip-unit": "BB"}


def prereq(facts, predicate="wbk", group="pemda", exemption=""):
    return readiness.check_prerequisites(PREREQ, facts, predicate=predicate, group=group, reference=MAY_31,
                                         exemption=exemption)


def test_prerequisites_all_met_for_both_predicates():
    assert prereq(ALL_MET).satisfied and prereq(ALL_MET, "wbbm").satisfied
    assert prereq(ALL_MET).summary == "syarat pengusulan Menuju WBK: terpenuhi"
    assert all(p["source"].startswith("PermenPANRB 5/2024") for p in FIXTURE["prerequisites"])


def test_an_unrecorded_prerequisite_is_not_met_and_says_so():
    v = prereq({k: v for k, v in ALL_MET.items() if k != "tindak-lanjut"})
    [unmet] = v.unmet
    assert unmet.actual == "belum dicatat" and not unmet.recorded
    assert v.summary == "syarat pengusulan Menuju WBK: 1 belum terpenuhi"


@pytest.mark.parametrize("key,value,wbk,wbbm", [
    ("sakip-instansi", "B", True, False),  # WBK needs B, WBBM BB
    ("sakip-instansi", "CC", False, False),
    ("opini-bpk", "WDP", False, False),
    ("maturitas-spip", "2", False, False),
    ("sakip-unit", "B", True, False),
    ("tindak-lanjut", "99.99", False, False),
    ("dampak-persepsi", "tidak", False, False),
])
def test_each_grade_against_its_minimum(key, value, wbk, wbbm):
    facts = ALL_MET | {key: value}
    assert prereq(facts).satisfied is wbk
    assert prereq(facts, "wbbm").satisfied is wbbm


@pytest.mark.parametrize("grade,pemda,kl", [("CC", True, False), ("B", True, True)])
def test_indeks_rb_minimum_differs_for_regional_governments_and_ministries(grade, pemda, kl):
    facts = ALL_MET | {"indeks-rb": grade}
    assert prereq(facts, group="pemda").satisfied is pemda
    assert prereq(facts, group="kl").satisfied is kl


@pytest.mark.parametrize("started,met", [("2026-05-31", True), ("2026-06-01", False)])
def test_building_zi_for_one_year_counts_back_from_the_proposal_date(started, met):
    assert prereq(ALL_MET | {"membangun-wbk": started}).satisfied is met


def test_wbk_and_wbbm_each_count_their_own_building_year():
    facts = {k: v for k, v in ALL_MET.items() if k != "membangun-wbbm"}
    assert prereq(facts, "wbk").satisfied and not prereq(facts, "wbbm").satisfied


def test_stranas_pk_exception_lets_a_regional_unit_be_proposed_while_meeting_prerequisites():
    exemption = readiness.stranas_exemption("Kependudukan dan Pencatatan Sipil", "pemda")
    v = prereq({}, exemption=exemption)
    assert not v.satisfied and v.allows_proposal
    assert "dikecualikan (Stranas PK: Kependudukan dan Pencatatan Sipil)" in v.summary
    assert readiness.stranas_exemption("Kependudukan dan Pencatatan Sipil", "kl") == ""  # pemda only
    assert readiness.stranas_exemption("", "pemda") == ""
    assert not prereq({}).allows_proposal


def test_ready_to_propose_needs_approval_passing_tpi_scores_and_prerequisites():
    passing = verdict(compact_answers())
    failing = verdict(compact_answers(ipak="3"))
    met, unmet = prereq(ALL_MET), prereq({})
    assert readiness.ready_to_propose(approved=True, tpi_verdict=passing, prerequisites=met)
    assert not readiness.ready_to_propose(approved=False, tpi_verdict=passing, prerequisites=met)
    assert not readiness.ready_to_propose(approved=True, tpi_verdict=failing, prerequisites=met)
    assert not readiness.ready_to_propose(approved=True, tpi_verdict=passing, prerequisites=unmet)
    assert not readiness.ready_to_propose(approved=True, tpi_verdict=None, prerequisites=met)
    exempt = prereq({}, exemption="Stranas PK: RSUD")
    assert readiness.ready_to_propose(approved=True, tpi_verdict=passing, prerequisites=exempt)
    # A WBK holder is proposed for WBBM: its TPI scores must pass WBBM's rules.
    holder = verdict(compact_answers(capaian="50", **STRONG), holds="wbk")
    assert not readiness.ready_to_propose(approved=True, tpi_verdict=holder, prerequisites=met)
    # A WBBM holder has nothing left to be proposed for.
    assert not readiness.ready_to_propose(approved=True, tpi_verdict=verdict(compact_answers(), holds="wbbm"),
                                          prerequisites=met)
