"""A write held open in another thread's transaction, for tests of what waits for what on PostgreSQL."""

import threading
from contextlib import contextmanager

from django.db import connection, connections, transaction


@contextmanager
def in_flight(work):
    """``work()`` run in a transaction of another thread and kept open (its locks held) for the
    ``with`` block, committed after it."""
    started, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                work()
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
        assert started.wait(10) and not errors, errors
        yield
    finally:
        release.set()
        thread.join()
    assert not errors, errors


def within(timeout: str) -> None:
    """This thread's next statements give up after ``timeout`` of waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
