"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded build).

Screenshots of every step land in test-artifacts/ (ignored by git) for a person to look at.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from playwright.sync_api import sync_playwright

from evaluations import services
from tests import factories as f
from tests.e2e import a11y, background
from tests.evaluations.test_services import complete
from units.models import Membership

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (fixtures, assertions) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.e2e_failed = report.failed


@pytest.fixture
def new_page(browser, request):
    contexts, console = [], []

    def make():
        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID",
                                  timezone_id="Asia/Jakarta")
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("console", lambda m: console.append(f"{m.type}: {m.text} [{m.location.get('url')}:"
                                                    f"{m.location.get('lineNumber')} on {page.url}]"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: console.append(f"requestfailed: {r.url} {r.failure}"))
        return page

    yield make
    if getattr(request.node, "e2e_failed", False):  # what the browser showed when the test failed
        ARTIFACTS.mkdir(exist_ok=True)
        for i, ctx in enumerate(contexts):
            for j, page in enumerate(ctx.pages):
                page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}-{i}-{j}.png"), full_page=True)
        (ARTIFACTS / f"FAILED-{request.node.name}-console.txt").write_text("\n".join(console))
    # Every page a test leaves open is checked against WCAG 2 A/AA as the test left it (forms
    # with their errors, panels open): a violation fails the test like a CSP violation does.
    inaccessible = []
    if not getattr(request.node, "e2e_failed", False):
        for ctx in contexts:
            for page in ctx.pages:
                if page.url.startswith("http") and not page.is_closed():
                    inaccessible += a11y.violations(page)
    for ctx in contexts:
        ctx.close()
    assert not inaccessible, "WCAG 2 AA violations (axe-core):\n" + "\n".join(inaccessible)
    # Chromium reports every blocked inline script/style/eval on the console: the policy and the
    # pages must agree, in every flow the browser tests walk.
    violations = [line for line in console if "Content Security Policy" in line]
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def demo_server(live_server, transactional_db):
    """The live test server holding the LKE and the demo data."""
    call_command("load_lke", verbosity=0)
    call_command("seed_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def submitted(live_server, transactional_db):
    """A complete RSUD worksheet the kepala submitted to its one TPI member (users operator,
    kepala, tpi): (base url, worksheet, tpi user)."""

    call_command("load_lke", verbosity=0)
    inst = f.instansi("Pemerintah Kabupaten Uji")
    unit = f.unit(inst, "RSUD Sukamaju", kind="rsud")
    f.member(inst, Membership.Role.OPERATOR, unit, "operator")
    kepala = f.member(inst, Membership.Role.KEPALA, unit, "kepala")
    tpi = f.member(inst, Membership.Role.TPI, None, "tpi")
    ws = f.worksheet(f.round_(inst, name="Evaluasi ZI 2026"), unit, reviewers=[tpi])
    complete(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    return live_server.url, ws, tpi


def wait_until(check, timeout=10.0):
    """Poll ``check`` (e.g. what the database holds after a save the browser made) until it holds.

    On SQLite the live server's threads share the test's in-memory database, and a read that meets
    a write in progress fails with "database table is locked" at once (the busy timeout does not
    apply to shared-cache locks): that is "not yet", so it is asked again."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except OperationalError as error:
            if "locked" not in str(error):
                raise
        assert time.monotonic() < deadline, "still not so after waiting"
        time.sleep(0.05)


def login(page, base_url, username, password):
    page.goto(f"{base_url}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture
def worker(transactional_db):
    """Start real worker processes (``worker(**env)``); stopped, with their output shown, after the test."""
    procs = []

    def start(**env):
        proc = background.start_worker(**env)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        print(background.stop(proc)[-3000:])  # shown when a test fails
