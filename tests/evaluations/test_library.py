"""Issue 13, parts 1–3: the unit's evidence library (documents, versions, attach/detach), bulk
evidence (several files at once, links from the workbook import), and starting a worksheet from
the unit's previous round."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from evaluations import carry_over, library, selectors, services, tasks
from evaluations.evidence import EvidenceError
from evaluations.imports import evidence_links
from evaluations.models import (
    Answer,
    CarryOver,
    Document,
    DocumentVersion,
    Evidence,
    Question,
    Round,
    Worksheet,
    WorksheetEvent,
)
from tests import factories as f
from units.models import Membership

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="SK Tim ZI.pdf", extra=b""):
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


def q(key, version=None):
    return Question.objects.get(version=version or f.lke(), key=key)


# --------------------------------------------------------------------------- the library


def test_a_document_is_stored_once_with_its_checksum_and_attached_to_many_questions(member, worksheet):
    added = library.document_add_file(user=member, unit=worksheet.unit, upload=pdf(), period_year=2026,
                                      period_part="q3")
    doc = added.document
    assert not added.reused and doc.title == "SK Tim ZI.pdf" and doc.period_label == "Triwulan III 2026"
    assert doc.current.sha256 == hashlib.sha256(PDF).hexdigest() and doc.owner == member
    for key in ("I.pemenuhan.i.a", "I.pemenuhan.i.b", "II.pemenuhan.i.a"):
        library.evidence_attach(user=member, worksheet=worksheet, question=q(key), document=doc)
    library.evidence_attach(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"), document=doc)  # again
    assert Evidence.objects.filter(document=doc).count() == 3 and DocumentVersion.objects.count() == 1
    # The same file uploaded again (on a card, another name) is that document, not a second copy.
    item = library.evidence_add_file(user=member, worksheet=worksheet, question=q("III.pemenuhan.i.a"),
                                     upload=pdf("salinan.pdf"))
    assert item.document == doc and Document.objects.count() == 1


def test_detaching_keeps_the_document_and_it_is_deleted_only_when_unused(member, worksheet):
    doc = library.document_add_file(user=member, unit=worksheet.unit, upload=pdf()).document
    first = library.evidence_attach(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"), document=doc)
    library.evidence_attach(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.b"), document=doc)
    library.evidence_remove(user=member, worksheet=worksheet, item=first)
    assert Document.objects.filter(pk=doc.pk).exists() and doc.attachments.count() == 1
    with pytest.raises(EvidenceError, match="masih dipakai"):
        library.document_delete(user=member, document=doc)
    library.evidence_remove(user=member, worksheet=worksheet, item=doc.attachments.get())
    library.document_delete(user=member, document=doc)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_a_new_upload_of_the_same_document_is_a_new_version_every_answer_shows(member, worksheet, client):
    doc = library.document_add_file(user=member, unit=worksheet.unit, upload=pdf()).document
    item = library.evidence_attach(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"), document=doc)
    with pytest.raises(EvidenceError, match="sama persis"):
        library.document_new_version(user=member, document=doc, upload=pdf())
    v2 = library.document_new_version(user=member, document=doc, upload=pdf("SK Tim ZI rev.pdf", b"% revisi"))
    doc.refresh_from_db()
    assert (v2.number, doc.current, v2.sha256) == (2, v2, hashlib.sha256(PDF + b"% revisi").hexdigest())
    client.force_login(member)
    download = client.get(reverse("evaluations:evidence_download", args=[worksheet.pk, item.pk]))
    assert b"".join(download.streaming_content) == PDF + b"% revisi"  # the card hands out the latest
    old = client.get(reverse("evaluations:library_download", args=[worksheet.unit_id, doc.pk, 1]))
    assert b"".join(old.streaming_content) == PDF  # the first version stays downloadable
    page = client.get(reverse("evaluations:library_document", args=[worksheet.unit_id, doc.pk])).content.decode()
    assert "Versi 2" in page and "Versi 1" in page and hashlib.sha256(PDF).hexdigest() in page


def test_another_units_library_and_documents_are_404_and_cannot_be_attached(member, worksheet, other_unit, client):
    foreign = f.link_document(other_unit, "https://drive.pemda.go.id/dishub")
    client.force_login(member)
    assert client.get(reverse("evaluations:library_list", args=[other_unit.pk])).status_code == 404
    assert client.get(reverse("evaluations:library_document", args=[worksheet.unit_id, foreign.pk])).status_code == 404
    url = reverse("evaluations:evidence_attach", args=[worksheet.pk, q("I.pemenuhan.i.a").pk])
    response = client.post(url, {"document": foreign.pk}, HTTP_HX_REQUEST="true")
    assert "tidak ada di pustaka unit ini" in response.content.decode() and not Evidence.objects.exists()
    with pytest.raises(Document.DoesNotExist):  # the service refuses too, whatever the view did
        library.evidence_attach(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"), document=foreign)
    other_operator = f.member(worksheet.unit.instansi, Membership.Role.OPERATOR, other_unit, "op.dishub")
    doc = f.link_document(worksheet.unit)
    with pytest.raises(PermissionDenied):
        library.document_update(user=other_operator, document=doc, title="diubah")


def test_attaching_from_the_library_takes_a_fixed_handful_of_queries(member, worksheet, django_assert_max_num_queries):
    docs = [f.link_document(worksheet.unit, f"https://drive.pemda.go.id/{i}") for i in range(3)]
    question = q("I.pemenuhan.i.a")
    library.evidence_attach(user=member, worksheet=worksheet, question=question, document=docs[0])  # warm caches
    for doc in docs[1:]:
        # The worksheet locked, its answer, whether it has the document, the insert — and savepoints
        # (on PostgreSQL one more: the round's advisory lock).
        with django_assert_max_num_queries(9):
            library.evidence_attach(user=member, worksheet=worksheet, question=question, document=doc)
    assert Evidence.objects.filter(answer__question=question).count() == 3


def test_the_card_suggests_last_years_documents_and_a_new_one_of_the_same_name(member, worksheet, client):
    previous = f.round_(worksheet.round.instansi, year=2025, name="Evaluasi ZI 2025", status=Round.Status.CLOSED)
    old = f.worksheet(previous, worksheet.unit, status=Worksheet.Status.APPROVED)
    sk = f.file_document(worksheet.unit, "SK_Tim_ZI_2025.pdf", period_year=2025)
    f.attach(old.answers.get(question__key="I.pemenuhan.i.a"), sk)
    folder = f.link_document(worksheet.unit, "https://drive.pemda.go.id/rapat", title="Notulen rapat tim")
    f.attach(old.answers.get(question__key="I.pemenuhan.i.b"), folder)
    newer = f.file_document(worksheet.unit, "SK Tim ZI 2026.pdf", period_year=2026)
    client.force_login(member)
    page = client.get(reverse("evaluations:area_detail", args=[worksheet.pk, "I"])).content.decode()
    card_a = page.split('data-testid="question-I.pemenuhan.i.a"', 1)[1].split('data-testid="question-', 1)[0]
    assert "SK Tim ZI 2026.pdf" in card_a and "nama sama" in card_a  # this year's upload of last year's SK
    assert "SK_Tim_ZI_2025.pdf" in card_a and "dipakai untuk pertanyaan ini pada Evaluasi ZI 2025" in card_a
    # One click attaches; the suggestion goes.
    client.post(reverse("evaluations:evidence_attach", args=[worksheet.pk, q("I.pemenuhan.i.a").pk]),
                {"document": newer.pk}, HTTP_HX_REQUEST="true")
    page = client.get(reverse("evaluations:area_detail", args=[worksheet.pk, "I"])).content.decode()
    card_a = page.split('data-testid="question-I.pemenuhan.i.a"', 1)[1].split('data-testid="question-', 1)[0]
    assert 'data-testid="evidence-item"' in card_a and "+ SK Tim ZI 2026.pdf" not in card_a


# --------------------------------------------------------------------------- bulk evidence


def test_bulk_upload_keeps_the_good_files_reports_the_bad_one_and_assigns_them(member, worksheet, client):
    client.force_login(member)
    indicator = q("I.pemenuhan.i.a").indicator
    url = reverse("evaluations:bulk_upload", args=[worksheet.pk, "I"]) + f"?indikator={indicator.pk}"
    files = [pdf(f"Laporan {i}.pdf", str(i).encode()) for i in range(3)]
    files.append(SimpleUploadedFile("Undangan.pdf", b"<html>bukan pdf</html>", content_type="application/pdf"))
    response = client.post(url, {"files": files, "period_year": "2026", "period_part": ""})
    assert response.status_code == 302
    assign = client.get(response["Location"]).content.decode()
    assert "Undangan.pdf" in assign and "tidak sesuai dengan ekstensinya" in assign  # reported, by name
    docs = list(Document.objects.order_by("pk"))
    assert [d.title for d in docs] == ["Laporan 0.pdf", "Laporan 1.pdf", "Laporan 2.pdf"]  # the good ones kept
    assert all(d.period_year == 2026 for d in docs) and assign.count('data-testid="assign-doc"') == 3
    qa, qb = q("I.pemenuhan.i.a"), q("I.pemenuhan.i.b")
    response = client.post(response["Location"], {
        "dok": ",".join(str(d.pk) for d in docs), "indikator": indicator.pk,
        f"doc-{docs[0].pk}": [qa.pk, qb.pk], f"doc-{docs[1].pk}": [qb.pk],
        f"doc-{docs[2].pk}": [q("II.pemenuhan.i.a").pk]})  # not of this indicator: ignored
    assert response.status_code == 302 and response["Location"].endswith(f"#ind-{indicator.pk}")
    assert sorted(Evidence.objects.values_list("answer__question__key", "document__title")) == [
        ("I.pemenuhan.i.a", "Laporan 0.pdf"), ("I.pemenuhan.i.b", "Laporan 0.pdf"), ("I.pemenuhan.i.b", "Laporan 1.pdf")]


def test_bulk_upload_with_only_bad_files_says_why_next_to_the_field(member, worksheet, client):
    client.force_login(member)
    response = client.post(reverse("evaluations:bulk_upload", args=[worksheet.pk, "I"]),
                           {"files": [SimpleUploadedFile("virus.exe", b"MZ")]})
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="bulk-errors"' in page and "virus.exe" in page
    assert not Document.objects.exists()


def _export(client, ws):
    response = client.get(reverse("evaluations:export_lke", args=[ws.pk]))
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                    else response.content))


def _upload(client, ws, book):
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post(reverse("evaluations:import_lke", args=[ws.pk]),
                       {"file": SimpleUploadedFile("lke.xlsx", buffer.getvalue())})


def test_links_in_the_workbooks_evidence_column_are_previewed_and_attached(member, worksheet, client):
    client.force_login(member)
    f.attach(worksheet.answers.get(question__key="I.pemenuhan.i.b"),
             f.link_document(worksheet.unit, "https://jdih.pemda.go.id/perbup-12"))
    book = _export(client, worksheet)
    sheet = book["LKE ZI"]
    rows = {sheet.cell(r, 8).value: r for r in range(1, sheet.max_row + 1)}
    sheet.cell(rows["I.pemenuhan.i.a"], 17).value = ("https://drive.pemda.go.id/sk-tim\nlihat folder\n"
                                                     "SK.pdf — http://testserver/kertas-kerja/1/bukti/2/")
    sheet.cell(rows["I.pemenuhan.i.b"], 17).value = "https://jdih.pemda.go.id/perbup-12"  # already attached
    page = _upload(client, worksheet, book).content.decode()
    assert 'data-testid="import-links"' in page and page.count('data-testid="import-link"') == 2
    assert "https://drive.pemda.go.id/sk-tim" in page and "sudah terlampir" in page
    assert "bukan tautan; diabaikan" in page  # "lihat folder"; the app's own file line is not a link to add
    response = client.post(reverse("evaluations:import_lke", args=[worksheet.pk]), {"apply": "1"}, follow=True)
    assert "1 tautan bukti dukung dilampirkan" in response.content.decode()
    assert sorted(Evidence.objects.values_list("answer__question__key", "document__url")) == [
        ("I.pemenuhan.i.a", "https://drive.pemda.go.id/sk-tim"), ("I.pemenuhan.i.b", "https://jdih.pemda.go.id/perbup-12")]


# --------------------------------------------------------------------------- start from last year


@pytest.fixture
def last_year(worksheet, member):
    """The unit's approved worksheet of 2025: every answer, an explanation, evidence with periods."""
    previous = f.round_(worksheet.round.instansi, year=2025, name="Evaluasi ZI 2025", status=Round.Status.CLOSED)
    old = f.worksheet(previous, worksheet.unit, status=Worksheet.Status.APPROVED, answers="best")
    old.answers.filter(question__key="I.pemenuhan.i.a").update(unit_explanation="SK Tim ZI Nomor 12 Tahun 2025")
    report = f.file_document(worksheet.unit, "Laporan TW IV 2025.pdf", period_year=2025, period_part="q4")
    standing = f.link_document(worksheet.unit, "https://jdih.pemda.go.id/perbup-zi", period_year=2026)
    f.attach(old.answers.get(question__key="I.pemenuhan.i.a"), report)
    f.attach(old.answers.get(question__key="I.pemenuhan.i.b"), standing)
    return old


