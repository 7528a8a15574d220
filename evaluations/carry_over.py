"""Start a worksheet from the unit's previous round: its answers, explanations and evidence
attachments, each carried answer marked "dari periode sebelumnya — periksa kembali" until someone
saves it (``Answer.carried``; the kepala cannot submit while any is left). One unit on its own
overview page, or every empty worksheet of a round as background work with progress.

What is carried: the unit's value and explanation of every question answered directly whose key
is in both templates and whose answer still fits (the option exists, the type is the same); the
evidence attachments of every question with that key (the same library documents — nothing is
copied). Not carried: the hasil component's values (survey indices and performance figures are a
year's results, not a standing fact), the TPI's and the TPN's values and notes, flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.permissions import user_roles

from . import score_store, services, tasks
from .library import previous_worksheet
from .models import OPTION_TYPES, Answer, CarryOver, Evidence, Question, Round, Worksheet, WorksheetEvent
from .permissions import can_edit

NOT_EMPTY = gettext_lazy("Kertas kerja ini sudah berisi jawaban atau bukti dukung; mulai dari periode sebelumnya hanya "
              "untuk kertas kerja yang masih kosong.")
NO_PREVIOUS = gettext_lazy("Unit ini belum memiliki kertas kerja pada periode sebelumnya.")


@dataclass(frozen=True)
class Carried:
    source: Worksheet
    answers: int  # answers with a value or explanation carried
    evidence: int  # attachments carried
    skipped: int  # last round's answers that did not fit this round's template
    results: int  # hasil values left out (a year's survey and performance figures)


def is_empty(worksheet: Worksheet) -> bool:
    """Nothing entered yet: no unit value, explanation or evidence."""
    entered = Answer.objects.filter(worksheet=worksheet).filter(
        Q(unit_option__gt="") | Q(unit_number__isnull=False) | ~Q(unit_explanation=""))
    return not entered.exists() and not Evidence.objects.filter(answer__worksheet=worksheet).exists()


def can_start(user, worksheet: Worksheet) -> bool:
    """Unit staff, while the worksheet is theirs to fill in (draft, round open, before the deadline)."""
    return can_edit(user, worksheet) and worksheet.status == Worksheet.Status.DRAFT


def _questions(version_id: int) -> dict[str, Question]:
    return {q.key: q for q in Question.objects.filter(version_id=version_id)
            .select_related("indicator__part").prefetch_related("options")}


def _fits(q: Question, old: Answer) -> tuple[str, object]:
    """The old value as this round's question takes it, or ("", None) when it does not fit."""
    if not q.takes_input or q.indicator.part.kind == "hasil":
        return "", None
    if q.answer_type in OPTION_TYPES:
        letters = {o.letter for o in q.options.all()}
        return (old.unit_option, None) if old.unit_option in letters and old.question.answer_type == q.answer_type \
            else ("", None)
    if old.question.answer_type == q.answer_type and old.unit_number is not None:
        return "", old.unit_number
    return "", None


def carry(*, worksheet: Worksheet, source: Worksheet, user, questions: dict[str, Question] | None = None) -> Carried:
    """Write last round's answers and attachments into an empty, locked worksheet (a handful of
    statements: read the old answers and attachments, insert the new ones, one history entry,
    the stored scores)."""
    questions = questions if questions is not None else _questions(worksheet.round.version_id)
    old_answers = list(Answer.objects.filter(worksheet=source).select_related("question"))
    attachments: dict[str, list[Evidence]] = {}
    for e in Evidence.objects.filter(answer__worksheet=source).select_related("answer__question", "document").order_by(
            "attached_at", "pk"):
        attachments.setdefault(e.answer.question.key, []).append(e)
    existing = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet)}
    now = timezone.now()
    new, update, skipped, results, n_values = [], [], 0, 0, 0
    for old in old_answers:
        q = questions.get(old.question.key)
        if q is None:
            skipped += 1
            continue
        option, number = _fits(q, old)
        had_value = bool(old.unit_option) or old.unit_number is not None
        is_result = q.indicator.part.kind == "hasil"
        explanation = "" if is_result else old.unit_explanation
        if had_value and not option and number is None and q.takes_input:
            if is_result:
                results += 1
            else:
                skipped += 1
        if not (option or number is not None or explanation or attachments.get(q.key)):
            continue
        carried = bool(option or number is not None or explanation)
        n_values += carried
        a = existing.get(q.pk)
        if a is None:
            new.append(Answer(worksheet=worksheet, question=q, unit_option=option, unit_number=number,
                              unit_explanation=explanation, carried=carried, revision=1, updated_by=user))
        else:
            a.unit_option, a.unit_number, a.unit_explanation, a.carried = option, number, explanation, carried
            a.revision += 1
            a.updated_by = user
            update.append(a)
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(update, ["unit_option", "unit_number", "unit_explanation", "carried", "revision",
                                        "updated_by"])
    by_question = {a.question_id: a for a in [*new, *update]}
    for q in questions.values():
        if q.key in attachments and q.pk not in by_question:
            by_question[q.pk] = Answer.objects.create(worksheet=worksheet, question=q, updated_by=user)
    rows = [Evidence(answer=by_question[questions[key].pk], document_id=e.document_id, description=e.description,
                     version_id=e.document.current_id, attached_by=user)  # this year: the latest version
            for key, items in attachments.items() if key in questions for e in items]
    Evidence.objects.bulk_create(rows, ignore_conflicts=True)
    result = Carried(source, n_values, len(rows), skipped, results)
    WorksheetEvent.objects.create(
        worksheet=worksheet, actor=user, kind=WorksheetEvent.Kind.CARRY, created_at=now,
        old_value=source.round.name,
        comment=_("Dimulai dari %(round)s: %(a)d jawaban dan %(e)d bukti dukung dibawa, ditandai “periksa "
                  "kembali”; %(r)d nilai komponen hasil tidak dibawa (hasil tahun lalu); %(s)d jawaban tidak "
                  "sesuai dengan LKE periode ini dan tidak dibawa.") % {
            "round": source.round.name, "a": result.answers, "e": result.evidence, "r": result.results,
            "s": result.skipped})
    score_store.refresh([worksheet])
    return result


