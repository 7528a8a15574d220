"""Locks of a save, on PostgreSQL: a save locks its worksheet and holds its round's lock in shared
mode — saves of different units in one round go side by side, closing the round waits for a save
in flight and a save after it sees it closed; a background rescore waits for a save in flight."""

import pytest
from django.db import connection, transaction

from evaluations import score_store, services
from evaluations.models import Question
from tests import factories as f
from tests.inflight import in_flight, within

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")]


def _save(user, ws, key, option, revision=0):
    return services.answer_save(user=user, worksheet=ws, question=Question.objects.get(key=key), option=option,
                                explanation="", revision=revision)


def _save_in_flight(operator, ws):
    """A save of ``ws`` held open in another thread's transaction for the ``with`` block."""
    return in_flight(lambda: _save(operator, ws, "I.pemenuhan.i.a", "Ya"))


def _unit_with_operator(instansi, round_, name=None):
    unit = f.unit(instansi, name=name)
    return f.worksheet(round_, unit), f.member(instansi, "operator", unit)


def test_saves_of_two_units_in_one_round_do_not_wait_for_each_other(instansi, round_open):
    (first, first_operator), (second, second_operator) = (_unit_with_operator(instansi, round_open, f"Dinas {n}")
                                                          for n in ("Satu", "Dua"))
    with _save_in_flight(first_operator, first), transaction.atomic():
        within("3s")  # waiting for the first save fails the test
        _save(second_operator, second, "I.pemenuhan.i.a", "Ya")


def test_closing_the_round_waits_for_a_save_in_flight_and_a_later_save_is_refused(instansi, round_open, admin_user):
    ws, operator = _unit_with_operator(instansi, round_open)
    with _save_in_flight(operator, ws), pytest.raises(Exception, match="lock timeout"), transaction.atomic():
        within("500ms")
        services.round_set_status(user=admin_user, round_=round_open, action="close", comment="selesai")
    services.round_set_status(user=admin_user, round_=round_open, action="close", comment="selesai")
    with pytest.raises(services.PermissionDenied):
        _save(operator, ws, "I.pemenuhan.i.a", "Tidak", revision=1)


def test_a_background_rescore_waits_for_a_save_in_flight(instansi, round_open):
    """A rescore reads a worksheet's answers only once no save holds it, so it never writes scores
    from before a save over the scores of that save."""
    ws, operator = _unit_with_operator(instansi, round_open)
    with _save_in_flight(operator, ws), pytest.raises(Exception, match="lock timeout"), transaction.atomic():
        within("500ms")
        score_store.refresh([ws.pk])
