"""The evidence link check (evaluations/linkcheck.py) against a real HTTP server on this machine: what
counts as working or broken, the hard time bound, and the SSRF rules — internal addresses refused
before anything connects, redirects judged like the first address, the checked address connected to
(no second lookup) with the link's own host name as Host header, SNI and certificate name."""

import datetime
import io
import socket
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509  # a dependency of moto (requirements-dev.txt)
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evaluations import linkcheck, tasks
from evaluations.linkcheck import Result, check_url
from evaluations.models import Document

INTERNAL = "Alamat jaringan internal tidak diperiksa"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self, status, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"ok")

    def _route(self):
        self.server.seen.append((self.command, self.path, self.headers.get("Host")))
        port = self.server.server_address[1]
        routes = {
            "/ok": (200, ()),
            "/missing": (404, ()),
            "/gone": (410, ()),
            "/error": (500, ()),
            "/login": (403, ()),
            "/r1": (302, [("Location", "/r2")]),
            "/r2": (301, [("Location", "r3")]),  # relative
            "/r3": (307, [("Location", f"http://127.0.0.1:{port}/ok")]),
            "/loop": (302, [("Location", "/loop")]),
            "/to-loopback": (302, [("Location", f"http://127.0.0.2:{port}/ok")]),
            "/to-metadata": (302, [("Location", "http://169.254.169.254/latest/meta-data/")]),
            "/to-file": (302, [("Location", "file:///etc/passwd")]),
        }
        if self.path == "/head-405":
            return self._answer(405 if self.command == "HEAD" else 200)
        if self.path == "/slow":
            time.sleep(2)
            return self._answer(200)
        if self.path == "/drip":  # every header line well within the timeout, the whole far beyond it
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for i in range(30):
                time.sleep(0.1)
                self.wfile.write(f"X-Drip-{i}: .\r\n".encode())
                self.wfile.flush()
            return None
        status, headers = routes.get(self.path, (404, ()))
        return self._answer(status, headers)

    def do_HEAD(self):
        self._route()

    def do_GET(self):
        self._route()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the client hanging up on /slow and /drip is the point of those tests


def _serve(server):
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def http_server():
    server = _serve(QuietServer(("127.0.0.1", 0), Handler))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def base(http_server):
    http_server.seen.clear()
    return f"http://127.0.0.1:{http_server.server_address[1]}"


@pytest.fixture
def connections(monkeypatch):
    """Every address the checker connects to (the connection still happens)."""
    made = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        made.append(address[0])
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return made


@pytest.fixture
def loopback_is_public(monkeypatch):
    """127.0.0.1 (the test server) stands in for a public web site; every other address is judged by
    the real rules."""
    real = linkcheck.address_refused
    monkeypatch.setattr(linkcheck, "address_refused",
                        lambda ip, *, allow_private: ip != "127.0.0.1" and real(ip, allow_private=allow_private))


def _resolve_to_loopback(monkeypatch, *names):
    """These host names resolve to 127.0.0.1 (the lookups of them are counted)."""
    lookups = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            lookups.append(host)
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


# --------------------------------------------------------------------------- outcomes


@pytest.mark.parametrize(("path", "expected"), [
    ("/ok", Result(True, "HTTP 200")),
    ("/missing", Result(False, "HTTP 404")),
    ("/gone", Result(False, "HTTP 410")),
    ("/error", Result(False, "HTTP 500")),
    ("/login", Result(True, "Perlu masuk (HTTP 403)")),
    ("/r1", Result(True, "HTTP 200")),
    ("/loop", Result(False, "Terlalu banyak pengalihan (lebih dari 3)")),
])
def test_what_the_server_answers_decides(base, path, expected):
    assert check_url(base + path, timeout=2, allow_private=True) == expected


def test_head_first_then_get_when_head_is_refused(base, http_server):
    assert check_url(base + "/head-405", timeout=2, allow_private=True) == Result(True, "HTTP 200")
    assert [m for m, path, _ in http_server.seen if path == "/head-405"] == ["HEAD", "GET"]
    check_url(base + "/ok", timeout=2, allow_private=True)
    assert [m for m, path, _ in http_server.seen if path == "/ok"] == ["HEAD"]  # no body asked for


def test_redirects_are_followed_three_times_at_most(base, http_server):
    check_url(base + "/loop", timeout=2, allow_private=True)
    assert len([p for _, p, _ in http_server.seen if p == "/loop"]) == 4  # the link and three redirects