def test_starting_from_last_year_carries_answers_and_evidence_marked_for_checking(member, worksheet, last_year,
                                                                                  client):
    result = carry_over.worksheet_start_from_previous(user=member, worksheet=worksheet)
    assert result.source == last_year and result.evidence == 2
    a = worksheet.answers.get(question__key="I.pemenuhan.i.a")
    old = last_year.answers.get(question__key="I.pemenuhan.i.a")
    assert (a.unit_option, a.unit_explanation, a.carried) == (old.unit_option, "SK Tim ZI Nomor 12 Tahun 2025", True)
    assert not a.tpi_option and not a.tpi_note  # the TPI's values are last year's TPI's, not carried
    results = worksheet.answers.filter(question__indicator__part__kind="hasil")
    assert not results.exclude(unit_option="", unit_number=None).exists()  # a year's results are not carried
    assert result.results == last_year.answers.filter(question__indicator__part__kind="hasil").exclude(
        question__formula="").count() or result.results > 0
    event = worksheet.events.get(kind=WorksheetEvent.Kind.CARRY)
    assert event.old_value == "Evaluasi ZI 2025" and f"{result.answers} jawaban" in event.comment
    client.force_login(member)
    page = client.get(reverse("evaluations:area_detail", args=[worksheet.pk, "I"])).content.decode()
    card_a = page.split('data-testid="question-I.pemenuhan.i.a"', 1)[1].split('data-testid="question-', 1)[0]
    card_b = page.split('data-testid="question-I.pemenuhan.i.b"', 1)[1].split('data-testid="question-', 1)[0]
    assert "Dari periode sebelumnya — periksa kembali" in card_a
    assert 'data-testid="period-passed"' in card_a  # the TW IV 2025 report
    assert 'data-testid="period-passed"' not in card_b  # a regulation that still stands (2026)
    history = client.get(reverse("evaluations:worksheet_detail", args=[worksheet.pk])).content.decode()
    assert "Mulai dari periode sebelumnya" in history and "Evaluasi ZI 2025" in history


