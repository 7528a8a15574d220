#!/usr/bin/env python
"""Load test: gunicorn + PostgreSQL on loopback, many simulated users at once, then proof that no save was lost.

    .venv/bin/python scripts/loadtest.py                                   # 200 units, 50 users, 60 s
    .venv/bin/python scripts/loadtest.py --units 500 --users 50 --duration 60
    .venv/bin/python scripts/loadtest.py --units 50 --users 20 --duration 15 --keep-db   # quick, keep the data

Needs a PostgreSQL server on 127.0.0.1:5432 reachable as user ``postgres`` without a password
(override with ``--pg-url``). What it does, start to finish:

1. Creates a throw-away database ``zi_load_<timestamp>``, migrates it, collects the static files into
   a temporary folder and fills it with ``scripts/benchdata.py`` (an institution of ``--units`` units,
   worksheets in every state, an operator per unit, ten TPI members, one admin). A developer's ``.env``
   is ignored (ENV_FILE=/nonexistent); everything is configured through the environment.
2. Starts gunicorn in production mode (``zi_tracker/gunicorn.conf.py``, DEBUG off) on a free loopback
   port, ``--workers`` processes × ``--threads`` threads; its error log and Django's log go to
   ``server.log``, the access log to ``access.log`` in a temporary folder (kept when the run fails).
3. Runs ``--users`` simulated users, one thread each with its own cookie jar (stdlib only), for
   ``--duration`` seconds, starting spread over ``--ramp`` seconds. Each logs in through the login
   form at /masuk/ and then loops with a think time of 0.2–1.0 s (uniform; ``--think`` changes it)
   between requests:

   * operators (70 %), each the operator of a *different* draft worksheet: open an area page
     (I..VI), save one to three of its questions the way the page's htmx does (new option letter
     now and then, unique explanation ``lt-<user>-<n>``), carrying the returned revision forward;
   * TPI members (20 %, at most ten, one per TPI account): the review queue now and then, a review
     sheet of one of their ``in_review`` worksheets, one to three TPI values with a unique note;
   * admins (the rest, all logged in as ``beban.admin``): the round dashboard with filter and sort
     variants (rarely every row at once), the round summary, and once per admin the recap Excel: asked
     for, polled while a background worker (started next to gunicorn) builds it, then downloaded.

   Every request is timed (30 s timeout) and checked: an unexpected status, a timeout, a connection
   error, a save that is not acknowledged, or a conflict counts as an error. A save is *acknowledged*
   when the answer is 200 and carries the question's card re-rendered with the value just sent
   (explanation or note) and its new revision, without a conflict or refusal message. Users stop
   starting requests at the deadline; requests under way may take up to 30 s more (the drain).
4. Stops gunicorn, then checks the database: for every answer saved during the run, the stored
   explanation (operators) or TPI note (TPI) must be the last acknowledged one and its revision at
   least the last acknowledged revision; each answer's acknowledged revisions must rise; and every
   acknowledged TPI note must be in the audit trail (WorksheetEvent). A mismatch is a lost write; a
   stored value that a later, unacknowledged save sent (it timed out, then committed) is counted as
   "applied though unacknowledged" instead — that request is already an error.
5. Prints a Markdown table (per request kind: count, p50/p95/max latency, errors), the totals, the
   latency per 10 s of the run, the CPU time used by gunicorn and by this client, and the machine;
   drops the database (unless ``--keep-db``) and exits 0 only with zero errors and zero lost writes
   — the bar (a traceback in the server log also fails the run). Ctrl-C, SIGTERM or a failure still
   stops gunicorn and drops the database; the logs are kept when the run fails.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.cookiejar
import itertools
import math
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

TIMEOUT = 30.0  # seconds, per request; also the longest drain after the deadline
THINK = (0.2, 1.0)  # seconds between two requests of one user, uniform (--think MIN-MAX changes it)
THINK_RANGE = list(THINK)
UNIT_AREAS = ["I", "II", "III", "IV", "V", "VI"]  # the pengungkit areas (fallback if the page lists none)
KIND_ORDER = ["login page", "login", "worksheet page", "area page", "answer save", "review queue",
              "review sheet", "review save", "dashboard", "dashboard filtered", "dashboard all rows",
              "round summary", "recap request", "recap status", "recap download"]


STARTED = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, stamped with seconds since the start (Django's TIME_ZONE changes the local clock)."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Measurements and the ledger of acknowledged saves
# --------------------------------------------------------------------------------------------------

@dataclass
class Record:
    kind: str
    ms: float
    status: int  # 0: no HTTP answer (timeout, connection error)
    error: str  # "" when the request did what it should
    at: float = 0.0  # time.monotonic() when it started


@dataclass
class Ledger:
    """Every save sent, and which were acknowledged; keyed by ("unit" or "tpi", worksheet id, question id)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: dict = field(default_factory=lambda: defaultdict(list))  # key → [(text, revision)] in order
    sent: dict = field(default_factory=lambda: defaultdict(list))  # key → [text] in order, acknowledged or not
    conflicts: int = 0

    def send(self, key, text):
        with self.lock:
            self.sent[key].append(text)

    def ack(self, key, text, revision):
        with self.lock:
            self.acked[key].append((text, revision))


