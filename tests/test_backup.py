"""Backup and restore: a backup of a working institution restores into a fresh database — of the
same engine as this test run (SQLite file, or a new PostgreSQL database) — with every answer, every
history row, every account and every evidence file, byte for byte; a damaged backup, or a target
that already holds data, is refused with the reason."""

import io
import json
import tarfile
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from evaluations import services
from evaluations.models import Answer, Evidence, Question, Worksheet
from tests.backup_snapshot import snapshot
from tests.test_deploy import _run

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def institution():
    """The demo institution (every status, TPI values, history) plus two uploaded files."""
    call_command("seed_demo", verbosity=0)
    ws = Worksheet.objects.filter(status="draft", unit__name="Dinas Kependudukan dan Pencatatan Sipil").first()
    operator = ws.unit.memberships.filter(role="operator").first().user
    for key, name, content in [("I.pemenuhan.i.a", "SK Tim ZI.pdf", PDF), ("I.pemenuhan.i.b", "foto rapat.png", PNG)]:
        question = Question.objects.get(version=ws.round.version, key=key)
        services.evidence_add_file(user=operator, worksheet=ws, question=question,
                                   upload=SimpleUploadedFile(name, content), description="uji cadangan")
    return ws


@pytest.fixture
def fresh_database(tmp_path):
    """A DATABASE_URL of an empty database of this run's engine; dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'dipulihkan.sqlite3'}"
        return
    import psycopg2

    db = settings.DATABASES["default"]
    name = f"zi_restore_{uuid.uuid4().hex[:10]}"
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


def _in(database_url, evidence_root, *args):
    return _run(*args, SECRET_KEY="restore-test-" + "k3y" * 20, DATABASE_URL=database_url,
                EVIDENCE_ROOT=str(evidence_root), SECURE_SSL_REDIRECT="false")


def test_a_backup_restores_every_answer_and_file_into_a_fresh_database(institution, tmp_path, fresh_database):
    call_command("backup", output=str(tmp_path / "cadangan"), verbosity=0)
    archive = next((tmp_path / "cadangan").glob("*.tar.gz"))
    before = snapshot()
    assert len(before["answers"]) == Answer.objects.count() > 1000
    assert sum(1 for e in before["evidence"] if e[6]) == 2  # the two uploaded files, with their checksums

    restored_root = tmp_path / "bukti-dipulihkan"
    result = _in(fresh_database, restored_root, "restore", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Pemulihan selesai dan terverifikasi" in result.stdout
    assert "2 berkas bukti dukung (2 disalin)" in result.stdout

    after = _in(fresh_database, restored_root, "shell", "-c", "from tests.backup_snapshot import dump; dump()")
    assert after.returncode == 0, after.stderr
    restored = json.loads(after.stdout.split("SNAPSHOT", 1)[1])
    # Every answer, file, account (password hash included: people log in as before), history row, score.
    assert restored == json.loads(json.dumps(before))
    for unit, key, kind, url, original, name, sha, who in before["evidence"]:
        if name:
            assert (restored_root / name).read_bytes() in (PDF, PNG)
    assert oct(archive.stat().st_mode)[-3:] == "600"  # the backup holds password hashes: owner only



def test_a_damaged_backup_is_refused_with_the_reason(institution, tmp_path, fresh_database):
    call_command("backup", output=str(tmp_path), verbosity=0)
    archive = next(tmp_path.glob("*.tar.gz"))
    damaged = tmp_path / "rusak.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("evidence/") and member.name.endswith(".pdf"):
                data = data.replace(b"%%EOF", b"%%EOX")  # one byte of one evidence file changed
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    result = _in(fresh_database, tmp_path / "bukti", "restore", str(damaged))
    assert result.returncode != 0
    assert "Checksum berkas bukti dukung tidak cocok" in result.stderr
    assert not (tmp_path / "bukti").exists()  # nothing copied


def test_a_database_that_holds_data_is_not_overwritten(institution, tmp_path):
    call_command("backup", output=str(tmp_path), verbosity=0)
    archive = next(tmp_path.glob("*.tar.gz"))
    count = Answer.objects.count()
    with pytest.raises(CommandError, match="tidak kosong"):
        call_command("restore", str(archive))
    assert Answer.objects.count() == count


def test_a_backup_lists_what_it_holds(institution, tmp_path):
    call_command("backup", output=str(tmp_path), verbosity=0)
    with tarfile.open(next(tmp_path.glob("*.tar.gz"))) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["rows"]["evaluations.answer"] == Answer.objects.count()
    assert manifest["rows"]["evaluations.evidence"] == Evidence.objects.count()
    assert len(manifest["files"]) == 2 and all(f"evidence/{n}" in names for n in manifest["files"])
    assert manifest["database"] == connection.vendor