def test_the_kepala_cannot_submit_while_carried_answers_are_unchecked(member, kepala, worksheet, last_year):
    carry_over.worksheet_start_from_previous(user=member, worksheet=worksheet)
    f.attach_links(worksheet.answers.filter(question__evidence_required=True))
    carried = list(worksheet.answers.filter(carried=True).select_related("question"))
    # Everything else complete: only the carried marks stand in the way.
    for a in worksheet.answers.filter(question__formula="", carried=False).select_related("question"):
        f.fill_best(a, a.question)
        a.save()
    with pytest.raises(services.IncompleteError) as refused:
        services.worksheet_submit(user=kepala, worksheet=worksheet)
    assert len(refused.value.missing.carried) == len(carried) > 0
    for a in carried:  # saved as they are: checked
        services.answer_save(user=member, worksheet=worksheet, question=a.question, option=a.unit_option,
                             number=a.unit_number, explanation=a.unit_explanation, revision=a.revision)
    assert not worksheet.answers.filter(carried=True).exists()
    assert not selectors.worksheet_missing(worksheet).carried
    services.worksheet_submit(user=kepala, worksheet=worksheet)
    worksheet.refresh_from_db()
    assert worksheet.status == Worksheet.Status.SUBMITTED


def test_a_worksheet_with_answers_or_without_a_previous_round_is_not_started(member, worksheet, last_year, reviewer):
    services.answer_save(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"), option="Ya", revision=0)
    with pytest.raises(services.Refused, match="sudah berisi"):
        carry_over.worksheet_start_from_previous(user=member, worksheet=worksheet)
    with pytest.raises(PermissionDenied):  # the TPI does not fill in
        carry_over.worksheet_start_from_previous(user=reviewer, worksheet=worksheet)
    fresh_unit = f.unit(worksheet.round.instansi, "Dinas Baru")
    fresh = f.worksheet(worksheet.round, fresh_unit)
    operator = f.member(worksheet.round.instansi, Membership.Role.OPERATOR, fresh_unit, "op.baru")
    with pytest.raises(services.Refused, match="belum memiliki"):
        carry_over.worksheet_start_from_previous(user=operator, worksheet=fresh)


def test_one_unit_starts_in_a_fixed_number_of_statements(member, worksheet, last_year, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):  # not one per answer or per attachment (77 questions here)
        carry_over.worksheet_start_from_previous(user=member, worksheet=worksheet)
    assert worksheet.answers.filter(carried=True).count() > 50


def test_the_admin_starts_every_empty_worksheet_of_a_round_through_the_worker(worksheet, last_year, admin_user,
                                                                              member):
    instansi = worksheet.round.instansi
    busy_unit, new_unit = f.unit(instansi, "Dinas Sibuk"), f.unit(instansi, "Dinas Baru")
    f.worksheet(last_year.round, busy_unit, status=Worksheet.Status.APPROVED, answers="best")
    busy = f.worksheet(worksheet.round, busy_unit, answers="best")  # already filling in: left alone
    f.worksheet(worksheet.round, new_unit)  # no previous round: skipped
    job = carry_over.round_carry_over_request(user=admin_user, round_=worksheet.round)
    assert carry_over.round_carry_over_request(user=admin_user, round_=worksheet.round) == job  # one at a time
    with pytest.raises(PermissionDenied):
        carry_over.round_carry_over_request(user=member, round_=worksheet.round)
    tasks.carry_over_round.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.total_units, job.done_units, job.started_units, job.skipped_units) == (
        CarryOver.Status.DONE, 3, 3, 1, 2)
    assert worksheet.answers.filter(carried=True).exists() and not busy.answers.filter(carried=True).exists()
    assert Answer.objects.filter(worksheet__unit=new_unit, carried=True).count() == 0


