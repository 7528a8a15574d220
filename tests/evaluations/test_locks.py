"""Locks of a save, on PostgreSQL: a save locks its worksheet and holds its round's lock in shared
mode — saves of different units in one round go side by side, closing the round waits for a save
in flight and a save after it sees it closed; a background rescore waits for a save in flight."""

import threading

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


def _hold(fn, started, release, errors):
    """Run ``fn`` in a transaction of its own thread and keep it open until ``release``."""
    try:
        with transaction.atomic():
            fn()
            started.set()
            release.wait(10)
    except Exception as exc:  # noqa: BLE001 — handed to the test
        errors.append(exc)
        started.set()
    finally:
        connections.close_all()


def test_saves_of_two_units_in_one_round_do_not_wait_for_each_other(instansi, round_open):
    units = [f.unit(instansi, name=f"Dinas {n}") for n in ("Satu", "Dua")]
    sheets = [f.worksheet(round_open, u) for u in units]
    operators = [f.member(instansi, "operator", u) for u in units]
    started, release, errors = threading.Event(), threading.Event(), []
    first = threading.Thread(target=_hold, args=(lambda: _save(operators[0], sheets[0], "I.pemenuhan.i.a", "Ya"),
                                                 started, release, errors))
    first.start()
    try:
        assert started.wait(10) and not errors
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")  # waiting for the first save fails the test
            _save(operators[1], sheets[1], "I.pemenuhan.i.a", "Ya")
    finally:
        release.set()
        first.join()
    assert not errors


def test_closing_the_round_waits_for_a_save_in_flight_and_a_later_save_is_refused(instansi, round_open, admin_user):
    unit = f.unit(instansi)
    ws = f.worksheet(round_open, unit)
    operator = f.member(instansi, "operator", unit)
    started, release, errors = threading.Event(), threading.Event(), []
    saving = threading.Thread(target=_hold, args=(lambda: _save(operator, ws, "I.pemenuhan.i.a", "Ya"),
                                                  started, release, errors))
    saving.start()
    try:
        assert started.wait(10) and not errors
        with pytest.raises(Exception, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            services.round_set_status(user=admin_user, round_=round_open, action="close", comment="selesai")
    finally:
        release.set()
        saving.join()
    assert not errors
    services.round_set_status(user=admin_user, round_=round_open, action="close", comment="selesai")
    with pytest.raises(services.PermissionDenied):
        _save(operator, ws, "I.pemenuhan.i.a", "Tidak", revision=1)


def test_a_background_rescore_waits_for_a_save_in_flight(instansi, round_open):
    """A rescore reads a worksheet's answers only once no save holds it, so it never writes scores
    from before a save over the scores of that save."""
    unit = f.unit(instansi)
    ws = f.worksheet(round_open, unit)
    operator = f.member(instansi, "operator", unit)
    started, release, errors = threading.Event(), threading.Event(), []
    saving = threading.Thread(target=_hold, args=(lambda: _save(operator, ws, "I.pemenuhan.i.a", "Ya"),
                                                  started, release, errors))
    saving.start()
    try:
        assert started.wait(10) and not errors
        with pytest.raises(Exception, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            score_store.refresh([ws.pk])
    finally:
        release.set()
        saving.join()
    assert not errors
