"""Multi-step writes. Keyword-only, atomic, permission and transition checked, audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import evidence as evidence_rules
from . import workflow
from .models import Answer, Evidence, Question, Worksheet, WorksheetEvent
from .permissions import can_edit, workflow_roles


class ConflictError(Exception):
    """Someone else saved this answer since the form was loaded; nothing was written."""

    def __init__(self, answer: Answer):
        super().__init__("answer changed since it was loaded")
        self.answer = answer


class IncompleteError(Exception):
    """The worksheet cannot be submitted yet; ``missing`` says exactly what is lacking."""

    def __init__(self, missing):
        super().__init__("worksheet incomplete")
        self.missing = missing


def answer_is_editable(worksheet: Worksheet, answer: Answer | None) -> bool:
    """In draft every answer is open; once returned, only the answers flagged for rework."""
    if worksheet.status == Worksheet.Status.DRAFT:
        return True
    return worksheet.status == Worksheet.Status.RETURNED and bool(answer and answer.needs_revision)


def _locked_worksheet(pk) -> Worksheet:
    return Worksheet.objects.select_for_update().select_related("round", "unit").get(pk=pk)


def _describe(option: str, number: Decimal | None) -> str:
    return option or ("" if number is None else f"{number.normalize():f}")


@transaction.atomic
def answer_save(*, user, worksheet: Worksheet, question: Question, option: str = "", number: Decimal | None = None,
                explanation: str = "", revision: int) -> Answer:
    """Save the unit's answer to one question.

    Refused (ConflictError) when someone else saved the answer since the form was loaded: two
    operators editing the same answer never silently overwrite each other. The same person's
    own quick successive saves (autosave, then the button) are not a conflict.
    """
    ws = _locked_worksheet(worksheet.pk)
    if not can_edit(user, ws):
        raise PermissionDenied(_("Kertas kerja ini tidak dapat diubah saat ini."))
    answer, _created = Answer.objects.select_for_update().get_or_create(worksheet=ws, question=question)
    if not answer_is_editable(ws, answer):
        raise PermissionDenied(_("Jawaban ini terkunci."))
    if answer.revision != revision and answer.updated_by_id != user.pk:
        raise ConflictError(answer)
    old = (answer.unit_option, answer.unit_number, answer.unit_explanation)
    answer.unit_option, answer.unit_number, answer.unit_explanation = option, number, explanation
    if old == (option, number, explanation):
        return answer
    answer.revision += 1
    answer.updated_by = user
    answer.save(update_fields=["unit_option", "unit_number", "unit_explanation", "revision", "updated_by",
                               "updated_at"])
    if ws.submitted_at:  # a change after the first submission is part of the audit trail
        events = []
        if (old[0], old[1]) != (option, number):
            events.append(WorksheetEvent(worksheet=ws, answer=answer, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                         field="unit_value", old_value=_describe(old[0], old[1]),
                                         new_value=_describe(option, number)))
        if old[2] != explanation:
            events.append(WorksheetEvent(worksheet=ws, answer=answer, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                         field="unit_explanation", old_value=old[2], new_value=explanation))
        WorksheetEvent.objects.bulk_create(events)
    return answer


def _editable_answer(user, worksheet: Worksheet, question: Question) -> Answer:
    ws = _locked_worksheet(worksheet.pk)
    if not can_edit(user, ws):
        raise PermissionDenied(_("Kertas kerja ini tidak dapat diubah saat ini."))
    answer, _created = Answer.objects.get_or_create(worksheet=ws, question=question)
    if not answer_is_editable(ws, answer):
        raise PermissionDenied(_("Jawaban ini terkunci."))
    return answer


@transaction.atomic
def evidence_add_file(*, user, worksheet: Worksheet, question: Question, upload, description: str = "") -> Evidence:
    """Store an uploaded evidence file after checking its size, name and content type."""
    answer = _editable_answer(user, worksheet, question)
    name, kind = evidence_rules.check_upload(upload, settings.EVIDENCE_MAX_UPLOAD_MB * 1_048_576)
    item = Evidence(answer=answer, kind=Evidence.Kind.FILE, original_name=name, content_type=kind.content_type,
                    size=upload.size, description=description, uploaded_by=user)
    item.file.save(name, upload, save=False)
    item.save()
    return item


@transaction.atomic
def evidence_add_link(*, user, worksheet: Worksheet, question: Question, url: str, description: str = "") -> Evidence:
    answer = _editable_answer(user, worksheet, question)
    return Evidence.objects.create(answer=answer, kind=Evidence.Kind.LINK, url=url, description=description,
                                   uploaded_by=user)


@transaction.atomic
def evidence_remove(*, user, worksheet: Worksheet, item: Evidence) -> None:
    _editable_answer(user, worksheet, item.answer.question)
    if item.file:
        item.file.delete(save=False)
    item.delete()


@dataclass(frozen=True)
class Missing:
    """What keeps a worksheet from being submitted."""

    unanswered: list  # Question rows (scored or count) without an answer
    no_evidence: list  # Questions that require evidence and have none

    def __bool__(self):
        return bool(self.unanswered or self.no_evidence)

    @property
    def total(self) -> int:
        return len(self.unanswered) + len(self.no_evidence)


def _status_event(ws: Worksheet, user, to_status: str, comment: str = "") -> None:
    WorksheetEvent.objects.create(worksheet=ws, actor=user, kind=WorksheetEvent.Kind.STATUS,
                                  from_status=ws.status, to_status=to_status, comment=comment)
    ws.status = to_status


@transaction.atomic
def worksheet_submit(*, user, worksheet: Worksheet, comment: str = "") -> Worksheet:
    """The kepala unit submits (or resubmits) a complete worksheet; it becomes read-only for the unit."""
    from .selectors import worksheet_missing

    ws = _locked_worksheet(worksheet.pk)
    action = "resubmit" if ws.status == Worksheet.Status.RETURNED else "submit"
    try:
        t = workflow.transition_for(action, ws.status, workflow_roles(user, ws), comment)
    except workflow.TransitionError as exc:
        raise PermissionDenied(_("Hanya kepala unit yang dapat mengajukan kertas kerja yang sedang diisi.")) from exc
    if not can_edit(user, ws):
        raise PermissionDenied(_("Batas pengisian telah lewat atau periode tidak berjalan."))
    missing = worksheet_missing(ws)
    if missing:
        raise IncompleteError(missing)
    _status_event(ws, user, t.target, comment)
    ws.submitted_at = timezone.now()
    ws.save(update_fields=["status", "submitted_at", "updated_at"])
    if action == "resubmit":
        ws.answers.filter(needs_revision=True).update(needs_revision=False)
    return ws


@transaction.atomic
def worksheet_extend_deadline(*, user, worksheet: Worksheet, until, comment: str = "") -> Worksheet:
    """An admin gives one unit more time past the round's deadline."""
    ws = _locked_worksheet(worksheet.pk)
    if workflow.ADMIN not in workflow_roles(user, ws):
        raise PermissionDenied(_("Hanya admin yang dapat memperpanjang batas pengisian."))
    old = ws.deadline_extension
    ws.deadline_extension = until
    ws.save(update_fields=["deadline_extension", "updated_at"])
    WorksheetEvent.objects.create(
        worksheet=ws, actor=user, kind=WorksheetEvent.Kind.DEADLINE, field="deadline_extension",
        old_value=timezone.localtime(old).strftime("%Y-%m-%d %H:%M") if old else "",
        new_value=timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else "", comment=comment)
    return ws
