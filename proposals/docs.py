"""Word documents from templates: the repository's (proposals/docx/) or the instansi's own upload.

Templates are .docx files with Jinja tags (docxtpl); they are rendered in Jinja's sandbox with
autoescaping (a unit's name with "<" or "&" stays text), from plain dictionaries the selectors
build — no ORM here, no network. An uploaded template is checked before it is kept: a bounded zip,
no DOCTYPE, and it must render with sample data."""

from __future__ import annotations

import io
import logging
import os
import resource
import select
import signal
import time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from evaluations import packages

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent / "docx"
DEFAULTS = {"letter": "surat_pengajuan.docx", "statement": "sptjm.docx", "decree": "sk_penetapan.docx",
            "lhe": "lhe_tpi.docx"}
DOCX = packages.Limits(max_members=200, max_member_bytes=20 * packages.MB, max_total_bytes=40 * packages.MB,
                       max_ratio=100)
MAX_TEMPLATE_BYTES = 5 * packages.MB
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TemplateProblem(ValueError):
    """A template that cannot be used; the message is for the admin."""


def default_path(kind: str) -> Path:
    return HERE / DEFAULTS[kind]


MAX_REPEAT = 10_000  # "x" * n, [..] * n, n ** m: nothing a letter needs is larger


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox (no attribute tricks, no imports) with bounded work, so an uploaded template
    cannot hold a request: no ``range``/``lipsum`` or other globals (loops run over the data given,
    which is bounded), and repetition and powers are refused past ``MAX_REPEAT``."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self):
        super().__init__(autoescape=True)
        self.globals.clear()

    def call_binop(self, context, operator, left, right):
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
        if operator == "**" and not (numbers and abs(right) <= 64 and abs(left) <= MAX_REPEAT):
            raise SecurityError("power too large")
        if operator == "*" and not numbers:
            count = right if isinstance(right, int) else left if isinstance(left, int) else 0
            if count > MAX_REPEAT:
                raise SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


def _environment() -> SandboxedEnvironment:
    return _Sandbox()


def _render_here(data: bytes, context: dict) -> bytes:
    try:
        doc = DocxTemplate(io.BytesIO(data))
        doc.render(context, jinja_env=_environment())
        out = io.BytesIO()
        doc.save(out)
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(_("Templat Word tidak dapat dipakai: %(why)s") % {"why": str(exc)[:200]}) from exc
    except MemoryError as exc:
        raise TemplateProblem(TOO_MUCH) from exc
    except Exception as exc:  # noqa: BLE001 — a template from outside: whatever python-docx raises, words
        log.info("docx template could not be rendered", exc_info=True)
        raise TemplateProblem(_("Templat Word tidak dapat dibaca atau diisi; simpan ulang dari Word sebagai .docx "
                                "lalu unggah lagi.")) from exc
    if len(out.getvalue()) > MAX_OUTPUT:
        raise TemplateProblem(TOO_MUCH)
    return out.getvalue()


MAX_OUTPUT = 20 * packages.MB
MEMORY = 768 * packages.MB  # more address space than the process already has, for one document
TOO_MUCH = gettext_lazy("Templat Word tidak dapat dipakai: pengisiannya melampaui batas waktu atau ukuran yang wajar "
                        "untuk satu dokumen. Periksa perulangan dan isian di templat.")


def render(template, context: dict) -> bytes:
    """The document as bytes. ``template``: a path or a binary file object.

    Rendered in a forked child process with a CPU limit, an address-space limit and a wall-clock
    timeout (``DOCX_RENDER_SECONDS``): whatever an uploaded template does — nested loops over the
    data, huge strings — the request gets an answer in bounded time and memory. The child touches no
    database; it writes the document (or the reason it failed) to a pipe and exits."""
    data = template.read() if hasattr(template, "read") else Path(template).read_bytes()
    seconds = settings.DOCX_RENDER_SECONDS
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
            with open("/proc/self/statm") as statm:
                in_use = int(statm.read().split()[0]) * resource.getpagesize()
            resource.setrlimit(resource.RLIMIT_AS, (in_use + MEMORY, in_use + MEMORY))
            try:
                payload = b"OK" + _render_here(data, context)
            except TemplateProblem as exc:
                payload = b"ER" + str(exc).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:  # noqa: BLE001 — the child must exit whatever happens, never return
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + seconds + 2
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            ready, _w, _x = select.select([pipe], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    os.waitpid(pid, 0)
    payload = b"".join(chunks)
    if payload[:2] == b"OK":
        return payload[2:]
    if payload[:2] == b"ER":
        raise TemplateProblem(payload[2:].decode())
    raise TemplateProblem(str(TOO_MUCH))  # killed: out of time, out of memory


def check_upload(fileobj, kind: str, sample: dict) -> None:
    """Refuse a template that is not a sound .docx or does not render with ``sample`` data."""
    if fileobj.size > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(_("Templat lebih besar dari 5 MB."))
    try:
        archive = packages.open_zip(fileobj, DOCX, forbid_doctype=True)
    except packages.PackageError as exc:
        raise TemplateProblem(str(exc)) from exc
    if "word/document.xml" not in archive.namelist():
        raise TemplateProblem(_("Berkas ini bukan dokumen Word (.docx)."))
    fileobj.seek(0)
    render(io.BytesIO(fileobj.read()), sample)
    fileobj.seek(0)


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a document, for tests and previews."""
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)
