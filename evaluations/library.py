"""The unit's evidence library: documents added (a file checked and hashed, or a link), new versions,
details, deletion of unused documents; attaching documents to answers and detaching them; the
documents that may fit a question (suggestions). Writes are keyword-only and atomic like
``services``; the worksheet's own rules (who may edit which answer, the audit trail once submitted)
come from there.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import evidence as evidence_rules
from . import services, tasks
from .models import Answer, Document, DocumentVersion, Evidence, Question, Round, Worksheet, WorksheetEvent
from .permissions import answer_is_editable, can_edit, can_import, can_manage_library


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _period(period_year, period_part) -> tuple[int | None, str]:
    if period_part and not period_year:
        raise evidence_rules.EvidenceError(_("Isi tahun periode bila memilih semester atau triwulan."))
    return period_year or None, period_part or ""


def _check_staff(user, unit_id) -> None:
    if not can_manage_library(user, unit_id):
        raise PermissionDenied(_("Hanya operator atau kepala unit ini yang dapat mengubah pustaka bukti dukung."))


@dataclass(frozen=True)
class Added:
    document: Document
    reused: bool  # the same file (by SHA-256) was already in the library: that document, nothing stored twice


@transaction.atomic
def document_add_file(*, user, unit, upload, title: str = "", period_year=None, period_part: str = "",
                      owner=None) -> Added:
    """A file into the unit's library, checked (size, name, content) and hashed. When the library
    already holds a document whose latest version has the same SHA-256, that document is returned."""
    _check_staff(user, unit.pk)
    name, kind = evidence_rules.check_upload(upload, settings.EVIDENCE_MAX_UPLOAD_MB * 1_048_576)
    period_year, period_part = _period(period_year, period_part)
    sha = _sha256(upload)
    same = (Document.objects.filter(unit=unit, kind=Document.Kind.FILE, current__sha256=sha)
            .select_related("current").first())
    if same:
        return Added(same, True)
    doc = Document.objects.create(unit=unit, kind=Document.Kind.FILE,
                                  title=(title or evidence_rules.display_name(upload.name))[:255],
                                  period_year=period_year, period_part=period_part, owner=owner or user,
                                  created_by=user)
    doc.current = _store_version(doc, 1, upload, name, kind, sha, user)
    doc.save(update_fields=["current"])
    return Added(doc, False)


def fill_checksums(*, limit: int | None = None) -> tuple[int, list[str]]:
    """SHA-256 of stored versions that have none (moved into the library by migration 0015): read
    one file at a time. Returns how many were filled and the names missing from storage."""
    done, gone = 0, []
    versions = DocumentVersion.objects.filter(sha256="").order_by("pk").only("pk", "file")
    for version in versions[:limit] if limit else versions.iterator(chunk_size=500):
        try:
            with version.file.open("rb") as handle:
                digest = hashlib.sha256()
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
        except (FileNotFoundError, OSError):
            gone.append(version.file.name)
            continue
        DocumentVersion.objects.filter(pk=version.pk).update(sha256=digest.hexdigest())
        done += 1
    return done, gone


def _store_version(doc, number, upload, name, kind, sha, user) -> DocumentVersion:
    version = DocumentVersion(document=doc, number=number, original_name=name, content_type=kind.content_type,
                              size=upload.size, sha256=sha, uploaded_by=user)
    version.file.save(name, upload, save=False)
    version.save()
    return version


@transaction.atomic
def document_add_link(*, user, unit, url: str, title: str = "", period_year=None, period_part: str = "",
                      owner=None) -> Added:
    """A link into the library; the same address already there is that document."""
    _check_staff(user, unit.pk)
    period_year, period_part = _period(period_year, period_part)
    added = _link_document(unit, url, user, title=title, period_year=period_year, period_part=period_part,
                           owner=owner)
    if not added.reused:
        queue_link_check([added.document.pk])
    return added


def _link_document(unit, url, user, *, title="", period_year=None, period_part="", owner=None) -> Added:
    same = Document.objects.filter(unit=unit, kind=Document.Kind.LINK, url=url).first()
    if same:
        return Added(same, True)
    doc = Document.objects.create(unit=unit, kind=Document.Kind.LINK, url=url, title=(title or url)[:255],
                                  period_year=period_year, period_part=period_part, owner=owner or user,
                                  created_by=user)
    return Added(doc, False)


def queue_link_check(document_ids) -> None:
    """New links are checked by a worker once the transaction that added them is committed — one
    task for all of them, not one per link."""
    ids = list(document_ids)
    if ids:
        transaction.on_commit(lambda: tasks.check_links.enqueue(document_ids=ids))


@transaction.atomic
def import_links(*, user, worksheet: Worksheet, links: dict[str, list[str]]) -> int:
    """Links read from a workbook's evidence column (previewed with its answers): each becomes a
    library link (the same address is the same document) attached to its question. Whoever may
    import may do this (an admin filling in for the unit too). Returns the new attachments."""
    ws = services._locked_worksheet(worksheet.pk)
    if not can_import(user, ws):
        raise PermissionDenied(_("Kertas kerja ini tidak dapat diubah saat ini."))
    questions = {q.key: q for q in Question.objects.filter(version_id=ws.round.version_id, key__in=list(links))}
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=ws, question__in=questions.values())}
    pairs, new = [], []
    for key, urls in links.items():
        q = questions.get(key)
        if q is None or not answer_is_editable(ws, answers.get(q.pk)):
            continue
        for url in urls:
            added = _link_document(ws.unit, url, user)
            pairs.append((q, added.document))
            if not added.reused:
                new.append(added.document.pk)
    queue_link_check(new)
    attached = _attach_pairs(ws, user, pairs) if pairs else 0
    if attached:
        WorksheetEvent.objects.create(worksheet=ws, actor=user, kind=WorksheetEvent.Kind.IMPORT,
                                      new_value=str(attached),
                                      comment=_("%(n)d tautan bukti dukung dilampirkan dari berkas Excel") % {
                                          "n": attached})
    return attached


@transaction.atomic
def document_new_version(*, user, document: Document, upload) -> DocumentVersion:
    """A new upload of the same document: the next version, with its own SHA-256; every answer the
    document is attached to now shows it (the older versions stay downloadable)."""
    doc = Document.objects.select_for_update().get(pk=document.pk)
    _check_staff(user, doc.unit_id)
    if doc.kind != Document.Kind.FILE:
        raise evidence_rules.EvidenceError(_("Tautan tidak memiliki versi; ubah alamatnya atau tambahkan dokumen baru."))
    name, kind = evidence_rules.check_upload(upload, settings.EVIDENCE_MAX_UPLOAD_MB * 1_048_576)
    sha = _sha256(upload)
    if doc.current and doc.current.sha256 == sha:
        raise evidence_rules.EvidenceError(_("Berkas ini sama persis dengan versi terkini (SHA-256 sama)."))
    last = doc.versions.order_by("-number").values_list("number", flat=True).first() or 0
    previous = doc.current
    doc.current = _store_version(doc, last + 1, upload, name, kind, sha, user)
    doc.save(update_fields=["current"])
    moved = list(_open_attachments(doc).select_related("answer__worksheet", "version"))
    Evidence.objects.filter(pk__in=[e.pk for e in moved]).update(version=doc.current)
    for e in moved:  # a returned worksheet's flagged answer: the change is in its history
        old = e.version or previous
        services._evidence_event(e.answer, user, f"{doc.title} (v{old.number if old else '?'})",
                                 f"{doc.title} (v{doc.current.number})")
    return doc.current


def _open_attachments(doc):
    """The document's attachments on answers the unit may still change (a draft, or a flagged
    answer of a returned worksheet, in an open round): a new version or address reaches these;
    answers already submitted keep what the TPI saw."""
    editable = Q(answer__worksheet__status=Worksheet.Status.DRAFT) | Q(
        answer__worksheet__status=Worksheet.Status.RETURNED, answer__needs_revision=True)
    return doc.attachments.filter(editable, answer__worksheet__round__status=Round.Status.OPEN)


def attachments_held(doc) -> int:
    """Attachments on answers that can no longer change (submitted, reviewed, approved, or a closed round)."""
    return doc.attachments.count() - _open_attachments(doc).count()


@transaction.atomic
def document_update(*, user, document: Document, title: str, period_year=None, period_part: str = "",
                    owner=None, url: str = "") -> Document:
    doc = Document.objects.select_for_update().get(pk=document.pk)
    _check_staff(user, doc.unit_id)
    doc.period_year, doc.period_part = _period(period_year, period_part)
    doc.title, doc.owner = title[:255], owner
    fields = ["title", "period_year", "period_part", "owner"]
    if doc.kind == Document.Kind.LINK and url and url != doc.url:
        if attachments_held(doc):
            raise evidence_rules.EvidenceError(_(
                "Tautan ini dipakai pada kertas kerja yang sudah diajukan atau dinilai; alamatnya tidak dapat "
                "diubah. Tambahkan alamat baru sebagai tautan baru di pustaka."))
        doc.url, doc.link_status, doc.link_checked_at, doc.link_detail = url, "", None, ""
        fields += ["url", "link_status", "link_checked_at", "link_detail"]
    doc.save(update_fields=fields)
    return doc


@transaction.atomic
def document_delete(*, user, document: Document) -> None:
    """Only a document no answer uses; its files go once the deletion is committed."""
    doc = Document.objects.select_for_update().get(pk=document.pk)
    _check_staff(user, doc.unit_id)
    if doc.attachments.exists():
        raise evidence_rules.EvidenceError(_("Dokumen ini masih dipakai sebagai bukti dukung; lepaskan dahulu "
                                             "dari semua pertanyaan."))
    files = [(v.file.storage, v.file.name) for v in doc.versions.all()]
    doc.current = None
    doc.save(update_fields=["current"])
    doc.delete()

    def remove():
        for storage, name in files:
            if not DocumentVersion.objects.filter(file=name).exists():
                storage.delete(name)
    transaction.on_commit(remove)


# --------------------------------------------------------------------------- attaching


def _attachable(document: Document, worksheet: Worksheet) -> None:
    if document.unit_id != worksheet.unit_id:  # a forged id: as if it did not exist
        raise Document.DoesNotExist


@transaction.atomic
def evidence_attach(*, user, worksheet: Worksheet, question: Question, document: Document,
                    description: str = "") -> Evidence:
    """Attach a library document to one answer (a fixed handful of statements). Attaching it again
    is no change."""
    _attachable(document, worksheet)
    answer = services._editable_answer(user, worksheet, question)
    item, created = Evidence.objects.get_or_create(answer=answer, document=document,
                                                   defaults={"description": description, "attached_by": user,
                                                             "version_id": document.current_id})
    if created:
        services._evidence_event(answer, user, "", str(document))
    return item


@transaction.atomic
def evidence_attach_many(*, user, worksheet: Worksheet, pairs: list[tuple[Question, Document]]) -> int:
    """Attach several documents to several answers at once (bulk evidence): one lock, one insert.
    Returns how many attachments are new."""
    ws = services._locked_worksheet(worksheet.pk)
    if not can_edit(user, ws):
        raise PermissionDenied(_("Kertas kerja ini tidak dapat diubah saat ini."))
    return _attach_pairs(ws, user, pairs)


def _attach_pairs(ws, user, pairs) -> int:
    for _question, document in pairs:
        _attachable(document, ws)
    questions = {q.pk: q for q, _d in pairs}
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=ws, question_id__in=questions)}
    missing = [Answer(worksheet=ws, question_id=qid) for qid in questions if qid not in answers]
    for a in Answer.objects.bulk_create(missing):
        answers[a.question_id] = a
    if any(not answer_is_editable(ws, answers[q.pk]) for q, _d in pairs):
        raise PermissionDenied(_("Jawaban ini terkunci."))
    have = set(Evidence.objects.filter(answer__in=answers.values()).values_list("answer_id", "document_id"))
    rows = []
    for q, d in pairs:
        key = (answers[q.pk].pk, d.pk)
        if key not in have:
            have.add(key)
            rows.append(Evidence(answer=answers[q.pk], document=d, version_id=d.current_id, attached_by=user))
    Evidence.objects.bulk_create(rows)
    if ws.submitted_at:
        for e in rows:
            e.answer.worksheet = ws
            services._evidence_event(e.answer, user, "", str(e.document))
    return len(rows)


@transaction.atomic
def evidence_add_file(*, user, worksheet: Worksheet, question: Question, upload, description: str = "",
                      period_year=None, period_part: str = "") -> Evidence:
    """A file uploaded on a question's card: into the library (or the same file already there), then
    attached to the answer."""
    if not can_edit(user, worksheet):  # before anything is stored
        raise PermissionDenied(_("Kertas kerja ini tidak dapat diubah saat ini."))
    if not answer_is_editable(worksheet, Answer.objects.filter(worksheet=worksheet, question=question).first()):
        raise PermissionDenied(_("Jawaban ini terkunci."))
    added = document_add_file(user=user, unit=worksheet.unit, upload=upload, period_year=period_year,
                              period_part=period_part)
    return evidence_attach(user=user, worksheet=worksheet, question=question, document=added.document,
                           description=description)


@transaction.atomic
def evidence_add_link(*, user, worksheet: Worksheet, question: Question, url: str, description: str = "") -> Evidence:
    added = document_add_link(user=user, unit=worksheet.unit, url=url, title=description)
    return evidence_attach(user=user, worksheet=worksheet, question=question, document=added.document,
                           description=description if added.reused else "")


@transaction.atomic
def evidence_remove(*, user, worksheet: Worksheet, item: Evidence) -> None:
    """Detach a document from one answer; the document stays in the library."""
    answer = services._editable_answer(user, worksheet, item.answer.question)
    services._evidence_event(answer, user, str(item.document), "")
    item.delete()


# --------------------------------------------------------------------------- suggestions


def normalized_name(title: str) -> str:
    """"SK_Tim_ZI-2025 (final).pdf" and "sk tim zi 2026.PDF" → "sk tim zi": years, versions,
    punctuation and the extension do not make another document."""
    name = re.sub(r"\.[a-z0-9]{2,5}$", "", unicodedata.normalize("NFKC", title).lower())
    words = re.sub(r"[\W_]+", " ", name).split()
    return " ".join(w for w in words if not re.fullmatch(r"(19|20)\d\d|v\d*|versi|rev|revisi|final", w))


@dataclass(frozen=True)
class Suggestion:
    document: Document
    reason: str


LIBRARY_SCAN = 2000  # the newest documents of a unit's library compared by name (a library holds hundreds)


def previous_worksheet(worksheet: Worksheet) -> Worksheet | None:
    """The unit's worksheet in the instansi's latest earlier round (by year)."""
    return (Worksheet.objects.filter(unit_id=worksheet.unit_id, round__instansi_id=worksheet.round.instansi_id,
                                     round__year__lt=worksheet.round.year)
            .select_related("round").order_by("-round__year", "-round__fill_deadline", "-pk").first())


def suggestions(worksheet: Worksheet, questions: list[Question], attached: dict[int, set[int]],
                limit: int = 4) -> dict[int, list[Suggestion]]:
    """For each question, library documents that may fit and are not attached yet: those attached to
    the same question or indicator in the unit's previous round, and documents of the library with
    the same name as those (this year's upload of last year's report). Four queries at most."""
    prev = previous_worksheet(worksheet)
    if prev is None or not questions:
        return {}
    keys = {q.key for q in questions}
    same_indicator = Q()
    for indicator in {q.key.rsplit(".", 1)[0] for q in questions}:
        same_indicator |= Q(answer__question__key__startswith=f"{indicator}.")
    used = list(Evidence.objects.filter(answer__worksheet=prev).filter(Q(answer__question__key__in=keys)
                                                                        | same_indicator)
                .order_by("attached_at", "pk").values_list("answer__question__key", "document_id"))
    if not used:
        return {}
    by_key: dict[str, list[int]] = {}
    for key, doc_id in used:
        by_key.setdefault(key, []).append(doc_id)
    docs, same_name = {}, {}
    used_ids = {i for _k, i in used}
    unit_docs = Document.objects.filter(unit_id=worksheet.unit_id).select_related("current")
    for d in unit_docs.filter(pk__in=used_ids):  # last year's, however old
        docs[d.pk] = d
    for d in unit_docs.exclude(pk__in=used_ids).order_by("-created_at")[:LIBRARY_SCAN]:  # newer, by name
        docs[d.pk] = d
    wanted = {normalized_name(docs[i].title) for _k, i in used if i in docs} - {""}
    for d in docs.values():
        n = normalized_name(d.title)
        if n in wanted:
            same_name.setdefault(n, []).append(d)
    label = prev.round.name
    by_doc_id = {i for _k, i in used}
    out: dict[int, list[Suggestion]] = {}
    for q in questions:
        have = attached.get(q.pk, set())
        found: list[Suggestion] = []
        seen = set(have)
        indicator = q.key.rsplit(".", 1)[0]
        candidates = [(doc_id, _("dipakai untuk pertanyaan ini pada %(round)s") % {"round": label})
                      for doc_id in by_key.get(q.key, [])]
        if not have:  # a question still without evidence: what its indicator's other questions used
            candidates += [(doc_id, _("dipakai untuk indikator ini pada %(round)s") % {"round": label})
                           for key, ids in by_key.items() if key != q.key and key.rsplit(".", 1)[0] == indicator
                           for doc_id in ids]
        for doc_id, reason in candidates:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            for newer in same_name.get(normalized_name(doc.title), []):
                if newer.pk not in seen and newer.pk not in by_doc_id:
                    seen.add(newer.pk)
                    found.append(Suggestion(newer, _("nama sama dengan dokumen yang %(reason)s") % {"reason": reason}))
            if doc_id not in seen:
                seen.add(doc_id)
                found.append(Suggestion(doc, reason))
        if found:
            out[q.pk] = found[:limit]
    return out
