"""A fresh, empty database of this run's engine for processes a test starts (restore, servers)."""

import contextlib
import uuid

import psycopg2
from django.conf import settings
from django.db import connection


@contextlib.contextmanager
def fresh_database_url(folder):
    """A DATABASE_URL of an empty database — a new SQLite file in ``folder``, or a new PostgreSQL
    database next to the test database — dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{folder / f'db-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"zi_fresh_{uuid.uuid4().hex[:10]}"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"],
              "password": db["PASSWORD"] or None, "dbname": "postgres"}
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        yield f"postgres://{auth}{params['host']}:{params['port']}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
