"""Backup and restore: a backup of a working institution restores into a fresh database — of the
same engine as this test run (SQLite file, or a new PostgreSQL database) — with every answer, every
history row, every account and every evidence file, byte for byte; a damaged backup, or a target
that already holds data, is refused with the reason."""

import hashlib
import io
import json
import tarfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from evaluations import backup, library, services
from evaluations.evidence import EvidenceError
from evaluations.models import (
    Answer,
    Document,
    DocumentVersion,
    Evidence,
    PrerequisiteDefinition,
    Question,
    Worksheet,
)
from tests.backup_snapshot import snapshot
from tests.databases import fresh_database_url
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
        library.evidence_add_file(user=operator, worksheet=ws, question=question,
                                  upload=SimpleUploadedFile(name, content), description="uji cadangan")
    # A prerequisite's evidence is a stored file too (recorded by the unit's TPI member).
    services.prerequisite_record(user=ws.reviewers.first(), worksheet=ws, value="100", note="LHP",
                                 definition=PrerequisiteDefinition.objects.get(version=ws.round.version,
                                                                               key="tindak-lanjut"),
                                 upload=SimpleUploadedFile("LHP tindak lanjut.pdf", PDF))
    return ws


@pytest.fixture
def fresh_database(tmp_path):
    """A DATABASE_URL of an empty database of this run's engine; dropped afterwards."""
    with fresh_database_url(tmp_path) as url:
        yield url


def _in(database_url, evidence_root, *args, **env):
    return _run(*args, SECRET_KEY="restore-test-" + "k3y" * 20, DATABASE_URL=database_url,
                EVIDENCE_ROOT=str(evidence_root), SECURE_SSL_REDIRECT="false", **env)


