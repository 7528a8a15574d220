"""The shipped LKE ZI of PermenPANRB 90/2021: weights, structure, scoring on the real template."""

import io
import json
from collections import defaultdict
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import RequestFactory

from evaluations import lke_loader, readiness, score_store, scoring, selectors
from evaluations.models import (
    Answer,
    Area,
    Component,
    Indicator,
    Part,
    Question,
    ReadinessRule,
    TemplateVersion,
    WorksheetScore,
)
from tests import factories as f
from tests.factories import best_counts

pytestmark = pytest.mark.django_db
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "lke_zi_permenpanrb_90_2021.json"

# The domain spec's table, indicator by indicator: (area, part) → [weights in workbook order].
SPEC_WEIGHTS = {
    ("I", "pemenuhan"): ["0.5", "1", "1", "1.5"], ("I", "reform"): ["2", "1", "1"],
    ("II", "pemenuhan"): ["1", "2", "0.5"], ("II", "reform"): ["0.5", "1", "2"],
    ("III", "pemenuhan"): ["0.25", "0.5", "1.25", "2", "0.75", "0.25"], ("III", "reform"): ["1.5", "1.5", "2"],
    ("IV", "pemenuhan"): ["2.5", "2.5"], ("IV", "reform"): ["2", "1.5", "1.5"],
    ("V", "pemenuhan"): ["1.5", "1.5", "1.5", "1.5", "1.5"], ("V", "reform"): ["2.5", "3", "2"],
    ("VI", "pemenuhan"): ["1", "1", "1", "1", "1"], ("VI", "reform"): ["2.5", "2.5"],
    ("H-I", "hasil"): ["17.5", "5"], ("H-II", "hasil"): ["17.5"],
}


@pytest.fixture
def version():
    return TemplateVersion.objects.get(code="lke-zi-90-2021")


def _sum(qs):
    return qs.aggregate(s=Sum("weight"))["s"]


def test_weights_add_up_as_the_regulation_says(version):
    ind = Indicator.objects.filter(part__area__component__version=version)
    assert _sum(ind.filter(part__kind="pemenuhan")) == D("30")
    assert _sum(ind.filter(part__kind="reform")) == D("30")
    assert _sum(ind.filter(part__area__component__code="pengungkit")) == D("60")
    assert _sum(ind.filter(part__area__component__code="hasil")) == D("40")
    assert _sum(ind) == D("100")
    areas = {a.code: a.weight for a in Area.objects.filter(component__version=version)}
    assert areas == {"I": D("8"), "II": D("7"), "III": D("10"), "IV": D("10"), "V": D("15"), "VI": D("10"),
                     "H-I": D("22.5"), "H-II": D("17.5")}
    for code, weight in areas.items():
        assert _sum(ind.filter(part__area__code=code)) == weight, code
    assert {c.code: c.weight for c in Component.objects.filter(version=version)} == {
        "pengungkit": D("60"), "hasil": D("40")}


def test_every_indicator_weight_matches_the_domain_spec_table(version):
    found = defaultdict(list)
    for i in Indicator.objects.filter(part__area__component__version=version).order_by(
            "part__area__component__order", "part__area__order", "part__order", "order"):
        found[(i.part.area.code, i.part.kind)].append(i.weight)
    assert dict(found) == {k: [D(w) for w in v] for k, v in SPEC_WEIGHTS.items()}


def test_structure_and_question_counts(version):
    qs = Question.objects.filter(version=version)
    assert qs.filter(indicator__part__kind="pemenuhan").count() == 87
    assert qs.exclude(answer_type="jumlah").count() == 113  # scored rows
    assert qs.count() == 137
    assert Part.objects.filter(area__component__version=version, kind="reform").count() == 6
    for q in qs.exclude(answer_type__in=["persen", "jumlah", "indeks"]).prefetch_related("options"):
        assert q.options.count() >= 2 and all(o.letter for o in q.options.all()), q.key
    # Every percentage computed from counts reads counts of its own indicator.
    for q in qs.exclude(formula=""):
        codes = set(q.indicator.questions.filter(answer_type="jumlah").values_list("code", flat=True))
        assert scoring.formula_names(q.formula) <= codes, q.key
    assert not qs.filter(source="").exists()


def test_all_best_answers_on_the_real_template_score_100(version):
    spec = selectors.template_spec(version.pk)
    answers = {}
    best = {"ya_tidak": "Ya", "ab": "A", "abc": "A", "abcd": "A", "abcde": "A"}
    for component in spec.components:
        for area in component.areas:
            for part in area.parts:
                for indicator in part.indicators:
                    counts = best_counts(indicator.questions)
                    for q in indicator.questions:
                        if q.answer_type in best:
                            answers[q.key] = scoring.AnswerValue(best[q.answer_type])
                        elif q.answer_type == "indeks":
                            answers[q.key] = scoring.AnswerValue(number=D("4"))
                        elif q.answer_type == "persen" and not q.formula:
                            answers[q.key] = scoring.AnswerValue(number=D("100"))
                        elif q.answer_type == "jumlah" and not q.formula:
                            answers[q.key] = scoring.AnswerValue(number=counts[q.code])
    result = scoring.score(spec, answers)
    assert result.total.score == D("100.00")
    assert result.components["pengungkit"].score == D("60.00")
    assert result.components["hasil"].score == D("40.00")
    assert result.parts["V.reform"].score == D("7.50")
    assert result.total.is_complete


