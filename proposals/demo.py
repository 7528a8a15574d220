"""Proposals' part of the demo data (``make run``): last year's round was proposed to the TPN by
20 May; the TPN's stages are recorded, its values entered for the proposed units (a little stricter
than the TPI on some areas, so calibration has something to say); one unit was awarded Menuju WBK,
one was not and got recommendations. RSUD Sukamaju's Menuju WBK of 2023 is on record, its two-yearly
re-evaluation due. The health kawasan's integration score is recorded for this year's round.
Written through the services, so the history reads as it would have."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from evaluations import answer_types, score_store
from evaluations.models import Answer, Kawasan, PrerequisiteRecord, Round, Worksheet
from evaluations.services import tpn_values_set

from . import selectors, services
from .models import Award, Event, Proposal, Stage


@contextmanager
def _at(day: datetime.date):
    """Record as if on ``day`` (the history's timestamps read in order)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    stage = Stage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with mock.patch.object(timezone, "now", lambda: moment):
        yield
    # model defaults hold the real clock: the rows written here get the day they stand for
    Event.objects.filter(pk__gt=last).update(created_at=moment)
    Stage.objects.filter(pk__gt=stage).update(recorded_at=moment)
    Proposal.objects.filter(created_at__gt=moment).update(created_at=moment)
    Award.objects.filter(recorded_at__gt=moment).update(recorded_at=moment)


def _stricter(answer: Answer, strict: bool) -> dict:
    """The TPN's value: the TPI's, one step lower on the stricter areas."""
    q = answer.question
    spec = answer_types.TYPES[q.answer_type]
    if spec.takes_option:
        letters = spec.letters
        option = answer.tpi_option or answer.unit_option
        if strict and option in letters and letters.index(option) < len(letters) - 1:
            option = letters[letters.index(option) + 1]
        return {"key": q.key, "option": option, "number": None}
    number = answer.tpi_number if answer.tpi_number is not None else answer.unit_number
    if strict and number is not None and q.answer_type == answer_types.INDEKS:
        number = max(Decimal("0"), number - Decimal("0.3"))
    return {"key": q.key, "option": "", "number": None if number is None else str(number)}


def _facts_of_last_year(closed: Round, day: datetime.date) -> None:
    """The prerequisite facts last year's proposal rested on: the instansi's (opini BPK, SAKIP, Indeks
    RB, SPIP) and each unit's, as this year's were recorded (the evaluations demo records this year's)."""
    if PrerequisiteRecord.objects.filter(round=closed).exists():
        return
    opened = Round.objects.filter(instansi_id=closed.instansi_id, year=closed.year + 1).first()
    if opened is None:
        return
    at = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=30), datetime.time(9)))
    rows = [PrerequisiteRecord(definition_id=r.definition_id, round=closed, value=r.value, note=r.note,
                               evidence_url=r.evidence_url, recorded_by=r.recorded_by, recorded_at=at)
            for r in PrerequisiteRecord.objects.filter(round=opened)]
    sheets = {ws.unit_id: ws for ws in Worksheet.objects.filter(round=closed)}
    rows += [PrerequisiteRecord(definition_id=r.definition_id, worksheet=sheets[r.worksheet.unit_id], value=r.value,
                                note=r.note, evidence_url=r.evidence_url, recorded_by=r.recorded_by, recorded_at=at)
             for r in PrerequisiteRecord.objects.filter(worksheet__round=opened).select_related("worksheet")
             if r.worksheet.unit_id in sheets]
    PrerequisiteRecord.objects.bulk_create(rows)
    score_store.refresh([ws.pk for ws in sheets.values()])


def seed(builder, instansi, units) -> None:
    if Proposal.objects.filter(round__instansi=instansi).exists():
        return
    admin = builder.users["admin"]
    today = timezone.localdate()
    year = today.year
    closed = Round.objects.get(instansi=instansi, year=year - 1, name=f"Evaluasi ZI Tahun {year - 1}")
    rsud = units["RSUD Sukamaju"]
    if not Award.objects.filter(unit=rsud).exists():
        Award.objects.create(unit=rsud, predicate="wbk", year=2023, source=Award.Source.TPN,
                             decree_number="B/1045/M.RB.06/2023", decree_date=datetime.date(2023, 12, 14),
                             recorded_by=admin)
    proposed_on = min(datetime.date(year, 5, 20), closed.proposal_date)
    _facts_of_last_year(closed, proposed_on)
    chosen = [c for c in selectors.candidates(closed, today=proposed_on) if not c.blocked][:3]
    if chosen and proposed_on <= today:
        with _at(proposed_on):
            proposal = services.proposal_create(
                user=admin, round_=closed, route=Proposal.Route.TPN, unit_ids=[c.unit_id for c in chosen],
                letter_number=f"700/412/ITDA/{year}", letter_date=proposed_on, signatory_name="H. Ahmad Fauzi, S.E.",
                signatory_title="Bupati Sukamaju", today=proposed_on)
        nominees = list(proposal.nominees.select_related("worksheet", "unit").order_by("unit__name"))
        for i, n in enumerate(nominees):
            answers = Answer.objects.filter(worksheet=n.worksheet, question__formula="").select_related("question")
            rows = [_stricter(a, a.question.key.split(".")[0] in ("III", "V") and i % 2 == 0) for a in answers]
            rows = [r for r in rows if r["option"] or r["number"] is not None]
            with _at(proposed_on + datetime.timedelta(days=60)):
                tpn_values_set(user=admin, worksheet=n.worksheet, rows=rows, comment="LKE TPN hasil desk evaluation")
            for days, kind in ((20, Stage.Kind.PRA), (60, Stage.Kind.DESK), (110, Stage.Kind.FIELD)):
                day = proposed_on + datetime.timedelta(days=days)
                if day > today:
                    break
                last = kind == Stage.Kind.FIELD and i == len(nominees) - 1 and len(nominees) > 1
                with _at(day):
                    services.stage_record(user=admin, nominee=n, kind=kind, date=day,
                                          outcome=Stage.Outcome.FAILED if last else Stage.Outcome.PASSED,
                                          notes="Bukti pelaksanaan survei internal belum lengkap." if last else "")
        decided = proposed_on + datetime.timedelta(days=150)
        if decided <= today and nominees:
            with _at(decided):
                services.result_record(user=admin, nominee=nominees[0], awarded=True,
                                       decree_number=f"B/2210/M.RB.06/{decided.year}", decree_date=decided)
                if len(nominees) > 1:
                    services.result_record(
                        user=admin, nominee=nominees[-1], awarded=False,
                        recommendations="III. Lengkapi analisis beban kerja seluruh bidang\n"
                                        "V. Jadikan survei persepsi antikorupsi internal kegiatan rutin triwulanan\n"
                                        "VI. Publikasikan standar pelayanan di setiap loket")
    kawasan = Kawasan.objects.filter(instansi=instansi).first()
    opened = Round.objects.filter(instansi=instansi, year=year).first()
    if kawasan and opened:
        services.integration_record(user=admin, round_=opened, kawasan=kawasan, score=Decimal("6.80"),
                                    note="Hasil reviu integrasi layanan rujukan dan laboratorium",
                                    url="https://jdih.sukamaju.go.id/zi/kawasan-kesehatan-integrasi.pdf")
