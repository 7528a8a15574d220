"""Small hand-built template specs for pure tests (no database)."""

import json
from decimal import Decimal as D
from pathlib import Path

from evaluations.scoring import (
    AnswerValue,
    AreaSpec,
    ComponentSpec,
    EmptyBase,
    IndicatorSpec,
    PartSpec,
    QuestionSpec,
    TemplateSpec,
)

# The six pengungkit areas of PermenPANRB 90/2021 with their pemenuhan/reform halves.
AREAS = [("I", "Manajemen Perubahan", "4", "4"), ("II", "Penataan Tata Laksana", "3.5", "3.5"),
         ("III", "Penataan Sistem Manajemen SDM Aparatur", "5", "5"),
         ("IV", "Penguatan Akuntabilitas", "5", "5"), ("V", "Penguatan Pengawasan", "7.5", "7.5"),
         ("VI", "Peningkatan Kualitas Pelayanan Publik", "5", "5")]


def one_question_indicator(key, weight, answer_type="persen", formula=""):
    return IndicatorSpec(key, "i", key, D(weight), (QuestionSpec(f"{key}.a", "a", answer_type, formula),))


def compact_spec() -> TemplateSpec:
    """Real weights, one percentage question per part: each part's value is set directly.

    Question keys: "<area>.pemenuhan.i.a", "<area>.reform.i.a", "H-I.hasil.i.a" (IPAK, indeks),
    "H-I.hasil.ii.a" (capaian kinerja, persen), "H-II.hasil.i.a" (IPKP, indeks).
    """
    areas = tuple(
        AreaSpec(code, name, D(p) + D(r), (
            PartSpec("pemenuhan", (one_question_indicator(f"{code}.pemenuhan.i", p),)),
            PartSpec("reform", (one_question_indicator(f"{code}.reform.i", r),)),
        ))
        for code, name, p, r in AREAS)
    hasil = (
        AreaSpec("H-I", "Birokrasi yang Bersih dan Akuntabel", D("22.5"), (PartSpec("hasil", (
            IndicatorSpec("H-I.hasil.i", "i", "IPAK", D("17.5"), (QuestionSpec("H-I.hasil.i.a", "a", "indeks"),)),
            IndicatorSpec("H-I.hasil.ii", "ii", "Capaian Kinerja Lebih Baik", D("5"),
                          (QuestionSpec("H-I.hasil.ii.a", "a", "persen"),)),
        )),)),
        AreaSpec("H-II", "Pelayanan Publik yang Prima", D("17.5"), (PartSpec("hasil", (
            IndicatorSpec("H-II.hasil.i", "i", "IPKP", D("17.5"), (QuestionSpec("H-II.hasil.i.a", "a", "indeks"),)),
        )),)),
    )
    return TemplateSpec((ComponentSpec("pengungkit", "Pengungkit", D("60"), areas),
                         ComponentSpec("hasil", "Hasil", D("40"), hasil)))


def compact_answers(percent="100", ipak="4", ipkp="4", capaian="100", **overrides):
    """Every pengungkit part at ``percent``; overrides by question key with dots as '__'."""
    answers = {}
    for code, *_ in AREAS:
        for kind in ("pemenuhan", "reform"):
            answers[f"{code}.{kind}.i.a"] = AnswerValue(number=D(percent))
    answers["H-I.hasil.i.a"] = AnswerValue(number=D(ipak))
    answers["H-I.hasil.ii.a"] = AnswerValue(number=D(capaian))
    answers["H-II.hasil.i.a"] = AnswerValue(number=D(ipkp))
    for key, value in overrides.items():
        answers[key.replace("__", ".").replace("_", "-")] = AnswerValue(number=D(value))
    return answers


def lke_indicator(key: str) -> IndicatorSpec:
    """One indicator of the shipped LKE fixture as a pure spec ("V.reform.ii"): the real weight,
    question letters, formulas and empty-base cases, without a database."""


    data = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "lke_zi_permenpanrb_90_2021.json")
                      .read_text(encoding="utf-8"))
    area_code, kind, code = key.split(".")
    for comp in data["components"]:
        for area in comp["areas"]:
            for part in area["parts"]:
                for ind in part["indicators"]:
                    if (area["code"], part["kind"], ind["code"]) == (area_code, kind, code):
                        return IndicatorSpec(key, code, ind["name"], D(ind["weight"]), tuple(
                            QuestionSpec(f"{key}.{q['code']}", q["code"], q["answer_type"], q.get("formula") or "",
                                         tuple(EmptyBase(c["if_zero"], D(c["percent"]), c["note"])
                                               for c in q.get("empty_base") or ()))
                            for q in ind["questions"]))
    raise KeyError(key)


def counts(key: str, **numbers) -> dict:
    """Answers for an indicator's count rows: counts("V.reform.ii", b=0, c=0, d=0)."""
    return {f"{key}.{code}": AnswerValue(number=D(str(n))) for code, n in numbers.items()}