# --------------------------------------------------------------------------- after the review


def test_a_new_version_reaches_only_answers_that_can_still_change(member, worksheet, kepala, client):
    """A submitted or approved worksheet keeps the version the TPI saw; a draft takes the new one;
    a returned worksheet's flagged answer takes it, and its history says so."""
    doc = library.document_add_file(user=member, unit=worksheet.unit, upload=pdf()).document
    draft_item = library.evidence_attach(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                         document=doc)
    earlier = f.round_(worksheet.round.instansi, year=2025, name="Evaluasi ZI 2025")
    approved = f.worksheet(earlier, worksheet.unit, status=Worksheet.Status.APPROVED)
    returned = f.worksheet(f.round_(worksheet.round.instansi, year=2024, name="Evaluasi ZI 2024"), worksheet.unit,
                           status=Worksheet.Status.RETURNED)
    Worksheet.objects.filter(pk=returned.pk).update(submitted_at="2024-05-01T10:00:00+07:00")
    flagged = returned.answers.get(question__key="I.pemenuhan.i.a")
    flagged.needs_revision = True
    flagged.save()
    held = f.attach(approved.answers.get(question__key="I.pemenuhan.i.a"), doc)
    reworked = f.attach(flagged, doc)
    library.document_new_version(user=member, document=doc, upload=pdf("SK Tim ZI rev.pdf", b"% rev"))
    doc.refresh_from_db()
    for item in (draft_item, held, reworked):
        item.refresh_from_db()
    assert (draft_item.version, reworked.version, held.version.number) == (doc.current, doc.current, 1)
    assert returned.events.filter(field="evidence", new_value__endswith="(v2)").exists()
    client.force_login(kepala)
    download = client.get(reverse("evaluations:evidence_download", args=[approved.pk, held.pk]))
    assert b"".join(download.streaming_content) == PDF  # what the TPI approved
    card = client.get(reverse("evaluations:area_detail", args=[approved.pk, "I"])).content.decode()
    assert "ada versi lebih baru di pustaka" in card
    # A link used by an approved worksheet keeps its address: a new one is a new document.
    link = f.link_document(worksheet.unit, "https://drive.pemda.go.id/lama")
    f.attach(approved.answers.get(question__key="I.pemenuhan.i.b"), link)
    with pytest.raises(EvidenceError, match="tidak dapat diubah"):
        library.document_update(user=member, document=link, title="Folder", url="https://evil.example/")
    link.refresh_from_db()
    assert link.url == "https://drive.pemda.go.id/lama"


