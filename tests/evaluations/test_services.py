"""Writes through services: saving answers, conflicts, locks, evidence, submission, deadlines."""

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evaluations import library, services
from evaluations.evidence import EvidenceError
from evaluations.models import Answer, Document, DocumentVersion, Evidence, Question, Round, Worksheet, WorksheetEvent
from tests import factories as f
from tests.evaluations.test_evidence_rules import PDF

pytestmark = pytest.mark.django_db


def q(key):
    return Question.objects.get(key=key)


def save(user, ws, key, option="", number=None, explanation="", revision=None):
    if revision is None:
        a = Answer.objects.filter(worksheet=ws, question__key=key).first()
        revision = a.revision if a else 0
    return services.answer_save(user=user, worksheet=ws, question=q(key), option=option, number=number,
                                explanation=explanation, revision=revision)


def test_saving_an_answer_stores_it_and_bumps_the_revision(member, worksheet):
    a = save(member, worksheet, "I.pemenuhan.i.a", "Ya", explanation="SK Tim ZI Nomor 800/12/2026")
    assert (a.unit_option, a.unit_explanation, a.revision, a.updated_by) == ("Ya", "SK Tim ZI Nomor 800/12/2026", 1,
                                                                            member)


def test_saving_the_same_values_again_is_not_a_new_revision(member, worksheet):
    save(member, worksheet, "I.pemenuhan.i.a", "Ya")
    assert save(member, worksheet, "I.pemenuhan.i.a", "Ya").revision == 1


def test_second_operator_with_a_stale_form_is_refused_and_sees_the_first_value(member, worksheet, instansi, unit):
    other = f.member(instansi, "operator", unit, "operator.dua")
    save(member, worksheet, "I.pemenuhan.i.b", "A", revision=0)
    with pytest.raises(services.ConflictError) as err:
        save(other, worksheet, "I.pemenuhan.i.b", "C", revision=0)
    assert err.value.answer.unit_option == "A" and err.value.answer.updated_by == member
    assert Answer.objects.get(worksheet=worksheet, question__key="I.pemenuhan.i.b").unit_option == "A"


def test_the_same_person_saving_twice_in_a_row_is_not_a_conflict(member, worksheet):
    save(member, worksheet, "I.pemenuhan.i.b", "B", revision=0)  # autosave on change
    assert save(member, worksheet, "I.pemenuhan.i.b", "A", explanation="SK", revision=0).unit_option == "A"


def test_a_missing_answer_row_is_created_on_first_save(member, round_open, unit):
    ws = Worksheet.objects.create(round=round_open, unit=unit)
    save(member, ws, "V.reform.ii.b", number=Decimal("40"))
    assert ws.answers.get().unit_number == Decimal("40")


@pytest.mark.parametrize("status", ["submitted", "in_review", "approved"])
def test_unit_cannot_change_a_worksheet_it_has_handed_over(member, worksheet, status):
    Worksheet.objects.filter(pk=worksheet.pk).update(status=status)
    with pytest.raises(PermissionDenied):
        save(member, worksheet, "I.pemenuhan.i.a", "Ya")


def test_tpi_cannot_change_the_units_answers(reviewer, worksheet):
    with pytest.raises(PermissionDenied):
        save(reviewer, worksheet, "I.pemenuhan.i.a", "Ya")


def test_after_the_deadline_only_an_extension_reopens(member, admin_user, worksheet):
    Round.objects.filter(pk=worksheet.round_id).update(fill_deadline=timezone.now() - timedelta(hours=1))
    worksheet.refresh_from_db()
    with pytest.raises(PermissionDenied):
        save(member, worksheet, "I.pemenuhan.i.a", "Ya")
    with pytest.raises(PermissionDenied):
        services.worksheet_extend_deadline(user=member, worksheet=worksheet, until=timezone.now() + timedelta(days=3))
    services.worksheet_extend_deadline(user=admin_user, worksheet=worksheet, until=timezone.now() + timedelta(days=3),
                                       comment="Server unit sempat gangguan")
    worksheet.refresh_from_db()
    assert save(member, worksheet, "I.pemenuhan.i.a", "Ya").unit_option == "Ya"
    event = worksheet.events.get(kind="deadline")
    assert event.actor == admin_user and event.comment == "Server unit sempat gangguan"


def test_closed_round_is_read_only(member, worksheet):
    Round.objects.filter(pk=worksheet.round_id).update(status=Round.Status.CLOSED)
    worksheet.refresh_from_db()
    with pytest.raises(PermissionDenied):
        save(member, worksheet, "I.pemenuhan.i.a", "Ya")


def test_returned_worksheet_opens_only_flagged_answers_and_logs_changes(member, worksheet):
    Worksheet.objects.filter(pk=worksheet.pk).update(status="returned", submitted_at=timezone.now())
    Answer.objects.filter(worksheet=worksheet, question__key="I.pemenuhan.i.b").update(
        needs_revision=True, unit_option="C", tpi_note="Lampirkan SK")
    worksheet.refresh_from_db()
    with pytest.raises(PermissionDenied):
        save(member, worksheet, "I.pemenuhan.i.a", "Ya")
    save(member, worksheet, "I.pemenuhan.i.b", "A", explanation="SK terlampir")
    events = {e.field: (e.old_value, e.new_value) for e in worksheet.events.filter(kind="value")}
    assert events == {"unit_value": ("C", "A"), "unit_explanation": ("", "SK terlampir")}


