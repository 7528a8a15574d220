"""The project itself as an app: what belongs to no domain app (file privacy on disk, deployment checks)."""

import os
import stat
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created

from . import checks

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700


def make_private(path: Path, mode: int) -> None:
    """Owner-only access for a file or folder we own (never widen, never touch someone else's)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~mode:
        path.chmod(stat.S_IMODE(info.st_mode) & mode)


def private_sqlite(sender, connection, **kwargs):
    """The SQLite database holds password hashes and every answer: 0600, whatever the umask. SQLite
    gives its -wal and -shm files the database file's mode."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        make_private(path, PRIVATE_FILE)


class ProjectConfig(AppConfig):
    name = "zi_tracker"
    verbose_name = "ZI Tracker"

    def ready(self):
        checks.warn_at_start()
        connection_created.connect(private_sqlite, dispatch_uid="zi_tracker.private_sqlite")
        default = settings.STORAGES.get("default", {})
        location = default.get("OPTIONS", {}).get("location")
        if location and default.get("BACKEND") == "django.core.files.storage.FileSystemStorage":
            make_private(Path(location), PRIVATE_DIR)
