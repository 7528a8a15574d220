"""Locks of a save, on PostgreSQL: a save locks its worksheet and holds its round's lock in shared
mode — saves of different units in one round go side by side, closing the round waits for a save
in flight and a save after it sees it closed; a background rescore waits for a save in flight."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from evaluations import score_store, services
from evaluations.models import Question
from tests import factories as f

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")]


def _save(user, ws, key, option, revision=0):
    return services.answer_save(user=user, worksheet=ws, question=Question.objects.get(key=key), option=option,
                                explanation="", revision=revision)


@contextmanager
def _save_in_flight(operator, ws):
    """A save of ``ws`` made in a transaction of another thread, kept open (its locks held) for
    the ``with`` block, committed after it."""
    started, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                _save(operator, ws, "I.pemenuhan.i.a", "Ya")
                started.set()
                release.wait(10)
        except Exception as exc:  # noqa: BLE001 — handed to the test
            errors.append(exc)
            started.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert started.wait(10) and not errors
        yield
    finally:
        release.set()
        thread.join()
    assert not errors


def _within(timeout: str):
    """This thread's next statements give up after ``timeout`` of waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")


def _unit_with_operator(instansi, round_, name=None):
    unit = f.unit(instansi, name=name)
    return f.worksheet(round_, unit), f.member(instansi, "operator", unit)


def test_saves_of_two_units_in_one_round_do_not_wait_for_each_other(instansi, round_open):
    (first, first_operator), (second, second_operator) = (_unit_with_operator(instansi, round_open, f"Dinas {n}")
                                                          for n in ("Satu", "Dua"))
    with _save_in_flight(first_operator, first), transaction.atomic():
        _within("3s")  # waiting for the first save fails the test
        _save(second_operator, second, "I.pemenuhan.i.a", "Ya")


def test_closing_the_round_waits_for_a_save_in_flight_and_a_later_save_is_refused(instansi, round_open, admin_user):
    ws, operator = _unit_with_operator(instansi, round_open)
    with _save_in_flight(operator, ws), pytest.raises(Exception, match="lock timeout"), transaction.atomic():
        _within("500ms")
        services.round_set_status(user=admin_user, round_=round_open, action="close", comment="selesai")
    services.round_set_status(user=admin_user, round_=round_open, action="close", comment="selesai")
    with pytest.raises(services.PermissionDenied):
        _save(operator, ws, "I.pemenuhan.i.a", "Tidak", revision=1)


def test_a_background_rescore_waits_for_a_save_in_flight(instansi, round_open):
    """A rescore reads a worksheet's answers only once no save holds it, so it never writes scores
    from before a save over the scores of that save."""
    ws, operator = _unit_with_operator(instansi, round_open)
    with _save_in_flight(operator, ws), pytest.raises(Exception, match="lock timeout"), transaction.atomic():
        _within("500ms")
        score_store.refresh([ws.pk])