class Stats:
    def __init__(self):
        self.records: list[Record] = []
        self.lock = threading.Lock()

    def add(self, record: Record):
        with self.lock:
            self.records.append(record)

    def snapshot(self):
        with self.lock:
            return list(self.records)


# --------------------------------------------------------------------------------------------------
# One simulated browser: a cookie jar, no automatic redirects, every request timed and checked
# --------------------------------------------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx comes back as an HTTPError we read ourselves: each request is timed alone


class Browser:
    def __init__(self, base: str, stats: Stats, name: str):
        self.base, self.stats, self.name = base, stats, name
        self.jar = http.cookiejar.CookieJar()
        self.last_status = 0  # of the latest request, also when it counted as an error
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def csrf_cookie(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, kind, path, data=None, headers=None, expect=(200,)):
        """(status, body text, headers) — or None after recording an error. ``data``: a list of pairs to POST."""
        url = self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {},
                                     method="GET" if data is None else "POST")
        if data is not None:
            req.add_header("Referer", self.base + "/masuk/" if kind == "login" else url)
            req.add_header("X-CSRFToken", self.csrf_cookie())
        started, start = time.monotonic(), time.perf_counter()
        status, text, resp_headers, error = 0, "", {}, ""
        try:
            with self.opener.open(req, timeout=TIMEOUT) as resp:
                status, raw, resp_headers = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            status, resp_headers = exc.code, exc.headers
            try:
                raw = exc.read()
            except OSError:
                raw = b""
        except TimeoutError:
            raw, error = b"", "timeout"
        except (urllib.error.URLError, OSError) as exc:
            raw, error = b"", f"connection: {getattr(exc, 'reason', exc)}"
        ms = (time.perf_counter() - start) * 1000
        if not error and status not in expect:
            where = f" → {resp_headers.get('Location')}" if 300 <= status < 400 else ""
            error = f"HTTP {status}{where}"
        ctype = resp_headers.get("Content-Type", "") if resp_headers else ""
        if not error and ctype.startswith("text/"):
            text = raw.decode("utf-8", "replace")
        self.last_status = status
        self.stats.add(Record(kind, ms, status, error, started))
        if error:
            log(f"error {self.name} {kind} {path}: {error}")
            return None
        return status, text if text else raw, resp_headers

    def fail(self, kind, message):
        """A request that answered but did not do its job: recorded as an error of its kind, latency 0."""
        log(f"error {self.name} {kind}: {message}")
        self.stats.add(Record(kind, float("nan"), 200, message, time.monotonic()))

    def login(self, username, password) -> bool:
        got = self.request("login page", "/masuk/")
        if not got:
            return False
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', got[1])
        if not token:
            self.fail("login page", "no csrfmiddlewaretoken in the login form")
            return False
        got = self.request("login", "/masuk/", [("csrfmiddlewaretoken", token.group(1)), ("username", username),
                                                ("password", password), ("next", "")], expect=(302,))
        return bool(got)


# --------------------------------------------------------------------------------------------------
# Reading the question cards the way htmx submits them
# --------------------------------------------------------------------------------------------------

INPUT = re.compile(r"<input\b([^>]*)>", re.S)
ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')


@dataclass
class Card:
    action: str
    question: int
    hidden: list  # [(name, value)] — csrfmiddlewaretoken, revision
    options: list  # radio letters
    checked: str  # the letter checked now
    number: str | None  # None: no number field
    text: str  # explanation (unit) or note (TPI) now
    flagged: bool  # TPI "needs revision" checkbox

    @property
    def revision(self) -> int:
        return int(dict(self.hidden).get("revision", "0") or 0)


