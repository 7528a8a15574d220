"""The rules after the TPI's approval, without a database: calibration arithmetic on a hand-computed
example, kawasan blockers, the predicate held and the two-year bar."""

import datetime
from decimal import Decimal
from fractions import Fraction

from evaluations.scoring import NodeScore, ScoreResult
from proposals import rules
from proposals.services import split_recommendations


def _result(areas: dict, indicators: dict | None = None, questions: dict | None = None) -> ScoreResult:
    """A ScoreResult with the given area scores (weight 10 each) — what calibration reads."""
    nodes = {code: NodeScore(code, name, Decimal(10), Fraction(value), 1, 1) for code, (name, value) in areas.items()}
    inds = {key: NodeScore(key, name, Decimal(5), Fraction(value), 1, 1)
            for key, (name, value) in (indicators or {}).items()}
    total = NodeScore("total", "Total", Decimal(100), sum((n.exact for n in nodes.values()), Fraction(0)), 1, 1)
    return ScoreResult(total, {}, nodes, {}, inds, questions or {})


def test_calibration_on_a_hand_computed_example():
    """Two units, two years. Penguatan Pengawasan (V): TPI 9,0 vs TPN 7,0 (2022) and TPI 8,5 vs
    TPN 7,1 (2023): differences 2,0 and 1,4, mean 1,7 — "TPI menilai … 1,70 poin lebih tinggi".
    Manajemen Perubahan (I): 6,0 vs 6,5 and 7,0 vs 7,0: −0,5 and 0 → mean −0,25 (lower by 0,25).
    A unit without TPN values is not counted."""
    a = rules.Pair("Dinas A", 2022, _result({"I": ("Manajemen Perubahan", "6"), "V": ("Penguatan Pengawasan", "9")}),
                   _result({"I": ("Manajemen Perubahan", "6.5"), "V": ("Penguatan Pengawasan", "7")}))
    b = rules.Pair("Dinas B", 2023, _result({"I": ("Manajemen Perubahan", "7"), "V": ("Penguatan Pengawasan", "8.5")}),
                   _result({"I": ("Manajemen Perubahan", "7"), "V": ("Penguatan Pengawasan", "7.1")}))
    empty = NodeScore("total", "Total", Decimal(100), Fraction(0), 0, 1)
    none = rules.Pair("Dinas C", 2023, a.tpi, ScoreResult(empty, {}, {}, {}, {}, {}))
    areas = {d.key: d for d in rules.calibrate([a, b, none], "area")}
    v, i = areas["V"], areas["I"]
    assert (v.n, v.tpi, v.tpn, v.mean, v.higher, v.lower) == (2, Decimal("8.75"), Decimal("7.05"), Decimal("1.70"), 2, 0)
    assert v.sentence == "TPI menilai Penguatan Pengawasan rata-rata 1,70 poin lebih tinggi dari TPN"
    assert (i.mean, i.higher, i.lower) == (Decimal("-0.25"), 0, 1)
    assert i.sentence == "TPI menilai Manajemen Perubahan rata-rata 0,25 poin lebih rendah dari TPN"
    assert [d.key for d in rules.calibrate([a, b], "area")] == ["V", "I"]  # largest difference first


def test_calibration_of_questions_counts_only_where_both_gave_a_value():
    """Question values are 0–1 (A/Ya = 1): shown ×100. TPI 1 vs TPN 0.5 → +50; a question the TPN
    left empty is not counted."""
    tpi = _result({"I": ("MP", "5")}, questions={"I.a": Fraction(1), "I.b": Fraction(1), "I.c": Fraction(0)})
    tpn = _result({"I": ("MP", "4")}, questions={"I.a": Fraction(1, 2), "I.b": None, "I.c": Fraction(0)})
    found = {d.key: d for d in rules.calibrate([rules.Pair("U", 2024, tpi, tpn)], "question")}
    assert set(found) == {"I.a", "I.c"}
    assert (found["I.a"].mean, found["I.c"].mean) == (Decimal("50.00"), Decimal("0.00"))


def test_kawasan_needs_every_unit_ready_and_the_integration_score():
    ok = rules.kawasan_blockers(predicate="wbk", units=3, missing=[], provisional=[], integration=Decimal("6.5"))
    assert ok == []
    short = rules.kawasan_blockers(predicate="wbbm", units=3, missing=[], provisional=[], integration=Decimal("7.4"))
    assert short == ["nilai integrasi proses bisnis 7,40 — kurang dari 7,50 untuk Menuju WBBM"]
    none = rules.kawasan_blockers(predicate="wbk", units=2, missing=["Puskesmas"], provisional=["RSUD"],
                                  integration=None)
    assert none == ["unit belum memenuhi: Puskesmas", "menunggu persetujuan TPI: RSUD",
                    "nilai integrasi proses bisnis belum dicatat (minimal 6,50 untuk Menuju WBK)"]


def test_the_predicate_held_and_the_two_year_bar_after_a_revocation():
    wbk = rules.AwardFact("wbk", datetime.date(2023, 12, 1))
    wbbm_revoked = rules.AwardFact("wbbm", datetime.date(2025, 12, 1), datetime.date(2026, 3, 1),
                                   datetime.date(2028, 3, 1))
    assert rules.held_predicate([wbk, wbbm_revoked]) == "wbk"
    assert rules.held_predicate([wbbm_revoked]) == ""
    assert rules.barred_until([wbk, wbbm_revoked], datetime.date(2027, 1, 1)) == datetime.date(2028, 3, 1)
    assert rules.barred_until([wbk, wbbm_revoked], datetime.date(2028, 3, 1)) is None  # the bar has ended


def test_change_from_round_to_round():
    assert rules.change([Decimal("50"), Decimal("55.5"), None, Decimal("60")]) == [None, Decimal("5.5"), None, None]


def test_recommendations_go_to_the_area_they_name():
    text = "III. Lengkapi analisis beban kerja\n- [V] Survei internal rutin\nPublikasikan standar pelayanan\n\n"
    assert split_recommendations(text) == [("III", "Lengkapi analisis beban kerja"), ("V", "Survei internal rutin"),
                                           ("I", "Publikasikan standar pelayanan")]