@transaction.atomic
def worksheet_start_from_previous(*, user, worksheet: Worksheet) -> Carried:
    """The unit starts its (empty) worksheet from its previous round."""
    ws = services._locked_worksheet(worksheet.pk)
    if not can_start(user, ws):
        raise PermissionDenied(_("Hanya operator atau kepala unit yang dapat memulai kertas kerja ini, selama "
                                 "masih dalam pengisian."))
    if not is_empty(ws):
        raise services.Refused(NOT_EMPTY)
    source = previous_worksheet(ws)
    if source is None:
        raise services.Refused(NO_PREVIOUS)
    return carry(worksheet=ws, source=source, user=user)


# --------------------------------------------------------------------------- a whole round


@transaction.atomic
def round_carry_over_request(*, user, round_: Round) -> CarryOver:
    """An admin asks for every empty worksheet of an open round to start from its unit's previous
    round; a worker does it (``tasks.carry_over_round``). One request at a time per round."""
    rnd = Round.objects.select_for_update().get(pk=round_.pk)
    if not user_roles(user).is_admin_of(rnd.instansi_id):
        raise PermissionDenied(_("Hanya admin instansi yang dapat memulai semua unit dari periode sebelumnya."))
    if rnd.status != Round.Status.OPEN:
        raise services.Refused(_("Periode ini tidak sedang berjalan."))
    waiting = rnd.carry_overs.filter(status__in=[CarryOver.Status.QUEUED, CarryOver.Status.RUNNING])
    stale = timezone.now() - STALE_AFTER
    waiting.filter(requested_at__lt=stale).update(  # a worker that stopped half-way: asked again below
        status=CarryOver.Status.FAILED, finished_at=timezone.now(),
        error=_("Tidak selesai dalam satu jam (worker berhenti?); dapat diminta ulang."))
    running = waiting.filter(requested_at__gte=stale).first()
    if running:
        return running
    job = CarryOver.objects.create(round=rnd, requested_by=user,
                                   total_units=rnd.worksheets.filter(status=Worksheet.Status.DRAFT).count())
    transaction.on_commit(lambda: tasks.carry_over_round.enqueue(job.pk))
    return job


PROGRESS_EVERY = 10  # units between progress updates
STALE_AFTER = timedelta(hours=1)  # a request neither done nor failed by then: its worker stopped (500 units: ~30 s)


def run_round(job: CarryOver) -> CarryOver:
    """Every draft worksheet of the round that is still empty and whose unit has a previous round
    starts from it, one unit per transaction (a unit's people may be saving meanwhile; a worksheet
    that got an answer before its turn is left alone). Safe to run again: filled worksheets are
    skipped."""
    rnd = job.round
    if Round.objects.filter(pk=rnd.pk).values_list("status", flat=True).first() != Round.Status.OPEN:
        CarryOver.objects.filter(pk=job.pk).update(status=CarryOver.Status.FAILED, finished_at=timezone.now(),
                                                   error=_("Periode tidak berjalan lagi; tidak ada yang diubah."))
        job.refresh_from_db()
        return job
    sheets = list(rnd.worksheets.filter(status=Worksheet.Status.DRAFT).order_by("pk").values_list("pk", "unit_id"))
    previous = {}
    for ws_id, unit_id in (Worksheet.objects.filter(unit_id__in=[u for _w, u in sheets], round__instansi_id=rnd.instansi_id,
                                                    round__year__lt=rnd.year)
                           .order_by("unit_id", "-round__year", "-round__fill_deadline", "-pk")
                           .values_list("pk", "unit_id")):
        previous.setdefault(unit_id, ws_id)
    sources = {w.pk: w for w in Worksheet.objects.filter(pk__in=previous.values()).select_related("round")}
    questions = _questions(rnd.version_id)
    CarryOver.objects.filter(pk=job.pk).update(status=CarryOver.Status.RUNNING, total_units=len(sheets))
    started = skipped = 0
    actor = job.requested_by
    for i, (ws_id, unit_id) in enumerate(sheets, 1):
        source = sources.get(previous.get(unit_id))
        with transaction.atomic():
            ws = services._locked_worksheet(ws_id)
            if source is None or ws.status != Worksheet.Status.DRAFT or not is_empty(ws):
                skipped += 1
            else:
                carry(worksheet=ws, source=source, user=actor, questions=questions)
                started += 1
        if i % PROGRESS_EVERY == 0 or i == len(sheets):
            CarryOver.objects.filter(pk=job.pk).update(done_units=i, started_units=started, skipped_units=skipped)
    CarryOver.objects.filter(pk=job.pk).update(status=CarryOver.Status.DONE, finished_at=timezone.now(),
                                               done_units=len(sheets), started_units=started, skipped_units=skipped)
    job.refresh_from_db()
    return job


def unit_may_start(user, worksheet: Worksheet) -> Worksheet | None:
    """The previous worksheet the person could start this one from now, or None (for the overview page)."""
    if not can_start(user, worksheet) or not is_empty(worksheet):
        return None
    return previous_worksheet(worksheet)