def test_a_backup_restores_every_answer_and_file_into_a_fresh_database(institution, tmp_path, fresh_database):
    call_command("backup", output=str(tmp_path / "cadangan"), verbosity=0)
    archive = next((tmp_path / "cadangan").glob("*.tar.gz"))
    before = snapshot()
    assert len(before["answers"]) == Answer.objects.count() > 1000
    assert sum(1 for e in before["evidence"] if e[6]) == 2  # the two uploaded files, with their checksums
    assert [r[3] for r in before["prerequisites"] if r[3]]  # and the prerequisite's evidence file

    restored_root = tmp_path / "bukti-dipulihkan"
    result = _in(fresh_database, restored_root, "restore", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Pemulihan selesai dan terverifikasi" in result.stdout
    # two evidence files, the prerequisite's, and the demo proposal's letter and statement (Word)
    assert "5 berkas bukti dukung (5 disalin)" in result.stdout

    after = _in(fresh_database, restored_root, "shell", "-c", "from tests.backup_snapshot import dump; dump()")
    assert after.returncode == 0, after.stderr
    restored = json.loads(after.stdout.split("SNAPSHOT", 1)[1])
    # Every answer, file, account (password hash included: people log in as before), history row, score.
    assert restored == json.loads(json.dumps(before))
    for *_row, name, _sha, _who in before["evidence"]:
        if name:
            assert (restored_root / name).read_bytes() in (PDF, PNG)
    assert oct(archive.stat().st_mode)[-3:] == "600"  # the backup holds password hashes: owner only



def _as_older_backup(archive, tmp_path, change):
    """The archive as an earlier version would have written it: ``change`` rewrites data.json's rows
    (and the manifest), the manifest's checksum follows."""
    with tarfile.open(archive) as tar:
        rows = json.load(tar.extractfile("data.json"))
        manifest = json.load(tar.extractfile("manifest.json"))
    rows = change(rows, manifest)
    old_data = json.dumps(rows).encode()
    manifest["data_sha256"] = hashlib.sha256(old_data).hexdigest()
    old = tmp_path / "lama.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(old, "w:gz") as dst:
        for member in src.getmembers():
            data = {"data.json": old_data, "manifest.json": json.dumps(manifest).encode()}.get(
                member.name) or src.extractfile(member).read()
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return old


def test_a_backup_from_before_area_scores_carried_their_worksheet_still_restores(institution, tmp_path,
                                                                                  fresh_database):
    """Backups made by the previous version have area rows with only their score: restored, the
    rows get their worksheet, value set and whether the TPI's values supersede them."""
    def without_area_basis(rows, manifest):
        for row in rows:
            if row["model"] == "evaluations.areascore":
                for name in ("worksheet", "value_set", "superseded"):
                    del row["fields"][name]
        return rows

    old = _as_older_backup(_archive(tmp_path), tmp_path, without_area_basis)
    before = snapshot()
    result = _in(fresh_database, tmp_path / "bukti", "restore", str(old))
    assert result.returncode == 0, result.stdout + result.stderr
    after = _in(fresh_database, tmp_path / "bukti", "shell", "-c", "from tests.backup_snapshot import dump; dump()")
    assert json.loads(after.stdout.split("SNAPSHOT", 1)[1]) == json.loads(json.dumps(before))


def test_a_backup_from_before_the_evidence_library_still_restores(institution, tmp_path, fresh_database):
    """Backups made before the library held each file or link on its evidence row: restored, each
    becomes a document of its unit (a file as version 1, with its checksum) attached as before."""
    def evidence_with_its_own_file(rows, manifest):
        docs = {r["pk"]: r["fields"] for r in rows if r["model"] == "evaluations.document"}
        versions = {r["pk"]: r["fields"] for r in rows if r["model"] == "evaluations.documentversion"}
        for row in rows:
            if row["model"] == "evaluations.evidence":
                f = row["fields"]
                doc = docs[f.pop("document")]
                version = versions.get(doc["current"]) or {}
                f.update(kind=doc["kind"], url=doc["url"], file=version.get("file", ""),
                         original_name=version.get("original_name", ""), content_type=version.get("content_type", ""),
                         size=version.get("size", 0), uploaded_by=f.pop("attached_by"), uploaded_at=f.pop("attached_at"))
        for label in ("evaluations.document", "evaluations.documentversion"):
            manifest["rows"].pop(label, None)
        return [r for r in rows if r["model"] not in ("evaluations.document", "evaluations.documentversion")]

    old = _as_older_backup(_archive(tmp_path), tmp_path, evidence_with_its_own_file)
    before = snapshot()
    result = _in(fresh_database, tmp_path / "bukti", "restore", str(old))
    assert result.returncode == 0, result.stdout + result.stderr
    after = json.loads(_in(fresh_database, tmp_path / "bukti", "shell", "-c",
                           "from tests.backup_snapshot import dump; dump()").stdout.split("SNAPSHOT", 1)[1])
    expected = json.loads(json.dumps(before))
    assert after["evidence"] == expected["evidence"]  # every attachment: its file (byte for byte) or link, who, when
    assert {k: v for k, v in after.items() if k != "library"} == {k: v for k, v in expected.items() if k != "library"}
    shas = {x for doc in after["library"] for v in doc[-1] for x in v if isinstance(x, str) and len(x) == 64}
    assert {hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()} <= shas


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
    assert manifest["rows"]["evaluations.document"] == Document.objects.count()
    assert manifest["rows"]["evaluations.documentversion"] == DocumentVersion.objects.count()
    assert len(manifest["files"]) == 5 and all(f"evidence/{n}" in names for n in manifest["files"])
    assert manifest["database"] == connection.vendor


def _archive(tmp_path):
    call_command("backup", output=str(tmp_path), verbosity=0)
    return next(tmp_path.glob("*.tar.gz"))


def _rewrite(archive, target, drop=None, manifest_change=None):
    """A copy of ``archive`` without the member ``drop`` and with the manifest changed."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            if member.name == drop:
                continue
            data = src.extractfile(member).read()
            if member.name == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def test_a_failed_backup_leaves_no_archive_behind(institution, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk penuh")

    monkeypatch.setattr(backup.tarfile.TarFile, "addfile", broken)
    with pytest.raises(OSError):
        call_command("backup", output=str(tmp_path / "out"), verbosity=0)
    assert list((tmp_path / "out").iterdir()) == []  # no partial archive with password hashes in it
    assert oct((tmp_path / "out").stat().st_mode)[-3:] == "700"


def test_an_evidence_file_already_gone_is_reported_not_fatal(institution, tmp_path, fresh_database):
    lost = DocumentVersion.objects.exclude(file="").order_by("pk").first()
    default_storage.delete(lost.file.name)
    out = io.StringIO()
    err = io.StringIO()
    call_command("backup", output=str(tmp_path), stdout=out, stderr=err)
    assert "1 bukti dukung tercatat tetapi berkasnya sudah tidak ada" in err.getvalue()
    assert lost.file.name in err.getvalue()
    archive = next(tmp_path.glob("*.tar.gz"))
    result = _in(fresh_database, tmp_path / "bukti", "restore", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 berkas sudah hilang sebelum pencadangan" in result.stdout


def test_a_restore_that_fails_verification_is_undone(institution, tmp_path, fresh_database):
    """An evidence row whose file is not in the archive: the rows are rolled back, the files
    already copied are removed, and the same restore can be run again into the same database."""
    archive = _archive(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    victim = sorted(manifest["files"])[0]
    broken = _rewrite(archive, tmp_path / "kurang.tar.gz", drop=f"evidence/{victim}",
                      manifest_change=lambda m: m["files"].pop(victim))
    root = tmp_path / "bukti"
    result = _in(fresh_database, root, "restore", str(broken))
    assert result.returncode != 0 and "tidak sama dengan isi cadangan" in result.stderr
    assert not any(p.is_file() for p in root.rglob("*"))  # the other file was copied, then removed
    again = _in(fresh_database, root, "restore", str(archive))  # nothing half-restored in the way
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_database_with_any_rows_is_refused(institution, tmp_path, fresh_database):
    archive = _archive(tmp_path)
    seed = _in(fresh_database, tmp_path / "bukti", "shell", "-c",
               "from django.core.management import call_command; call_command('migrate', verbosity=0); "
               "from units.models import Instansi; Instansi.objects.create(name='Sudah ada', kind='kota')")
    assert seed.returncode == 0, seed.stderr
    result = _in(fresh_database, tmp_path / "bukti", "restore", str(archive))
    assert result.returncode != 0 and "tidak kosong (units.instansi)" in result.stderr


def test_detaching_evidence_keeps_its_file_and_deleting_the_document_removes_it_only_once_committed(
        worksheet, member, django_capture_on_commit_callbacks):
    question = Question.objects.get(version=worksheet.round.version, key="I.pemenuhan.i.a")
    item = library.evidence_add_file(user=member, worksheet=worksheet, question=question,
                                     upload=SimpleUploadedFile("sk.pdf", PDF))
    document, name, pk = item.document, item.document.current.file.name, item.pk
    with django_capture_on_commit_callbacks(execute=True):
        library.evidence_remove(user=member, worksheet=worksheet, item=Evidence.objects.get(pk=pk))
    # Detached from the question: the document and its file stay in the unit's library.
    assert not Evidence.objects.filter(pk=pk).exists()
    assert Document.objects.filter(pk=document.pk).exists() and default_storage.exists(name)
    with pytest.raises(RuntimeError), transaction.atomic():
        library.document_delete(user=member, document=document)
        raise RuntimeError("the request fails after the delete")
    assert Document.objects.filter(pk=document.pk).exists() and default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        library.document_delete(user=member, document=document)
    assert not Document.objects.filter(pk=document.pk).exists() and not default_storage.exists(name)


def test_a_document_still_attached_is_not_deleted(worksheet, member, django_capture_on_commit_callbacks):
    question = Question.objects.get(version=worksheet.round.version, key="I.pemenuhan.i.a")
    item = library.evidence_add_file(user=member, worksheet=worksheet, question=question,
                                     upload=SimpleUploadedFile("sk.pdf", PDF))
    name = item.document.current.file.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(EvidenceError, match="masih dipakai"):
        library.document_delete(user=member, document=item.document)
    assert Evidence.objects.filter(pk=item.pk).exists() and default_storage.exists(name)


HOLD_SNAPSHOT_AND_WRITE = """
import threading, time
from django.core.management import call_command
from django.db import connection, transaction
from evaluations import backup
from units.models import Instansi
call_command("migrate", verbosity=0)
Instansi.objects.create(name="Sebelum", kind="kota")
inside, done = threading.Event(), threading.Event()
def reader():
    with backup._snapshot():
        print("seen in snapshot:", Instansi.objects.count())
        inside.set()
        done.wait(10)
        print("still seen in snapshot:", Instansi.objects.count())
    connection.close()
t = threading.Thread(target=reader); t.start(); inside.wait(10)
start = time.monotonic()
with transaction.atomic():
    Instansi.objects.create(name="Saat pencadangan", kind="kota")
print(f"write took {time.monotonic() - start:.2f} s")
done.set(); t.join()
"""


def test_a_backup_on_sqlite_does_not_hold_up_people_saving(tmp_path):
    """The snapshot is a read transaction in WAL mode: a save during it goes through at once, and
    the snapshot keeps seeing the rows as they were when it began."""
    result = _in(f"sqlite:///{tmp_path / 'hidup.sqlite3'}", tmp_path / "bukti", "shell", "-c", HOLD_SNAPSHOT_AND_WRITE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert "seen in snapshot: 1" in lines and "still seen in snapshot: 1" in lines
    took = float(next(line for line in lines if line.startswith("write took")).split()[2])
    assert took < 1.0, lines  # not the 20 s lock timeout
