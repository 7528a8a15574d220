"""A realistic institution at any size, for the benchmark and the load test (not for production).

    from benchdata import build
    world = build(500)      # flushes the configured database first

500 units of mixed kinds, each with a complete LKE worksheet of the open round in a mix of states
(30 % filling in, 20 % submitted, 20 % in review, 10 % returned, 20 % approved), unit values on
every answer, TPI values and notes on every reviewed one, evidence on every answer that needs it
(links, and one PDF file in ten stored under EVIDENCE_ROOT), stored scores, and accounts:
one admin, an operator and a kepala per unit, and ten TPI members sharing the reviewed units.
Every account's password is PASSWORD. Built with bulk inserts: about 1 minute for 500 units.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

PASSWORD = "beban-uji-2026"
STATES = [("draft", 30), ("submitted", 20), ("in_review", 20), ("returned", 10), ("approved", 20)]
KINDS = ["dinas", "badan", "kecamatan", "rsud", "puskesmas", "bagian", "upt"]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class World:
    round: object
    admin: object
    units: list
    sheets: list
    by_status: dict = field(default_factory=dict)
    operators: dict = field(default_factory=dict)  # worksheet id → operator user
    kepala: dict = field(default_factory=dict)  # worksheet id → kepala user
    tpi: dict = field(default_factory=dict)  # tpi user → [worksheet ids]


def _states(n: int, rng) -> list[str]:
    """n statuses in the STATES shares exactly (largest remainder), in random order."""
    exact = [(state, n * share / 100) for state, share in STATES]
    counts = {state: int(x) for state, x in exact}
    for state, _x in sorted(exact, key=lambda e: e[1] - int(e[1]), reverse=True)[:n - sum(counts.values())]:
        counts[state] += 1
    states = [state for state, _ in STATES for _ in range(counts[state])]
    rng.shuffle(states)
    return states


def _value(q, rng, letters):
    """(option, number) a unit plausibly reports for question q."""
    from evaluations.models import AnswerType

    if q.formula:
        return "", None
    if letters:
        weights = [max(1, len(letters) - i) ** 2 for i in range(len(letters))]  # most units do well
        return rng.choices(letters, weights)[0], None
    if q.answer_type == AnswerType.JUMLAH:
        return "", Decimal(rng.randint(5, 60))
    if q.answer_type == AnswerType.INDEKS:
        return "", Decimal(rng.randint(280, 395)) / 100
    return "", Decimal(rng.randint(60, 100))


def build(n_units: int, seed: int = 1) -> World:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from evaluations import score_store
    from evaluations.models import (
        Answer,
        Document,
        DocumentVersion,
        Evidence,
        Question,
        Round,
        TemplateVersion,
        Worksheet,
    )
    from units.models import Instansi, Membership, Unit

    rng = random.Random(seed)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_lke", verbosity=0)
    version = TemplateVersion.objects.get(code="lke-zi-90-2021")
    questions = list(Question.objects.filter(version=version).prefetch_related("options").order_by("order"))
    letters = {q.pk: [o.letter for o in q.options.all()] for q in questions}
    now = timezone.now()

    inst = Instansi.objects.create(name="Pemerintah Provinsi Beban Uji", kind="provinsi")
    units = Unit.objects.bulk_create([
        Unit(instansi=inst, name=f"{kind.title()} {i:04d}", kind=kind, is_public_service=i % 3 == 0)
        for i, kind in ((i, KINDS[i % len(KINDS)]) for i in range(n_units))])
    rnd = Round.objects.create(instansi=inst, year=now.year, name=f"Evaluasi ZI {now.year}", version=version,
                               status="open", fill_deadline=now + timezone.timedelta(days=30))
    states = _states(n_units, rng)
    sheets = Worksheet.objects.bulk_create([
        Worksheet(round=rnd, unit=u, status=states[i],
                  submitted_at=None if states[i] == "draft" else now - timezone.timedelta(days=3))
        for i, u in enumerate(units)])

    User = get_user_model()
    hashed = make_password(PASSWORD)  # one hash for every account: hashing 1,000 passwords takes minutes
    admin = User.objects.create(username="beban.admin", password=hashed, first_name="Admin", last_name="Beban")
    people = User.objects.bulk_create(
        [User(username=f"op.{i:04d}", password=hashed, first_name="Operator", last_name=f"{i:04d}") for i in range(n_units)]
        + [User(username=f"kepala.{i:04d}", password=hashed, first_name="Kepala", last_name=f"{i:04d}")
           for i in range(n_units)]
        + [User(username=f"tpi.{i:02d}", password=hashed, first_name="TPI", last_name=f"{i:02d}") for i in range(10)])
    ops, heads, tpis = people[:n_units], people[n_units:2 * n_units], people[2 * n_units:]
    Membership.objects.bulk_create(
        [Membership(user=admin, instansi=inst, role="admin")]
        + [Membership(user=u, instansi=inst, role="operator", unit=unit) for u, unit in zip(ops, units, strict=True)]
        + [Membership(user=u, instansi=inst, role="kepala", unit=unit) for u, unit in zip(heads, units, strict=True)]
        + [Membership(user=u, instansi=inst, role="tpi") for u in tpis])
    world = World(round=rnd, admin=admin, units=units, sheets=sheets)
    reviewed = [ws for ws in sheets if ws.status != "draft"]
    Through = Worksheet.reviewers.through
    Through.objects.bulk_create([Through(worksheet_id=ws.pk, user_id=tpis[i % len(tpis)].pk)
                                 for i, ws in enumerate(reviewed)])
    for i, ws in enumerate(sheets):
        world.by_status.setdefault(ws.status, []).append(ws)
        world.operators[ws.pk], world.kepala[ws.pk] = ops[i], heads[i]
    for i, ws in enumerate(reviewed):
        world.tpi.setdefault(tpis[i % len(tpis)], []).append(ws.pk)

    stored_pdf = default_storage.save("beban-uji/SK_Tim_ZI.pdf", ContentFile(PDF))
    for i, ws in enumerate(sheets):
        reviewed_here = ws.status in ("in_review", "returned", "approved")
        operator = ops[i]
        rows = []
        for q in questions:
            option, number = _value(q, rng, letters[q.pk])
            a = Answer(worksheet=ws, question=q, revision=1, unit_option=option, unit_number=number,
                       unit_explanation="Telah dilaksanakan; SK dan laporan terlampir.", updated_by=operator,
                       updated_at=now, unit_updated_at=now)
            if reviewed_here and not q.formula:
                a.tpi_option, a.tpi_number = option, number
                if rng.random() < 0.1:  # the TPI disagrees now and then
                    a.tpi_option = (letters[q.pk][1:2] or [option])[0] if letters[q.pk] else option
                    a.tpi_note = "Bukti dukung belum lengkap untuk semester II."
                    a.needs_revision = ws.status == "returned"
            rows.append(a)
        Answer.objects.bulk_create(rows, batch_size=500)
    # Each unit's library: the SK as a file and its shared folder as a link, attached where evidence is due.
    docs = {}
    for ws in sheets:
        docs[ws.unit_id] = (Document(unit_id=ws.unit_id, kind="file", title="SK_Tim_ZI.pdf", period_year=rnd.year),
                            Document(unit_id=ws.unit_id, kind="link", title="Folder bukti dukung",
                                     url="https://drive.pemda.go.id/zi/bukti", period_year=rnd.year))
    Document.objects.bulk_create([d for pair in docs.values() for d in pair], batch_size=2000)
    versions = DocumentVersion.objects.bulk_create(
        [DocumentVersion(document=f, number=1, file=stored_pdf, original_name="SK_Tim_ZI.pdf",
                         content_type="application/pdf", size=len(PDF),
                         sha256=hashlib.sha256(PDF).hexdigest()) for f, _link in docs.values()], batch_size=2000)
    for v in versions:
        v.document.current = v
    Document.objects.bulk_update([v.document for v in versions], ["current"], batch_size=2000)
    evidence = []
    for j, (a, unit_id) in enumerate(
            Answer.objects.filter(worksheet__round=rnd, question__evidence_required=True)
            .values_list("pk", "worksheet__unit_id").iterator(chunk_size=5000)):
        file, link = docs[unit_id]
        evidence.append(Evidence(answer_id=a, document=file, version=file.current) if j % 10 == 0
                        else Evidence(answer_id=a, document=link))
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    _programme(world, units, ops, heads, rnd.year, now, rng)
    ids = [ws.pk for ws in sheets]
    for k in range(0, len(ids), 200):
        score_store.refresh(ids[k:k + 200])
    if connection.vendor == "postgresql":  # what autovacuum would soon do after so many inserts: done now,
        with connection.cursor() as cursor:  # not half-way through the measurements that follow
            cursor.execute("VACUUM ANALYZE")
    return world


def _programme(world, units, ops, heads, year, now, rng):
    """Each unit's ZI programme: declared, a tim kerja SK, six actions in the six areas (some done,
    some overdue), and the first two quarters reported (most signed off)."""
    from django.utils import timezone

    from programme.models import Action, Pencanangan, Progress, QuarterReport, TeamDecree, TeamMember

    today = timezone.localdate(now)
    Pencanangan.objects.bulk_create([Pencanangan(unit=u, date=today.replace(year=year - 1, month=3, day=17),
                                                 declared_by="Gubernur") for u in units[: len(units) * 9 // 10]])
    decrees = TeamDecree.objects.bulk_create([TeamDecree(unit=u, number=f"800/{i}/{year}",
                                                         date=today.replace(month=1, day=10))
                                              for i, u in enumerate(units)], batch_size=2000)
    TeamMember.objects.bulk_create([TeamMember(decree=d, name=f"Anggota {k}", role="anggota", since=d.date)
                                    for d in decrees for k in range(5)], batch_size=5000)
    statuses = ["done", "running", "planned"]
    actions = Action.objects.bulk_create([
        Action(unit=u, year=year, area_code=area, description=f"Kegiatan area {area}", target="Target terukur",
               pic=ops[i], due=today.replace(month=3 + 2 * k if k < 5 else 12, day=28),
               status=statuses[(i + k) % 3]) for i, u in enumerate(units)
        for k, area in enumerate(["I", "II", "III", "IV", "V", "VI"])], batch_size=5000)
    by_unit = {}
    for a in actions:
        by_unit.setdefault(a.unit_id, []).append(a)
    reports = QuarterReport.objects.bulk_create([
        QuarterReport(unit=u, year=year, quarter=q, signed_off_by=heads[i] if rng.random() < 0.8 else None,
                      signed_off_at=now if q == 1 or rng.random() < 0.7 else None)
        for i, u in enumerate(units) for q in (1, 2)], batch_size=5000)
    Progress.objects.bulk_create([Progress(report=r, action=a, realisation=rng.randint(0, 100))
                                  for r in reports for a in by_unit[r.unit_id]], batch_size=5000)

