"""Load an LKE template version (and its readiness rules) from the JSON fixtures.

Idempotent: every level is matched by its code and updated in place, so reloading after a
correction keeps the ids that answers point at. The file is validated whole before anything is
written; a bad file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from . import answer_types, scoring
from .models import (
    OPTION_TYPES,
    Area,
    Component,
    Indicator,
    Option,
    Part,
    PrerequisiteDefinition,
    Question,
    ReadinessRule,
    TemplateVersion,
)
from .scoring import indicator_key

OPTION_LETTERS = {code: list(answer_types.TYPES[code].letters) for code in answer_types.OPTION_TYPES}
ANSWER_TYPES = set(answer_types.TYPES)


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
        errors += _validate_formula(qwhere, q, counts)
    errors += _formula_cycles(where, ind)
    return errors


def _validate_formula(where: str, q: dict, counts: set[str]) -> list[str]:
    """A formula reads only the counts (jumlah rows) of its own indicator; each empty-base case
    says when it applies (an expression over the counts equal to 0), what it scores and why."""
    errors = []
    if not q.get("formula"):
        if q.get("empty_base"):
            errors.append(f"{where}: empty_base tanpa rumus")
        return errors
    if q["answer_type"] not in ("persen", "jumlah"):
        errors.append(f"{where}: rumus hanya untuk persentase atau jumlah")
    expressions = [("rumus", q["formula"])] + [("empty_base", c.get("if_zero", "")) for c in q.get("empty_base", [])]
    for what, expression in expressions:
        try:
            unknown = scoring.formula_names(expression) - counts
        except scoring.FormulaError as exc:
            errors.append(f"{where}: {what}: {exc}")
        else:
            if unknown:
                errors.append(f"{where}: {what} memakai {sorted(unknown)} yang bukan pertanyaan jumlah")
    for case in q.get("empty_base", []):
        try:
            percent = Decimal(str(case.get("percent")))
        except (ArithmeticError, ValueError):
            percent = None
        if percent is None or not Decimal("0") <= percent <= Decimal("100"):
            errors.append(f"{where}: empty_base percent harus 0–100")
        if not (case.get("note") or "").strip():
            errors.append(f"{where}: empty_base tanpa keterangan (note)")
    if q["answer_type"] == "persen" and not q.get("empty_base") and "/" in q["formula"]:
        errors.append(f"{where}: rumus pembagian harus menyatakan arti pembagi nol (empty_base)")
    return errors


def _formula_cycles(where: str, ind: dict) -> list[str]:
    """Computed counts may read other computed counts, but never themselves through a loop."""
    reads = {q["code"]: scoring.formula_names(q["formula"]) for q in ind["questions"]
             if q.get("formula") and q["answer_type"] == "jumlah" and not _bad_formula(q["formula"])}
    seen: set[str] = set()

    def loops(code, path):
        if code in path:
            return True
        if code in seen or code not in reads:
            return False
        seen.add(code)
        return any(loops(n, path | {code}) for n in reads[code])

    return [f"{where}.{code}: rumus jumlah melingkar" for code in reads if loops(code, frozenset())]


def _bad_formula(formula: str) -> bool:
    try:
        scoring.formula_names(formula)
    except scoring.FormulaError:
        return True
    return False


def read(path: Path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    errors = validate(data)
    if errors:
        raise LKEFormatError("\n".join(errors))
    return data


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEFAULT_TEMPLATE = FIXTURES / "lke_zi_permenpanrb_90_2021.json"
DEFAULT_RULES = FIXTURES / "readiness_lke_zi_90_2021.json"


@transaction.atomic
def load(data: dict, rules: dict | list | None = None) -> tuple[TemplateVersion, RuleSync | None]:
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
    report = None
    if rules is not None:
        report = load_rules(version, rules)
        if isinstance(rules, dict) and "prerequisites" in rules:
            load_prerequisites(version, rules["prerequisites"])
    return version, report


def _load_question(version, indicator, ind_key, q, order):
    question, _ = Question.objects.update_or_create(
        version=version, key=f"{ind_key}.{q['code']}",
        defaults={"indicator": indicator, "code": q["code"], "text": q["text"].strip(),
                  "answer_type": q["answer_type"], "guidance": q.get("guidance") or "",
                  "formula": q.get("formula") or "", "empty_base": q.get("empty_base") or [],
                  "evidence_required": q.get("evidence_required", True),
                  "evidence_hint": q.get("evidence_hint") or "", "source": q.get("source") or "",
                  "order": order})
    letters = []
    for o_order, opt in enumerate(q.get("options", [])):
        Option.objects.update_or_create(question=question, letter=opt["letter"],
                                        defaults={"text": opt.get("text", ""), "order": o_order})
        letters.append(opt["letter"])
    if question.answer_type in OPTION_TYPES or letters:
        question.options.exclude(letter__in=letters).delete()


RULE_FIELDS = ("predicate", "scope", "target", "minimum", "minimum_percent", "label", "source", "is_confirmed")


@dataclass
class RuleSync:
    """What ``load_rules`` did to a version's readiness rules, for the command's report."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_customised: list[str] = field(default_factory=list)  # edited or added by an admin: left alone

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def _rule_values(r: dict) -> dict:
    return {"predicate": r["predicate"], "scope": r["scope"], "target": r.get("target", ""),
            "minimum": Decimal(r["minimum"]) if r.get("minimum") is not None else None,
            "minimum_percent": Decimal(r["minimum_percent"]) if r.get("minimum_percent") is not None else None,
            "label": r["label"], "source": r.get("source", ""), "is_confirmed": r.get("confirmed", True)}