def test_a_slow_server_times_out(base):
    started = time.monotonic()
    assert check_url(base + "/slow", timeout=0.5, allow_private=True) == Result(False, "Waktu habis (0,5 detik)")
    assert time.monotonic() - started < 1.5


def test_a_server_dripping_its_headers_is_cut_off_at_the_deadline(base):
    """Each header line comes within the timeout; the request as a whole may not take longer."""
    started = time.monotonic()
    assert check_url(base + "/drip", timeout=0.5, allow_private=True) == Result(False, "Waktu habis (0,5 detik)")
    assert time.monotonic() - started < 1.5


def test_nothing_listening_and_unknown_names_are_broken(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    assert check_url(f"http://127.0.0.1:{port}/", timeout=1, allow_private=True) == Result(False, "Sambungan ditolak")

    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    assert check_url("https://tidak-ada.example/sk.pdf", timeout=1) == Result(False, "Alamat tidak ditemukan")


def test_a_resolver_that_hangs_times_out(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: time.sleep(3))
    started = time.monotonic()
    assert check_url("https://lambat.example/", timeout=0.3) == Result(False, "Waktu habis (0,3 detik)")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("url", ["ftp://files.example/sk.pdf", "mailto:tu@pemda.go.id"])
def test_only_http_and_https_are_asked(url):
    result = check_url(url)
    assert not result.ok and not result.checked
    assert result.detail == "Hanya tautan http atau https yang diperiksa"


def test_the_name_is_looked_up_once_and_sent_as_host(base, http_server, monkeypatch, connections):
    port = http_server.server_address[1]
    lookups = _resolve_to_loopback(monkeypatch, "bukti.pemda.example")
    assert check_url(f"http://bukti.pemda.example:{port}/ok", timeout=2, allow_private=True).ok
    assert lookups == ["bukti.pemda.example"]  # one lookup; the connection goes to what it returned
    assert connections == ["127.0.0.1"]
    assert http_server.seen == [("HEAD", "/ok", f"bukti.pemda.example:{port}")]


def test_odd_characters_in_the_path_are_escaped_not_sent_raw(base, http_server):
    """Spaces escaped; line breaks dropped (as browsers do): no header can be smuggled in."""
    check_url(base + "/SK Tim ZI.pdf?a=1\r\nX-Injected: 1", timeout=2, allow_private=True)
    assert [path for _, path, _ in http_server.seen] == ["/SK%20Tim%20ZI.pdf?a=1X-Injected:%201"]


# --------------------------------------------------------------------------- SSRF


@pytest.fixture
def no_connections(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("connected to a refused address")

    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8000/admin/", "http://2130706433/", "http://[::1]/",
    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://10.1.2.3/sk.pdf", "http://192.168.1.1/",
    "http://172.16.0.5/", "http://100.64.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
    "http://224.0.0.1/", "http://240.0.0.1/",
])
def test_internal_addresses_are_refused_without_connecting(url, no_connections):
    assert check_url(url) == Result(False, INTERNAL, checked=False)


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0/", "http://224.0.0.1/",
])
def test_metadata_link_local_and_unspecified_stay_refused_on_an_intranet(url, no_connections):
    assert check_url(url, allow_private=True) == Result(False, INTERNAL, checked=False)


def test_loopback_is_refused_by_default_even_where_a_server_listens(base, http_server, no_connections):
    assert check_url(base + "/ok") == Result(False, INTERNAL, checked=False)
    assert http_server.seen == []


def test_a_name_with_any_internal_address_is_refused(monkeypatch, no_connections):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 80)),
    ])
    assert check_url("http://campuran.example/") == Result(False, INTERNAL, checked=False)


@pytest.mark.usefixtures("loopback_is_public")
@pytest.mark.parametrize(("path", "detail"), [
    ("/to-loopback", INTERNAL),
    ("/to-metadata", INTERNAL),
    ("/to-file", "Hanya tautan http atau https yang diperiksa"),
])
def test_a_redirect_is_judged_like_the_link_itself(base, connections, path, detail):
    assert check_url(base + path, timeout=2) == Result(False, detail, checked=False)
    assert connections == ["127.0.0.1"]  # the first server only: never the redirect's target