def parse_cards(page: str, kind: str) -> dict[int, Card]:
    """Every editable question form on a page: kind "unit" (area page) or "tpi" (review sheet)."""
    if kind == "unit":
        pattern = r'<form method="post" action="(/kertas-kerja/\d+/jawaban/(\d+)/)" class="answer-form"(.*?)</form>'
        text_name = "explanation"
    else:
        pattern = r'<form method="post" action="(/kertas-kerja/\d+/reviu/jawaban/(\d+)/)"(.*?)</form>'
        text_name = "note"
    cards = {}
    for m in re.finditer(pattern, page, re.S):
        block = m.group(3)
        hidden, options, checked, number, flagged = [], [], "", None, False
        for tag in INPUT.finditer(block):
            attrs = {k: html.unescape(v or "") for k, v in ATTR.findall(tag.group(1))}
            name, typ = attrs.get("name", ""), attrs.get("type", "text")
            if typ == "hidden":
                hidden.append((name, attrs.get("value", "")))
            elif typ == "radio" and name == "option":
                options.append(attrs.get("value", ""))
                if "checked" in attrs:
                    checked = attrs.get("value", "")
            elif name == "number":
                number = attrs.get("value", "")
            elif typ == "checkbox" and name == "needs_revision":
                flagged = "checked" in attrs
        area = re.search(rf'<textarea name="{text_name}"[^>]*>(.*?)</textarea>', block, re.S)
        # As a browser reads it: one newline right after <textarea> is not part of the text (Django's
        # widget writes one).
        text = html.unescape(area.group(1)).removeprefix("\n") if area else ""
        cards[int(m.group(2))] = Card(m.group(1), int(m.group(2)), hidden, options, checked, number, text, flagged)
    return cards


def acknowledged(body, card: Card, kind: str, sent_text: str):
    """(the card as saved, "") when the response shows what was sent, saved; else (None, why)."""
    if not isinstance(body, str):
        return None, "response is not HTML"
    if 'data-testid="conflict"' in body:
        return None, "conflict"
    if 'data-testid="rejected"' in body or 'data-testid="not-saved"' in body:
        return None, "refused or invalid"
    fresh = parse_cards(body, kind).get(card.question)
    if fresh is None:
        return None, "saved card missing from the response"
    if fresh.text != sent_text:
        return None, f"card shows {fresh.text[:40]!r}, not the text sent"
    if fresh.revision <= card.revision:
        return None, f"revision {fresh.revision} did not rise above {card.revision}"
    return fresh, ""


# --------------------------------------------------------------------------------------------------
# The simulated users
# --------------------------------------------------------------------------------------------------