def _describe_rule(rule: ReadinessRule) -> str:
    value = f"{rule.minimum}" if rule.minimum is not None else f"{rule.minimum_percent}%"
    return f"{rule.get_predicate_display()} · {rule.label} ≥ {value}"


def load_rules(version: TemplateVersion, rules: dict | list) -> RuleSync:
    """Bring a version's readiness rules in line with the regulation's file, without touching answers.

    Rules seeded from the file (by ``key``) follow it: new ones are added, changed ones updated,
    ones the file no longer has removed. A rule an admin edited or added (``customised``) is left
    as the admin set it and named in the report, so the admin can compare it with the regulation
    (and put it back with the admin action "Kembalikan ke syarat regulasi"). An admin's own rule
    for the same check as a new regulation rule takes that rule's key instead of doubling it.
    """
    if isinstance(rules, dict):
        if "wbbm_rules_complete" in rules and version.wbbm_rules_complete != rules["wbbm_rules_complete"]:
            version.wbbm_rules_complete = rules["wbbm_rules_complete"]
            version.save(update_fields=["wbbm_rules_complete"])
        rules = rules["rules"]
    report = RuleSync()
    existing = {r.key: r for r in version.readiness_rules.exclude(key="")}
    unkeyed = list(version.readiness_rules.filter(key=""))
    for order, data in enumerate(rules):
        values = _rule_values(data)
        rule = existing.pop(data["key"], None)
        if rule is None:
            twin = next((r for r in unkeyed if (r.predicate, r.scope, r.target)
                         == (values["predicate"], values["scope"], values["target"])), None)
            if twin is not None:
                unkeyed.remove(twin)
                twin.key = data["key"]
                same = all(getattr(twin, f) == values[f] for f in ("minimum", "minimum_percent"))
                twin.customised = not same
                if same:
                    for f in RULE_FIELDS:
                        setattr(twin, f, values[f])
                    report.updated.append(_describe_rule(twin))
                else:
                    report.kept_customised.append(_describe_rule(twin))
                twin.order = order
                twin.save()
                continue
            rule = ReadinessRule.objects.create(version=version, key=data["key"], order=order, **values)
            report.created.append(_describe_rule(rule))
        elif rule.customised:
            report.kept_customised.append(_describe_rule(rule))
        elif any(getattr(rule, f) != values[f] for f in RULE_FIELDS) or rule.order != order:
            for f in RULE_FIELDS:
                setattr(rule, f, values[f])
            rule.order = order
            rule.save()
            report.updated.append(_describe_rule(rule))
    for rule in existing.values():  # the regulation's file no longer has it
        if rule.customised:
            report.kept_customised.append(_describe_rule(rule))
        else:
            report.removed.append(_describe_rule(rule))
            rule.delete()
    report.kept_customised += [_describe_rule(r) for r in unkeyed]
    return report


PREREQUISITE_LEVELS = {"instansi", "unit"}
PREREQUISITE_KINDS = {"choice", "percent", "yes_no", "since"}


def validate_prerequisites(items: list[dict]) -> list[str]:
    errors = []
    for item in items:
        where = f"syarat {item.get('key')!r}"
        if item.get("level") not in PREREQUISITE_LEVELS or item.get("kind") not in PREREQUISITE_KINDS:
            errors.append(f"{where}: tingkat atau jenis tidak dikenal")
            continue
        scale = [v for v, _label in item.get("scale", [])]
        for predicate, minimum in item.get("minimums", {}).items():
            values = minimum.values() if isinstance(minimum, dict) else [minimum]
            if predicate not in ("wbk", "wbbm"):
                errors.append(f"{where}: predikat {predicate!r} tidak dikenal")
            if item["kind"] == "choice" and any(v not in scale for v in values):
                errors.append(f"{where}: minimum {minimum!r} tidak ada dalam skala")
    return errors


def load_prerequisites(version: TemplateVersion, items: list[dict]) -> None:
    """Tabel 5 as data: definitions follow the file (matched by key; recorded facts keep pointing
    at them). A definition the file no longer has is removed unless facts were recorded against it."""
    errors = validate_prerequisites(items)
    if errors:
        raise LKEFormatError("\n".join(errors))
    keep = []
    for order, item in enumerate(items):
        PrerequisiteDefinition.objects.update_or_create(version=version, key=item["key"], defaults={
            "level": item["level"], "kind": item["kind"], "label": item["label"],
            "help_text": item.get("help_text", ""), "scale": item.get("scale", []), "minimums": item["minimums"],
            "source": item.get("source", ""), "order": order})
        keep.append(item["key"])
    version.prerequisite_definitions.exclude(key__in=keep).filter(records__isnull=True).delete()


def reset_rules(version: TemplateVersion, rules: dict | list, keys) -> int:
    """Put rules an admin edited back to the regulation's values (the admin action)."""
    data = {r["key"]: r for r in (rules["rules"] if isinstance(rules, dict) else rules)}
    n = 0
    for rule in version.readiness_rules.filter(key__in=[k for k in keys if k in data]):
        for f, value in _rule_values(data[rule.key]).items():
            setattr(rule, f, value)
        rule.customised = False
        rule.save()
        n += 1
    return n


def read_rules(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