def test_reloading_keeps_ids_and_changes_nothing(version):
    before = dict(Question.objects.values_list("key", "pk"))
    call_command("load_lke", verbosity=0)
    assert dict(Question.objects.values_list("key", "pk")) == before
    assert TemplateVersion.objects.count() == 1


def test_a_bad_file_is_refused_whole(tmp_path, version):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["components"][0]["areas"][0]["weight"] = "9"
    data["components"][0]["areas"][0]["parts"][0]["indicators"][0]["questions"][0]["answer_type"] = "abcdef"
    data["components"][0]["areas"][0]["parts"][0]["indicators"][0]["name"] = "DIUBAH"
    bad = tmp_path / "lke.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("load_lke", str(bad), verbosity=0)
    assert "area I" in str(err.value) and "abcdef" in str(err.value)
    assert not Indicator.objects.filter(name="DIUBAH").exists()


def test_validate_reports_formula_on_a_non_count():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    ind = data["components"][0]["areas"][0]["parts"][0]["indicators"][0]
    ind["questions"][0]["answer_type"] = "persen"
    ind["questions"][0]["options"] = []
    ind["questions"][0]["formula"] = "b / z"
    errors = lke_loader.validate(data)
    assert any("bukan pertanyaan jumlah" in e for e in errors)


def test_unedited_rules_follow_the_regulation_file_and_an_admins_edit_is_kept(version, admin_user):
    total = version.readiness_rules.get(key="wbk-total")
    capaian = version.readiness_rules.get(key="wbbm-capaian")
    capaian.minimum = D("2.50")  # stale: what a copy of the file once said, never touched by an admin
    capaian.save()
    request = RequestFactory().post("/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    total.minimum = D("76.00")
    site._registry[ReadinessRule].save_model(request, total, None, True)  # an admin's edit
    out = io.StringIO()
    call_command("load_lke", stdout=out)
    total.refresh_from_db()
    capaian.refresh_from_db()
    assert total.minimum == D("76.00") and total.customised
    assert capaian.minimum == D("3.75") and not capaian.customised
    report = out.getvalue()
    assert "Dibiarkan karena diubah/ditambahkan admin: WBK · Nilai total (pengungkit + hasil) ≥ 76.00" in report
    assert "Syarat diperbarui: WBBM · Capaian Kinerja Lebih Baik ≥ 3.75" in report
    # The admin action puts it back.
    site._registry[ReadinessRule].reset_to_regulation(request, ReadinessRule.objects.filter(pk=total.pk))
    total.refresh_from_db()
    assert total.minimum == D("75.00") and not total.customised


def test_load_lke_restores_a_lost_rule_and_recomputes_stored_verdicts(version):
    """A WBK holder whose worksheet is stored as "Siap WBBM" because a Tabel 6 rule (capaian kinerja
    ≥ 3,75) went missing: load_lke puts the rule back and the stored verdict follows, answers untouched."""
    inst = f.instansi()
    ws = f.worksheet(f.round_(inst), f.unit(inst, predicate="wbk", predicate_year=2024), answers="best")
    Answer.objects.filter(worksheet=ws, question__key="H-I.hasil.ii.a").update(unit_option="C")
    ReadinessRule.objects.filter(version=version, key="wbbm-capaian").delete()
    score_store.refresh([ws.pk])
    assert WorksheetScore.objects.get(worksheet=ws, value_set="unit").verdict == "wbbm"  # wrong without the rule
    answers_before = list(Answer.objects.filter(worksheet=ws).order_by("pk").values_list(
        "unit_option", "unit_number", "unit_explanation", "revision"))

    call_command("load_lke", verbosity=0)

    assert ReadinessRule.objects.get(version=version, key="wbbm-capaian").minimum == D("3.75")
    score = WorksheetScore.objects.get(worksheet=ws, value_set="unit")
    assert score.verdict == "wbk" and score.target == "wbbm" and not score.target_met
    capaian = "Capaian Kinerja Lebih Baik dari pada Capaian Kinerja Sebelumnya"
    assert f"{capaian}: 2,50 — kurang 1,25 dari minimum 3,75" in [readiness.describe(g) for g in score.gaps]
    assert list(Answer.objects.filter(worksheet=ws).order_by("pk").values_list(
        "unit_option", "unit_number", "unit_explanation", "revision")) == answers_before
