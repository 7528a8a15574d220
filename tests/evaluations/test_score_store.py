"""Stored scores stay exactly what a fresh computation gives, after every kind of change."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.forms import modelform_factory
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from evaluations import readiness, score_store, scoring, selectors, services, tasks
from evaluations.models import Answer, PrerequisiteDefinition, Question, ReadinessRule, Round, Worksheet, WorksheetScore
from tests import factories as f
from tests.evaluations.test_services import complete
from units.models import Unit

pytestmark = pytest.mark.django_db


def fresh(ws):
    """Computed from scratch with the pure functions, nothing stored read."""
    ws.unit.refresh_from_db()
    ctx = selectors.readiness_context(ws.round.version)
    sets = selectors.answers_by_worksheet([ws.pk]).get(ws.pk) or {s: {} for s in selectors.VALUE_SETS}
    records = selectors.current_records(worksheet_ids=[ws.pk]).get(("worksheet", ws.pk), {})
    out = {}
    for which in ("unit", "tpi"):
        if which == "tpi" and not selectors.has_tpi_values(sets):
            continue
        r = scoring.score(ctx.spec, sets[which])
        v = readiness.evaluate(r, ctx.rules, area_codes_by_component=ctx.area_codes, holds=ws.unit.predicate)
        prereq = selectors.unit_prerequisites(ctx, ws, records, predicate=v.target)
        out[which] = (r.total.score, r.components["pengungkit"].score, r.components["hasil"].score,
                      r.total.answered, v.code, v.target, v.target_met, len(prereq.unmet), bool(prereq.exemption),
                      {a: r.areas[a].score for a in r.areas})
    return out


def stored(ws):
    scores = list(WorksheetScore.objects.filter(worksheet=ws).prefetch_related("areas"))
    has_tpi = any(s.value_set == "tpi" for s in scores)
    for s in scores:  # the area rows carry what the round summary reads them by
        assert {(a.worksheet_id, a.value_set, a.superseded) for a in s.areas.all()} == {
            (ws.pk, s.value_set, s.value_set == "unit" and has_tpi)}
    return {s.value_set: (s.total, s.pengungkit, s.hasil, s.answered, s.verdict, s.target, s.target_met,
                          s.prereq_unmet, s.prereq_exempt, {a.area_code: a.value for a in s.areas.all()})
            for s in scores}


def assert_exact(ws):
    assert stored(ws) == fresh(ws)


def q(key):
    return Question.objects.get(key=key)


def test_every_kind_of_change_keeps_stored_scores_exact(member, kepala, reviewer, admin_user, round_open, unit):
    ws = f.worksheet(round_open, unit, reviewers=[reviewer])
    score_store.refresh([ws.pk])
    assert_exact(ws)
    complete(ws)  # bulk data load (like an import) refreshes explicitly
    score_store.refresh([ws.pk])
    assert_exact(ws)

    def rev(key):
        return Answer.objects.get(worksheet=ws, question__key=key).revision

    services.answer_save(user=member, worksheet=ws, question=q("I.pemenuhan.i.a"), option="Tidak",
                         revision=rev("I.pemenuhan.i.a"))
    assert_exact(ws)
    services.answer_save(user=member, worksheet=ws, question=q("V.reform.ii.d"), number=Decimal("3"),
                         revision=rev("V.reform.ii.d"))  # a count feeding a computed percentage
    assert_exact(ws)
    services.answer_save(user=member, worksheet=ws, question=q("H-I.hasil.i.a"), number=Decimal("3.1"),
                         revision=rev("H-I.hasil.i.a"))
    assert_exact(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    services.review_start(user=reviewer, worksheet=ws)
    assert_exact(ws)
    assert set(stored(ws)) == {"unit", "tpi"}
    services.review_answer_save(user=reviewer, worksheet=ws, question=q("I.pemenuhan.i.b"), option="C",
                                note="Tidak ada seleksi", needs_revision=True, revision=rev("I.pemenuhan.i.b"))
    assert_exact(ws)
    services.review_return(user=reviewer, worksheet=ws, comment="Perbaiki")
    services.answer_save(user=member, worksheet=ws, question=q("I.pemenuhan.i.b"), option="B",
                         revision=rev("I.pemenuhan.i.b"))
    assert_exact(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    services.review_approve(user=reviewer, worksheet=ws)
    assert_exact(ws)
    # A unit prerequisite recorded by its TPI member re-judges the stored standing at once.
    definition = PrerequisiteDefinition.objects.get(version=ws.round.version, key="tindak-lanjut")
    before = stored(ws)["tpi"][7]
    services.prerequisite_record(user=reviewer, worksheet=ws, definition=definition, value="100")
    assert_exact(ws)
    assert stored(ws)["tpi"][7] == before - 1


def test_approving_straight_from_submission_stores_the_copied_tpi_values(kepala, reviewer, round_open, unit):
    ws = f.worksheet(round_open, unit, reviewers=[reviewer])
    complete(ws)
    score_store.refresh([ws.pk])
    services.worksheet_submit(user=kepala, worksheet=ws)
    services.review_approve(user=reviewer, worksheet=ws)
    assert stored(ws)["tpi"][0] == Decimal("100.00")
    assert_exact(ws)


def _admin_request(user):
    request = RequestFactory().post("/")
    request.user = user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    return request


def test_editing_a_rule_in_the_admin_recomputes_stored_verdicts(admin_user, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    score_store.refresh([ws.pk])
    assert stored(ws)["unit"][4] == "wbk"
    rule = ReadinessRule.objects.get(version=round_open.version, predicate="wbk", scope="total")
    rule.minimum = Decimal("100.01")
    site._registry[ReadinessRule].save_model(_admin_request(admin_user), rule, None, True)
    assert stored(ws)["unit"][4] == "wbk"  # recomputed by a background worker, not in the admin's request
    f.run_tasks()
    assert stored(ws)["unit"][4] == ""
    assert WorksheetScore.objects.get(worksheet=ws, value_set="unit").gaps[0]["gap"] == "0.01"


def test_a_unit_gaining_wbk_gets_its_wbbm_verdict(admin_user, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    score_store.refresh([ws.pk])
    assert stored(ws)["unit"][4] == "wbk"
    unit.predicate, unit.predicate_year = "wbk", 2025
    form = modelform_factory(Unit, fields=["predicate", "predicate_year"])(
        {"predicate": "wbk", "predicate_year": 2025}, instance=Unit.objects.get(pk=unit.pk))
    assert form.is_valid()
    site._registry[Unit].save_model(_admin_request(admin_user), form.save(commit=False), form, True)
    f.run_tasks()
    assert stored(ws)["unit"][4] == "wbbm"
    assert stored(ws)["unit"][5] == "wbbm"  # its target is WBBM now


def test_a_units_stranas_pk_service_is_kept_in_its_stored_standing(admin_user, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    score_store.refresh([ws.pk])
    assert stored(ws)["unit"][8] is False
    form = modelform_factory(Unit, fields=["stranas_pk_service"])(
        {"stranas_pk_service": "dukcapil"}, instance=Unit.objects.get(pk=unit.pk))
    assert form.is_valid()
    site._registry[Unit].save_model(_admin_request(admin_user), form.save(commit=False), form, True)
    f.run_tasks()
    assert stored(ws)["unit"][8] is True  # instansi "Pemerintah Kabupaten Uji" is a pemda
    assert_exact(ws)


def test_admin_enrols_every_active_unit_in_a_round_once(admin_user, instansi, round_open):
    f.unit(instansi, "Dinas A")
    f.unit(instansi, "Dinas B")
    f.unit(instansi, "Inspektorat Daerah", kind=Unit.Kind.INSPEKTORAT)
    f.unit(instansi, "Dinas Lama", is_active=False)
    action = site._registry[Round].enrol_active_units
    action(_admin_request(admin_user), Round.objects.filter(pk=round_open.pk))
    action(_admin_request(admin_user), Round.objects.filter(pk=round_open.pk))
    f.run_tasks()
    names = sorted(Worksheet.objects.filter(round=round_open).values_list("unit__name", flat=True))
    assert names == ["Dinas A", "Dinas B"]
    assert WorksheetScore.objects.filter(worksheet__round=round_open, value_set="unit").count() == 2


def test_a_big_rescore_is_shared_out_so_every_worker_takes_a_part(instansi, round_open, monkeypatch):
    monkeypatch.setattr(tasks, "RESCORE_CHUNK", 2)
    sheets = [f.worksheet(round_open, f.unit(instansi, f"Unit {i}"), answers="best") for i in range(5)]
    WorksheetScore.objects.all().delete()
    tasks.rescore_version.enqueue(round_open.version_id)
    f.run_tasks()
    shares = DBTaskResult.objects.filter(task_path="evaluations.tasks.rescore_worksheets")
    assert sorted(len(t.args_kwargs["args"][0]) for t in shares) == [1, 2, 2]  # three tasks for three workers
    assert WorksheetScore.objects.filter(worksheet__in=sheets, value_set="unit").count() == 5


def test_a_refresh_writes_only_the_worksheets_whose_figures_changed(round_open, unit, django_assert_num_queries):
    ws = f.worksheet(round_open, unit, answers="best")
    other = f.worksheet(round_open, f.unit(unit.instansi, "Unit Lain"), answers="best")
    before = {s.pk for s in WorksheetScore.objects.filter(worksheet__in=[ws, other])}
    Answer.objects.filter(worksheet=ws, question__key="I.pemenuhan.i.a").update(unit_option="")
    score_store.refresh([ws.pk, other.pk])
    after = {s.worksheet_id: s.pk for s in WorksheetScore.objects.filter(worksheet__in=[ws, other])}
    assert after[other.pk] in before  # unchanged: left as it was
    assert after[ws.pk] not in before  # changed: written again
    assert_exact(ws)
    assert_exact(other)
