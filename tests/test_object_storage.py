"""Evidence in an S3-compatible object store (moto's S3 server over HTTP, as MinIO or a cloud bucket
would be): uploaded through the app into a private bucket, streamed back only by the
permission-checked view, never given a public address; recaps too; and a backup taken from the
bucket restores, with every file, into a fresh database and a fresh bucket."""

import json
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from evaluations import library
from evaluations.models import Document, Evidence
from tests import factories as f
from tests import s3
from tests.backup_snapshot import snapshot
from tests.evaluations.test_worksheet_views import PDF, pdf, upload_url
from tests.test_backup import PNG, _in, fresh_database, institution  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_evidence_goes_to_the_private_bucket_and_only_the_view_hands_it_out(member_client, member, worksheet,
                                                                           s3_bucket,
                                                                           django_capture_on_commit_callbacks):
    endpoint, bucket = s3_bucket
    response = member_client.post(upload_url(worksheet, "I.pemenuhan.i.a"), {"file": pdf("SK Tim ZI.pdf")})
    assert response.status_code == 302
    item = Evidence.objects.get()
    name = item.document.current.file.name
    stored = s3.objects(endpoint, bucket)
    assert list(stored) == [f"zi-tracker/{name}"] and stored[f"zi-tracker/{name}"] == PDF
    page = member_client.get(reverse("evaluations:area_detail", args=[worksheet.pk, "I"])).content.decode()
    assert endpoint not in page and bucket not in page  # the page links to the app, never to the store
    download = member_client.get(reverse("evaluations:evidence_download", args=[worksheet.pk, item.pk]))
    assert b"".join(download.streaming_content) == PDF
    other = Client()  # (member_client is the test's one client, signed in as the unit's operator)
    other.force_login(f.member(worksheet.unit.instansi, "operator", f.unit(worksheet.unit.instansi), "op.lain"))
    assert other.get(reverse("evaluations:evidence_download", args=[worksheet.pk, item.pk])).status_code == 404
    with pytest.raises(urllib.error.HTTPError) as refused:  # the object itself is private
        urllib.request.urlopen(f"{endpoint}/{bucket}/zi-tracker/{name}")
    assert refused.value.code == 403
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("evaluations:evidence_delete", args=[worksheet.pk, item.pk]))
    assert not Evidence.objects.exists()  # detached from the question: the library keeps the document and file
    assert list(s3.objects(endpoint, bucket)) == [f"zi-tracker/{name}"]
    with django_capture_on_commit_callbacks(execute=True):
        library.document_delete(user=member, document=Document.objects.get())
    assert s3.objects(endpoint, bucket) == {}  # removed with the unused document (after the commit)


def test_a_recap_is_kept_in_the_bucket(admin_client_zi, round_open, unit, s3_bucket):
    endpoint, bucket = s3_bucket
    f.worksheet(round_open, unit)
    response = f.recap(admin_client_zi, round_open)
    body = b"".join(response.streaming_content)
    assert body[:2] == b"PK" and [k for k in s3.objects(endpoint, bucket) if k.startswith("zi-tracker/rekap/")]


def test_a_backup_from_the_bucket_restores_into_a_fresh_database_and_bucket(s3_bucket, institution,  # noqa: F811
                                                                           tmp_path, fresh_database):  # noqa: F811
    endpoint, _bucket = s3_bucket
    call_command("backup", output=str(tmp_path / "cadangan"), verbosity=0)
    archive = next((tmp_path / "cadangan").glob("*.tar.gz"))
    before = snapshot()
    target = s3.new_bucket(endpoint)
    result = _in(fresh_database, tmp_path / "tidak-dipakai", "restore", str(archive), **s3.environment(endpoint, target))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 berkas bukti dukung (5 disalin)" in result.stdout
    after = _in(fresh_database, tmp_path / "tidak-dipakai", "shell", "-c",
                "from tests.backup_snapshot import dump; dump()", **s3.environment(endpoint, target))
    assert json.loads(after.stdout.split("SNAPSHOT", 1)[1]) == json.loads(json.dumps(before))
    restored = s3.objects(endpoint, target)  # the two evidence files, the prerequisite's, the proposal's two letters
    assert len(restored) == 5 and all(body in (PDF, PNG) or body[:2] == b"PK" for body in restored.values())
    assert {f"zi-tracker/{e[5]}" for e in before["evidence"] if e[5]} < set(restored)
    assert not (tmp_path / "tidak-dipakai").exists()  # nothing went to a local folder
