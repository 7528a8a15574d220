"""Load an LKE template version (and its readiness rules) from the JSON fixtures.

Idempotent: every level is matched by its code and updated in place, so reloading after a
correction keeps the ids that answers point at. The file is validated whole before anything is
written; a bad file changes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from . import scoring
from .models import OPTION_TYPES, Area, Component, Indicator, Option, Part, Question, ReadinessRule, TemplateVersion
from .selectors import indicator_key

OPTION_LETTERS = {
    "ya_tidak": ["Ya", "Tidak"], "ab": ["A", "B"], "abc": ["A", "B", "C"], "abcd": ["A", "B", "C", "D"],
    "abcde": ["A", "B", "C", "D", "E"],
}
ANSWER_TYPES = set(OPTION_LETTERS) | {"persen", "jumlah", "indeks"}


class LKEFormatError(ValueError):
    pass


def validate(data: dict) -> list[str]:
    """Every problem of an LKE file, in words; empty when it can be loaded."""
    errors = []
    total = Decimal("0")
    for comp in data["components"]:
        areas_sum = sum((Decimal(a["weight"]) for a in comp["areas"]), Decimal("0"))
        if areas_sum != Decimal(comp["weight"]):
            errors.append(f"{comp['code']}: bobot area {areas_sum} ≠ bobot komponen {comp['weight']}")
        total += Decimal(comp["weight"])
        for area in comp["areas"]:
            ind_sum = sum((Decimal(i["weight"]) for p in area["parts"] for i in p["indicators"]), Decimal("0"))
            if ind_sum != Decimal(area["weight"]):
                errors.append(f"area {area['code']}: bobot indikator {ind_sum} ≠ bobot area {area['weight']}")
            for part in area["parts"]:
                for ind in part["indicators"]:
                    where = f"{area['code']}.{part['kind']}.{ind['code']}"
                    errors += _validate_indicator(where, ind)
    if total != Decimal("100"):
        errors.append(f"total bobot {total} ≠ 100")
    return errors


def _validate_indicator(where: str, ind: dict) -> list[str]:
    errors = []
    codes = [q["code"] for q in ind["questions"]]
    if len(codes) != len(set(codes)):
        errors.append(f"{where}: huruf pertanyaan ganda")
    if not any(q["answer_type"] != "jumlah" for q in ind["questions"]):
        errors.append(f"{where}: tidak ada pertanyaan yang dinilai")
    counts = {q["code"] for q in ind["questions"] if q["answer_type"] == "jumlah"}
    for q in ind["questions"]:
        qwhere = f"{where}.{q['code']}"
        if q["answer_type"] not in ANSWER_TYPES:
            errors.append(f"{qwhere}: jenis jawaban {q['answer_type']!r} tidak dikenal")
            continue
        if not q["text"].strip():
            errors.append(f"{qwhere}: teks pertanyaan kosong")
        letters = [o["letter"] for o in q.get("options", [])]
        if letters != OPTION_LETTERS.get(q["answer_type"], []):
            errors.append(f"{qwhere}: pilihan {letters} tidak sesuai jenis {q['answer_type']}")
        if q.get("formula"):
            if q["answer_type"] != "persen":
                errors.append(f"{qwhere}: rumus hanya untuk persentase")
            try:
                unknown = scoring.formula_names(q["formula"]) - counts
            except scoring.FormulaError as exc:
                errors.append(f"{qwhere}: {exc}")
            else:
                if unknown:
                    errors.append(f"{qwhere}: rumus memakai {sorted(unknown)} yang bukan pertanyaan jumlah")
    return errors


def read(path: Path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    errors = validate(data)
    if errors:
        raise LKEFormatError("\n".join(errors))
    return data


@transaction.atomic
def load(data: dict, rules: list[dict] | None = None) -> TemplateVersion:
    t = data["template"]
    version, _ = TemplateVersion.objects.update_or_create(
        code=t["code"], defaults={"name": t["name"], "regulation": t.get("regulation", ""),
                                  "notes": t.get("notes", "")})
    q_order = 0
    for c_order, comp in enumerate(data["components"]):
        component, _ = Component.objects.update_or_create(
            version=version, code=comp["code"],
            defaults={"name": comp["name"], "weight": Decimal(comp["weight"]), "order": c_order})
        for a_order, a in enumerate(comp["areas"]):
            area, _ = Area.objects.update_or_create(
                component=component, code=a["code"],
                defaults={"name": a["name"], "weight": Decimal(a["weight"]), "order": a_order})
            for p_order, p in enumerate(a["parts"]):
                part, _ = Part.objects.update_or_create(area=area, kind=p["kind"], defaults={"order": p_order})
                for i_order, ind in enumerate(p["indicators"]):
                    indicator, _ = Indicator.objects.update_or_create(
                        part=part, code=ind["code"],
                        defaults={"name": ind["name"], "weight": Decimal(ind["weight"]), "order": i_order})
                    for q in ind["questions"]:
                        q_order += 1
                        _load_question(version, indicator, indicator_key(a["code"], p["kind"], ind["code"]),
                                       q, q_order)
    if rules is not None:
        load_rules(version, rules)
    return version


def _load_question(version, indicator, ind_key, q, order):
    question, _ = Question.objects.update_or_create(
        version=version, key=f"{ind_key}.{q['code']}",
        defaults={"indicator": indicator, "code": q["code"], "text": q["text"].strip(),
                  "answer_type": q["answer_type"], "guidance": q.get("guidance") or "",
                  "formula": q.get("formula") or "", "evidence_required": q.get("evidence_required", True),
                  "evidence_hint": q.get("evidence_hint") or "", "source": q.get("source") or "",
                  "order": order})
    letters = []
    for o_order, opt in enumerate(q.get("options", [])):
        Option.objects.update_or_create(question=question, letter=opt["letter"],
                                        defaults={"text": opt.get("text", ""), "order": o_order})
        letters.append(opt["letter"])
    if question.answer_type in OPTION_TYPES or letters:
        question.options.exclude(letter__in=letters).delete()


def load_rules(version: TemplateVersion, rules: list[dict]) -> None:
    """Seed readiness rules for a version, once: rules edited by an admin are never overwritten."""
    if version.readiness_rules.exists():
        return
    for order, r in enumerate(rules):
        ReadinessRule.objects.create(
            version=version, predicate=r["predicate"], scope=r["scope"], target=r.get("target", ""),
            minimum=Decimal(r["minimum"]) if r.get("minimum") is not None else None,
            minimum_percent=Decimal(r["minimum_percent"]) if r.get("minimum_percent") is not None else None,
            label=r["label"], source=r.get("source", ""), is_confirmed=r.get("confirmed", True), order=order)