class SimulatedUser(threading.Thread):
    def __init__(self, role, name, username, password, base, stats, ledger, deadline, start_at, seed, **plan):
        super().__init__(name=name, daemon=True)
        self.role, self.username, self.password = role, username, password
        self.stats, self.ledger, self.deadline, self.start_at = stats, ledger, deadline, start_at
        self.browser = Browser(base, stats, name)
        self.rng = random.Random(seed)
        self.plan = plan
        self.n = 0  # saves sent, for unique texts

    def alive(self) -> bool:
        return time.monotonic() < self.deadline

    def think(self) -> bool:
        """Pause like a person; False once the deadline has passed."""
        pause = self.rng.uniform(*THINK_RANGE)
        time.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))
        return self.alive()

    def run(self):
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        if not self.alive() or not self.browser.login(self.username, self.password):
            return
        try:
            getattr(self, f"run_{self.role}")()
        except Exception as exc:  # a bug in this script must not pass for a quiet user
            self.browser.fail("script", f"{type(exc).__name__}: {exc}")

    # ------------------------------------------------------------------ operators
    def run_operator(self):
        ws = self.plan["worksheet"]
        got = self.browser.request("worksheet page", f"/kertas-kerja/{ws}/")
        areas = UNIT_AREAS
        if got:
            found = [c for c in dict.fromkeys(re.findall(r'data-testid="area-link-([\w-]+)"', got[1]))
                     if not c.startswith("H-")]
            areas = found or UNIT_AREAS
        while self.think():
            code = self.rng.choice(areas)
            got = self.browser.request("area page", f"/kertas-kerja/{ws}/area/{code}/")
            if not got:
                continue
            cards = parse_cards(got[1], "unit")
            if not cards:
                self.browser.fail("area page", f"no editable question on area {code} of worksheet {ws}")
                continue
            for _ in range(self.rng.randint(1, 3)):
                if not self.think():
                    return
                qid = self.rng.choice(list(cards))
                fresh = self.save(ws, cards[qid], "unit")
                if fresh:
                    cards[qid] = fresh  # the next save of this question carries the returned revision

    # ------------------------------------------------------------------ TPI
    def run_tpi(self):
        targets, readable = self.plan["in_review"], self.plan["assigned"]
        loops = 0
        while True:
            if loops % 5 == 0:
                self.browser.request("review queue", "/reviu/")
            loops += 1
            if not self.think():
                return
            ws = self.rng.choice(targets or readable)
            code = self.rng.choice(UNIT_AREAS)
            got = self.browser.request("review sheet", f"/kertas-kerja/{ws}/reviu/{code}/")
            if not got or not targets:
                continue  # no in_review worksheet assigned: this TPI member only reads
            cards = parse_cards(got[1], "tpi")
            if not cards:
                self.browser.fail("review sheet", f"no editable TPI form on area {code} of worksheet {ws}")
                continue
            for _ in range(self.rng.randint(1, 3)):
                if not self.think():
                    return
                qid = self.rng.choice(list(cards))
                fresh = self.save(ws, cards[qid], "tpi")
                if fresh:
                    cards[qid] = fresh

    # ------------------------------------------------------------------ saving one card
    def save(self, ws, card: Card, kind: str):
        """POST one card as htmx does; record it in the ledger; the card as saved, or None."""
        self.n += 1
        text = f"lt-{self.username}-{self.n}"
        data = list(card.hidden)
        if card.options:  # operators change their answer now and then; TPI members less often
            change = self.rng.random() < (0.5 if kind == "unit" else 0.3)
            letter = self.rng.choice(card.options) if change or not card.checked else card.checked
            data.append(("option", letter))
        if card.number is not None:
            data.append(("number", card.number))
        if kind == "unit":
            data.append(("explanation", text))
        else:
            data.append(("note", text))
            if card.flagged:
                data.append(("needs_revision", "on"))
        label = "answer save" if kind == "unit" else "review save"
        key = (kind, ws, card.question)
        self.ledger.send(key, text)
        headers = {"HX-Request": "true", "HX-Target": f"q-{card.question}",
                   "HX-Current-URL": self.browser.base + card.action}
        got = self.browser.request(label, card.action, data, headers=headers, expect=(200,))
        if not got:
            if self.browser.last_status == 409:
                with self.ledger.lock:
                    self.ledger.conflicts += 1
            return None
        fresh, why = acknowledged(got[1], card, kind, text)
        if fresh is None:
            if why == "conflict":
                with self.ledger.lock:
                    self.ledger.conflicts += 1
            self.browser.fail(label, f"worksheet {ws} question {card.question}: not acknowledged ({why})")
            return None
        self.ledger.ack(key, text, fresh.revision)
        return fresh

    # ------------------------------------------------------------------ admins
    def run_admin(self):
        rnd = self.plan["round"]
        export_at = time.monotonic() + self.rng.uniform(0.1, 0.8) * max(0.0, self.deadline - time.monotonic())
        exported, recap = False, None
        variants = ["?kesiapan=wbk&sort=tpi_total&dir=desc", "?status=submitted", "?status=in_review&sort=progress",
                    "?sort=unit_total&dir=desc&page=2", "?kind=dinas&q=0"]
        while self.think():
            if not exported and time.monotonic() >= export_at:
                exported = True  # ask for the recap; a background worker builds it
                recap = "asked" if self.browser.request("recap request", f"/periode/{rnd}/ekspor/",
                                                        data=[], expect=(302,)) else None
                continue
            if recap == "asked":  # the page polls the recap's state until the workbook is there
                got = self.browser.request("recap status", f"/periode/{rnd}/ekspor/status/")
                if got and 'data-status="done"' in got[1]:
                    recap = "done"
                    got = self.browser.request("recap download", f"/periode/{rnd}/ekspor/unduh/")
                    if got and not got[2].get("Content-Type", "").startswith("application/vnd.openxmlformats"):
                        self.browser.fail("recap download", f"not an xlsx: {got[2].get('Content-Type')}")
                elif got and 'data-status="failed"' in got[1]:
                    recap = None
                    self.browser.fail("recap status", "the worker could not build the recap")
                continue
            pick = self.rng.random()
            if pick < 0.3:
                self.browser.request("dashboard", f"/periode/{rnd}/")
            elif pick < 0.7:
                self.browser.request("dashboard filtered", f"/periode/{rnd}/{self.rng.choice(variants)}")
            elif pick < 0.75:
                self.browser.request("dashboard all rows", f"/periode/{rnd}/?per=semua")
            else:
                self.browser.request("round summary", f"/periode/{rnd}/ringkasan/")


# --------------------------------------------------------------------------------------------------
# Database, Django, gunicorn
# --------------------------------------------------------------------------------------------------

