#!/usr/bin/env python
"""Speed and memory of the pages that grow with the data, at a chosen number of units.

    .venv/bin/python scripts/benchmark.py --units 12          # demo size
    .venv/bin/python scripts/benchmark.py --units 500         # a large province
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_bench .venv/bin/python scripts/benchmark.py --units 500

It builds its own database (a throw-away SQLite file unless DATABASE_URL is given — that
database is flushed), fills every unit's worksheet completely (answers, TPI values, evidence
links), then times each page through Django's test client: the median and the slowest of
``--repeat`` requests, the number of queries of one request, and the process's peak memory.
Figures are recorded in README.md ("Kinerja").
"""

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure():
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/zi-benchmark.sqlite3")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 30)
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("EVIDENCE_ROOT", tempfile.mkdtemp(prefix="zi-bench-evidence-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def build(n_units):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from evaluations.models import Answer, Evidence, Question, Round, TemplateVersion, Worksheet
    from units.models import Instansi, Membership, Unit

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_lke", verbosity=0)
    version = TemplateVersion.objects.get(code="lke-zi-90-2021")
    questions = list(Question.objects.filter(version=version))
    inst = Instansi.objects.create(name="Pemerintah Provinsi Benchmark", kind="provinsi")
    units = Unit.objects.bulk_create([Unit(instansi=inst, name=f"Unit {i:04d}", kind="dinas") for i in range(n_units)])
    rnd = Round.objects.create(instansi=inst, year=2026, name="Evaluasi ZI 2026", version=version, status="open",
                               fill_deadline=timezone.now() + timezone.timedelta(days=30))
    sheets = Worksheet.objects.bulk_create([Worksheet(round=rnd, unit=u, status="submitted") for u in units])
    User = get_user_model()
    admin = User.objects.create_user("bench.admin", password="x")
    operator = User.objects.create_user("bench.operator", password="x")
    Membership.objects.create(user=admin, instansi=inst, role="admin")
    Membership.objects.create(user=operator, instansi=inst, role="operator", unit=units[0])
    options = {"ya_tidak": ["Ya", "Tidak"], "ab": ["A", "B"], "abc": list("ABC"), "abcd": list("ABCD"),
               "abcde": list("ABCDE")}
    rng = random.Random(1)
    for ws in sheets:
        rows = []
        for q in questions:
            a = Answer(worksheet=ws, question=q, revision=1, unit_explanation="Telah dilaksanakan sesuai SK.")
            if q.answer_type in options:
                a.unit_option = a.tpi_option = rng.choice(options[q.answer_type][:2])
            elif q.answer_type == "jumlah":
                a.unit_number = a.tpi_number = Decimal(rng.randint(5, 50))
            elif q.answer_type == "indeks":
                a.unit_number = a.tpi_number = Decimal("3.5")
            elif not q.formula:
                a.unit_number = a.tpi_number = Decimal("80")
            rows.append(a)
        Answer.objects.bulk_create(rows, batch_size=500)
    Worksheet.objects.filter(pk=sheets[0].pk).update(status="draft")
    evidence = [Evidence(answer=a, kind="link", url="https://drive.pemda.go.id/bukti")
                for a in Answer.objects.filter(question__evidence_required=True).only("pk")]
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    return rnd, sheets[0], admin, operator


def refresh_all(rnd):
    from evaluations import score_store
    from evaluations.models import Worksheet

    ids = list(Worksheet.objects.filter(round=rnd).values_list("pk", flat=True))
    start = time.perf_counter()
    for i in range(0, len(ids), 200):
        score_store.refresh(ids[i:i + 200])
    return time.perf_counter() - start


RAW_DASHBOARD = """
SELECT w.id, u.name, w.status, us.answered, us.inputs, us.total, ts.total,
       COALESCE(ts.pengungkit, us.pengungkit), COALESCE(ts.hasil, us.hasil), COALESCE(ts.verdict, us.verdict),
       COALESCE(ts.gaps, us.gaps)
FROM evaluations_worksheet w
JOIN units_unit u ON u.id = w.unit_id
LEFT JOIN evaluations_worksheetscore us ON us.worksheet_id = w.id AND us.value_set = 'unit'
LEFT JOIN evaluations_worksheetscore ts ON ts.worksheet_id = w.id AND ts.value_set = 'tpi'
WHERE w.round_id = %s
ORDER BY u.name
"""
RAW_AREA_AVERAGES = """
SELECT a.area_code, AVG(a.value) FROM evaluations_areascore a
JOIN evaluations_worksheetscore s ON s.id = a.score_id
JOIN evaluations_worksheet w ON w.id = s.worksheet_id
WHERE w.round_id = %s AND (s.value_set = 'tpi' OR NOT EXISTS (
    SELECT 1 FROM evaluations_worksheetscore t WHERE t.worksheet_id = w.id AND t.value_set = 'tpi'))
GROUP BY a.area_code
"""


def raw(sql, params, repeat=10):
    from django.db import connection

    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def measure(client, label, method, url, data=None, repeat=10):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for i in range(repeat):
        payload = data(i) if callable(data) else data
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url) if method == "GET" else client.post(url, payload)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (label, response.status_code)
    return {"page": label, "median_ms": statistics.median(timings), "max_ms": max(timings),
            "queries": len(ctx.captured_queries)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    configure()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from evaluations.models import Answer, Question

    t0 = time.perf_counter()
    rnd, ws, admin, operator = build(args.units)
    build_s = time.perf_counter() - t0
    refresh_s = refresh_all(rnd)
    op, adm = Client(), Client()
    op.force_login(operator)
    adm.force_login(admin)
    question = Question.objects.get(key="V.pemenuhan.i.a")

    def save_data(i):
        revision = Answer.objects.get(worksheet=ws, question=question).revision
        return {"option": "ABC"[i % 3], "explanation": f"Revisi {i}", "revision": revision}

    results = [
        measure(op, "Kertas kerja: ringkasan unit", "GET", ws.get_absolute_url(), repeat=args.repeat),
        measure(op, "Kertas kerja: area terbesar (V, 35 pertanyaan)", "GET",
                reverse("evaluations:area_detail", args=[ws.pk, "V"]), repeat=args.repeat),
        measure(op, "Simpan satu jawaban (POST biasa)", "POST",
                reverse("evaluations:answer_save", args=[ws.pk, question.pk]), save_data, repeat=args.repeat),
        measure(adm, "Dasbor periode (50 baris per halaman)", "GET",
                reverse("evaluations:round_detail", args=[rnd.pk]), repeat=args.repeat),
        measure(adm, f"Dasbor periode (semua {args.units} baris)", "GET",
                reverse("evaluations:round_detail", args=[rnd.pk]) + "?per=semua", repeat=args.repeat),
        measure(adm, "Dasbor: saring Siap WBK, urut nilai TPI", "GET",
                reverse("evaluations:round_detail", args=[rnd.pk]) + "?kesiapan=wbk&sort=tpi_total&dir=desc",
                repeat=args.repeat),
        measure(adm, "Ringkasan periode (sebaran, rata-rata area)", "GET",
                reverse("evaluations:round_summary", args=[rnd.pk]), repeat=args.repeat),
        measure(op, "Kartu nilai satu unit", "GET",
                reverse("evaluations:worksheet_scorecard", args=[ws.pk]), repeat=args.repeat),
    ]
    import tracemalloc

    recap_url = reverse("evaluations:export_recap", args=[rnd.pk])
    results.append(measure(adm, f"Rekap Excel periode ({args.units} unit)", "GET", recap_url, repeat=3))
    tracemalloc.start()  # a separate run: tracing slows allocation-heavy code several times
    adm.get(recap_url)
    recap_peak_mb = tracemalloc.get_traced_memory()[1] / 1_048_576
    tracemalloc.stop()
    results.append(measure(op, "Ekspor LKE satu unit (Excel)", "GET",
                           reverse("evaluations:export_lke", args=[ws.pk]), repeat=args.repeat))
    raw_dashboard = raw(RAW_DASHBOARD, [rnd.pk])
    raw_areas = raw(RAW_AREA_AVERAGES, [rnd.pk])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine = connection.vendor
    print(f"\nZI Tracker benchmark — {args.units} units, {Answer.objects.count():,} answers, {engine}, "
          f"data built in {build_s:.1f} s, DEBUG={settings.DEBUG}")
    print(f"{'page':<56}{'median ms':>10}{'max ms':>10}{'queries':>9}")
    for r in results:
        print(f"{r['page']:<56}{r['median_ms']:>10.1f}{r['max_ms']:>10.1f}{r['queries']:>9}")
    print(f"raw SQL, every dashboard row ({args.units}) from stored scores: {raw_dashboard:.1f} ms")
    print(f"raw SQL, average of each area across units: {raw_areas:.1f} ms")
    print(f"recomputing every stored score of the round: {refresh_s:.1f} s")
    print(f"peak Python memory allocated while building the recap workbook: {recap_peak_mb:.0f} MB")
    print(f"peak memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