def upload(name="SK Tim.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_evidence_file_is_stored_outside_the_web_root_with_a_safe_name(member, worksheet):
    item = library.evidence_add_file(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                     upload=upload("../../../etc/SK Tim.pdf"))
    version = item.document.current
    path = Path(version.file.path).resolve()
    assert path.is_relative_to(Path(settings.STORAGES["default"]["OPTIONS"]["location"]).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert version.original_name == "SK_Tim.pdf" and path.read_bytes() == PDF
    assert version.content_type == "application/pdf" and version.size == len(PDF)
    assert version.sha256 == hashlib.sha256(PDF).hexdigest() and version.uploaded_by == member
    assert (item.document.kind, item.document.unit, item.attached_by) == (Document.Kind.FILE, worksheet.unit, member)


def test_evidence_too_big_or_wrong_type_is_refused_and_nothing_stored(member, worksheet, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    with pytest.raises(EvidenceError, match="terlalu besar"):
        library.evidence_add_file(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                  upload=upload(content=PDF + b"0" * 1_100_000))
    with pytest.raises(EvidenceError, match="tidak diterima"):
        library.evidence_add_file(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                  upload=upload("virus.exe"))
    with pytest.raises(EvidenceError, match="tidak sesuai"):
        library.evidence_add_file(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                  upload=upload("laporan.pdf", b"<html>bukan pdf</html>"))
    assert not Evidence.objects.exists() and not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_evidence_link_and_removal(member, worksheet, django_capture_on_commit_callbacks):
    """Removing evidence from a question only detaches it: the document and its file stay in the
    library until the library deletes the (then unused) document, and the file goes on commit."""
    link = library.evidence_add_link(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                     url="https://drive.pemda.go.id/zi/sk-tim", description="Folder SK")
    item = library.evidence_add_file(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"), upload=upload())
    assert link.document.url == "https://drive.pemda.go.id/zi/sk-tim"
    path = Path(item.document.current.file.path)
    with pytest.raises(EvidenceError, match="masih dipakai"):  # attached: the library keeps it
        library.document_delete(user=member, document=item.document)
    with django_capture_on_commit_callbacks(execute=True):
        library.evidence_remove(user=member, worksheet=worksheet, item=item)
        library.evidence_remove(user=member, worksheet=worksheet, item=link)
    assert not Evidence.objects.exists()
    assert set(Document.objects.all()) == {item.document, link.document} and path.exists()  # detached, kept
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        library.document_delete(user=member, document=item.document)
        library.document_delete(user=member, document=link.document)
        assert path.exists()  # not before the deletion commits
    assert callbacks and not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not path.exists()


def test_evidence_cannot_change_after_submission(member, worksheet):
    item = library.evidence_add_link(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                     url="https://drive.pemda.go.id/x")
    Worksheet.objects.filter(pk=worksheet.pk).update(status="submitted")
    worksheet.refresh_from_db()
    with pytest.raises(PermissionDenied):
        library.evidence_remove(user=member, worksheet=worksheet, item=item)
    with pytest.raises(PermissionDenied):
        library.evidence_add_link(user=member, worksheet=worksheet, question=q("I.pemenuhan.i.a"),
                                  url="https://drive.pemda.go.id/y")
    assert Evidence.objects.filter(pk=item.pk).exists()


def complete(ws):
    """Best answers everywhere and a link on every question that requires evidence."""
    answers = list(ws.answers.select_related("question"))
    by_indicator = {}
    for a in answers:
        by_indicator.setdefault(a.question.indicator_id, []).append(a.question)
    counts = {(qs[0].indicator_id, code): v for qs in by_indicator.values() for code, v in f.best_counts(qs).items()}
    for a in answers:
        if not a.question.formula:
            f.fill_best(a, a.question, counts=counts)
            a.save()
    f.attach_links(ws.answers.filter(question__evidence_required=True).select_related("worksheet__unit"),
                   url="https://drive.pemda.go.id/b")


def test_submit_needs_the_kepala(member, kepala, round_open, unit):
    ws = f.worksheet(round_open, unit)
    complete(ws)
    with pytest.raises(PermissionDenied):
        services.worksheet_submit(user=member, worksheet=ws)
    services.worksheet_submit(user=kepala, worksheet=ws, comment="Mohon direviu")
    ws.refresh_from_db()
    assert ws.status == "submitted" and ws.submitted_at
    event = ws.events.get()
    assert (event.from_status, event.to_status, event.actor, event.comment) == ("draft", "submitted", kepala,
                                                                               "Mohon direviu")


def test_submit_lists_exactly_what_is_missing(kepala, round_open, unit):
    ws = f.worksheet(round_open, unit)
    complete(ws)
    Answer.objects.filter(worksheet=ws, question__key="II.pemenuhan.i.a").update(unit_option="")
    Evidence.objects.filter(answer__worksheet=ws, answer__question__key="IV.reform.i.a").delete()
    with pytest.raises(services.IncompleteError) as err:
        services.worksheet_submit(user=kepala, worksheet=ws)
    assert [q.key for q in err.value.missing.unanswered] == ["II.pemenuhan.i.a"]
    assert [q.key for q in err.value.missing.no_evidence] == ["IV.reform.i.a"]
    ws.refresh_from_db()
    assert ws.status == "draft" and not WorksheetEvent.objects.exists()


def test_resubmit_after_return_clears_the_flags(kepala, round_open, unit):
    ws = f.worksheet(round_open, unit)
    complete(ws)
    Worksheet.objects.filter(pk=ws.pk).update(status="returned", submitted_at=timezone.now())
    Answer.objects.filter(worksheet=ws, question__key="I.pemenuhan.i.a").update(needs_revision=True)
    ws.refresh_from_db()
    services.worksheet_submit(user=kepala, worksheet=ws)
    ws.refresh_from_db()
    assert ws.status == "submitted" and not ws.answers.filter(needs_revision=True).exists()
    assert ws.events.get().from_status == "returned"