def pg_admin(pg_url: str, sql: str, fetch=False):
    """Run one statement on the server's maintenance database (autocommit)."""
    import psycopg2

    conn = psycopg2.connect(pg_url.rstrip("/") + "/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0] if fetch else None
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(pg_url: str, db_name: str, workdir: Path, port: int, workers: int, threads: int) -> dict:
    """The environment of gunicorn, the worker and this script's own Django: production settings (DEBUG
    off) over plain HTTP on loopback, the database ``db_name``, static files and evidence in ``workdir``."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"{pg_url}/{db_name}", "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "EVIDENCE_ROOT": str(workdir / "evidence"),
        "STATIC_ROOT": str(workdir / "static"), "ENV_FILE": "/nonexistent", "CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "zi_tracker.settings", "EMAIL_URL": "consolemail://",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads), "GUNICORN_TIMEOUT": "120",
    })
    return env


def start_gunicorn(env, workdir: Path, port: int):
    out = open(workdir / "server.log", "ab")  # noqa: SIM115  (the server's log, closed when it stops)
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "zi_tracker/gunicorn.conf.py",
         "--access-logfile", str(workdir / "access.log"), "--error-logfile", "-", "zi_tracker.wsgi"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    out.close()
    base = f"http://127.0.0.1:{port}"
    until = time.monotonic() + 60
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {workdir / 'server.log'}")
        try:
            with urllib.request.urlopen(base + "/masuk/", timeout=5) as resp:
                if resp.status == 200:
                    return proc, base
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def start_worker(env, workdir: Path):
    """One background worker (recaps, rescoring, emails) next to gunicorn, as production runs it."""
    out = open(workdir / "worker.log", "ab")  # noqa: SIM115  (the worker's log, closed when it stops)
    proc = subprocess.Popen([str(ROOT / ".venv/bin/python"), "manage.py", "worker", "--no-reload",
                             "--no-startup-delay", "--interval", "0.5"],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    out.close()
    return proc


def stop_gunicorn(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()  # graceful: workers finish what they are doing
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def machine(pg_url, workers, threads, load_before) -> list[str]:
    model = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    pg = pg_admin(pg_url, "SHOW server_version", fetch=True)
    import django
    import gunicorn

    return [f"- CPU: {model}, {os.cpu_count()} cores",
            f"- Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn.__version__}",
            f"- PostgreSQL {pg} on 127.0.0.1 (same machine; client, server and database share the cores)",
            f"- gunicorn: {workers} workers × {threads} threads (gthread), CONN_MAX_AGE=60, DEBUG off",
            f"- load average before the run (1/5/15 min): {' / '.join(f'{x:.2f}' for x in load_before)} "
            "(anything else running skews the figures)"]


# --------------------------------------------------------------------------------------------------
# Report and verification
# --------------------------------------------------------------------------------------------------

def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, math.ceil(q * len(values)) - 1)]


def table(records, quantiles=(.5, .95)) -> list[str]:
    """Per request kind: count, the latency at each of ``quantiles`` and the maximum, errors."""
    kinds = defaultdict(list)
    for r in records:
        kinds[r.kind].append(r)
    order = [k for k in KIND_ORDER if k in kinds] + sorted(k for k in kinds if k not in KIND_ORDER)
    lines = ["| request | count | " + "".join(f"p{q * 100:g} ms | " for q in quantiles) + "max ms | errors |",
             "|---|---:|" + "---:|" * len(quantiles) + "---:|---:|"]

    def row(label, rows):
        timed = [r.ms for r in rows if not math.isnan(r.ms)]
        return (f"| {label} | {len(timed)} | " + "".join(f"{percentile(timed, q):.0f} | " for q in quantiles)
                + f"{max(timed, default=float('nan')):.0f} | {sum(1 for r in rows if r.error)} |")

    lines += [row(k, kinds[k]) for k in order]
    lines.append(row("**all**", records))
    return lines


def timeline(records, t0, step=10) -> list[str]:
    """Requests and latency per 10 s window of the run: the login burst at the start shows, so does any drift."""
    windows = defaultdict(list)
    for r in records:
        if not math.isnan(r.ms):
            windows[int((r.at - t0) // step)].append(r)
    lines = ["| seconds | requests | p50 ms | p95 ms | errors |", "|---|---:|---:|---:|---:|"]
    for w in sorted(windows):
        ms = [r.ms for r in windows[w]]
        lines.append(f"| {w * step}–{(w + 1) * step} | {len(ms)} | {percentile(ms, .5):.0f} | "
                     f"{percentile(ms, .95):.0f} | {sum(1 for r in windows[w] if r.error)} |")
    return lines


def verify(ledger: Ledger, run_started) -> dict:
    """Compare the last acknowledged save of every answer with the database."""
    from django.db.models import Q

    from evaluations.models import Answer, WorksheetEvent

    result = {"answers": 0, "verified": 0, "lost": 0, "applied_unacked": 0, "order": 0, "audit_missing": 0,
              "details": []}
    keys = list(ledger.acked)
    by_ws = defaultdict(set)
    for _kind, ws, q in keys:
        by_ws[ws].add(q)
    stored = {}
    for a in Answer.objects.filter(worksheet_id__in=list(by_ws)).only(
            "worksheet_id", "question_id", "unit_explanation", "tpi_note", "revision"):
        if a.question_id in by_ws[a.worksheet_id]:
            stored[(a.worksheet_id, a.question_id)] = a
    for key in keys:
        kind, ws, q = key
        acks = ledger.acked[key]
        result["answers"] += 1
        revisions = [r for _, r in acks]
        if any(b <= a for a, b in itertools.pairwise(revisions)):
            result["order"] += 1
            result["details"].append(f"{key}: acknowledged revisions not rising: {revisions}")
        text, revision = acks[-1]
        a = stored.get((ws, q))
        value = None if a is None else (a.unit_explanation if kind == "unit" else a.tpi_note)
        if a is not None and value == text and a.revision >= revision:
            result["verified"] += 1
            continue
        sent = ledger.sent[key]
        later = sent[sent.index(text) + 1:] if text in sent else []
        if value in later:  # a save that was not acknowledged (timeout) but did commit: not a lost write
            result["applied_unacked"] += 1
            continue
        result["lost"] += 1
        result["details"].append(f"{key}: acknowledged {text!r} rev {revision}, stored "
                                 f"{value!r} rev {getattr(a, 'revision', None)}")
    # Every acknowledged TPI note, not only the last, must be in the audit trail.
    tpi_notes = {text for key, acks in ledger.acked.items() if key[0] == "tpi" for text, _ in acks}
    if tpi_notes:
        found = set()
        for field_name, new_value, comment in WorksheetEvent.objects.filter(
                Q(field="tpi_note") | Q(field="tpi_value"), created_at__gte=run_started,
                answer__isnull=False).values_list("field", "new_value", "comment"):
            found.add(new_value if field_name == "tpi_note" else comment)
        missing = tpi_notes - found
        result["audit_missing"] = len(missing)
        result["details"] += [f"TPI note {t!r} acknowledged but not in the audit trail" for t in sorted(missing)[:20]]
    result["events"] = WorksheetEvent.objects.filter(created_at__gte=run_started).count()
    return result


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------

def main() -> int:
    cpu = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--units", type=int, default=200, help="units (worksheets) in the institution (default 200)")
    p.add_argument("--users", type=int, default=50, help="simulated users at once (default 50)")
    p.add_argument("--duration", type=float, default=60, help="seconds of load after the start (default 60)")
    p.add_argument("--ramp", type=float, default=5, help="users start spread over this many seconds (default 5)")
    p.add_argument("--workers", type=int, default=2 * cpu + 1, help=f"gunicorn workers (default {2 * cpu + 1})")
    p.add_argument("--servers", type=int, default=1,
                   help="gunicorn servers on separate ports over the same database and queue; users are "
                        "spread over them round-robin (default 1)")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    p.add_argument("--keep-db", action="store_true", help="keep the database (and the log folder) afterwards")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432", help="server, without database name")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--think", default=f"{THINK[0]}-{THINK[1]}",
                   help="seconds between two requests of one user, MIN-MAX uniform (default 0.2-1.0: a stress "
                        "profile; people filling in a form pause several seconds)")
    args = p.parse_args()
    try:
        THINK_RANGE[:] = sorted(float(x) for x in args.think.split("-", 1))
    except ValueError:
        p.error("--think takes MIN-MAX in seconds, e.g. 3-10")

    n_tpi = min(10, max(1, round(args.users * 0.2)))
    n_admin = max(1, round(args.users * 0.1))
    n_op = args.users - n_tpi - n_admin
    if n_op < 1:
        p.error("--users must be at least 3 (an operator, a TPI member, an admin)")
    drafts = round(args.units * 0.3)
    if n_op > drafts:
        p.error(f"{n_op} operators need {n_op} draft worksheets; {args.units} units give about {drafts}: "
                "raise --units")

    # SIGTERM (and Ctrl-C) unwinds through the finally below: gunicorn stopped, database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored (nohup, &)
    db_name = f"zi_load_{datetime.now():%Y%m%d_%H%M%S}"
    workdir = Path(tempfile.mkdtemp(prefix="zi-loadtest-"))
    proc, worker, created, ok, servers = None, None, False, False, []
    load_before = os.getloadavg()
    try:
        pg_admin(args.pg_url, f'CREATE DATABASE "{db_name}"')
        created = True
        log(f"database {db_name}, work folder {workdir}")
        (workdir / "static").mkdir()
        (workdir / "evidence").mkdir()
        port = free_port()
        env = server_env(args.pg_url, db_name, workdir, port, args.workers, args.threads)
        os.environ.update(env)
        import django

        django.setup()
        import benchdata
        from django.core.management import call_command
        from django.db import connections

        t = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        world = benchdata.build(args.units, seed=args.seed)
        log(f"migrated and built {args.units} units in {time.monotonic() - t:.0f} s")

        # The plan: which account each simulated user is, and what it works on.
        status_of = {ws.pk: ws.status for ws in world.sheets}
        draft_ids = [ws.pk for ws in world.by_status.get("draft", [])]
        if len(draft_ids) < n_op:
            raise SystemExit(f"{n_op} operators need {n_op} draft worksheets; {args.units} units gave "
                             f"{len(draft_ids)}: raise --units")
        rng = random.Random(args.seed)
        rng.shuffle(draft_ids)
        tpi_users = sorted(world.tpi, key=lambda u: u.username)[:n_tpi]
        connections.close_all()

        servers = []
        for n in range(args.servers):
            bind_port = port if n == 0 else free_port()
            servers.append(start_gunicorn({**env, "GUNICORN_BIND": f"127.0.0.1:{bind_port}"}, workdir, bind_port))
        proc, base = servers[0]
        bases = [b for _, b in servers]
        worker = start_worker(env, workdir)
        log(f"gunicorn on {', '.join(bases)}: {args.workers} workers × {args.threads} threads each; "
            "one background worker")

        stats, ledger = Stats(), Ledger()
        from django.utils import timezone

        run_started = timezone.now()
        cpu_client = resource.getrusage(resource.RUSAGE_SELF)  # the client's threads; gunicorn's after it exits
        t0 = time.monotonic()
        deadline = t0 + args.duration
        users = []
        starts = [t0 + args.ramp * i / args.users for i in range(args.users)]
        rng.shuffle(starts)  # the roles log in mixed over the ramp-up, not operators first
        password = benchdata.PASSWORD
        for i in range(args.users):
            common = {"base": bases[i % len(bases)], "stats": stats, "ledger": ledger, "deadline": deadline, "start_at": starts[i],
                      "seed": args.seed * 1000 + i}
            if i < n_op:
                ws = draft_ids[i]
                users.append(SimulatedUser("operator", f"op{i:02d}", world.operators[ws].username, password,
                                           worksheet=ws, **common))
            elif i < n_op + n_tpi:
                u = tpi_users[i - n_op]
                assigned = world.tpi[u]
                users.append(SimulatedUser("tpi", f"tpi{i - n_op:02d}", u.username, password,
                                           in_review=[w for w in assigned if status_of[w] == "in_review"],
                                           assigned=assigned, **common))
            else:
                users.append(SimulatedUser("admin", f"adm{i - n_op - n_tpi:02d}", world.admin.username, password,
                                           round=world.round.pk, **common))
        log(f"{n_op} operators, {n_tpi} TPI, {n_admin} admins for {args.duration:.0f} s "
            f"(ramp {args.ramp:.0f} s, think {THINK_RANGE[0]:g}–{THINK_RANGE[1]:g} s)")
        stragglers = drive(users, stats, t0, deadline)
        elapsed = time.monotonic() - t0
        end = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = end.ru_utime + end.ru_stime - cpu_client.ru_utime - cpu_client.ru_stime
        for server_proc, _ in servers:
            stop_gunicorn(server_proc)
        stop_gunicorn(worker)
        server = resource.getrusage(resource.RUSAGE_CHILDREN)  # gunicorn and its workers, reaped
        server_cpu = server.ru_utime + server.ru_stime

        records = stats.snapshot()
        for name in stragglers:  # still waiting after the drain: the run was not bounded, an error
            records.append(Record("script", float("nan"), 0, f"{name} still busy after the drain"))
        result = verify(ledger, run_started)
        connections.close_all()

        errors = sum(1 for r in records if r.error)
        server_log = (workdir / "server.log").read_text(errors="replace")
        tracebacks = server_log.count("Traceback (most recent call last)")
        acked = sum(len(v) for v in ledger.acked.values())
        sent = sum(len(v) for v in ledger.sent.values())
        lost = result["lost"] + result["order"] + result["audit_missing"]
        timed = [r for r in records if not math.isnan(r.ms)]
        unit_saves = sum(len(v) for k, v in ledger.acked.items() if k[0] == "unit")
        out = [f"## Load test: {args.units} units, {args.users} users, {args.duration:.0f} s", "",
               f"{n_op} operators (each on its own draft worksheet), {n_tpi} TPI members (in_review worksheets), "
               f"{n_admin} admins; think time {THINK_RANGE[0]:g}–{THINK_RANGE[1]:g} s uniform, ramp-up {args.ramp:.0f} s, "
               f"timeout {TIMEOUT:.0f} s per request.", ""]
        out += table(records)
        out += ["", "Totals:", "",
                f"- requests: {len(timed)} in {elapsed:.1f} s = {len(timed) / elapsed:.1f} req/s; errors: {errors}",
                f"- saves sent: {sent}; acknowledged: {acked} ({unit_saves} answer saves, {acked - unit_saves} "
                f"review saves) on {result['answers']} answers",
                f"- saves verified in the database: {result['verified']} of {result['answers']} answers hold their "
                f"last acknowledged value; every acknowledged TPI note in the audit trail: "
                f"{'yes' if not result['audit_missing'] else 'no, ' + str(result['audit_missing']) + ' missing'}",
                f"- lost writes: {lost} (value {result['lost']}, revision order {result['order']}, audit trail "
                f"{result['audit_missing']}); applied though unacknowledged: {result['applied_unacked']}",
                f"- conflicts: {ledger.conflicts}; worksheet events written during the run: {result['events']}; "
                f"tracebacks in the server log: {tracebacks}",
                f"- CPU time during the run: gunicorn and the worker {server_cpu:.0f} s, this load client {client_cpu:.1f} s "
                f"(PostgreSQL not counted) of {elapsed * (os.cpu_count() or 1):.0f} core-seconds",
                "", "Per 10 s of the run:", ""]
        out += timeline(records, t0)
        out += ["", "Machine:", ""]
        out += machine(args.pg_url, args.workers, args.threads, load_before)
        out.append(f"- servers: {len(servers)} gunicorn on separate ports ({', '.join(bases)}), users spread "
                   "round-robin; one background worker (`manage.py worker`)")
        if result["details"]:
            out += ["", "Lost writes:", ""] + [f"- {d}" for d in result["details"][:50]]
        errs = defaultdict(int)
        for r in records:
            if r.error:
                errs[f"{r.kind}: {r.error}"] += 1
        if errs:
            out += ["", "Errors:", ""] + [f"- {n} × {e}" for e, n in sorted(errs.items(), key=lambda x: -x[1])[:30]]
        ok = errors == 0 and lost == 0 and acked > 0 and tracebacks == 0
        out += ["", f"**Result: {'PASS' if ok else 'FAIL'}** (bar: zero errors and zero lost writes)"]
        print("\n".join(out), flush=True)
        return 0 if ok else 1
    finally:
        for server_proc, _ in servers:
            stop_gunicorn(server_proc)
        stop_gunicorn(worker)
        clean_up(args, created=created, db_name=db_name, ok=ok, workdir=workdir)


def drive(threads, stats, t0, deadline, progress=lambda: "") -> list[str]:
    """Start the simulated people, say every 10 s how it goes, wait for them (at most the drain after
    the deadline); the names of those still under way at the end."""
    for t in threads:
        t.start()
    next_note = t0 + 10
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline + TIMEOUT:
        time.sleep(0.1)
        if time.monotonic() >= next_note:
            next_note += 10
            records = stats.snapshot()
            log(f"{time.monotonic() - t0:3.0f} s into the run: {len(records)} requests, "
                f"{sum(1 for r in records if r.error)} errors{progress()}")
    return [t.name for t in threads if t.is_alive()]


def clean_up(args, *, created: bool, db_name: str, ok: bool, workdir: Path) -> None:
    """After a run: the database dropped (unless --keep-db), the logs kept when it failed."""
    try:
        from django.db import connections

        connections.close_all()
    except Exception:
        pass
    if created and not args.keep_db:
        pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        log(f"database {db_name} dropped")
    if ok and not args.keep_db:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        log(f"logs kept in {workdir} (server.log, access.log)")


def run(main_function) -> None:
    try:
        sys.exit(main_function())
    except KeyboardInterrupt:
        log("interrupted; gunicorn stopped and database dropped")
        sys.exit(130)


if __name__ == "__main__":
    run(main)
