"""Does an evidence link still open? Checked from the server, by a worker, never from the browser.

The server asks on behalf of whoever typed the link, so the check must not become a way to reach
what only the server can reach (SSRF): the cloud's metadata service (169.254.169.254), the server
itself, the data centre's internal machines. Every address a name resolves to is judged before
anything is sent, and the connection goes to that very address (the name is not looked up a second
time, so a DNS answer that changes between the check and the connection — DNS rebinding — gains
nothing). The name still travels as the Host header and, for HTTPS, as SNI and as the name the
certificate must carry, so a virtual host answers as it would to a browser. Redirects are followed a
few times, each one judged by the same rules, and the whole check of one link has a hard time bound
however slowly a server answers.

Only the status line and headers are read, never a body: a 2xx answer (directly or after
redirects) means the link opens; 401/403 mean it exists but asks for a login (a shared drive) and so
still count as working; 404/410/5xx, a timeout, a refused connection or an unknown name mean it is
broken.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Document

TIMEOUT = 5.0  # seconds per request; one link gets at most TIMEOUT × (MAX_REDIRECTS + 1)
MAX_REDIRECTS = 3
PARALLEL = 4  # links checked side by side: a batch of dead servers waits for their timeouts together
USER_AGENT = "Mozilla/5.0 (compatible; ZI-Tracker-LinkCheck/1.0)"
REDIRECTS = {301, 302, 303, 307, 308}
GET_INSTEAD_OF_HEAD = {403, 405, 501}  # servers that refuse HEAD but answer GET
LOGIN = {401, 403}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Result:
    ok: bool
    detail: str  # short, for people: "HTTP 404", "Waktu habis (5 detik)"
    checked: bool = True  # False: not asked at all (an internal address, not http/https): neither ok nor broken


class _Stop(Exception):
    """A verdict reached before (or instead of) an answer from the server."""

    def __init__(self, result: Result):
        super().__init__(result.detail)
        self.result = result


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA), IPv6 without brackets
    port: int
    path: str  # path and query, percent-encoded
    host_header: str


# --------------------------------------------------------------------------- addresses


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4): judged as that address, or
    ``::ffff:127.0.0.1`` would pass as "global IPv6"."""
    if addr.ipv4_mapped:
        return addr.ipv4_mapped
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return addr.sixtofour


def address_refused(ip: str, *, allow_private: bool) -> bool:
    """Whether the server must not connect to this address. Link-local (the cloud metadata service
    at 169.254.169.254 among them), multicast, reserved and unspecified addresses never; private
    networks and the server's own loopback only where ``allow_private`` says the evidence lives on
    the intranet (such an install trusts the people who type links with its internal network)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if addr.version == 6:
        addr = _embedded_ipv4(addr) or addr
    if addr.is_loopback:  # before "reserved": IPv6's ::1 lies in the reserved ::/8
        return not allow_private
    if addr.is_link_local or addr.is_multicast or addr.is_reserved or addr.is_unspecified:
        return True
    return not allow_private and (addr.is_private or not addr.is_global)


def _resolve(host: str, port: int, timeout: float) -> list[str]:
    """The host's addresses, looked up once. ``getaddrinfo`` has no timeout of its own: it runs in a
    daemon thread that is abandoned if the resolver takes longer than ``timeout``."""
    box: dict = {}

    def lookup():
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    thread = threading.Thread(target=lookup, name="linkcheck-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError("DNS")
    if "error" in box:
        raise box["error"]
    return list(dict.fromkeys(info[4][0] for info in box["infos"]))


# --------------------------------------------------------------------------- connections


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to addresses already judged (the first that accepts), never to a fresh lookup of
    the name."""

    def __init__(self, ips: list[str], port: int, deadline: float):
        super().__init__(ips[0], port, timeout=max(deadline - time.monotonic(), 0.01))
        self._ips = ips
        self._deadline = deadline

    def connect(self):
        error: OSError | None = None
        for ip in self._ips:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("connect")
            try:
                self.sock = socket.create_connection((ip, self.port), remaining)
                return
            except TimeoutError:
                raise
            except OSError as exc:  # refused, unreachable (an IPv6 address on an IPv4-only server): the next one
                error = exc
        raise error or OSError("no address")


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """The same over TLS, the certificate checked against the link's host name (sent as SNI)
    rather than against the address connected to."""

    def __init__(self, ips: list[str], port: int, deadline: float, server_hostname: str):
        super().__init__(ips, port, deadline)
        self._server_hostname = server_hostname

    def connect(self):
        super().connect()
        self.sock = _tls_context().wrap_socket(self.sock, server_hostname=self._server_hostname)


def _tls_context() -> ssl.SSLContext:
    """The system's trusted authorities, host name checked (a separate function so tests can trust
    their own authority)."""
    return ssl.create_default_context()


def _abort(conn: http.client.HTTPConnection, fired: threading.Event) -> None:
    """Cut a request that has run out of time. The socket's timeout bounds each read, not the sum of
    them: a server sending a header byte every few seconds would otherwise hold the check for ever.
    ``socket.socket.shutdown`` (not ``SSLSocket.shutdown``, which would unwrap TLS under the reader)
    wakes the blocked read at once."""
    fired.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _request(target: _Target, ips: list[str], method: str, deadline: float) -> tuple[int, str | None]:
    """One request: its status and Location header. No body is read."""
    if target.scheme == "https":
        conn = _PinnedHTTPSConnection(ips, target.port, deadline, target.host)
    else:
        conn = _PinnedHTTPConnection(ips, target.port, deadline)
    fired = threading.Event()
    watchdog = threading.Timer(max(deadline - time.monotonic(), 0), _abort, (conn, fired))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request(method, target.path, headers={
            "Host": target.host_header, "User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"})
        response = conn.getresponse()
        if fired.is_set():  # the cut may read as the end of the headers: a partial answer is no answer
            raise TimeoutError("deadline")
        return response.status, response.getheader("Location")
    except (OSError, http.client.HTTPException):
        if fired.is_set():
            raise TimeoutError("deadline") from None
        raise
    finally:
        watchdog.cancel()
        conn.close()


