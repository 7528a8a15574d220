#!/usr/bin/env python
"""Survey load test: many anonymous respondents sending the public survey form at once through gunicorn +
PostgreSQL on loopback, then proof that every acknowledged response is counted exactly once.

    .venv/bin/python scripts/loadtest_surveys.py                 # 200 respondents, 60 s: the README's figure
    .venv/bin/python scripts/loadtest_surveys.py --think 1-3     # stress: each "respondent" 10-30× too fast
    .venv/bin/python scripts/loadtest_surveys.py --respondents 20 --duration 10 --keep-db   # quick, keep the data

Needs a PostgreSQL server on 127.0.0.1:5432 reachable as user ``postgres`` without a password
(override with ``--pg-url``). Built on ``scripts/loadtest.py`` (its database, gunicorn and timed-browser
helpers). What it does, start to finish:

1. Creates a throw-away database ``zi_load_<timestamp>``, migrates it, collects the static files and fills
   it with ``scripts/benchdata.py`` (``--units`` units, 5 by default: the survey needs one), loads the
   national SPAK/SPKP instruments again (benchdata starts with a flush) and, as the instansi's admin,
   creates ONE survey period through ``surveys.services.period_create`` for the first unit and the open
   round, with four service types, and opens it (``period_open``). Settings are production's, from the
   environment alone (a developer's ``.env`` is ignored); the survey limits are the defaults
   (SURVEY_RATE_LIMIT, SURVEY_RATE_FLAG and SURVEY_MIN_SECONDS are not passed on from the caller).
2. Starts gunicorn in production mode (``zi_tracker/gunicorn.conf.py``, DEBUG off) on a free loopback port
   with ``TRUSTED_PROXIES=127.0.0.1``: this script stands in for nginx and tells the server each
   respondent's address in ``X-Forwarded-For``, so the per-address rate limit works as in production.
   Three rounds of workers × threads form GETs at once warm it up first, not counted (each worker imports
   the views and compiles the templates on its first requests: once after a start, not in a running server).
3. Runs ``--respondents`` virtual respondents (threads, stdlib only), all starting within ``--ramp``
   seconds, for ``--duration`` seconds. Each loops: a new phone (an empty cookie jar) on the next address
   of its own pool (respondent n owns 10.n/256.n%256.1–254, in shuffled order: an address sends once per
   254 responses, far under the limit), GET ``/s/<token>/`` (the form: CSRF token, the signed ``t``, the
   service and item radios), a think time (``--think``, 20–60 s uniform: reading and answering 14
   questions; 20 s is the fill time under which the app flags a response), POST every item (random among the
   values the form offers, 1–4), a random service, the CSRF token, ``t`` and the empty honeypot; the answer
   must be a 302 to ``/s/<token>/terima-kasih/`` with the receipt (10 upper-case hex digits) in its signed
   cookie ``zi_tanda_terima`` (never in the address: access logs keep addresses): that response is
   *acknowledged*. Anything else — another status, a timeout (30 s), a connection error — is an error.
   GET and POST are timed separately. A form still open at the deadline is not sent (counted as
   abandoned); a POST under way at the deadline is waited for (at most 30 s: the run is bounded).
4. Stops gunicorn, then checks the database: every acknowledged receipt is in ``surveys_response`` for the
   period exactly once, with the service, the values and the (hashed) address that were sent and a valid
   digest; no two POSTs got the same receipt; the number of responses stored equals the number
   acknowledged — a stored response nobody acknowledged is "phantom", unless it matches a POST that got no
   answer (a timeout, or cut at the end), which is reported separately; and
   ``surveys.selectors.results(period).respondents`` (and ``received``) equals that count.
5. Prints a Markdown table (per request kind: count, p50/p95/p99/max latency, errors), the totals and
   throughput, the flags the survey gave (``cepat`` when ``--think`` is under SURVEY_MIN_SECONDS;
   flagged is still counted), the latency per 10 s, the CPU used and the machine; then
   **PASS** only with p95 < 300 ms for the GET and for the POST, zero errors, every acknowledged response
   exactly once (and no traceback in the server log), exit code 0 — otherwise FAIL, exit code 1. Drops the
   database (unless ``--keep-db``); the logs (``server.log``, ``access.log``) are kept when the run fails.

The thank-you page itself is not fetched (it is static apart from the receipt shown). Client, server and
PostgreSQL share the machine's cores: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import html
import math
import os
import random
import re
import resource
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from loadtest import (  # noqa: E402  (scripts/ is not a package)
    ATTR,
    INPUT,
    TIMEOUT,
    Browser,
    Record,
    Stats,
    clean_up,
    drive,
    free_port,
    log,
    machine,
    percentile,
    pg_admin,
    run,
    server_env,
    start_gunicorn,
    stop_gunicorn,
    table,
    timeline,
)

FORM, SUBMIT = "survey form GET", "survey submit POST"
BAR_MS = 300  # p95 of each kind must stay under this
RECEIPT = re.compile(r"^[0-9A-F]{10}$")
SERVICES = ["KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Surat Pindah"]  # a Disdukcapil's, as the demo's


# --------------------------------------------------------------------------------------------------
# What was sent and what was acknowledged
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    address: str
    service: int
    values: tuple  # ((item id, value), ...) sorted


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: list = field(default_factory=list)  # [(receipt, Sent)]
    unanswered: list = field(default_factory=list)  # [Sent]: no HTTP answer (timeout, connection error)
    under_way: dict = field(default_factory=dict)  # respondent → Sent of the POST it is waiting for
    refused: list = field(default_factory=list)  # [(status, Sent)]: answered, but not with the thank-you redirect
    sent: int = 0
    abandoned: int = 0  # forms still open at the deadline, never sent
    addresses: Counter = field(default_factory=Counter)  # address → POSTs sent from it

    def add(self, attr, item):
        with self.lock:
            getattr(self, attr).append(item)

    def snapshot(self) -> Ledger:
        """The ledger as it stands; a POST still under way (cut at the end of the drain) counts as unanswered."""
        with self.lock:
            return Ledger(acked=list(self.acked), unanswered=self.unanswered + list(self.under_way.values()),
                          refused=list(self.refused), sent=self.sent, abandoned=self.abandoned,
                          addresses=Counter(self.addresses))


def parse_form(page: str):
    """(hidden fields, service ids, {item field name: [values]}) of the survey form, or None."""
    hidden, radios = {}, {}
    for tag in INPUT.finditer(page):
        attrs = {k: html.unescape(v or "") for k, v in ATTR.findall(tag.group(1))}
        name, typ = attrs.get("name", ""), attrs.get("type", "text")
        if typ == "hidden":
            hidden[name] = attrs.get("value", "")
        elif typ == "radio":
            radios.setdefault(name, []).append(attrs.get("value", ""))
    services = radios.pop("service", [])
    items = {name: values for name, values in radios.items() if re.fullmatch(r"q\d+", name)}
    if not hidden.get("csrfmiddlewaretoken") or not hidden.get("t") or not services or not items:
        return None
    return hidden, services, items


class Respondent(threading.Thread):
    def __init__(self, number, base, path, stats, ledger, deadline, start_at, think, seed):
        super().__init__(name=f"r{number:03d}", daemon=True)
        self.base, self.path, self.stats, self.ledger = base, path, stats, ledger
        self.deadline, self.start_at, self.think = deadline, start_at, think
        self.rng = random.Random(seed)
        # This respondent's own addresses, one per phone in turn: a /24 of 10.0.0.0/8 (room for 65,536).
        self.addresses = [f"10.{number // 256 % 256}.{number % 256}.{h}" for h in range(1, 255)]
        self.rng.shuffle(self.addresses)

    def pause(self) -> bool:
        """Think before sending; False (and the form left unsent) when the deadline comes first."""
        pause = self.rng.uniform(*self.think)
        left = self.deadline - time.monotonic()
        time.sleep(max(0.0, min(pause, left)))
        return pause < left

    def run(self):
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        n = 0
        while time.monotonic() < self.deadline:
            address = self.addresses[n % len(self.addresses)]
            n += 1
            browser = Browser(self.base, self.stats, self.name)  # a new phone: no cookies
            try:
                if not self.respond(browser, address):
                    return
            except Exception as exc:  # a bug in this script must not pass for a quiet respondent
                browser.fail("script", f"{type(exc).__name__}: {exc}")
                return

    def respond(self, browser, address) -> bool:
        """One respondent from form to receipt; False when the deadline ended it."""
        headers = {"X-Forwarded-For": address}
        got = browser.request(FORM, self.path, headers=headers)
        form = parse_form(got[1]) if got and isinstance(got[1], str) else None
        if got and form is None:
            browser.fail(FORM, "no survey form (csrf token, t, service and item radios) on the page")
        if not self.pause():
            with self.ledger.lock:
                self.ledger.abandoned += form is not None
            return False
        if form is None:
            return True
        hidden, services, items = form
        service = self.rng.choice(services)
        values = {name: self.rng.choice(options) for name, options in items.items()}
        data = [("csrfmiddlewaretoken", hidden["csrfmiddlewaretoken"]), ("t", hidden["t"]), ("service", service),
                *values.items(), ("website", "")]
        sent = Sent(address, int(service), tuple(sorted((int(k[1:]), int(v)) for k, v in values.items())))
        with self.ledger.lock:
            self.ledger.sent += 1
            self.ledger.addresses[address] += 1
            self.ledger.under_way[self.name] = sent
        got = browser.request(SUBMIT, self.path, data, headers=headers, expect=(302,))
        with self.ledger.lock:
            del self.ledger.under_way[self.name]
        if not got:
            if browser.last_status == 0:
                self.ledger.add("unanswered", sent)
            else:
                self.ledger.add("refused", (browser.last_status, sent))
            return True
        location = urllib.parse.urlsplit(got[2].get("Location", ""))
        # The receipt rides in a short-lived signed cookie ("<receipt>:<signature>"), never in the address.
        signed = next((c.value for c in browser.jar if c.name == "zi_tanda_terima"), "")
        receipt = signed.strip('"').split(":", 1)[0]
        if location.path != self.path + "terima-kasih/" or not RECEIPT.match(receipt):
            browser.fail(SUBMIT, f"redirected to {got[2].get('Location')!r}, not the thank-you page with a receipt")
            self.ledger.add("refused", (302, sent))
            return True
        self.ledger.add("acked", (receipt, sent))
        return True


def warm_up(base: str, path: str, at_once: int) -> int:
    """Three rounds of ``at_once`` form GETs at the same time, not recorded: every gunicorn worker imports
    the views and compiles the templates on its first requests, once after a (re)start — the figure is of a
    running server. Returns how many answered 200."""
    stats = Stats()
    for _round in range(3):
        browsers = [Browser(base, stats, "warm-up") for _ in range(at_once)]
        threads = [threading.Thread(target=b.request, args=("warm-up", path)) for b in browsers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return sum(1 for r in stats.snapshot() if r.status == 200)


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group: gunicorn's
    master and workers (started in a session of their own), without what it took to start them."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, …, utime (12), stime (13)
            total += int(fields[11]) + int(fields[12])
    return total / tick


# --------------------------------------------------------------------------------------------------
# Setup and verification (Django, in this process, with gunicorn's environment)
# --------------------------------------------------------------------------------------------------

def open_survey(units: int, seed: int):
    """The institution (benchdata), the national instruments, one open survey period of the first unit."""
    import benchdata
    from django.utils import timezone

    from surveys import services
    from surveys.instruments import load_national
    from surveys.models import Aspect, Instrument, Item

    world = benchdata.build(units, seed=seed)
    load_national(Instrument, Aspect, Item)  # benchdata flushed what the migration had loaded
    today = timezone.localdate()
    period = services.period_create(user=world.admin, unit=world.units[0], round_=world.round,
                                    opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
                                    services=SERVICES)
    return services.period_open(user=world.admin, period=period)


def verify(period, ledger: Ledger) -> dict:
    """Every acknowledged response stored exactly once, as sent; nothing else stored; the results count them."""
    from surveys import selectors, services
    from surveys.models import Response, ResponseAnswer

    period.refresh_from_db()
    stored = list(Response.objects.filter(period=period).values_list("receipt", "service_id", "client", "digest",
                                                                      "flags"))
    per_receipt = Counter(r[0] for r in stored)
    rows = {r[0]: r for r in stored}
    values = {}
    for receipt, item, value in (ResponseAnswer.objects.filter(response__period=period)
                                 .values_list("response__receipt", "item_id", "value").iterator(chunk_size=5000)):
        values.setdefault(receipt, []).append((item, value))
    acked = Counter(receipt for receipt, _ in ledger.acked)
    result = {"stored": len(stored), "acked": len(ledger.acked), "missing": 0, "twice_acked": 0, "twice_stored": 0,
              "mismatch": 0, "cut": 0, "phantom": 0, "details": []}
    result["twice_acked"] = sum(n - 1 for n in acked.values() if n > 1)
    result["twice_stored"] = sum(n - 1 for n in per_receipt.values() if n > 1)
    for receipt, sent in ledger.acked:
        row = rows.get(receipt)
        if row is None:
            result["missing"] += 1
            result["details"].append(f"receipt {receipt} acknowledged, not in the database")
            continue
        got = tuple(sorted(values.get(receipt, [])))
        why = []
        if row[1] != sent.service:
            why.append(f"service {row[1]} stored, {sent.service} sent")
        if got != sent.values:
            why.append(f"values {got} stored, {sent.values} sent")
        if row[2] != services._hash(period, sent.address):
            why.append("client hash is not the address sent")
        if row[3] != services.digest(period.pk, row[1], receipt, dict(got)):
            why.append("digest does not match")
        if why:
            result["mismatch"] += 1
            result["details"].append(f"receipt {receipt}: {'; '.join(why)}")
    # Stored but never acknowledged: a POST that got no answer may have committed (cut); anything else is phantom.
    unanswered = Counter((services._hash(period, s.address), s.service, s.values) for s in ledger.unanswered)
    for receipt, row in rows.items():
        if receipt in acked:
            continue
        key = (row[2], row[1], tuple(sorted(values.get(receipt, []))))
        if unanswered[key]:
            unanswered[key] -= 1
            result["cut"] += 1
        else:
            result["phantom"] += 1
            result["details"].append(f"receipt {receipt} stored, acknowledged to nobody")
    res = selectors.results(period)
    result.update(respondents=res.respondents, received=res.received, excluded=res.excluded, flagged=res.flagged,
                  flags=Counter(f for r in stored for f in r[4].split(",") if f))
    result["ok"] = (result["acked"] > 0 and not (result["missing"] or result["twice_acked"] or result["twice_stored"]
                                                 or result["mismatch"] or result["phantom"])
                    and result["stored"] == result["acked"] + result["cut"]
                    and res.respondents == res.received == result["stored"])
    return result


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------

def main() -> int:
    cpu = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--respondents", type=int, default=200, help="virtual respondents at once (default 200)")
    p.add_argument("--duration", type=float, default=60, help="seconds of load after the start (default 60)")
    p.add_argument("--ramp", type=float, default=2, help="respondents start spread over this many seconds (default 2)")
    p.add_argument("--bar-ms", type=int, default=BAR_MS, help=f"the p95 bar in ms (default {BAR_MS}; the suite's "
                                                             "small run checks correctness with a loose bar)")
    p.add_argument("--think", default="20-60", help="seconds between getting the form and sending it, MIN-MAX uniform "
                                                  "(default 20-60: a person reading and answering; 1-3 is a stress profile)")
    p.add_argument("--units", type=int, default=5, help="units in the institution (default 5; the survey is the "
                                                        "first unit's)")
    p.add_argument("--workers", type=int, default=2 * cpu + 1, help=f"gunicorn workers (default {2 * cpu + 1})")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    p.add_argument("--keep-db", action="store_true", help="keep the database (and the log folder) afterwards")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432", help="server, without database name")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    try:
        think = tuple(sorted(float(x) for x in args.think.split("-", 1)))
        if len(think) != 2:
            raise ValueError
    except ValueError:
        p.error("--think takes MIN-MAX in seconds, e.g. 1-3")
    if args.respondents < 1 or args.respondents > 65536:
        p.error("--respondents: 1 to 65,536 (each owns 254 addresses of 10.0.0.0/8)")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    db_name = f"zi_load_{datetime.now():%Y%m%d_%H%M%S}"
    workdir = Path(tempfile.mkdtemp(prefix="zi-loadtest-surveys-"))
    proc, created, ok = None, False, False
    load_before = os.getloadavg()
    try:
        pg_admin(args.pg_url, f'CREATE DATABASE "{db_name}"')
        created = True
        log(f"database {db_name}, work folder {workdir}")
        (workdir / "static").mkdir()
        (workdir / "evidence").mkdir()
        port = free_port()
        env = server_env(args.pg_url, db_name, workdir, port, args.workers, args.threads)
        for name in ("SURVEY_RATE_LIMIT", "SURVEY_RATE_FLAG", "SURVEY_MIN_SECONDS"):  # production's defaults
            env.pop(name, None)
            os.environ.pop(name, None)
        env["TRUSTED_PROXIES"] = "127.0.0.1"  # this script is the respondents' nginx: X-Forwarded-For believed
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        t = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        period = open_survey(args.units, args.seed)
        n_items = period.spak.items.count() + period.spkp.items.count()
        path = f"/s/{period.token}/"
        log(f"migrated, built {args.units} units and opened the survey of {period.unit.name} ({n_items} items, "
            f"{len(SERVICES)} services) in {time.monotonic() - t:.0f} s")
        limits = (f"SURVEY_RATE_LIMIT={settings.SURVEY_RATE_LIMIT}, SURVEY_RATE_FLAG={settings.SURVEY_RATE_FLAG}, "
                  f"SURVEY_MIN_SECONDS={settings.SURVEY_MIN_SECONDS}, TRUSTED_PROXIES={settings.TRUSTED_PROXIES}")
        connections.close_all()

        proc, base = start_gunicorn(env, workdir, port)
        warm = warm_up(base, path, args.workers * args.threads)
        log(f"gunicorn on {base}: {args.workers} workers × {args.threads} threads; survey at {path}; "
            f"{warm} form GETs to warm up (not counted)")

        stats, ledger = Stats(), Ledger()
        rng = random.Random(args.seed)
        cpu_client = resource.getrusage(resource.RUSAGE_SELF)
        cpu_server = group_cpu(proc.pid)
        t0 = time.monotonic()
        deadline = t0 + args.duration
        respondents = [Respondent(i, base, path, stats, ledger, deadline, t0 + args.ramp * i / args.respondents,
                                  think, rng.randrange(2**32)) for i in range(args.respondents)]
        log(f"{args.respondents} respondents for {args.duration:g} s (ramp {args.ramp:g} s, think "
            f"{think[0]:g}–{think[1]:g} s)")
        stragglers = drive(respondents, stats, t0, deadline,
                           lambda: f", {len(ledger.acked)} responses acknowledged")
        elapsed = time.monotonic() - t0
        end = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = end.ru_utime + end.ru_stime - cpu_client.ru_utime - cpu_client.ru_stime
        server_cpu = group_cpu(proc.pid) - cpu_server  # workers recycled (max_requests) in between: not counted
        stop_gunicorn(proc)

        records = stats.snapshot()
        for name in stragglers:  # still waiting after the drain: the run was not bounded, an error
            records.append(Record("script", float("nan"), 0, f"{name} still busy after the drain"))
        ledger = ledger.snapshot()  # what stragglers still do from here on is not counted
        result = verify(period, ledger)
        connections.close_all()

        errors = sum(1 for r in records if r.error)
        server_log = (workdir / "server.log").read_text(errors="replace")
        tracebacks = server_log.count("Traceback (most recent call last)")
        timed = [r for r in records if not math.isnan(r.ms)]
        p95 = {kind: percentile([r.ms for r in timed if r.kind == kind], .95) for kind in (FORM, SUBMIT)}
        fast = {kind: not math.isnan(v) and v < args.bar_ms for kind, v in p95.items()}
        statuses = Counter(status for status, _ in ledger.refused)
        flags = ", ".join(f"{f} {n}" for f, n in result["flags"].most_common()) or "none"
        out = [f"## Survey load test: {args.respondents} respondents, {args.duration:g} s", "",
               f"One open survey ({n_items} items, {len(SERVICES)} services) of {period.unit.name}; every "
               f"respondent a new phone on an address of its own; think time {think[0]:g}–{think[1]:g} s uniform "
               f"between the form and sending it, ramp-up {args.ramp:g} s, timeout {TIMEOUT:.0f} s per request.", ""]
        out += table(records, quantiles=(.5, .95, .99))
        out += ["", "Totals:", "",
                f"- requests: {len(timed)} in {elapsed:.1f} s = {len(timed) / elapsed:.1f} req/s; errors: {errors}",
                f"- responses sent: {ledger.sent}; acknowledged: {result['acked']} = "
                f"{result['acked'] / elapsed:.1f} per second; refused: {len(ledger.refused)}"
                + (f" ({', '.join(f'HTTP {s} × {n}' for s, n in sorted(statuses.items()))})" if statuses else "")
                + f"; no answer: {len(ledger.unanswered)}; forms left unsent at the deadline: {ledger.abandoned}",
                f"- stored in surveys_response for the period: {result['stored']}; acknowledged and found exactly "
                f"once, as sent: {result['acked'] - result['missing'] - result['mismatch']} of {result['acked']} "
                f"(missing {result['missing']}, differing {result['mismatch']}, receipts acknowledged twice "
                f"{result['twice_acked']}, stored twice {result['twice_stored']})",
                f"- stored but not acknowledged: {result['phantom']} phantom, {result['cut']} of POSTs that got no "
                f"answer (timeout, or cut at the end of the drain: {len(stragglers)} respondents still waiting)",
                f"- results(period): {result['respondents']} respondents counted, {result['received']} received, "
                f"{result['excluded']} excluded, {result['flagged']} flagged (flags: {flags}); "
                f"exactly once: {'yes' if result['ok'] else 'NO'}",
                f"- addresses: {len(ledger.addresses)}, at most {max(ledger.addresses.values(), default=0)} "
                f"responses from one; {limits}",
                f"- tracebacks in the server log: {tracebacks}",
                f"- CPU time during the run: gunicorn {server_cpu:.1f} s ({server_cpu * 1000 / max(1, len(timed)):.0f} "
                f"ms a request), this load client {client_cpu:.1f} s (PostgreSQL not counted) of "
                f"{elapsed * (os.cpu_count() or 1):.0f} core-seconds",
                "", "Per 10 s of the run:", ""]
        out += timeline(records, t0)
        out += ["", "Machine:", ""]
        out += machine(args.pg_url, args.workers, args.threads, load_before)
        if result["details"]:
            out += ["", "Not counted exactly once:", ""] + [f"- {d}" for d in result["details"][:50]]
        errs = Counter(f"{r.kind}: {r.error}" for r in records if r.error)
        if errs:
            out += ["", "Errors:", ""] + [f"- {n} × {e}" for e, n in errs.most_common(30)]
        ok = all(fast.values()) and errors == 0 and result["ok"] and tracebacks == 0
        out += ["", f"**Result: {'PASS' if ok else 'FAIL'}** (bar: p95 < {args.bar_ms} ms for the form "
                f"({p95[FORM]:.0f} ms) and for sending it ({p95[SUBMIT]:.0f} ms), zero errors ({errors}), every "
                f"acknowledged response counted exactly once ({'yes' if result['ok'] else 'no'}))"]
        print("\n".join(out), flush=True)
        return 0 if ok else 1
    finally:
        stop_gunicorn(proc)
        clean_up(args, created=created, db_name=db_name, ok=ok, workdir=workdir)


if __name__ == "__main__":
    run(main)