def test_an_upload_refused_for_a_locked_answer_stores_no_file(member, worksheet, client, settings, tmp_path):
    Worksheet.objects.filter(pk=worksheet.pk).update(status=Worksheet.Status.RETURNED)
    worksheet.refresh_from_db()
    client.force_login(member)
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    stored = set(root.glob("pustaka/**/*"))
    url = reverse("evaluations:evidence_upload", args=[worksheet.pk, q("I.pemenuhan.i.a").pk])
    response = client.post(url, {"file": pdf()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and not DocumentVersion.objects.exists()
    assert set(root.glob("pustaka/**/*")) == stored  # nothing written (it used to stay behind)


def test_a_links_check_is_queued_once_and_an_import_queues_one_task(member, worksheet, client,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(member)
    url = reverse("evaluations:library_check_links", args=[worksheet.unit_id])
    client.post(url)
    response = client.post(url, follow=True)
    assert "sudah dijadwalkan" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path="evaluations.tasks.check_links").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        library.import_links(user=member, worksheet=worksheet, links={
            "I.pemenuhan.i.a": [f"https://drive.pemda.go.id/{i}" for i in range(5)],
            "I.pemenuhan.i.b": ["https://drive.pemda.go.id/0"]})
    queued = DBTaskResult.objects.filter(task_path="evaluations.tasks.check_links").order_by("enqueued_at")
    assert queued.count() == 2 and len(queued.last().args_kwargs["kwargs"]["document_ids"]) == 5
    assert worksheet.events.filter(kind=WorksheetEvent.Kind.IMPORT).exists()


def test_a_stuck_round_request_can_be_asked_again_and_a_closed_round_changes_nothing(worksheet, last_year,
                                                                                     admin_user):
    job = carry_over.round_carry_over_request(user=admin_user, round_=worksheet.round)
    CarryOver.objects.filter(pk=job.pk).update(requested_at="2020-01-01T00:00:00+07:00",
                                               status=CarryOver.Status.RUNNING)
    again = carry_over.round_carry_over_request(user=admin_user, round_=worksheet.round)
    job.refresh_from_db()
    assert again != job and job.status == CarryOver.Status.FAILED and "dapat diminta ulang" in job.error
    Round.objects.filter(pk=worksheet.round_id).update(status=Round.Status.CLOSED)
    tasks.carry_over_round.call(again.pk)
    again.refresh_from_db()
    assert again.status == CarryOver.Status.FAILED and not worksheet.answers.filter(carried=True).exists()


@pytest.mark.parametrize("query", ["?indikator=%C2%B2", "?dok=%C2%B2", "?dok=1,x,99999999999999999999"])
def test_odd_ids_in_the_bulk_pages_are_404_not_an_error(member, worksheet, client, query):
    client.force_login(member)
    for name in ("evaluations:bulk_upload", "evaluations:bulk_assign"):
        response = client.get(reverse(name, args=[worksheet.pk, "I"]) + query)
        assert response.status_code in (200, 404)
        if name.endswith("assign") or "indikator" in query:
            assert response.status_code == 404


def test_only_http_links_that_validate_come_in_from_the_workbook():
    notes = []
    links = evidence_links("javascript:alert(1)\nhttps://x'onmouseover=alert(1)\nhttp://[::1\n"
                           "https://drive.pemda.go.id/ok\nftp://files.pemda.go.id/a", 7, "I.a", notes)
    assert links == ["https://drive.pemda.go.id/ok"] and len(notes) >= 3


@pytest.mark.parametrize("a,b,same", [
    ("SK_Tim_ZI_2025.pdf", "SK Tim ZI 2026 (final).PDF", True),
    ("Laporan Triwulan 1.pdf", "Laporan Triwulan 2.pdf", False),
    ("Notulen rapat v2.docx", "notulen-rapat.docx", True),
])
def test_names_that_make_the_same_document(a, b, same):
    assert (library.normalized_name(a) == library.normalized_name(b)) is same