# --------------------------------------------------------------------------- checking


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname or ""
        if host and not host.isascii():
            host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise _Stop(Result(False, _("Alamat tautan tidak sah"))) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _Stop(Result(False, _("Hanya tautan http atau https yang diperiksa"), checked=False))
    if not host:
        raise _Stop(Result(False, _("Alamat tautan tidak sah")))
    default_port = 443 if scheme == "https" else 80
    host_header = f"[{host}]" if ":" in host else host
    if port and port != default_port:
        host_header += f":{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return _Target(scheme, host, port or default_port, path, host_header)


def _verdict(status: int) -> Result:
    if 200 <= status < 300:
        return Result(True, f"HTTP {status}")
    if status in LOGIN:
        return Result(True, _("Perlu masuk (HTTP %(status)s)") % {"status": status})
    if status == 429:  # the server is rationing its answers: the link may well work, nothing to report
        return Result(True, _("Server membatasi permintaan (HTTP 429)"))
    return Result(False, f"HTTP {status}")


def _failure(exc: BaseException, timeout: float) -> Result:
    if isinstance(exc, TimeoutError):
        return Result(False, _("Waktu habis (%(s)s detik)") % {"s": _seconds(timeout)})
    if isinstance(exc, socket.gaierror):
        return Result(False, _("Alamat tidak ditemukan"))
    if isinstance(exc, ConnectionRefusedError):
        return Result(False, _("Sambungan ditolak"))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Result(False, _("Sertifikat HTTPS tidak sah"))
    if isinstance(exc, ssl.SSLError):
        return Result(False, _("Sambungan HTTPS gagal"))
    if isinstance(exc, http.client.HTTPException | ConnectionResetError):
        return Result(False, _("Jawaban server tidak dapat dibaca"))
    if isinstance(exc, ValueError):  # UnicodeError among them
        return Result(False, _("Alamat tautan tidak sah"))
    return Result(False, _("Tidak dapat tersambung"))


def check_url(url: str, *, timeout: float = TIMEOUT, allow_private: bool = False) -> Result:
    """Whether ``url`` opens, asked from this server (see the module's docstring for the rules).
    ``timeout`` bounds each request; the whole check, redirects included, ends within
    ``timeout × (MAX_REDIRECTS + 1)``."""
    deadline = time.monotonic() + timeout * (MAX_REDIRECTS + 1)
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            target = _target(url)
            ips = _resolve(target.host, target.port, max(min(timeout, deadline - time.monotonic()), 0.01))
            if not ips:
                raise socket.gaierror("no address")
            if any(address_refused(ip, allow_private=allow_private) for ip in ips):
                return Result(False, _("Alamat jaringan internal tidak diperiksa"), checked=False)
            status, location = _ask(target, ips, timeout, deadline)
            if status in REDIRECTS and location:
                url = urljoin(url, location.strip())
                continue
            return _verdict(status)
        return Result(False, _("Terlalu banyak pengalihan (lebih dari %(n)s)") % {"n": MAX_REDIRECTS})
    except _Stop as stop:
        return stop.result
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return _failure(exc, timeout)


def _ask(target: _Target, ips: list[str], timeout: float, deadline: float) -> tuple[int, str | None]:
    """HEAD first (no body is sent back at all); GET when the server will not answer HEAD."""
    status = location = None
    for method in ("HEAD", "GET"):
        request_deadline = min(time.monotonic() + timeout, deadline)
        if request_deadline <= time.monotonic():
            raise TimeoutError("deadline")
        status, location = _request(target, ips, method, request_deadline)
        if status not in GET_INSTEAD_OF_HEAD:
            break
    return status, location


def check_documents(documents: Iterable[Document], *, now: datetime | None = None) -> int:
    """Check these documents' links (file documents are passed over) and record the outcome; one
    request per distinct URL however many documents share it. The result is written only where the
    document still has the URL that was checked: a link edited meanwhile keeps its reset status
    rather than the verdict on its old address. Returns how many are broken."""
    now = now or timezone.now()
    by_url: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        if doc.kind == Document.Kind.LINK and doc.url:
            by_url[doc.url].append(doc)
    if not by_url:
        return 0
    check = functools.partial(check_url, timeout=TIMEOUT, allow_private=settings.LINK_CHECK_ALLOW_PRIVATE)
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(by_url)), thread_name_prefix="linkcheck") as pool:
        results = dict(zip(by_url, pool.map(check, by_url), strict=True))
    broken = 0
    for url, docs in by_url.items():
        result = results[url]
        if not result.checked:
            status = Document.LinkStatus.UNCHECKED
        else:
            status = Document.LinkStatus.OK if result.ok else Document.LinkStatus.BROKEN
        detail = result.detail[:200]
        for doc in docs:
            doc.link_status, doc.link_checked_at, doc.link_detail = status, now, detail
        Document.objects.filter(pk__in=[d.pk for d in docs], url=url).update(
            link_status=status, link_checked_at=now, link_detail=detail)
        if status == Document.LinkStatus.BROKEN:
            broken += len(docs)
    return broken
