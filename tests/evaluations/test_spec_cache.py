"""The template spec, rules and prerequisites are read once per process and version stamp: a page or
a save no longer rebuilds them, and any change to them — through the admin or load_lke — is seen by
the next request of every process."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations import score_store, selectors, spec_cache
from evaluations.models import Indicator, Question, ReadinessRule, TemplateVersion, WorksheetScore
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_warm_spec_costs_one_small_query_and_is_the_same_as_a_fresh_build(round_open):
    version_id = round_open.version_id
    built = selectors._build_template_spec(version_id)
    selectors.template_spec(version_id)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.template_spec(version_id) == built
        context = selectors.readiness_context(round_open.version)
    assert len(ctx.captured_queries) == 2  # the stamp, once per call
    assert "spec_stamp" in ctx.captured_queries[0]["sql"]
    assert context.rules == list(selectors._build_readiness_rules(version_id))


def test_a_rule_changed_in_the_admin_changes_the_next_verdict(round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    assert WorksheetScore.objects.get(worksheet=ws, value_set="unit").verdict == "wbk"
    rule = ReadinessRule.objects.get(version=round_open.version, key="wbk-total")
    rule.minimum = Decimal("100.01")
    rule.save()  # what the admin's form does
    score_store.refresh([ws.pk])
    assert WorksheetScore.objects.get(worksheet=ws, value_set="unit").verdict == ""


def test_a_question_or_indicator_edited_in_the_admin_is_in_the_next_spec(round_open):
    version_id = round_open.version_id
    before = selectors.template_spec(version_id)
    indicator = Indicator.objects.filter(part__area__component__version_id=version_id).first()
    indicator.name = "Nama indikator yang diperbaiki"
    indicator.save()
    question = Question.objects.filter(version_id=version_id, formula="").first()
    question.code = "z"
    question.save()
    after = selectors.template_spec(version_id)
    assert after != before
    assert any(i.name == "Nama indikator yang diperbaiki" for c in after.components for a in c.areas
               for p in a.parts for i in p.indicators)
    assert any(q.key == question.key and q.code == "z" for q in after.questions())


def test_a_stamp_changed_by_another_process_is_seen(round_open):
    """Another server's change arrives as a new stamp in the database; this process has no other signal."""
    version_id = round_open.version_id
    selectors.template_spec(version_id)
    Question.objects.filter(version_id=version_id, key="I.pemenuhan.i.a").update(code="y")  # as if elsewhere
    assert next(q.code for q in selectors.template_spec(version_id).questions() if q.key == "I.pemenuhan.i.a") != "y"
    spec_cache.touch(version_id)  # … whose transaction replaced the stamp too
    assert next(q.code for q in selectors.template_spec(version_id).questions() if q.key == "I.pemenuhan.i.a") == "y"


def test_two_versions_are_kept_apart(round_open):
    other = TemplateVersion.objects.create(code="kosong", name="Versi kosong")
    assert selectors.template_spec(other.pk).components == ()
    assert selectors.template_spec(round_open.version_id).components != ()
