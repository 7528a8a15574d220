"""Multi-step writes. Keyword-only, atomic, permission and transition checked, audited."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.models import Membership
from units.people import display_name
from units.permissions import user_roles

from . import answer_types, limits, numbers, score_store, scoring, selectors, tasks, workflow
from . import evidence as evidence_rules
from .models import (
    Answer,
    Document,
    Evidence,
    PrerequisiteDefinition,
    PrerequisiteRecord,
    Question,
    Round,
    RoundEvent,
    Worksheet,
    WorksheetEvent,
)
from .permissions import (
    ROUND_CLOSED,
    answer_is_editable,
    can_edit,
    can_fill_in_for_unit,
    can_import,
    can_record_instansi_prerequisites,
    can_record_unit_prerequisites,
    review_closed_reason,
    workflow_roles,
)


class Refused(Exception):
    """A business rule refuses the action (not an access denial); ``str(exc)`` is for the user."""


# What a refusal tells the person. Views show ``str(exc)`` of a Refused or PermissionDenied raised
# here and never read an exception's text to decide what to say.
DECISION_NOT_YOURS = gettext_lazy("Keputusan ini bukan wewenang Anda pada kertas kerja ini.")
DECISION_NOT_NOW = gettext_lazy("Keputusan ini tidak dapat diambil pada status kertas kerja sekarang.")
DECISION_NEEDS_COMMENT = gettext_lazy("Tulis komentar untuk unit sebelum mengembalikan atau membuka kembali.")
RETURN_NEEDS_A_FLAG = gettext_lazy("Tandai minimal satu jawaban “perlu perbaikan” sebelum mengembalikan.")
SUBMIT_ONLY_KEPALA = gettext_lazy("Hanya kepala unit yang dapat mengajukan kertas kerja.")
SUBMIT_NOT_NOW = gettext_lazy("Kertas kerja ini sudah diajukan atau selesai direviu; tidak ada yang perlu diajukan.")
SUBMIT_CLOSED = gettext_lazy("Batas pengisian telah lewat atau periode tidak berjalan.")


def _refusal(exc: workflow.TransitionError, *, not_yours=DECISION_NOT_YOURS, not_now=DECISION_NOT_NOW):
    """A refused move as the exception the views show: access denied, or refused with its reason."""
    if exc.why in (workflow.Why.WRONG_ROLE, workflow.Why.UNKNOWN_ACTION):
        return PermissionDenied(not_yours)
    if exc.why == workflow.Why.NEEDS_COMMENT:
        return Refused(DECISION_NEEDS_COMMENT)
    return Refused(not_now)


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


ROUND_LOCK = 7_290_022  # PostgreSQL advisory locks (key1 = this, key2 = round id): changes vs. round moves


def _locked_worksheet(pk) -> Worksheet:
    """The worksheet locked for a change (FOR NO KEY UPDATE: the score rows' foreign-key checks of a
    background rescore do not wait on it), with its round, version and unit read.

    On PostgreSQL a change first takes its round's advisory lock in shared mode: changes to
    different units of one round go side by side (they used to queue on the round's row), while
    closing or reopening the round (``lock_round``: the same lock, exclusive) waits for the
    changes in flight, and a change after it reads the round as it now is. PostgreSQL queues
    advisory lock requests fairly, so a stream of saves cannot hold a closing admin off for long.
    (SQLite locks the whole database for a write anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_xact_lock_shared(%s, (round_id %% 2147483647)::int) "
                           f"FROM {Worksheet._meta.db_table} WHERE id = %s", [ROUND_LOCK, pk])
    return (Worksheet.objects.select_for_update(no_key=True, of=("self",))
            .select_related("round__version", "round__instansi", "unit").get(pk=pk))


def lock_round(round_id: int) -> None:
    """Wait for every change in flight in this round, and hold new ones until this transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, (%s %% 2147483647)::int)", [ROUND_LOCK, round_id])


def _describe(option: str, number: Decimal | None, kind: str = "") -> str:
    """A value as the history shows it, the Indonesian way: a count whole (1.234), any other number
    with two decimals (3,10 → 3,25), so old and new read alike."""
    if option or number is None:
        return option or ""
    whole = kind == scoring.JUMLAH or (not kind and number == number.to_integral_value())
    return numbers.plain(number, 0 if whole else 2)


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
    return _write_unit_value(ws, answer, user, option, number, explanation, revision,
                             audit=bool(ws.submitted_at), kind=question.answer_type)


def _check_length(text: str, limit: int, what: str) -> None:
    """Every path that stores typed text stops at the same limit as the forms (a backstop: the
    forms and the workbook import refuse longer text with a message first)."""
    if text and len(text) > limit:
        raise ValueError(f"{what} longer than {limit} characters")


def _write_unit_value(ws, answer, user, option, number, explanation, revision, *, audit, comment="", refresh=True,
                      kind="", source=None):
    """``source``: where a survey value comes from — ("survey", what) from the app's own survey. Any
    other save keeps the source while the value stays what it was (an explanation added, the hasil
    page saved again) and makes it a typed value once the value changes (an external survey's, with
    its report as evidence)."""
    _check_length(explanation, limits.EXPLANATION, "explanation")
    if answer.revision != revision and answer.updated_by_id != user.pk:
        raise ConflictError(answer)
    old = (answer.unit_option, answer.unit_number, answer.unit_explanation)
    old_source = (answer.unit_source, answer.unit_source_detail)
    if source is None:
        source = old_source if (old[0], old[1]) == (option, number) else ("", "")
    answer.unit_option, answer.unit_number, answer.unit_explanation = option, number, explanation
    answer.unit_source, answer.unit_source_detail = source
    if old == (option, number, explanation) and old_source == source and not answer.carried:
        return answer
    unchanged = old == (option, number, explanation)  # saved as it was: a carried answer checked
    answer.revision += 1
    answer.updated_by, answer.unit_updated_at, answer.carried = user, timezone.now(), False
    answer.save(update_fields=["unit_option", "unit_number", "unit_explanation", "revision", "updated_by",
                               "unit_updated_at", "updated_at", "carried", "unit_source", "unit_source_detail"])
    if unchanged:
        return answer
    if refresh:
        score_store.refresh([ws])
    if audit:  # a change after the first submission (or made for the unit) is part of the audit trail
        events = []
        if (old[0], old[1]) != (option, number):
            events.append(WorksheetEvent(worksheet=ws, answer=answer, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                         field="unit_value", old_value=_describe(old[0], old[1], kind),
                                         new_value=_describe(option, number, kind), comment=comment))
        if old[2] != explanation:
            events.append(WorksheetEvent(worksheet=ws, answer=answer, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                         field="unit_explanation", old_value=old[2], new_value=explanation,
                                         comment=comment))
        WorksheetEvent.objects.bulk_create(events)
    return answer


@transaction.atomic
def hasil_save(*, user, worksheet: Worksheet, values: dict, comment: str = "") -> None:
    """An admin enters a unit's hasil items (survey indices, capaian kinerja) while the unit is still
    filling in; every value is recorded with who entered it. ``values``: {Question: (option, number, revision)}."""
    ws = _locked_worksheet(worksheet.pk)
    if workflow.ADMIN not in workflow_roles(user, ws):
        raise PermissionDenied(_("Hanya admin yang dapat mengisi nilai hasil untuk unit."))
    if not can_fill_in_for_unit(user, ws):
        raise PermissionDenied(_("Nilai hasil hanya dapat diisi admin selama unit masih mengisi kertas kerja."))
    for question, (option, number, revision) in values.items():
        if question.indicator.part.kind != "hasil":
            raise PermissionDenied(_("Hanya butir komponen hasil yang dapat diisi di sini."))
        answer, _created = Answer.objects.select_for_update().get_or_create(worksheet=ws, question=question)
        _write_unit_value(ws, answer, user, option, number, answer.unit_explanation, revision, audit=True,
                          comment=comment or _("Diisi admin pada halaman input hasil"), kind=question.answer_type)


class SurveyValueRefused(Exception):
    """Why a survey's value could not be written into the worksheet (said on the survey's page)."""


@transaction.atomic
def survey_value_set(*, user, worksheet: Worksheet, question: Question, number: Decimal, detail: str,
                     evidence_url: str, evidence_title: str, replace_typed: bool = False) -> Answer:
    """A survey collected in the app becomes the unit's answer to its survey question (IPAK, IPKP):
    the value, where it comes from (``detail``: which survey, how many respondents), and the survey's
    result page as its evidence. A value the unit typed (an external survey's) is not overwritten
    unless ``replace_typed`` (an admin's explicit decision) — written like any answer (the audit trail, the stored scores), while
    the unit is still filling in (in draft, or returned with this answer flagged). The TPI reviews it
    like any other answer. The caller (the surveys app) has checked that ``user`` may close the survey."""
    ws = _locked_worksheet(worksheet.pk)
    if question.answer_type != scoring.INDEKS or question.version_id != ws.round.version_id:
        raise SurveyValueRefused(_("Butir ini bukan nilai survei kertas kerja ini."))
    if ws.round.status != Round.Status.OPEN or not workflow.unit_can_edit(ws.status):
        raise SurveyValueRefused(_("Kertas kerja unit sudah dikirim atau periodenya ditutup; nilai survei tidak "
                                   "dimasukkan. Admin dapat mengisinya bila kertas kerja dikembalikan."))
    answer, _created = Answer.objects.select_for_update().get_or_create(worksheet=ws, question=question)
    if not answer_is_editable(ws, answer):
        raise SurveyValueRefused(_("Jawaban ini terkunci: kertas kerja dikembalikan TPI tanpa menandai butir ini."))
    if answer.unit_number is not None and answer.unit_source != "survey" and not replace_typed:
        raise SurveyValueRefused(_("Unit sudah mengisi nilai survei eksternal %(v)s; nilai itu tidak ditimpa. Admin "
                                   "dapat menetapkan nilai survei aplikasi bila itu yang dipakai.")
                                 % {"v": numbers.plain(answer.unit_number, 2)})
    _write_unit_value(ws, answer, user, "", number, answer.unit_explanation, answer.revision, audit=True,
                      comment=detail[:300], kind=question.answer_type, source=("survey", detail[:300]))
    document = Document.objects.filter(unit=ws.unit, kind=Document.Kind.LINK, url=evidence_url).first() or \
        Document.objects.create(unit=ws.unit, kind=Document.Kind.LINK, url=evidence_url, title=evidence_title[:255],
                                owner=user, created_by=user)
    _item, attached = Evidence.objects.get_or_create(answer=answer, document=document,
                                                     defaults={"attached_by": user, "version_id": document.current_id})
    if attached:
        _evidence_event(answer, user, "", str(document))
    return answer


def _editable_answer(user, worksheet: Worksheet, question: Question) -> Answer:
    ws = _locked_worksheet(worksheet.pk)
    if not can_edit(user, ws):
        raise PermissionDenied(_("Kertas kerja ini tidak dapat diubah saat ini."))
    answer, _created = Answer.objects.get_or_create(worksheet=ws, question=question)
    answer.worksheet = ws  # the locked one, already read (the audit check reads it)
    if not answer_is_editable(ws, answer):
        raise PermissionDenied(_("Jawaban ini terkunci."))
    return answer


def _evidence_event(answer, user, old, new):
    """Evidence added or removed after the first submission is part of the audit trail."""
    if answer.worksheet.submitted_at:  # (the library's attach and detach write it)
        WorksheetEvent.objects.create(worksheet=answer.worksheet, answer=answer, actor=user,
                                      kind=WorksheetEvent.Kind.VALUE, field="evidence", old_value=old, new_value=new)


def _status_event(ws: Worksheet, user, to_status: str, comment: str = "") -> None:
    WorksheetEvent.objects.create(worksheet=ws, actor=user, kind=WorksheetEvent.Kind.STATUS,
                                  from_status=ws.status, to_status=to_status, comment=comment)
    ws.status = to_status


@transaction.atomic
def worksheet_submit(*, user, worksheet: Worksheet, comment: str = "") -> Worksheet:
    """The kepala unit submits (or resubmits) a complete worksheet; it becomes read-only for the unit."""
    ws = _locked_worksheet(worksheet.pk)
    action = "resubmit" if ws.status == Worksheet.Status.RETURNED else "submit"
    try:
        t = workflow.transition_for(action, ws.status, workflow_roles(user, ws), comment)
    except workflow.TransitionError as exc:
        raise _refusal(exc, not_yours=SUBMIT_ONLY_KEPALA, not_now=SUBMIT_NOT_NOW) from exc
    if not can_edit(user, ws):
        raise Refused(SUBMIT_CLOSED)
    missing = selectors.worksheet_missing(ws)
    if missing:
        raise IncompleteError(missing)
    _status_event(ws, user, t.target, comment)
    ws.submitted_at = timezone.now()
    ws.save(update_fields=["status", "submitted_at", "updated_at"])
    if action == "resubmit":
        ws.answers.filter(needs_revision=True).update(needs_revision=False)
    notify_submitted(ws.pk)
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


@transaction.atomic
def worksheet_extend_review(*, user, worksheet: Worksheet, until, comment: str = "") -> Worksheet:
    """An admin gives the TPI more time to review one unit past the round's review deadline."""
    ws = _locked_worksheet(worksheet.pk)
    if workflow.ADMIN not in workflow_roles(user, ws):
        raise PermissionDenied(_("Hanya admin yang dapat memperpanjang batas penilaian TPI."))
    if ws.round.status != ws.round.Status.OPEN:
        raise Refused(ROUND_CLOSED)
    old = ws.review_extension
    ws.review_extension = until
    ws.save(update_fields=["review_extension", "updated_at"])
    WorksheetEvent.objects.create(
        worksheet=ws, actor=user, kind=WorksheetEvent.Kind.DEADLINE, field="review_extension",
        old_value=timezone.localtime(old).strftime("%Y-%m-%d %H:%M") if old else "",
        new_value=timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else "", comment=comment)
    return ws


# Round status moves an admin may make, each audited with its reason.
ROUND_MOVES = {
    "open": (Round.Status.DRAFT, Round.Status.OPEN, False),
    "close": (Round.Status.OPEN, Round.Status.CLOSED, True),
    "reopen": (Round.Status.CLOSED, Round.Status.OPEN, True),
}


@transaction.atomic
def round_set_status(*, user, round_: Round, action: str, comment: str = "") -> Round:
    """Open, close or reopen a round: the instansi's admins, with a reason for closing and reopening,
    recorded in the round's history. A closed round's worksheets cannot be changed by anyone."""

    lock_round(round_.pk)
    rnd = Round.objects.select_for_update().get(pk=round_.pk)
    if not user_roles(user).is_admin_of(rnd.instansi_id):
        raise PermissionDenied(_("Hanya admin instansi yang dapat membuka atau menutup periode."))
    source, target, needs_reason = ROUND_MOVES[action]
    if rnd.status != source:
        raise Refused(_("Periode ini berstatus “%(status)s”; tindakan itu tidak berlaku.") % {
            "status": rnd.get_status_display()})
    if needs_reason and not comment.strip():
        raise Refused(_("Tulis alasannya: menutup atau membuka kembali periode tercatat di riwayat periode."))
    _check_length(comment, limits.REASON, "reason")
    RoundEvent.objects.create(round=rnd, actor=user, from_status=rnd.status, to_status=target, comment=comment)
    rnd.status = target
    rnd.save(update_fields=["status"])
    return rnd


def tpi_members(instansi_id, *, unit_id=None):
    """The users who may be assigned to review this instansi's worksheets — of ``unit_id``'s
    worksheet: not its own operators and kepala (separation of duties)."""

    qs = get_user_model().objects.filter(
        memberships__instansi_id=instansi_id, memberships__role=Membership.Role.TPI, is_active=True,
    )
    if unit_id is not None:
        qs = qs.exclude(pk__in=unit_staff(unit_id).values("pk"))
    return qs.distinct().order_by("first_name", "last_name", "username")


def unit_staff(unit_id):
    """The operators and kepala of a unit (who may not review it)."""

    return get_user_model().objects.filter(memberships__unit_id=unit_id,
                                           memberships__role__in=Membership.UNIT_ROLES).distinct()


def conflicted_tpi_members(instansi_id, unit_id):
    """TPI members of the instansi who are also staff of this unit: named to the admin, never assignable."""
    return tpi_members(instansi_id).filter(pk__in=unit_staff(unit_id).values("pk"))


@transaction.atomic
def worksheet_assign_reviewers(*, user, worksheet: Worksheet, reviewers, comment: str = "") -> Worksheet:
    """An admin sets who of the instansi's TPI reviews this worksheet; audited, with names."""
    ws = _locked_worksheet(worksheet.pk)
    if workflow.ADMIN not in workflow_roles(user, ws):
        raise PermissionDenied(_("Hanya admin yang dapat menugaskan anggota TPI."))
    chosen = {u.pk: u for u in reviewers}
    conflicted = [u for u in conflicted_tpi_members(ws.unit.instansi_id, ws.unit_id) if u.pk in chosen]
    if conflicted:
        raise Refused(_("%(names)s adalah operator/kepala %(unit)s dan tidak dapat menilai unitnya sendiri "
                                 "(pemisahan tugas).") % {"names": ", ".join(display_name(u) for u in conflicted),
                                                           "unit": ws.unit.name})
    allowed = set(tpi_members(ws.unit.instansi_id, unit_id=ws.unit_id).values_list("pk", flat=True))
    if set(chosen) - allowed:
        raise PermissionDenied(_("Hanya anggota TPI instansi ini yang dapat ditugaskan."))
    before = sorted(display_name(u) for u in ws.reviewers.all())
    ws.reviewers.set(list(chosen.values()))
    after = sorted(display_name(u) for u in chosen.values())
    if before != after:
        WorksheetEvent.objects.create(worksheet=ws, actor=user, kind=WorksheetEvent.Kind.ASSIGN, field="reviewers",
                                      old_value=", ".join(before), new_value=", ".join(after), comment=comment)
    return ws


# --------------------------------------------------------------------------- proposal prerequisites


@transaction.atomic
def prerequisite_record(*, user, definition: PrerequisiteDefinition, value: str, note: str = "", upload=None,
                        url: str = "", round_=None, worksheet: Worksheet | None = None) -> PrerequisiteRecord:
    """Record one fact against a prerequisite: the instansi's for a round (its admins), or a unit's
    for a worksheet (its TPI members and the admins). Append-only: the previous record stays in the
    history; evidence left empty carries over from it. A unit's fact re-judges its stored verdict."""
    if definition.level == PrerequisiteDefinition.Level.INSTANSI:
        if round_ is None or worksheet is not None:
            raise ValueError("an instansi prerequisite is recorded for a round")
        if not can_record_instansi_prerequisites(user, round_):
            raise PermissionDenied(_("Hanya admin instansi yang dapat mencatat syarat tingkat instansi."))
        scope = {"round": round_}
    else:
        if worksheet is None or round_ is not None:
            raise ValueError("a unit prerequisite is recorded for a worksheet")
        worksheet = _locked_worksheet(worksheet.pk)
        if not can_record_unit_prerequisites(user, worksheet):
            raise PermissionDenied(_("Hanya TPI yang ditugaskan atau admin yang dapat mencatat syarat unit."))
        scope = {"worksheet": worksheet}
    if (round_ or worksheet.round).status == Round.Status.CLOSED:
        raise Refused(ROUND_CLOSED)
    if definition.version_id != (round_ or worksheet.round).version_id:
        raise ValueError("prerequisite of another template version")
    previous = PrerequisiteRecord.objects.filter(definition=definition, **scope).order_by("recorded_at", "pk").last()
    record = PrerequisiteRecord(definition=definition, value=value, note=note, recorded_by=user, **scope)
    if upload is not None:
        name, kind = evidence_rules.check_upload(upload, settings.EVIDENCE_MAX_UPLOAD_MB * 1_048_576)
        record.evidence_name, record.evidence_type, record.evidence_size = name, kind.content_type, upload.size
        record.evidence_file.save(name, upload, save=False)
    elif url:
        record.evidence_url = url
    elif previous is not None:
        record.evidence_file, record.evidence_url = previous.evidence_file.name, previous.evidence_url
        record.evidence_name, record.evidence_type = previous.evidence_name, previous.evidence_type
        record.evidence_size = previous.evidence_size
    record.save()
    if worksheet is not None:  # the history reads as the page does: "17 Maret 2026", "97,5%", "BB"
        spec = selectors.prerequisite_spec(definition)
        same = previous is not None and previous.value == value
        WorksheetEvent.objects.create(
            worksheet=worksheet, actor=user, kind=WorksheetEvent.Kind.PREREQUISITE, field=definition.key,
            old_value="" if same or previous is None else spec.value_label(previous.value),
            new_value=spec.value_label(value) + (" " + _("(tetap; catatan atau bukti dukung diperbarui)") if same else ""),
            comment=" · ".join(filter(None, [definition.label, note])))
        score_store.refresh([worksheet.pk])
    return record


# --------------------------------------------------------------------------- TPI review


class DecisionConflict(Exception):
    """Someone else moved the worksheet since the page was loaded; nothing was applied."""

    def __init__(self, worksheet: Worksheet, last_event: WorksheetEvent | None):
        super().__init__("worksheet status changed")
        self.worksheet = worksheet
        self.last_event = last_event


def _check_review_open(ws: Worksheet, now=None) -> None:
    """Closed is closed, and the TPI's deadline holds like the unit's (until an admin extends it)."""
    reason = review_closed_reason(ws, now)
    if reason:
        raise Refused(reason)


def _decide(user, worksheet: Worksheet, action: str, expected_status: str, comment: str) -> tuple[Worksheet, object]:
    """Lock the worksheet, check that nobody moved it meanwhile, and check the transition."""
    ws = _locked_worksheet(worksheet.pk)
    _check_review_open(ws)
    if expected_status and ws.status != expected_status:
        raise DecisionConflict(ws, ws.events.filter(kind=WorksheetEvent.Kind.STATUS).select_related("actor").last())
    try:
        t = workflow.transition_for(action, ws.status, workflow_roles(user, ws), comment)
    except workflow.TransitionError as exc:
        raise _refusal(exc) from exc
    return ws, t


def _copy_unit_values_where_blank(ws: Worksheet) -> None:
    """The TPI's values start from the unit's."""

    ws.answers.filter(tpi_option="", tpi_number__isnull=True).filter(
        ~Q(unit_option="") | Q(unit_number__isnull=False)).update(tpi_option=F("unit_option"),
                                                                 tpi_number=F("unit_number"))


def _start(ws: Worksheet, user, target: str) -> None:
    _copy_unit_values_where_blank(ws)
    _status_event(ws, user, target)
    ws.save(update_fields=["status", "updated_at"])
    score_store.refresh([ws])


@transaction.atomic
def review_start(*, user, worksheet: Worksheet, expected_status: str = "") -> Worksheet:
    """The TPI takes the worksheet up; its values start as a copy of the unit's."""
    ws, t = _decide(user, worksheet, "start_review", expected_status or Worksheet.Status.SUBMITTED, "")
    _start(ws, user, t.target)
    return ws


@transaction.atomic
def review_answer_save(*, user, worksheet: Worksheet, question: Question, option: str = "",
                       number: Decimal | None = None, note: str = "", needs_revision: bool = False,
                       revision: int) -> Answer:
    """A TPI member's value, note and "perlu perbaikan" flag for one answer, audited."""
    ws = _locked_worksheet(worksheet.pk)
    if workflow.TPI not in workflow_roles(user, ws) and workflow.ADMIN not in workflow_roles(user, ws):
        raise PermissionDenied(_("Hanya TPI yang ditugaskan atau admin yang dapat menilai."))
    if ws.status not in workflow.TPI_EDITABLE:
        raise PermissionDenied(_("Kertas kerja tidak sedang direviu."))
    _check_review_open(ws)
    if ws.status == Worksheet.Status.SUBMITTED:  # the first value given starts the review
        _start(ws, user, Worksheet.Status.IN_REVIEW)
    answer, _created = Answer.objects.select_for_update().get_or_create(worksheet=ws, question=question)
    if answer.revision != revision and answer.tpi_updated_by_id != user.pk:
        raise ConflictError(answer)
    _check_length(note, limits.TPI_NOTE, "TPI note")
    old_value, new_value = (_describe(answer.tpi_option, answer.tpi_number, question.answer_type),
                            _describe(option, number, question.answer_type))
    old = (answer.tpi_option, answer.tpi_number, answer.tpi_note, answer.needs_revision)
    if old == (option, number, note, needs_revision):
        return answer
    answer.tpi_option, answer.tpi_number, answer.tpi_note, answer.needs_revision = option, number, note, needs_revision
    answer.revision += 1
    answer.tpi_updated_by, answer.tpi_updated_at = user, timezone.now()
    answer.save(update_fields=["tpi_option", "tpi_number", "tpi_note", "needs_revision", "revision",
                               "tpi_updated_by", "tpi_updated_at", "updated_at"])
    if old_value != new_value:
        score_store.refresh([ws])
    events = []
    if old_value != new_value:
        events.append(WorksheetEvent(worksheet=ws, answer=answer, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                     field="tpi_value", old_value=old_value, new_value=new_value, comment=note))
    if old[2] != note and old_value == new_value:
        events.append(WorksheetEvent(worksheet=ws, answer=answer, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                     field="tpi_note", old_value=old[2], new_value=note))
    if old[3] != needs_revision:
        events.append(WorksheetEvent(worksheet=ws, answer=answer, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                     field="needs_revision", old_value="ya" if old[3] else "tidak",
                                     new_value="ya" if needs_revision else "tidak", comment=note))
    WorksheetEvent.objects.bulk_create(events)
    return answer


def _finish_decision(ws: Worksheet, user, t, comment: str, outcome: str) -> Worksheet:
    """A TPI decision lands: the history line, the decision time, and the unit told once committed."""
    _status_event(ws, user, t.target, comment)
    ws.decided_at = timezone.now()
    ws.save(update_fields=["status", "decided_at", "updated_at"])
    notify_decision(ws.pk, outcome)
    return ws


@transaction.atomic
def review_return(*, user, worksheet: Worksheet, comment: str, expected_status: str = "") -> Worksheet:
    """Send the worksheet back: needs at least one flagged answer and a comment."""
    ws, t = _decide(user, worksheet, "return", expected_status, comment)
    if not ws.answers.filter(needs_revision=True).exists():
        raise Refused(RETURN_NEEDS_A_FLAG)
    return _finish_decision(ws, user, t, comment, "returned")


@transaction.atomic
def review_approve(*, user, worksheet: Worksheet, comment: str = "", expected_status: str = "") -> Worksheet:
    """The TPI values become final and locked."""
    ws, t = _decide(user, worksheet, "approve", expected_status, comment)
    if ws.status == Worksheet.Status.SUBMITTED:
        _copy_unit_values_where_blank(ws)
        score_store.refresh([ws])
    ws.answers.filter(needs_revision=True).update(needs_revision=False)
    return _finish_decision(ws, user, t, comment, "approved")


@transaction.atomic
def review_reopen(*, user, worksheet: Worksheet, comment: str, expected_status: str = "") -> Worksheet:
    """An admin reopens an approved worksheet for review, with the reason."""
    ws, t = _decide(user, worksheet, "reopen", expected_status, comment)
    _status_event(ws, user, t.target, comment)
    ws.save(update_fields=["status", "updated_at"])
    return ws


# --------------------------------------------------------------------------- notifications


def _recipients_for_unit(ws: Worksheet) -> list[str]:
    return sorted({m.user.email for m in Membership.objects.filter(unit=ws.unit).select_related("user")
                   if m.user.email and m.user.is_active})


def _send(ws: Worksheet, subject: str, body: str, recipients: list[str]) -> None:
    """Queued with the change that causes it (same transaction): sent by a worker once committed,
    retried while the mail server is down, never sent for a change that was rolled back."""
    link = settings.SITE_URL.rstrip("/") + ws.get_absolute_url()
    tasks.queue_email(subject, f"{body}\n\n{link}\n\n— ZI Tracker", recipients)


def notify_submitted(worksheet_id: int) -> None:
    ws = Worksheet.objects.select_related("unit", "round").get(pk=worksheet_id)
    recipients = sorted({u.email for u in ws.reviewers.filter(is_active=True) if u.email})
    _send(ws, _("[ZI] Kertas kerja %(unit)s diajukan") % {"unit": ws.unit.name},
          _("Kertas kerja LKE ZI %(unit)s pada %(round)s telah diajukan dan menunggu reviu Anda.") % {
              "unit": ws.unit.name, "round": ws.round.name}, recipients)


def notify_decision(worksheet_id: int, outcome: str) -> None:
    ws = Worksheet.objects.select_related("unit", "round").get(pk=worksheet_id)
    last = ws.events.filter(kind=WorksheetEvent.Kind.STATUS).last()
    comment = f"\n\n{_('Catatan TPI')}: {last.comment}" if last and last.comment else ""
    if outcome == "returned":
        subject = _("[ZI] Kertas kerja %(unit)s dikembalikan untuk perbaikan") % {"unit": ws.unit.name}
        body = _("TPI mengembalikan kertas kerja LKE ZI %(unit)s (%(round)s). Perbaiki jawaban yang ditandai "
                 "“perlu perbaikan”, lalu kepala unit mengajukan ulang.") % {"unit": ws.unit.name, "round": ws.round.name}
    else:
        subject = _("[ZI] Kertas kerja %(unit)s disetujui TPI") % {"unit": ws.unit.name}
        body = _("TPI telah menyetujui kertas kerja LKE ZI %(unit)s (%(round)s). Nilai TPI kini final.") % {
            "unit": ws.unit.name, "round": ws.round.name}
    _send(ws, subject, body + comment, _recipients_for_unit(ws))


# --------------------------------------------------------------------------- the TPN's values


class TpnValuesRefused(Exception):
    """The TPN's values cannot be written as given; ``reasons`` says why. Nothing was written."""

    def __init__(self, reasons):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@transaction.atomic
def tpn_values_set(*, user, worksheet: Worksheet, rows: list[dict], comment: str) -> int:
    """The TPN's values (the third value set) for an approved worksheet, all of them or none:
    ``rows`` [{"key", "option", "number" (str or None)}]; a row with neither clears the TPN's value.
    Only the instansi's admins record them (from the TPN's LKE or its LHE), never for their own
    unit; each change is in the worksheet's history. The unit's and the TPI's values are untouched.
    Returns how many answers changed."""
    ws = _locked_worksheet(worksheet.pk)
    if workflow.ADMIN not in workflow_roles(user, ws):
        raise PermissionDenied(_("Hanya admin instansi yang mencatat nilai TPN."))
    if ws.status != Worksheet.Status.APPROVED:
        raise TpnValuesRefused([_("Nilai TPN dicatat untuk kertas kerja yang telah disetujui TPI.")])
    questions = {q.key: q for q in Question.objects.filter(version_id=ws.round.version_id,
                                                           key__in=[r["key"] for r in rows])}
    reasons = []
    for r in rows:
        q = questions.get(r["key"])
        if q is None:
            reasons.append(_("%(key)s: butir tidak ada di LKE kertas kerja ini.") % {"key": r["key"]})
            continue
        spec = answer_types.TYPES[q.answer_type]
        number = None if r.get("number") in (None, "") else Decimal(str(r["number"]))
        if q.formula:
            reasons.append(_("%(key)s: persentase dihitung dari jumlahnya, tidak diisi.") % {"key": r["key"]})
        elif spec.takes_option and (number is not None or (r.get("option") and r["option"] not in spec.letters)):
            reasons.append(_("%(key)s: pilihan “%(v)s” tidak dikenal (%(ok)s).") % {
                "key": r["key"], "v": r.get("option") or number, "ok": "/".join(spec.letters)})
        elif not spec.takes_option and (r.get("option") or (number is not None and not spec.low <= number <= spec.high)):
            reasons.append(_("%(key)s: “%(v)s” bukan angka dalam rentang %(lo)s–%(hi)s.") % {
                "key": r["key"], "v": r.get("option") or numbers.plain(number), "lo": numbers.plain(spec.low),
                "hi": numbers.plain(spec.high)})
    if reasons:
        raise TpnValuesRefused(reasons)
    answers = {a.question_id: a for a in Answer.objects.select_for_update().filter(
        worksheet=ws, question__in=list(questions.values()))}
    events, changed = [], 0
    for r in rows:
        q = questions[r["key"]]
        option = r.get("option") or ""
        number = None if r.get("number") in (None, "") else Decimal(str(r["number"]))
        a = answers.get(q.pk)
        if a is None and not option and number is None:
            continue  # nothing to record, nothing to clear
        a = a or Answer.objects.create(worksheet=ws, question=q)
        if (a.tpn_option, a.tpn_number) == (option, number):
            continue
        events.append(WorksheetEvent(worksheet=ws, answer=a, actor=user, kind=WorksheetEvent.Kind.VALUE,
                                     field="tpn_value", old_value=_describe(a.tpn_option, a.tpn_number, q.answer_type),
                                     new_value=_describe(option, number, q.answer_type), comment=comment[:300]))
        a.tpn_option, a.tpn_number = option, number
        a.save(update_fields=["tpn_option", "tpn_number", "updated_at"])
        changed += 1
    WorksheetEvent.objects.bulk_create(events)
    return changed


# --------------------------------------------------------------------------- workbook import


class ImportRefused(Exception):
    """The import cannot be applied as previewed; ``reasons`` says why. Nothing was written."""

    def __init__(self, reasons):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@transaction.atomic
def worksheet_import(*, user, worksheet: Worksheet, rows: list[dict], revisions: dict[str, int]) -> int:
    """Apply a previewed workbook import: all of it or nothing.

    ``rows``: [{"key", "option", "number" (str or None), "explanation" (str or None)}];
    ``revisions``: each answer's revision when the preview was made — if anyone saved one of those
    answers since, the whole import is refused.
    """
    ws = _locked_worksheet(worksheet.pk)
    roles = workflow_roles(user, ws)
    if not can_import(user, ws):
        raise PermissionDenied(_("Kertas kerja ini tidak dapat diubah saat ini."))
    questions = {q.key: q for q in Question.objects.filter(version_id=ws.round.version_id, key__in=[r["key"] for r in rows])}
    answers = {a.question.key: a for a in Answer.objects.select_for_update().filter(
        worksheet=ws, question__key__in=list(questions)).select_related("question")}
    reasons = [_("%(key)s: penjelasan lebih dari %(max)s karakter.") % {"key": r["key"], "max": limits.EXPLANATION}
               for r in rows if len(r.get("explanation") or "") > limits.EXPLANATION]
    for r in rows:
        a = answers.get(r["key"])
        if a is None:
            a = answers[r["key"]] = Answer.objects.create(worksheet=ws, question=questions[r["key"]])
        if not answer_is_editable(ws, a):
            reasons.append(_("%(key)s terkunci (hanya jawaban bertanda perlu perbaikan yang dapat diubah).") % {
                "key": r["key"]})
        elif a.revision != revisions.get(r["key"], 0):
            reasons.append(_("%(key)s diubah %(who)s setelah pratinjau dibuat.") % {
                "key": r["key"], "who": a.updated_by.get_full_name() or a.updated_by.get_username()
                if a.updated_by else _("orang lain")})
    if reasons:
        raise ImportRefused(reasons)
    changed = 0
    for r in rows:
        a = answers[r["key"]]
        number = None if r["number"] in (None, "") else Decimal(r["number"])
        explanation = a.unit_explanation if r.get("explanation") is None else r["explanation"]
        before = a.revision
        _write_unit_value(ws, a, user, r["option"], number, explanation, a.revision,
                          audit=bool(ws.submitted_at) or workflow.ADMIN in roles and not can_edit(user, ws),
                          comment=_("Impor dari berkas Excel"), refresh=False, kind=questions[r["key"]].answer_type)
        changed += a.revision != before
    score_store.refresh([ws])
    WorksheetEvent.objects.create(worksheet=ws, actor=user, kind=WorksheetEvent.Kind.IMPORT,
                                  new_value=str(changed), comment=_("%(n)d jawaban diperbarui dari berkas Excel") % {
                                      "n": changed})
    return changed
