#!/usr/bin/env python
"""Speed and memory of the pages that grow with the data, at a chosen number of units.

    .venv/bin/python scripts/benchmark.py --units 500 --both     # SQLite and PostgreSQL, one table
    .venv/bin/python scripts/benchmark.py --units 12             # demo size, SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_bench .venv/bin/python scripts/benchmark.py

It builds its own institution with scripts/benchdata.py (500 units: 68,500 answers in mixed
states, TPI values, evidence rows) in a throw-away database — a temporary SQLite file, or with
``--both`` also a PostgreSQL database it creates and drops (PGHOST/PGPORT/PGUSER, default
127.0.0.1:5432 postgres); a DATABASE_URL you give is flushed. Each page is requested through
Django's test client with DEBUG off, as the person who uses it: the median and 95th percentile of
``--repeat`` requests, the number of queries of one request, and the peak Python memory allocated
during one request (tracemalloc, in a separate request: tracing slows the code it measures). The
dashboard is compared with the raw SQL that reads the same numbers from the stored scores.
Figures are recorded in README.md ("Performance").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def configure():
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/zi-benchmark.sqlite3")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x7Q" * 12)
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("EVIDENCE_ROOT", tempfile.mkdtemp(prefix="zi-bench-evidence-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
    os.environ["ENV_FILE"] = "/nonexistent/.env"  # a developer's .env must not change what is measured
    os.environ["ALLOWED_HOSTS"] = "testserver"
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


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
RAW_COUNTS = """
SELECT w.status, COALESCE(ts.verdict, us.verdict), COUNT(*)
FROM evaluations_worksheet w
LEFT JOIN evaluations_worksheetscore us ON us.worksheet_id = w.id AND us.value_set = 'unit'
LEFT JOIN evaluations_worksheetscore ts ON ts.worksheet_id = w.id AND ts.value_set = 'tpi'
WHERE w.round_id = %s GROUP BY 1, 2
"""


def raw(sql, params, repeat):
    from django.db import connection

    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(client, key, label, method, url, data=None, repeat=10, headers=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}

    def once(i):
        payload = data(i) if callable(data) else data
        response = client.get(url, **headers) if method == "GET" else client.post(url, payload, **headers)
        assert response.status_code in (200, 302), (label, response.status_code, url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response

    once(0)  # warm: templates compiled, caches filled, as on a running server
    timings = []
    for i in range(1, repeat + 1):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            once(i)
        timings.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)  # now: the next request empties connection.queries
    tracemalloc.start()
    once(repeat + 1)
    peak = tracemalloc.get_traced_memory()[1] / 1_048_576
    tracemalloc.stop()
    return {"key": key, "page": label, "median_ms": statistics.median(timings), "p95_ms": p95(timings),
            "queries": queries, "peak_mb": peak, "runs": repeat}


def measure_generated_build(key, label, model, build_task, fields, repeat=3):
    """A workbook as the background worker builds it (the task's own code, in this process)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once():
        export = model.objects.create(**fields)
        build_task.call(export.pk)
        assert model.objects.get(pk=export.pk).status == "done"

    once()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            once()
        timings.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    once()
    peak = tracemalloc.get_traced_memory()[1] / 1_048_576
    tracemalloc.stop()
    return {"key": key, "page": label, "median_ms": statistics.median(timings), "p95_ms": p95(timings),
            "queries": len(ctx.captured_queries), "peak_mb": peak, "runs": repeat}


def survey_with_responses(rnd, unit, admin, n):
    """One unit's open SPAK/SPKP survey with ``n`` responses over four services (inserted in bulk,
    signed as the public page signs them), some flagged, one excluded."""
    import random

    from django.utils import timezone

    from surveys import selectors as survey_selectors
    from surveys import services as survey_services
    from surveys.instruments import load_national
    from surveys.models import Aspect, Exclusion, Instrument, Item, Response, ResponseAnswer

    load_national(Instrument, Aspect, Item)  # (benchdata starts with a flush: the migration's rows are gone)
    today = timezone.localdate()
    period = survey_services.period_create(user=admin, unit=unit, round_=rnd, opens_on=today, closes_on=today,
                                           services=["KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Surat Pindah"])
    period = survey_services.period_open(user=admin, period=period)
    services_ = list(period.services.all())
    items = list(survey_selectors.item_ranges(period))
    rng = random.Random(7)
    responses, values = [], []
    for i in range(n):
        answers = {pk: rng.choice((2, 3, 3, 4, 4)) for pk in items}
        receipt = f"{i:010X}"
        service = services_[i % 3]  # the fourth service has none (the page warns)
        responses.append(Response(period=period, service=service, receipt=receipt, client=f"{i:064x}",
                                  flags="cepat" if i % 50 == 0 else "",
                                  digest=survey_services.digest(period.pk, service.pk, receipt, answers)))
        values.append(answers)
    made = Response.objects.bulk_create(responses, batch_size=1000)
    ResponseAnswer.objects.bulk_create([ResponseAnswer(response=r, item_id=k, value=v)
                                        for r, answers in zip(made, values, strict=True)
                                        for k, v in answers.items()], batch_size=5000)
    Exclusion.objects.create(response=made[0], reason="Diisi petugas (benchmark)", by=admin)
    return period


def run(n_units, repeat):
    configure()
    from benchdata import build
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from evaluations import score_store
    from evaluations.models import Answer, Document, Evidence, Question, Worksheet, WorksheetScore

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    world = build(n_units)
    build_s = time.perf_counter() - t0
    rnd = world.round
    draft = world.by_status["draft"][0]
    reviewing = world.by_status["in_review"][0]
    tpi_user = next(user for user, ids in world.tpi.items() if reviewing.pk in ids)
    operator, admin = Client(), Client()
    operator.force_login(world.operators[draft.pk])
    admin.force_login(world.admin)
    tpi = Client()
    tpi.force_login(tpi_user)
    question = Question.objects.get(version=rnd.version, key="V.pemenuhan.i.a")
    htmx = {"HTTP_HX_REQUEST": "true"}

    def save_data(i):
        revision = Answer.objects.get(worksheet=draft, question=question).revision
        return {"option": "ABC"[i % 3], "explanation": f"Revisi {i}", "revision": revision}

    def review_data(i):
        answer = Answer.objects.get(worksheet=reviewing, question=question)
        return {"option": "AB"[i % 2], "note": f"Catatan {i}", "revision": answer.revision}

    spare = [Document.objects.create(unit_id=draft.unit_id, kind="link", title=f"Tautan {i}",
                                     url=f"https://drive.pemda.go.id/zi/tambahan/{i}") for i in range(repeat + 2)]

    def attach_data(i):
        return {"document": spare[i].pk}

    survey = survey_with_responses(rnd, draft.unit, world.admin, 5000)
    dashboard = reverse("evaluations:round_detail", args=[rnd.pk])
    pages = [
        (operator, "overview", "Kertas kerja: ringkasan unit", "GET", draft.get_absolute_url(), None, None),
        (operator, "area", "Kertas kerja: area terbesar (V, 35 pertanyaan)", "GET",
         reverse("evaluations:area_detail", args=[draft.pk, "V"]), None, None),
        (operator, "save", "Simpan satu jawaban (htmx, nilai tersimpan diperbarui)", "POST",
         reverse("evaluations:answer_save", args=[draft.pk, question.pk]), save_data, htmx),
        (operator, "attach", "Lampirkan dokumen dari pustaka (htmx, kartu diperbarui)", "POST",
         reverse("evaluations:evidence_attach", args=[draft.pk, question.pk]), attach_data, htmx),
        (operator, "library", "Pustaka bukti dukung unit", "GET",
         reverse("evaluations:library_list", args=[draft.unit_id]), None, None),
        (operator, "programme_unit", "Pembangunan ZI satu unit (rencana aksi, kekurangan LKE)", "GET",
         reverse("programme:unit", args=[draft.unit_id]), None, None),
        (tpi, "queue", "Antrean reviu TPI", "GET", reverse("evaluations:review_queue"), None, None),
        (tpi, "review", "Lembar reviu TPI: area V", "GET",
         reverse("evaluations:review_area", args=[reviewing.pk, "V"]), None, None),
        (tpi, "review_save", "Simpan satu nilai TPI (htmx)", "POST",
         reverse("evaluations:review_answer_save", args=[reviewing.pk, question.pk]), review_data, htmx),
        (admin, "dashboard", "Dasbor periode (50 baris per halaman)", "GET", dashboard, None, None),
        (admin, "dashboard_all", f"Dasbor periode (semua {n_units} baris)", "GET", dashboard + "?per=semua",
         None, None),
        (admin, "dashboard_filter", "Dasbor: saring Siap WBK, urut nilai TPI", "GET",
         dashboard + "?kesiapan=wbk&sort=tpi_total&dir=desc", None, None),
        (admin, "programme_progress", f"Kemajuan pembangunan ZI semua unit (50 per halaman, dari {n_units})", "GET",
         reverse("programme:progress", args=[rnd.instansi_id]) + f"?tahun={rnd.year}&urut=realisasi&arah=turun",
         None, None),
        (admin, "plan_request", "Minta Excel rencana aksi (antre untuk worker)", "POST",
         reverse("programme:progress_export", args=[rnd.instansi_id]) + f"?tahun={rnd.year}", {}, None),
        (admin, "survey_results", "Hasil survei SPAK/SPKP satu unit (5.000 jawaban)", "GET",
         reverse("surveys:results", args=[survey.pk]), None, None),
        (admin, "survey_export", "Ekspor jawaban survei dan perhitungan (Excel, 5.000 jawaban)", "GET",
         reverse("surveys:results_export", args=[survey.pk]), None, None),
        (admin, "summary", "Ringkasan periode (sebaran, rata-rata area)", "GET",
         reverse("evaluations:round_summary", args=[rnd.pk]), None, None),
        (admin, "scorecard", "Kartu nilai satu unit", "GET",
         reverse("evaluations:worksheet_scorecard", args=[reviewing.pk]), None, None),
        (admin, "recap_request", "Minta rekap Excel (antre untuk worker)", "POST",
         reverse("evaluations:export_recap", args=[rnd.pk]), {}, None),
        (admin, "lke", "Ekspor LKE satu unit (Excel)", "GET",
         reverse("evaluations:export_lke", args=[reviewing.pk]), None, None),
        (admin, "proposal_round", f"Usulan: unit yang dapat diusulkan dan kawasan (dari {n_units})", "GET",
         reverse("proposals:round", args=[rnd.pk]), None, None),
        (admin, "lhe", "LHE TPI satu unit (Word)", "GET", reverse("proposals:lhe", args=[reviewing.pk]), None, None),
        (admin, "predicate_unit", "Predikat dan riwayat satu unit (dari periode ke periode)", "GET",
         reverse("proposals:unit", args=[reviewing.unit_id]), None, None),
    ]
    results = []
    for client, key, label, method, url, data, headers in pages:
        results.append(measure(client, key, label, method, url, data, repeat, headers))
    from evaluations import tasks as evaluation_tasks
    from evaluations.models import RecapExport
    from programme import tasks as programme_tasks
    from programme.models import PlanExport
    results.append(measure_generated_build("recap", f"Rekap Excel periode ({n_units} unit), dibuat worker", RecapExport,
                                           evaluation_tasks.build_recap, {"round": rnd, "requested_by": world.admin}))
    results.append(measure_generated_build(
        "plan_export", f"Excel rencana aksi dan realisasi ({n_units} unit), dibuat worker", PlanExport,
        programme_tasks.build_plan_export, {"instansi_id": rnd.instansi_id, "year": rnd.year,
                                            "requested_by": world.admin}))
    ids = list(Worksheet.objects.filter(round=rnd).values_list("pk", flat=True))
    start = time.perf_counter()
    for k in range(0, len(ids), 250):
        score_store.refresh(ids[k:k + 250])
    refresh_s = time.perf_counter() - start  # nothing changed: computed and compared, nothing written
    WorksheetScore.objects.filter(worksheet__round=rnd).delete()
    start = time.perf_counter()
    for k in range(0, len(ids), 250):
        score_store.refresh(ids[k:k + 250])
    rewrite_s = time.perf_counter() - start  # every row written again
    workers_s = {str(n): rescore_with_workers(rnd, n) for n in (1, 2)}  # str: the runs pass through JSON
    carry = measure_carry_over(world, repeat=3)
    raw_rows = raw(RAW_DASHBOARD, [rnd.pk], repeat)
    raw_counts = raw(RAW_COUNTS, [rnd.pk], repeat)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        db_version = cursor.fetchone()[0].split(" on ")[0]
    return {"engine": connection.vendor, "db_version": db_version, "units": n_units,
            "answers": Answer.objects.filter(worksheet__round=rnd).count(),  # not the carry-over's next round
            "evidence": Evidence.objects.filter(answer__worksheet__round=rnd).count(),
            "states": {k: len(v) for k, v in world.by_status.items()}, "build_s": build_s, "debug": settings.DEBUG,
            "results": results, "raw_rows_ms": raw_rows, "raw_counts_ms": raw_counts, "refresh_s": refresh_s,
            "rewrite_s": rewrite_s, "workers_s": workers_s, "carry": carry,
            "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure_carry_over(world, repeat=3):
    """Start from last year: a next round (same LKE) with an empty worksheet per unit; one unit
    started on its own (the service the button calls, undone between runs), then every unit of the
    round as the background task does it (in this process: one worker's time)."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from evaluations import carry_over, tasks
    from evaluations.models import CarryOver, Round, Worksheet, WorksheetEvent

    rnd = world.round
    following = Round.objects.create(instansi=rnd.instansi, year=rnd.year + 1, name=f"Evaluasi ZI {rnd.year + 1}",
                                     version=rnd.version, status=Round.Status.OPEN,
                                     fill_deadline=timezone.now() + timedelta(days=60))
    sheets = Worksheet.objects.bulk_create([Worksheet(round=following, unit_id=u) for u in
                                            Worksheet.objects.filter(round=rnd).values_list("unit_id", flat=True)])
    source = world.by_status["approved"][0]
    ws = next(w for w in sheets if w.unit_id == source.unit_id)
    operator = world.operators.get(source.pk) or next(iter(world.operators.values()))
    timings, queries, carried = [], 0, 0
    for _ in range(repeat + 1):
        ws.answers.all().delete()
        WorksheetEvent.objects.filter(worksheet=ws).delete()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            result = carry_over.carry(worksheet=carry_over.services._locked_worksheet(ws.pk), source=source,
                                      user=operator)
        timings.append((time.perf_counter() - start) * 1000)
        queries, carried = len(ctx.captured_queries), result.answers + result.evidence
    ws.answers.all().delete()
    WorksheetEvent.objects.filter(worksheet=ws).delete()
    job = CarryOver.objects.create(round=following, requested_by=world.admin)
    start = time.perf_counter()
    tasks.carry_over_round.call(job.pk)
    round_s = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == "done" and job.started_units == len(sheets), (job.status, job.started_units)
    return {"one_ms": statistics.median(timings[1:]), "one_queries": queries, "one_rows": carried,
            "round_s": round_s, "round_units": job.started_units}


def rescore_with_workers(rnd, n_workers):
    """Wall time for ``n_workers`` real worker processes to recompute every stored score of the
    round through the queue (shares of 250, as after a rule change), every row written again."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from evaluations import tasks
    from evaluations.models import Worksheet, WorksheetScore

    WorksheetScore.objects.filter(worksheet__round=rnd).delete()
    # Only the rescore is measured: the recap the page measurements asked for would otherwise be
    # built first by the first worker started here (at 5,000 units 15 s of its time).
    DBTaskResult.objects.ready().delete()
    tasks._in_shares(Worksheet.objects.filter(round=rnd))
    connections.close_all()
    start = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "worker", "--batch", "--no-reload",
                                 "--no-startup-delay", "--interval", "0.1"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(n_workers)]
    for w in workers:
        w.wait(timeout=3600)
    elapsed = time.perf_counter() - start
    missing = Worksheet.objects.filter(round=rnd, scores__isnull=True).count()
    assert missing == 0 and all(w.returncode == 0 for w in workers), (missing, [w.returncode for w in workers])
    return elapsed


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    import django

    return (f"{cpu}, {os.cpu_count()} cores, {mem_kb / 1_048_576:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, Django {django.get_version()}")


def fmt_ms(ms):
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


def table(runs):
    engines = [r["engine"] for r in runs]
    head = "| page | " + " | ".join(f"{e}: median / p95" for e in engines) + " | queries | peak Python MB |"
    lines = [head, "|" + " --- |" * (len(runs) + 3)]
    for i, first in enumerate(runs[0]["results"]):
        cells = [f"{fmt_ms(r['results'][i]['median_ms'])} / {fmt_ms(r['results'][i]['p95_ms'])}" for r in runs]
        queries = " / ".join(dict.fromkeys(str(r["results"][i]["queries"]) for r in runs))
        peak = " / ".join(f"{r['results'][i]['peak_mb']:.1f}" for r in runs)
        lines.append(f"| {first['page']} | " + " | ".join(cells) + f" | {queries} | {peak} |")
    for label, key in [("*raw SQL: every dashboard row from the stored scores*", "raw_rows_ms"),
                       ("*raw SQL: counts by status and readiness*", "raw_counts_ms")]:
        lines.append(f"| {label} | " + " | ".join(fmt_ms(r[key]) for r in runs) + " | 1 | |")
    dash = [next(x for x in r["results"] if x["key"] == "dashboard_all")["median_ms"] / r["raw_rows_ms"] for r in runs]
    paged = [next(x for x in r["results"] if x["key"] == "dashboard")["median_ms"] / r["raw_counts_ms"] for r in runs]
    lines.append("| dashboard (all rows) ÷ raw SQL of the same rows | " + " | ".join(f"{d:.0f}×" for d in dash)
                 + " | | |")
    lines.append("| dashboard (50 rows + counts) ÷ raw SQL of the counts | " + " | ".join(f"{d:.0f}×" for d in paged)
                 + " | | |")
    lines.append("| recomputing every stored score of the round, one process: nothing changed | " + " | ".join(
        f"{r['refresh_s']:.1f} s" for r in runs) + " | | |")
    lines.append("| … one process, every score written again | " + " | ".join(
        f"{r['rewrite_s']:.1f} s" for r in runs) + " | | |")
    for n in (1, 2):
        lines.append(f"| … queued in shares of 250, {n} worker process{'es' if n > 1 else ''} "
                     "(`manage.py worker`), every score written again | " + " | ".join(
                         f"{r['workers_s'][str(n)]:.1f} s" for r in runs) + " | | |")
    lines.append("| start one unit from last year (answers and attachments carried, scores stored) | " + " | ".join(
        f"{fmt_ms(r['carry']['one_ms'])} ({r['carry']['one_rows']} rows)" for r in runs)
        + f" | {runs[0]['carry']['one_queries']} | |")
    lines.append("| … every unit of the next round, as the background task does it (one worker) | " + " | ".join(
        f"{r['carry']['round_s']:.1f} s ({r['carry']['round_units']} units)" for r in runs) + " | | |")
    lines.append("| peak memory of the benchmark process (RSS) | " + " | ".join(
        f"{r['process_peak_mb']:.0f} MB" for r in runs) + " | | |")
    return "\n".join(lines)


def pg_database():
    host, port, user = (os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432"),
                        os.environ.get("PGUSER", "postgres"))
    name = f"zi_bench_{int(time.time())}_{os.getpid()}"
    return name, f"postgres://{user}@{host}:{port}/{name}", ["psql", "-h", host, "-p", port, "-U", user, "-q",
                                                             "-d", "postgres", "-c"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10, help="requests per page (the recap: 3)")
    parser.add_argument("--both", action="store_true", help="SQLite and a temporary PostgreSQL database")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print("BENCH" + json.dumps(run(args.units, args.repeat)))
        return
    runs = []
    targets = [None]
    if args.both:
        name, url, psql = pg_database()
        subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)
        targets = [f"sqlite:///{tempfile.gettempdir()}/zi-benchmark-{os.getpid()}.sqlite3", url]
    try:
        for target in targets:
            env = dict(os.environ)
            if target:
                env["DATABASE_URL"] = target
            out = subprocess.run([sys.executable, __file__, "--units", str(args.units), "--repeat", str(args.repeat),
                                  "--json"], env=env, capture_output=True, text=True)
            if out.returncode:
                sys.exit(out.stdout + out.stderr)
            runs.append(json.loads(out.stdout.split("BENCH", 1)[1]))
    finally:
        if args.both:
            subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}"'], check=False)
            Path(targets[0].removeprefix("sqlite:///")).unlink(missing_ok=True)
    first = runs[0]
    print(f"\nZI Tracker benchmark, {time.strftime('%Y-%m-%d')}: {first['units']} units, {first['answers']:,} answers, "
          f"{first['evidence']:,} evidence rows, states {first['states']}, DEBUG={first['debug']}")
    print("Machine: " + machine())
    print("Databases: " + "; ".join(f"{r['engine']} {r['db_version']} (data built in {r['build_s']:.0f} s)"
                                    for r in runs) + "\n")
    print(table(runs))


if __name__ == "__main__":
    main()
