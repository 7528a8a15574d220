"""Backup and restore of everything an instansi entered: the database and the evidence files.

A backup is one ``.tar.gz`` holding

- ``data.json``: every row of the project's tables (users, units, rounds, worksheets, answers,
  evidence rows, history, stored scores, admin log, login log), with natural keys so it loads into
  any supported database — SQLite or PostgreSQL, whichever the backup came from;
- ``evidence/…``: every stored evidence file, under its storage name;
- ``manifest.json``: when, from which database, row counts per model, and the SHA-256 of
  ``data.json`` and of every evidence file.

The rows are read in one transaction (REPEATABLE READ on PostgreSQL), so a backup taken while
people work is consistent. Restoring goes only into an empty database: migrate, then — in one transaction —
load the rows, copy the files, and check every count and every file's checksum against the
manifest. Anything that does not match stops the restore with the reason and undoes it (rows
rolled back, copied files removed). Rows of this project's tables load by primary key; users by
username (natural key), so they can be referred to across databases.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import FileField
from django.utils import timezone

from . import numbers

FORMAT = 1
# Recreated by migrate (content types, permissions) or worthless after a restore (sessions), and
# work in flight: the task queue and recap workbooks (kept a day; asked for again in a click).
# (Other apps add theirs in their AppConfig.ready: the programme's plan workbooks.)
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "django_tasks_database", "evaluations.recapexport"]
# Rows that migrate itself writes into a new database (the national survey instruments, added by the
# surveys app with the function that writes them): a restore replaces them with the backup's own
# copies — the same rows under the backup's keys — or, from a backup older than them, writes them again.
MIGRATION_ROWS: list[str] = []
REFILL: list = []


class BackupError(Exception):
    """A backup that cannot be restored, or a database it must not be restored into."""


@dataclass
class Report:
    path: Path
    rows: dict[str, int]
    files: int
    bytes: int
    missing: list = field(default_factory=list)  # evidence rows whose file was already gone


def thousands(n: int) -> str:
    return numbers.plain(n)  # 68.500, as Indonesian readers group digits


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
    """Every stored file a row points at: evidence of answers and of prerequisite records alike."""

    names = set()
    for _label, model in _models():
        for f in model._meta.get_fields():
            if isinstance(f, FileField):
                names.update(model._default_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True))
    return sorted(names)


@contextmanager
def _snapshot():
    """One consistent read of every table that does not hold up people saving meanwhile:
    REPEATABLE READ on PostgreSQL; on SQLite a deferred (read) transaction, which in WAL mode sees
    one snapshot while writers go on (the site's own transactions begin IMMEDIATE)."""
    outermost = not connection.in_atomic_block  # inside a caller's transaction, that one decides
    connection.ensure_connection()
    mode = getattr(connection, "transaction_mode", None)
    if connection.vendor == "sqlite" and outermost:
        connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        if connection.vendor == "sqlite":
            connection.transaction_mode = mode


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Members readable by their owner only, so a hand-unpacked archive (password hashes in
    data.json, evidence) is not world-readable either."""
    info.mode = 0o600
    return info


def create(directory: Path) -> Report:
    """Write a backup archive into ``directory``; return where, and what it holds.

    The archive is written under a temporary name, readable by its owner only from the first byte
    (it holds password hashes), and renamed when complete; a failed backup leaves nothing behind.
    An evidence file missing from storage does not stop the backup: it is listed in the manifest
    (``missing``) and in the report, so the row can be fixed, and a restore expects it missing.
    """
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"zi-tracker-backup-{stamp}.tar.gz"
    partial = directory / f".{path.name}.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with tempfile.TemporaryDirectory(prefix="zi-backup-") as tmp, os.fdopen(fd, "wb") as raw:
            data = Path(tmp) / "data.json"
            with _snapshot():
                rows = {label: model._default_manager.count() for label, model in _models()}
                call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE,
                             output=str(data), verbosity=0)
                names = _evidence_names()
            files, missing, total = {}, [], 0
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(data, arcname="data.json", filter=_private)
                for name in names:
                    try:
                        handle = default_storage.open(name, "rb")
                    except FileNotFoundError:
                        missing.append(name)
                        continue
                    with handle:
                        files[name] = _sha256(handle)
                        handle.seek(0)
                        info = _private(tarfile.TarInfo(f"evidence/{name}"))
                        info.size = default_storage.size(name)
                        info.mtime = int(timezone.now().timestamp())
                        tar.addfile(info, handle)
                        total += info.size
                with data.open("rb") as handle:
                    data_sha = _sha256(handle)
                manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(),
                            "database": connection.vendor, "rows": rows, "data_sha256": data_sha,
                            "files": files, "missing": missing}
                blob = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = _private(tarfile.TarInfo("manifest.json"))
                info.size = len(blob)
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(blob))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Report(path, rows, len(files), total, missing)


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return not Path(name).is_absolute() and ".." not in parts


def _rows_present() -> list[str]:
    """Tables of the backup that already hold rows here (a restore loads rows by their keys and
    would silently merge with, or overwrite, what is there)."""
    tables = set(connection.introspection.table_names())
    return [label for label, model in _models() if label not in MIGRATION_ROWS
            and model._meta.db_table in tables and model._default_manager.exists()]


def restore(archive: Path, log=print) -> Report:
    """Restore ``archive`` into this (empty) database and EVIDENCE_ROOT, then verify it."""
    if not archive.is_file():
        raise BackupError(f"Berkas cadangan tidak ditemukan: {archive}")
    call_command("migrate", verbosity=0, interactive=False)
    present = _rows_present()
    if present:
        raise BackupError("Basis data tujuan tidak kosong (" + ", ".join(present[:5]) + "): pulihkan hanya ke "
                          "basis data baru (buat basis data kosong, arahkan DATABASE_URL ke sana, lalu ulangi).")
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
        _upgrade_rows(data, manifest["files"])

        copied = []  # removed again if anything below fails: all or nothing
        try:
            with transaction.atomic():
                for label in MIGRATION_ROWS:  # (listed children first)
                    apps.get_model(label)._default_manager.all().delete()
                call_command("loaddata", str(data), verbosity=0)
                for refill in REFILL:
                    refill()
                log(f"Data dimuat ke basis data {connection.vendor}.")
                total = 0
                for name, sha in manifest["files"].items():
                    handle = tar.extractfile(members[f"evidence/{name}"])
                    if default_storage.exists(name):
                        with default_storage.open(name, "rb") as existing:
                            if _sha256(existing) != sha:
                                raise BackupError(f"Di penyimpanan sudah ada berkas lain dengan nama {name}.")
                        continue
                    saved = default_storage.save(name, handle)
                    copied.append(saved)
                    if saved != name:
                        raise BackupError(f"Penyimpanan menyimpan {name} sebagai {saved}.")
                    total += members[f"evidence/{name}"].size
                report = verify(manifest, archive, len(copied), total, log)
            _analyze()  # fresh planner statistics: a restored database has none yet
            return report
        except BaseException:
            for name in copied:
                default_storage.delete(name)
            raise


def _upgrade_rows(path: Path, files: dict[str, str]) -> None:
    """Backups made by earlier versions load into this one (after the checksum was checked: the
    archive itself is not changed):
    - area scores without their worksheet, value set and whether a TPI value set supersedes them
      (before migration 0011) get those fields from their score rows;
    - evidence rows that held their own file or link (before the library, migrations 0014–0016)
      become a library document of their unit with that file as version 1 (its checksum from the
      manifest), and the row its attachment — as the migration does to a live database."""
    rows = json.loads(path.read_bytes())
    changed = _upgrade_area_scores(rows)
    changed = _upgrade_evidence(rows, files) or changed
    if changed:
        path.write_text(json.dumps(rows), encoding="utf-8")


def _upgrade_area_scores(rows) -> bool:
    old = [r for r in rows if r["model"] == "evaluations.areascore" and "worksheet" not in r["fields"]]
    if not old:
        return False
    scores = {r["pk"]: r["fields"] for r in rows if r["model"] == "evaluations.worksheetscore"}
    with_tpi = {f["worksheet"] for f in scores.values() if f["value_set"] == "tpi"}
    for row in old:
        score = scores[row["fields"]["score"]]
        row["fields"].update(worksheet=score["worksheet"], value_set=score["value_set"],
                             superseded=score["value_set"] == "unit" and score["worksheet"] in with_tpi)
    return True


def _upgrade_evidence(rows, files) -> bool:
    old = [r for r in rows if r["model"] == "evaluations.evidence" and "document" not in r["fields"]]
    if not old:
        return False
    worksheet_of = {r["pk"]: r["fields"]["worksheet"] for r in rows if r["model"] == "evaluations.answer"}
    unit_of = {r["pk"]: r["fields"]["unit"] for r in rows if r["model"] == "evaluations.worksheet"}
    added = []
    for number, row in enumerate(old, 1):
        f = row["fields"]
        kind, who, when = f.pop("kind"), f.pop("uploaded_by", None), f.pop("uploaded_at")
        name, original, url = f.pop("file", ""), f.pop("original_name", ""), f.pop("url", "")
        content_type, size = f.pop("content_type", ""), f.pop("size", 0)
        added.append({"model": "evaluations.document", "pk": number, "fields": {
            "unit": unit_of[worksheet_of[f["answer"]]], "kind": kind,
            "title": (original or f.get("description") or url or "berkas")[:255], "url": url if kind == "link" else "",
            "period_year": None, "period_part": "", "owner": who, "current": number if kind == "file" else None,
            "link_status": "", "link_checked_at": None, "link_detail": "", "created_by": who, "created_at": when}})
        if kind == "file":
            added.append({"model": "evaluations.documentversion", "pk": number, "fields": {
                "document": number, "number": 1, "file": name, "original_name": original,
                "content_type": content_type, "size": size, "sha256": files.get(name, ""), "uploaded_by": who,
                "uploaded_at": when}})
        f.update(document=number, version=number if kind == "file" else None, attached_by=who, attached_at=when)
    at = rows.index(old[0])  # documents before the attachments that point at them
    rows[at:at] = added
    return True


def _analyze() -> None:
    """PostgreSQL plans queries from table statistics that a bulk load leaves empty until
    autovacuum gets round to it: without them a page about one unit scans whole tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def verify(manifest, archive, copied, total, log) -> Report:
    """Every model's row count and every evidence file's checksum, against the manifest."""
    rows = {label: model._default_manager.count() for label, model in _models()}
    wrong = {label: (n, rows.get(label)) for label, n in manifest["rows"].items() if rows.get(label) != n}
    if wrong:
        raise BackupError("Jumlah baris tidak cocok setelah pemulihan: " + ", ".join(
            f"{label} {want} → {got}" for label, (want, got) in sorted(wrong.items())))
    names = _evidence_names()
    missing = set(manifest.get("missing", []))
    if set(names) != set(manifest["files"]) | missing:
        raise BackupError("Daftar berkas bukti dukung di basis data tidak sama dengan isi cadangan.")
    for name in sorted(set(names) - missing):
        with default_storage.open(name, "rb") as handle:
            if _sha256(handle) != manifest["files"][name]:
                raise BackupError(f"Berkas {name} di penyimpanan tidak sama dengan cadangan.")
    log(f"Terverifikasi: {thousands(sum(rows.values()))} baris dari {len(rows)} tabel, {len(names) - len(missing)} "
        f"berkas bukti dukung ({copied} disalin).")
    if missing:
        log(f"Perhatian: {len(missing)} berkas sudah hilang sebelum pencadangan: " + ", ".join(sorted(missing)))
    return Report(archive, rows, len(names) - len(missing), total, sorted(missing))
