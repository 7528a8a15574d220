"""Backup and restore of everything an instansi entered: the database and the evidence files.

A backup is one ``.tar.gz`` holding

- ``data.json``: every row of the project's tables (users, units, rounds, worksheets, answers,
  evidence rows, history, stored scores, admin log, login log), with natural keys so it loads into
  any supported database — SQLite or PostgreSQL, whichever the backup came from;
- ``evidence/…``: every stored evidence file, under its storage name;
- ``manifest.json``: when, from which database, row counts per model, and the SHA-256 of
  ``data.json`` and of every evidence file.

The rows are read in one transaction (REPEATABLE READ on PostgreSQL), so a backup taken while
people work is consistent. Restoring goes only into an empty database: migrate, load the rows,
copy the files, then check every count and every file's checksum against the manifest. Anything
that does not match stops the restore with the reason; nothing is half-restored silently.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
# Recreated by migrate (content types, permissions) or worthless after a restore (sessions).
EXCLUDE = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    """A backup that cannot be restored, or a database it must not be restored into."""


@dataclass
class Report:
    path: Path
    rows: dict[str, int]
    files: int
    bytes: int


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 68.500, as Indonesian readers group digits


def _sha256(stream, chunk=1 << 20) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(chunk), b""):
        digest.update(block)
    return digest.hexdigest()


def _models():
    excluded_apps = {e for e in EXCLUDE if "." not in e}
    excluded_models = {e for e in EXCLUDE if "." in e}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in excluded_apps or label in excluded_models or not model._meta.managed:
            continue
        if model._meta.proxy:
            continue
        yield label, model


def _evidence_names():
    from .models import Evidence

    return sorted(set(Evidence.objects.exclude(file="").values_list("file", flat=True)))


def create(directory: Path) -> Report:
    """Write a backup archive into ``directory``; return where, and what it holds."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"zi-tracker-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="zi-backup-") as tmp:
        data = Path(tmp) / "data.json"
        outermost = not connection.in_atomic_block  # (inside a caller's transaction, that one decides)
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:  # one snapshot for every table
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            rows = {label: model._default_manager.count() for label, model in _models()}
            call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE,
                         output=str(data), verbosity=0)
            names = _evidence_names()
        files, total = {}, 0
        with tarfile.open(path, "w:gz") as tar:
            tar.add(data, arcname="data.json")
            for name in names:
                if not default_storage.exists(name):
                    raise BackupError(f"Berkas bukti dukung hilang dari penyimpanan: {name}")
                with default_storage.open(name, "rb") as handle:
                    files[name] = _sha256(handle)
                    handle.seek(0)
                    info = tarfile.TarInfo(f"evidence/{name}")
                    info.size = default_storage.size(name)
                    info.mtime = int(timezone.now().timestamp())
                    tar.addfile(info, handle)
                    total += info.size
            with data.open("rb") as handle:
                data_sha = _sha256(handle)
            manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "database": connection.vendor,
                        "rows": rows, "data_sha256": data_sha, "files": files}
            blob = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(blob)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(blob))
    os.chmod(path, 0o600)  # it holds password hashes and every unit's answers
    return Report(path, rows, len(files), total)


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return not Path(name).is_absolute() and ".." not in parts


def _database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    from .models import Answer, Round

    tables = set(connection.introspection.table_names())
    needed = {get_user_model()._meta.db_table, Round._meta.db_table, Answer._meta.db_table}
    if not needed <= tables:
        return True  # not even migrated yet
    return not (get_user_model().objects.exists() or Round.objects.exists() or Answer.objects.exists())


def restore(archive: Path, log=print) -> Report:
    """Restore ``archive`` into this (empty) database and EVIDENCE_ROOT, then verify it."""
    if not archive.is_file():
        raise BackupError(f"Berkas cadangan tidak ditemukan: {archive}")
    if not _database_is_empty():
        raise BackupError("Basis data tujuan tidak kosong: pulihkan hanya ke basis data baru "
                          "(buat basis data kosong, arahkan DATABASE_URL ke sana, lalu ulangi).")
    with tempfile.TemporaryDirectory(prefix="zi-restore-") as tmp, tarfile.open(archive, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        if "manifest.json" not in members or "data.json" not in members:
            raise BackupError("Ini bukan cadangan ZI Tracker (manifest.json atau data.json tidak ada).")
        manifest = json.load(tar.extractfile(members["manifest.json"]))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Format cadangan {manifest.get('format')} tidak dikenal (yang dikenal: {FORMAT}).")
        data = Path(tmp) / "data.json"
        with tar.extractfile(members["data.json"]) as src, data.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        with data.open("rb") as handle:
            if _sha256(handle) != manifest["data_sha256"]:
                raise BackupError("Isi data.json tidak sesuai checksum di manifest: cadangan rusak atau diubah.")
        for name, sha in manifest["files"].items():
            member = members.get(f"evidence/{name}")
            if member is None or not member.isfile() or not _safe_member(name):
                raise BackupError(f"Berkas bukti dukung tidak ada atau tidak sah di cadangan: {name}")
            if _sha256(tar.extractfile(member)) != sha:
                raise BackupError(f"Checksum berkas bukti dukung tidak cocok: {name}")
        log("Cadangan utuh: checksum data dan semua berkas cocok.")

        call_command("migrate", verbosity=0, interactive=False)
        with transaction.atomic():
            call_command("loaddata", str(data), verbosity=0)
        log(f"Data dimuat ke basis data {connection.vendor}.")

        copied, total = 0, 0
        for name, sha in manifest["files"].items():
            handle = tar.extractfile(members[f"evidence/{name}"])
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as existing:
                    if _sha256(existing) != sha:
                        raise BackupError(f"Di penyimpanan sudah ada berkas lain dengan nama {name}.")
                continue
            saved = default_storage.save(name, handle)
            if saved != name:
                raise BackupError(f"Penyimpanan menyimpan {name} sebagai {saved}.")
            copied += 1
            total += members[f"evidence/{name}"].size
    return verify(manifest, archive, copied, total, log)


def verify(manifest, archive, copied, total, log) -> Report:
    """Every model's row count and every evidence file's checksum, against the manifest."""
    rows = {label: model._default_manager.count() for label, model in _models()}
    wrong = {label: (n, rows.get(label)) for label, n in manifest["rows"].items() if rows.get(label) != n}
    if wrong:
        raise BackupError("Jumlah baris tidak cocok setelah pemulihan: " + ", ".join(
            f"{label} {want} → {got}" for label, (want, got) in sorted(wrong.items())))
    names = _evidence_names()
    if set(names) != set(manifest["files"]):
        raise BackupError("Daftar berkas bukti dukung di basis data tidak sama dengan isi cadangan.")
    for name in names:
        with default_storage.open(name, "rb") as handle:
            if _sha256(handle) != manifest["files"][name]:
                raise BackupError(f"Berkas {name} di penyimpanan tidak sama dengan cadangan.")
    log(f"Terverifikasi: {thousands(sum(rows.values()))} baris dari {len(rows)} tabel, {len(names)} berkas "
        f"bukti dukung ({copied} disalin).")
    return Report(archive, rows, len(names), total)
