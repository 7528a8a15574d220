"""Rules with one home (evaluations/permissions.py, workflow.py): each decided once, and every page
and service asking the same function — the copies used to disagree."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import answer_types, permissions, scoring, selectors, workflow
from evaluations.charts import axis_end
from evaluations.models import AnswerType, Round, Worksheet
from tests import factories as f
from tests.evaluations.test_review import tpi_save
from tests.evaluations.test_what_each_side_sees import return_fix_resubmit
from units.models import Membership

pytestmark = pytest.mark.django_db


def test_the_import_link_follows_the_import_rule_a_closed_round_offers_none(admin_client_zi, admin_user, instansi,
                                                                             unit):
    """Bug: the overview offered an admin "Impor dari Excel" on a draft worksheet of a closed round,
    which the import page then refused."""
    closed = f.round_(instansi, status=Round.Status.CLOSED)
    ws = f.worksheet(closed, unit)
    assert not permissions.can_import(admin_user, ws)
    page = admin_client_zi.get(ws.get_absolute_url()).content.decode()
    assert 'data-testid="page-title"' in page and 'data-testid="import-link"' not in page
    open_ws = f.worksheet(f.round_(instansi), unit)
    assert 'data-testid="import-link"' in admin_client_zi.get(open_ws.get_absolute_url()).content.decode()


def test_an_admin_who_is_also_the_units_staff_never_fills_in_for_it(client, instansi, unit, round_open):
    """Separation of duties holds on the hasil page too (it used to check only "is admin")."""
    both = f.member(instansi, Membership.Role.ADMIN, None, "admin.ganda")
    Membership.objects.create(user=both, instansi=instansi, unit=unit, role=Membership.Role.KEPALA)
    other = f.unit(instansi, "Dinas Perhubungan")
    mine, theirs = f.worksheet(round_open, unit), f.worksheet(round_open, other)
    assert not permissions.can_fill_in_for_unit(both, mine) and permissions.can_fill_in_for_unit(both, theirs)
    client.force_login(both)
    page = client.get(reverse("evaluations:round_hasil", args=[round_open.pk])).content.decode()
    assert f'id="form-{theirs.pk}"' in page and f'id="form-{mine.pk}"' not in page


def test_the_tpi_decided_statuses_are_one_set():
    assert {workflow.RETURNED, workflow.APPROVED} == workflow.TPI_DECIDED


def test_the_unit_reads_the_history_the_tpi_has_decided(reviewer, member, kepala, submitted):
    return_fix_resubmit(submitted, reviewer, member, kepala)
    tpi_save(reviewer, submitted, "I.pemenuhan.i.a", "Tidak", note="Belum diputuskan")  # the re-review
    for_unit = selectors.events_visible_to(submitted, sees_tpi=False)
    for_tpi = selectors.events_visible_to(submitted, sees_tpi=True)
    assert [e for e in for_tpi if e.comment == "Belum diputuskan"]
    assert not [e for e in for_unit if e.comment == "Belum diputuskan"]
    assert [e for e in for_unit if e.field == "tpi_value" and e.new_value == "B"]  # decided before: kept


def test_the_answer_type_table_and_the_model_choices_name_the_same_types():
    assert set(answer_types.TYPES) == set(AnswerType.values)
    assert set(AnswerType.values) == answer_types.OPTION_TYPES | answer_types.NUMBER_TYPES
    assert scoring.OPTION_VALUES is answer_types.OPTION_VALUES  # scoring reads the table, not a copy


def test_the_workflow_constants_are_the_models_choices():
    statuses = {workflow.DRAFT, workflow.SUBMITTED, workflow.IN_REVIEW, workflow.RETURNED, workflow.APPROVED}
    assert statuses == set(Worksheet.Status.values)
    assert {workflow.OPERATOR, workflow.KEPALA, workflow.TPI, workflow.ADMIN} == set(Membership.Role.values)


@pytest.mark.parametrize("maximum, integer, end", [
    ("15", False, "15"), ("22.5", False, "25"), ("7", True, "8"), ("0.3", False, "0.5"), ("1", True, "1"),
])
def test_a_chart_axis_ends_on_a_round_number(maximum, integer, end):
    assert axis_end(Decimal(maximum), integer=integer) == Decimal(end)
