"""Demo data: one fictional kabupaten, twelve units, an open and a closed round, an account per
role, and worksheets in every state with realistic answers. Idempotent: what exists is kept."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from units.models import Instansi, Membership, Unit

from . import score_store
from .models import (
    Answer,
    AnswerType,
    Document,
    Evidence,
    Kawasan,
    PrerequisiteDefinition,
    PrerequisiteRecord,
    Question,
    Round,
    TemplateVersion,
    Worksheet,
    WorksheetEvent,
)
from .scoring import OPTION_VALUES, evaluate_formula

DEMO_PASSWORD = "demo-zi-2026"
INSTANSI = "Pemerintah Kabupaten Sukamaju"
S = Worksheet.Status


@dataclass(frozen=True)
class DemoUnit:
    name: str
    short: str
    kind: str
    public: bool = False
    parent: str = ""
    predicate: str = ""
    predicate_year: int | None = None
    stranas: str = ""  # a Stranas PK service (PermenPANRB 5/2024 exception)


UNITS = [
    DemoUnit("Inspektorat Daerah", "Inspektorat", Unit.Kind.INSPEKTORAT),
    DemoUnit("Sekretariat Daerah", "Setda", Unit.Kind.SEKRETARIAT),
    DemoUnit("Bagian Organisasi", "Bag. Organisasi", Unit.Kind.BAGIAN, parent="Sekretariat Daerah"),
    DemoUnit("Bagian Pengadaan Barang dan Jasa", "Bag. PBJ", Unit.Kind.BAGIAN, True, "Sekretariat Daerah"),
    DemoUnit("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", Unit.Kind.DINAS, True,
             stranas=Unit.StranasService.DUKCAPIL),
    DemoUnit("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", Unit.Kind.DINAS, True,
             predicate="wbk", predicate_year=2024, stranas=Unit.StranasService.PTSP),
    DemoUnit("Dinas Kesehatan", "Dinkes", Unit.Kind.DINAS, True),
    DemoUnit("Puskesmas Sukamaju", "PKM Sukamaju", Unit.Kind.PUSKESMAS, True, "Dinas Kesehatan"),
    DemoUnit("UPT Laboratorium Kesehatan Daerah", "UPT Labkesda", Unit.Kind.UPT, True, "Dinas Kesehatan"),
    DemoUnit("RSUD Sukamaju", "RSUD", Unit.Kind.RSUD, True, predicate="wbk", predicate_year=2023,
             stranas=Unit.StranasService.RSUD),
    DemoUnit("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", Unit.Kind.BADAN),
    DemoUnit("Badan Pendapatan Daerah", "Bapenda", Unit.Kind.BADAN, True),
    DemoUnit("Kecamatan Sukamaju Kota", "Kec. Sukamaju Kota", Unit.Kind.KECAMATAN, True),
]

# (username, full name, role, unit name or "")
ACCOUNTS = [
    ("admin", "Admin ZI Kabupaten", Membership.Role.ADMIN, ""),
    ("tpi", "Rina Wulandari", Membership.Role.TPI, ""),
    ("tpi2", "Bambang Setiawan", Membership.Role.TPI, ""),
    ("operator", "Dewi Lestari", Membership.Role.OPERATOR, "Dinas Kependudukan dan Pencatatan Sipil"),
    ("operator2", "Agus Pratama", Membership.Role.OPERATOR, "Dinas Kependudukan dan Pencatatan Sipil"),
    ("kepala", "Drs. Hendra Gunawan, M.Si.", Membership.Role.KEPALA, "Dinas Kependudukan dan Pencatatan Sipil"),
    ("operator.rsud", "Sri Handayani", Membership.Role.OPERATOR, "RSUD Sukamaju"),
    ("kepala.rsud", "dr. Yusuf Hidayat, Sp.PD.", Membership.Role.KEPALA, "RSUD Sukamaju"),
    ("operator.kecamatan", "Nur Aisyah", Membership.Role.OPERATOR, "Kecamatan Sukamaju Kota"),
    ("kepala.kecamatan", "Budi Santoso, S.STP.", Membership.Role.KEPALA, "Kecamatan Sukamaju Kota"),
]

# Open round: unit → (status, quality 0–1 of its answers, share of questions answered, TPI user)
OPEN_ROUND = {
    "Dinas Kependudukan dan Pencatatan Sipil": (S.DRAFT, 0.82, 0.55, "tpi"),
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu": (S.APPROVED, 0.97, 1, "tpi"),
    "RSUD Sukamaju": (S.IN_REVIEW, 0.9, 1, "tpi"),
    "Dinas Kesehatan": (S.RETURNED, 0.78, 1, "tpi"),
    "Puskesmas Sukamaju": (S.APPROVED, 0.9, 1, "tpi"),
    "UPT Laboratorium Kesehatan Daerah": (S.SUBMITTED, 0.84, 1, "tpi"),
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia": (S.APPROVED, 0.7, 1, "tpi2"),
    "Badan Pendapatan Daerah": (S.SUBMITTED, 0.8, 1, "tpi2"),
    "Kecamatan Sukamaju Kota": (S.DRAFT, 0.7, 0, "tpi2"),  # empty: starts from last year (issue 13)
    "Bagian Organisasi": (S.DRAFT, 0.6, 0, "tpi2"),
    "Bagian Pengadaan Barang dan Jasa": (S.IN_REVIEW, 0.85, 1, "tpi2"),
    "Sekretariat Daerah": (S.DRAFT, 0.75, 0.35, "tpi2"),
}
CLOSED_ROUND_UNITS = ["Dinas Kependudukan dan Pencatatan Sipil", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
                      "RSUD Sukamaju", "Dinas Kesehatan", "Puskesmas Sukamaju", "Badan Pendapatan Daerah",
                      "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Kecamatan Sukamaju Kota"]

NO_COMPLAINTS = {"Puskesmas Sukamaju"}  # no public complaints this year (V reform ii: b = 0)

EXPLANATIONS = [
    "Telah ditetapkan melalui Surat Keputusan Kepala {unit} dan disosialisasikan kepada seluruh pegawai.",
    "Dilaksanakan sesuai rencana kerja; laporan pelaksanaan triwulanan tersedia sebagai bukti dukung.",
    "Sudah berjalan, namun pemantauan belum dilakukan secara berkala setiap bulan.",
    "Dokumen tersedia dan diunggah pada folder bukti dukung unit.",
    "Telah dilakukan evaluasi dan tindak lanjut perbaikan pada rapat pimpinan.",
]
TPI_NOTES = [
    "Bukti dukung belum menunjukkan pelaksanaan pada seluruh bidang; nilai disesuaikan.",
    "Lampirkan notulen dan daftar hadir sebagai bukti pelaksanaan.",
    "Dokumen yang diunggah masih berupa draf, belum ditandatangani.",
]


def _aware(day, hour=15, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# Other apps' demo data: their AppConfig.ready adds a ``seed(builder, instansi, units)`` (evaluations
# imports none of them).
EXTRA: list = []


class DemoBuilder:
    def __init__(self, version: TemplateVersion, today=None, stdout=None):
        self.version = version
        self.today = today or timezone.localdate()
        self.questions = list(Question.objects.filter(version=version).select_related("indicator").order_by("order"))
        self.users = {}

    @transaction.atomic
    def build(self):
        instansi, _ = Instansi.objects.get_or_create(
            name=INSTANSI, defaults={"short_name": "Pemkab Sukamaju", "kind": Instansi.Kind.KABUPATEN})
        units = self._units(instansi)
        self._accounts(instansi, units)
        year = self.today.year
        closed, created = Round.objects.get_or_create(
            instansi=instansi, year=year - 1, name=f"Evaluasi ZI Tahun {year - 1}",
            defaults={"version": self.version, "status": Round.Status.CLOSED,
                      "fill_deadline": _aware(self.today.replace(year=year - 1, month=9, day=30), 23, 59),
                      "review_deadline": _aware(self.today.replace(year=year - 1, month=10, day=31), 23, 59)})
        for i, name in enumerate(CLOSED_ROUND_UNITS):
            self._worksheet(closed, units[name], S.APPROVED, 0.6 + i * 0.04, 1, "tpi" if i % 2 else "tpi2")
        opened, created = Round.objects.get_or_create(
            instansi=instansi, year=year, name=f"Evaluasi ZI Tahun {year}",
            defaults={"version": self.version, "status": Round.Status.OPEN,
                      "fill_deadline": _aware(self.today + timedelta(days=30), 23, 59),
                      "review_deadline": _aware(self.today + timedelta(days=60), 23, 59)})
        if created:
            self._instansi_facts(opened)
        for name, (status, quality, share, tpi) in OPEN_ROUND.items():
            self._worksheet(opened, units[name], status, quality, share, tpi)
        self._kawasan(instansi, units)
        for seed in EXTRA:
            seed(self, instansi, units)
        score_store.refresh(Worksheet.objects.filter(round__instansi=instansi, scores__isnull=True)
                            .values_list("pk", flat=True))
        return instansi

    def _kawasan(self, instansi, units):
        kawasan, created = Kawasan.objects.get_or_create(instansi=instansi, name="Kawasan Pelayanan Kesehatan")
        if created:
            kawasan.units.add(*(units[n] for n in ("Dinas Kesehatan", "Puskesmas Sukamaju",
                                                   "UPT Laboratorium Kesehatan Daerah", "RSUD Sukamaju")))
        kawasan, created = Kawasan.objects.get_or_create(instansi=instansi, name="Kawasan Perizinan dan Kependudukan")
        if created:
            kawasan.units.add(*(units[n] for n in ("Dinas Kependudukan dan Pencatatan Sipil",
                                                   "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu")))

    def _units(self, instansi):
        units = {}
        for u in UNITS:
            units[u.name], _ = Unit.objects.get_or_create(
                instansi=instansi, name=u.name,
                defaults={"short_name": u.short, "kind": u.kind, "is_public_service": u.public,
                          "parent": units.get(u.parent), "predicate": u.predicate,
                          "predicate_year": u.predicate_year, "stranas_pk_service": u.stranas})
        return units

    def _accounts(self, instansi, units):
        User = get_user_model()
        for username, full_name, role, unit_name in ACCOUNTS:
            first, _, last = full_name.partition(" ")
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last,
                                             "email": f"{username}@sukamaju.go.id"})
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == Membership.Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
            Membership.objects.get_or_create(user=user, instansi=instansi, role=role,
                                             unit=units.get(unit_name) if unit_name else None)
            self.users[username] = user

    def _worksheet(self, round_, unit, status, quality, share, tpi):
        ws, created = Worksheet.objects.get_or_create(round=round_, unit=unit)
        ws.reviewers.add(self.users[tpi])
        if not created:
            return ws
        rng = random.Random(f"{unit.name}/{round_.year}")
        staff = self._kepala(unit)
        answers = [self._answer(ws, q, rng, quality) for q in self.questions if rng.random() < share or share == 1]
        self._coherent_counts(answers, rng, quality, no_complaints=unit.name in NO_COMPLAINTS)
        answered_keys = {a.question_id for a in answers}
        answers += [Answer(worksheet=ws, question=q) for q in self.questions if q.pk not in answered_keys]
        reviewed = status in (S.IN_REVIEW, S.RETURNED, S.APPROVED)
        operator = self._operator(unit)
        for a in answers:
            if a.unit_option or a.unit_number is not None or a.unit_explanation:
                a.updated_by, a.revision = operator or staff, 1
                a.unit_updated_at = timezone.now() - timedelta(days=12)
            if reviewed and (a.unit_option or a.unit_number is not None):
                self._tpi_value(a, rng)
        if status == S.RETURNED:
            flagged = [a for a in answers if a.tpi_note][:4] or answers[:2]
            for a in flagged:
                a.needs_revision = True
                a.tpi_note = a.tpi_note or TPI_NOTES[0]
        Answer.objects.bulk_create(answers)
        if share:  # a unit that has not started has no evidence either
            self._evidence(ws, rng, complete=status != S.DRAFT)
        self._history(ws, status, rng)
        if round_.status == Round.Status.OPEN:
            self._unit_facts(ws)
        return ws

    # Tabel 5 facts: the instansi meets WBK's prerequisites but not yet WBBM's (SAKIP B, Indeks RB CC);
    # units hold some of theirs, so each kind of standing shows on the pages.
    INSTANSI_FACTS = {"opini-bpk": ("WTP", "LHP BPK atas LKPD Tahun Anggaran sebelumnya"),
                      "sakip-instansi": ("B", "LHE SAKIP KemenPAN-RB"), "indeks-rb": ("CC", "Hasil evaluasi RB"),
                      "maturitas-spip": ("3", "Penilaian maturitas SPIP oleh BPKP")}
    UNIT_FACTS = {
        "Puskesmas Sukamaju": {"layanan-inti": "ya", "dampak-persepsi": "ya", "tindak-lanjut": "100",
                               "kepatuhan-lhk": "100", "membangun-wbk": -2, "sakip-unit": "BB"},
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu": {
            "layanan-inti": "ya", "dampak-persepsi": "ya", "tindak-lanjut": "92.5", "kepatuhan-lhk": "100",
            "membangun-wbbm": -1, "sakip-unit": "B"},
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia": {
            "layanan-inti": "ya", "dampak-persepsi": "tidak", "tindak-lanjut": "100", "kepatuhan-lhk": "100",
            "membangun-wbk": -1, "sakip-unit": "B"},
        "Dinas Kependudukan dan Pencatatan Sipil": {"layanan-inti": "ya", "dampak-persepsi": "ya",
                                                    "membangun-wbk": 0},
    }

    def _definitions(self):
        return {d.key: d for d in PrerequisiteDefinition.objects.filter(version=self.version)}

    def _instansi_facts(self, round_):
        defs = self._definitions()
        admin = self.users.get("admin")
        PrerequisiteRecord.objects.bulk_create([
            PrerequisiteRecord(definition=defs[key], round=round_, value=value, note=note, recorded_by=admin,
                               evidence_url=f"https://jdih.sukamaju.go.id/zi/{round_.year}/{key}",
                               recorded_at=timezone.now() - timedelta(days=20))
            for key, (value, note) in self.INSTANSI_FACTS.items() if key in defs])

    def _unit_facts(self, ws):
        defs = self._definitions()
        facts = self.UNIT_FACTS.get(ws.unit.name, {})
        tpi = ws.reviewers.first()
        rows = []
        for key, value in facts.items():
            if key not in defs:
                continue
            if isinstance(value, int):  # a pencanangan date: this many years before the proposal date
                day = ws.round.proposal_date
                value = day.replace(year=day.year + value, month=3, day=17).isoformat()
            rows.append(PrerequisiteRecord(definition=defs[key], worksheet=ws, value=value, recorded_by=tpi,
                                           note="Diverifikasi TPI pada pemantauan",
                                           evidence_url=f"https://drive.sukamaju.go.id/zi/syarat/{ws.unit_id}/{key}",
                                           recorded_at=timezone.now() - timedelta(days=7)))
        PrerequisiteRecord.objects.bulk_create(rows)

    def _operator(self, unit):
        return next((self.users[u] for u, _, role, unit_name in ACCOUNTS
                     if role == Membership.Role.OPERATOR and unit_name == unit.name), None)

    def _kepala(self, unit):
        """The demo head of unit who submits, where the unit has a demo account."""
        return next((self.users[u] for u, _, role, unit_name in ACCOUNTS
                     if role == Membership.Role.KEPALA and unit_name == unit.name), None)

    def _answer(self, ws, q, rng, quality):
        a = Answer(worksheet=ws, question=q)
        if q.formula:
            return a
        t = q.answer_type
        if t in OPTION_VALUES:
            letters = list(OPTION_VALUES[t])
            steps = 0
            while steps < len(letters) - 1 and rng.random() > quality:
                steps += 1
            a.unit_option = letters[steps]
        elif t == AnswerType.JUMLAH:
            a.unit_number = Decimal(rng.randint(8, 60))
        elif t == AnswerType.PERSEN:
            a.unit_number = Decimal(str(round(min(100, 55 + 45 * quality + rng.uniform(-8, 8)), 2)))
        elif t == AnswerType.INDEKS:
            a.unit_number = Decimal(str(round(min(4, 2.9 + quality + rng.uniform(-0.15, 0.1)), 2)))
        a.unit_explanation = rng.choice(EXPLANATIONS).format(unit=ws.unit.short_name or ws.unit.name)
        return a

    def _coherent_counts(self, answers, rng, quality, no_complaints=False):
        """Counts that make sense together: a computed percentage lands near the unit's quality
        (e.g. 34 of 40 complaints settled), never "45 settled of 40 received"."""
        by_indicator = {}
        for a in answers:
            by_indicator.setdefault(a.question.indicator_id, []).append(a)
        for rows in by_indicator.values():
            counts = [a for a in rows if a.question.answer_type == AnswerType.JUMLAH and a.unit_number is not None]
            same = [q for q in self.questions if q.indicator_id == rows[0].question.indicator_id and q.formula]
            formulas = [q.formula for q in same if q.answer_type != AnswerType.JUMLAH]
            computed = [(q.code, q.formula) for q in same if q.answer_type == AnswerType.JUMLAH]
            if not counts or not formulas:
                continue
            best = None
            for _ in range(400):
                values = {a.question.code: Decimal(rng.randint(0, 60)) for a in counts}
                for code, formula in computed:  # e.g. b = c + d + e, read by the percentage
                    total = evaluate_formula(formula, values)
                    values[code] = None if total is None else Decimal(total.numerator) / total.denominator
                results = [evaluate_formula(f, values) for f in formulas]
                if all(r is not None and quality - 0.2 <= r <= 1 for r in results):
                    best = values
                    break
            for a in counts:
                a.unit_number = best[a.question.code] if best else a.unit_number
        if no_complaints:  # nothing for the pengaduan ratio to count: scored 100%, and the page says why
            for a in answers:
                if a.question.key.startswith("V.reform.ii.") and a.question.answer_type == AnswerType.JUMLAH:
                    a.unit_number = Decimal(0)

    def _tpi_value(self, a, rng):
        """The TPI starts from the unit's value and lowers some, with a note."""
        a.tpi_option, a.tpi_number = a.unit_option, a.unit_number
        a.tpi_updated_by = a.worksheet.reviewers.first()
        a.tpi_updated_at = timezone.now() - timedelta(days=5)
        q = a.question
        if q.answer_type in OPTION_VALUES and rng.random() < 0.18:
            letters = list(OPTION_VALUES[q.answer_type])
            idx = letters.index(a.unit_option)
            if idx < len(letters) - 1:
                a.tpi_option = letters[idx + 1]
                a.tpi_note = rng.choice(TPI_NOTES)
        elif (a.unit_number is not None and q.answer_type == AnswerType.JUMLAH and rng.random() < 0.1
              and a.unit_number > 0):  # never a count of −1 (the TPI's value is a count too)
            a.tpi_number = a.unit_number - 1
            a.tpi_note = "Jumlah disesuaikan dengan dokumen yang dapat diverifikasi."

    def _evidence(self, ws, rng, complete):
        """Evidence links: all of them once submitted, about 70% while a unit is still filling in."""
        picked = []
        for a in ws.answers.filter(question__evidence_required=True).select_related("question"):
            if not a.question.formula and not a.unit_option and a.unit_number is None:
                continue
            if complete or rng.random() < 0.7:
                picked.append(a)
        docs = Document.objects.bulk_create([Document(
            unit_id=ws.unit_id, kind=Document.Kind.LINK, owner=a.updated_by, created_by=a.updated_by,
            title=f"Folder bukti {a.question.key} ({ws.round.year})", period_year=ws.round.year - 1,
            url=f"https://drive.sukamaju.go.id/zi/{ws.round.year}/{ws.unit_id}/{a.question.key}") for a in picked])
        Evidence.objects.bulk_create([Evidence(answer=a, document=d, attached_by=a.updated_by,
                                               description="Folder bukti dukung")
                                      for a, d in zip(picked, docs, strict=True)])

    def _history(self, ws, status, rng):
        """Status events in order, dated before today, with who did what."""
        kepala = self._kepala(ws.unit)
        tpi = ws.reviewers.first()
        start = _aware(ws.round.fill_deadline.date() - timedelta(days=40), 9)
        steps = {
            S.DRAFT: [],
            S.SUBMITTED: [("draft", "submitted", kepala, "")],
            S.IN_REVIEW: [("draft", "submitted", kepala, ""), ("submitted", "in_review", tpi, "")],
            S.RETURNED: [("draft", "submitted", kepala, ""), ("submitted", "in_review", tpi, ""),
                         ("in_review", "returned", tpi, "Mohon perbaiki jawaban yang ditandai dan lengkapi bukti dukung.")],
            S.APPROVED: [("draft", "submitted", kepala, ""), ("submitted", "in_review", tpi, ""),
                         ("in_review", "approved", tpi, "Kertas kerja telah direviu dan disetujui.")],
        }[status]
        when = min(start, timezone.now() - timedelta(days=10))
        Evidence.objects.filter(answer__worksheet=ws).update(attached_at=when)  # collected before submitting
        events = []
        for frm, to, actor, comment in steps:
            when += timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
            events.append(WorksheetEvent(worksheet=ws, actor=actor, kind=WorksheetEvent.Kind.STATUS,
                                         from_status=frm, to_status=to, comment=comment, created_at=when))
            if to == "submitted":
                ws.submitted_at = when
            if to in ("approved", "returned"):
                ws.decided_at = when
        WorksheetEvent.objects.bulk_create(events)
        ws.status = status
        ws.save(update_fields=["status", "submitted_at", "decided_at"])