@pytest.mark.parametrize(("ip", "default", "intranet"), [
    ("93.184.216.34", False, False),
    ("2606:2800:220:1:248:1893:25c8:1946", False, False),
    ("10.0.0.1", True, False),
    ("172.20.1.1", True, False),
    ("192.168.0.10", True, False),
    ("fd00::1", True, False),
    ("127.0.0.1", True, False),
    ("::1", True, False),
    ("::ffff:10.0.0.1", True, False),
    ("169.254.169.254", True, True),
    ("::ffff:169.254.169.254", True, True),
    ("64:ff9b::a9fe:a9fe", True, True),  # NAT64 of 169.254.169.254
    ("fe80::1%eth0", True, True),
    ("224.0.0.251", True, True),
    ("0.0.0.0", True, True),
    ("::", True, True),
    ("240.0.0.1", True, True),
])
def test_address_rules(ip, default, intranet):
    assert linkcheck.address_refused(ip, allow_private=False) is default
    assert linkcheck.address_refused(ip, allow_private=True) is intranet


# --------------------------------------------------------------------------- HTTPS


@pytest.fixture(scope="module")
def tls_server():
    """An HTTPS server on 127.0.0.1 with a certificate for bukti.pemda.example from a test authority;
    it records the name each client asks for (SNI)."""
    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("Uji CA")).issuer_name(name("Uji CA"))
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(name("bukti.pemda.example")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("bukti.pemda.example")]), critical=False)
            .sign(ca_key, hashes.SHA256()))

    def pem(obj):
        if hasattr(obj, "private_bytes"):
            return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
        return obj.public_bytes(serialization.Encoding.PEM)

    with tempfile.TemporaryDirectory() as folder:
        with open(f"{folder}/cert.pem", "wb") as out:
            out.write(pem(cert) + pem(key))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(f"{folder}/cert.pem")
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.sni = []
    context.sni_callback = lambda sock, server_name, ctx: server.sni.append(server_name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    _serve(server)
    server.ca_pem = pem(ca).decode()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def trust_test_ca(monkeypatch, tls_server):
    monkeypatch.setattr(linkcheck, "_tls_context", lambda: ssl.create_default_context(cadata=tls_server.ca_pem))
    tls_server.sni.clear()
    tls_server.seen.clear()


@pytest.mark.usefixtures("trust_test_ca")
def test_https_checks_the_certificate_against_the_links_host_name(tls_server, monkeypatch, connections):
    port = tls_server.server_address[1]
    _resolve_to_loopback(monkeypatch, "bukti.pemda.example", "lain.example")
    assert check_url(f"https://bukti.pemda.example:{port}/ok", timeout=2, allow_private=True) == \
        Result(True, "HTTP 200")
    assert tls_server.sni == ["bukti.pemda.example"]
    assert tls_server.seen == [("HEAD", "/ok", f"bukti.pemda.example:{port}")]
    assert connections == ["127.0.0.1"]
    # the same server, reached under a name its certificate does not carry
    assert check_url(f"https://lain.example:{port}/ok", timeout=2, allow_private=True) == \
        Result(False, "Sertifikat HTTPS tidak sah")
    # and by address: the certificate names no IP
    assert not check_url(f"https://127.0.0.1:{port}/ok", timeout=2, allow_private=True).ok


# --------------------------------------------------------------------------- documents, task, command


def _link(unit, url, title="Tautan", **kw):
    return Document.objects.create(unit=unit, kind=Document.Kind.LINK, url=url, title=title, **kw)


def test_check_documents_records_each_outcome_with_one_request_per_url(base, http_server, unit, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    ok1, ok2 = _link(unit, base + "/ok", "SK Tim"), _link(unit, base + "/ok", "SK Tim (salinan)")
    gone, login = _link(unit, base + "/missing", "Laporan"), _link(unit, base + "/login", "Drive")
    upload = Document.objects.create(unit=unit, kind=Document.Kind.FILE, title="Berkas")
    now = timezone.now()
    assert linkcheck.check_documents([ok1, ok2, gone, login, upload], now=now) == 1
    assert [p for _, p, _ in http_server.seen].count("/ok") == 1
    for doc, status, detail in [(ok1, "ok", "HTTP 200"), (ok2, "ok", "HTTP 200"), (gone, "broken", "HTTP 404"),
                                (login, "ok", "Perlu masuk (HTTP 403)")]:
        doc.refresh_from_db()
        assert (doc.link_status, doc.link_detail, doc.link_checked_at) == (status, detail, now)
    upload.refresh_from_db()
    assert (upload.link_status, upload.link_checked_at) == ("", None)


def test_internal_links_stay_unchecked_by_default(base, unit, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = False
    doc = _link(unit, base + "/ok")
    assert linkcheck.check_documents([doc]) == 0
    doc.refresh_from_db()
    assert (doc.link_status, doc.link_detail) == ("", INTERNAL)
    assert doc.link_checked_at is not None


def test_a_link_edited_during_the_check_keeps_its_new_address_unjudged(base, unit, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    doc = _link(unit, base + "/missing")
    Document.objects.filter(pk=doc.pk).update(url=base + "/ok")  # edited meanwhile; `doc` is stale
    linkcheck.check_documents([doc])
    doc.refresh_from_db()
    assert (doc.url, doc.link_status, doc.link_checked_at) == (base + "/ok", "", None)


def test_the_task_checks_a_units_links_not_checked_within_the_hour(base, unit, other_unit, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    fresh = _link(unit, base + "/missing", "Diperiksa tadi", link_status="ok",
                  link_checked_at=timezone.now() - datetime.timedelta(minutes=10))
    old = _link(unit, base + "/missing", "Lama", link_status="ok",
                link_checked_at=timezone.now() - datetime.timedelta(days=2))
    new, elsewhere = _link(unit, base + "/ok", "Baru"), _link(other_unit, base + "/missing", "Unit lain")
    assert tasks.check_links.call(unit_id=unit.pk) == 1
    statuses = {d.title: d.link_status for d in Document.objects.filter(pk__in=[fresh.pk, old.pk, new.pk,
                                                                                 elsewhere.pk])}
    assert statuses == {"Diperiksa tadi": "ok", "Lama": "broken", "Baru": "ok", "Unit lain": ""}
    # named documents are checked however recently
    assert tasks.check_links.call(document_ids=[fresh.pk]) == 1
    fresh.refresh_from_db()
    assert fresh.link_status == "broken"


def test_housekeeping_queues_links_unchecked_for_a_week_oldest_first(unit, monkeypatch):
    now = timezone.now()
    never = _link(unit, "https://a.example/")
    stale = _link(unit, "https://b.example/", link_checked_at=now - datetime.timedelta(days=8))
    _link(unit, "https://c.example/", link_checked_at=now - datetime.timedelta(days=1))
    Document.objects.create(unit=unit, kind=Document.Kind.FILE, title="Berkas")
    queued = DBTaskResult.objects.filter(task_path="evaluations.tasks.check_links")

    monkeypatch.setattr(tasks, "LINK_CHECK_NIGHTLY", 1)
    assert tasks.queue_stale_link_checks(now) == 1
    assert [r.args_kwargs["kwargs"] for r in queued] == [{"document_ids": [never.pk]}]

    queued.delete()
    monkeypatch.setattr(tasks, "LINK_CHECK_NIGHTLY", 500)
    monkeypatch.setattr(tasks, "LINK_CHECK_CHUNK", 1)
    assert tasks.queue_stale_link_checks(now) == 2
    assert sorted(r.args_kwargs["kwargs"]["document_ids"][0] for r in queued) == sorted([never.pk, stale.pk])


def test_housekeeping_reports_the_links_it_queued(unit):
    _link(unit, "https://a.example/")
    assert tasks.housekeeping.call()["links"] == 1


def test_the_command_checks_and_sums_up(base, unit, other_unit, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    _link(unit, base + "/ok", "SK Tim")
    _link(unit, base + "/missing", "Laporan Triwulan", link_status="ok", link_checked_at=timezone.now())
    _link(unit, "ftp://files.example/sop.pdf", "SOP")
    _link(other_unit, base + "/missing", "Unit lain")
    out = io.StringIO()
    call_command("check_evidence_links", unit=unit.pk, stdout=out)
    text = out.getvalue()
    assert f"Laporan Triwulan: {base}/missing (HTTP 404)" in text
    assert "Unit lain" not in text
    assert "3 tautan diperiksa: 1 dapat dibuka, 1 tidak dapat dibuka, 1 tidak diperiksa" in text

    out = io.StringIO()
    call_command("check_evidence_links", "--all", stdout=out)
    assert "4 tautan diperiksa: 1 dapat dibuka, 2 tidak dapat dibuka, 1 tidak diperiksa" in out.getvalue()


def test_the_command_needs_a_unit_or_all(db):
    with pytest.raises(CommandError):
        call_command("check_evidence_links")
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("check_evidence_links", unit=999_999)
