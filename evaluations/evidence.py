"""Evidence uploads: names made safe, types checked from the file's content, not its name.

Accepted: PDF, JPEG, PNG, GIF, WebP, Office Open XML (docx, xlsx, pptx), legacy Office (doc, xls,
ppt) and OpenDocument (odt, ods, odp). A file is accepted only when its extension and its content
agree, so a renamed executable or an HTML page posing as a PDF is refused.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from . import numbers, packages

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str
    previewable: bool = False


KINDS = {
    "pdf": Kind("application/pdf", "PDF", True),
    "jpg": Kind("image/jpeg", "JPEG", True),
    "jpeg": Kind("image/jpeg", "JPEG", True),
    "png": Kind("image/png", "PNG", True),
    "gif": Kind("image/gif", "GIF", True),
    "webp": Kind("image/webp", "WebP", True),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"),
    "doc": Kind("application/msword", "Word 97–2003"),
    "xls": Kind("application/vnd.ms-excel", "Excel 97–2003"),
    "ppt": Kind("application/vnd.ms-powerpoint", "PowerPoint 97–2003"),
    "odt": Kind("application/vnd.oasis.opendocument.text", "OpenDocument Text"),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument Spreadsheet"),
    "odp": Kind("application/vnd.oasis.opendocument.presentation", "OpenDocument Presentation"),
}
ALLOWED_EXTENSIONS = sorted(KINDS)
OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


class EvidenceError(ValueError):
    pass


def safe_name(name: str, max_length: int = 120) -> str:
    """A file name with no path, no control or shell characters, and a bounded length.

    ``../../etc/passwd.pdf`` → ``passwd.pdf``; ``C:\\laporan\\SK Tim.pdf`` → ``SK_Tim.pdf``.
    """
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").split("/")[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()[:10]
    stem = re.sub(r"[^\w\-() ]+", "_", stem, flags=re.UNICODE)
    stem = re.sub(r"[\s_]+", "_", stem).strip("._- ") or "berkas"
    stem = stem[: max_length - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def display_name(name: str, max_length: int = 200) -> str:
    """A file name as the person chose it, for showing (always escaped): no folders, no control
    characters, bounded — unlike ``safe_name``, spaces and punctuation stay."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:max_length] or "berkas"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(head: bytes, fileobj=None) -> set[str]:
    """The extensions a file's content is consistent with (empty when none is allowed)."""
    if head.startswith(b"%PDF-"):
        return {"pdf"}
    if head.startswith(b"\xff\xd8\xff"):
        return {"jpg", "jpeg"}
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"png"}
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return {"gif"}
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return {"webp"}
    if head.startswith(OLE_MAGIC):
        return {"doc", "xls", "ppt"}
    if head.startswith(b"PK\x03\x04") and fileobj is not None:
        return _sniff_zip(fileobj)
    return set()


def _sniff_zip(fileobj) -> set[str]:
    """Office Open XML by its parts' names; OpenDocument by its "mimetype" member — read at most
    a few bytes of it, however large it claims to be (a zip bomb inflates nothing here)."""
    try:
        archive = packages.open_zip(fileobj, packages.DOCUMENT)
        names = set(archive.namelist())
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size > 200:  # an ODF mimetype is ~50 bytes of ASCII
                return set()
            mimetype = packages.read_member(archive, "mimetype", 200).decode("ascii", "replace").strip()
            return {ext for ext in ("odt", "ods", "odp") if KINDS[ext].content_type == mimetype}
        if "[Content_Types].xml" in names:
            return {ext for ext, prefix in OOXML_PART.items() if any(n.startswith(prefix) for n in names)}
    except packages.PackageError:
        raise  # refused with its own reason (too many members, encrypted, …)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return set()
    finally:
        fileobj.seek(0)
    return set()


def check_upload(upload, max_bytes: int) -> tuple[str, Kind]:
    """Validate an uploaded file; return its safe name and kind, or raise EvidenceError in words."""
    name = safe_name(upload.name or "")
    ext = extension(name)
    if upload.size > max_bytes:
        raise EvidenceError(_("Berkas terlalu besar: %(size)s MB; batasnya %(limit)s MB.") % {
            "size": numbers.plain(Decimal(upload.size) / 1_048_576, 1), "limit": max_bytes // 1_048_576})
    if upload.size == 0:
        raise EvidenceError(_("Berkas kosong."))
    if ext not in KINDS:
        raise EvidenceError(_("Jenis berkas .%(ext)s tidak diterima. Unggah PDF, gambar (JPG, PNG, GIF, WebP) "
                              "atau dokumen Office/OpenDocument.") % {"ext": ext or "?"})
    upload.seek(0)
    head = upload.read(16)
    try:
        consistent = sniff(head, upload)
    except packages.PackageError as exc:
        raise EvidenceError(str(exc)) from exc
    if ext not in consistent:
        raise EvidenceError(_("Isi berkas tidak sesuai dengan ekstensinya (.%(ext)s). Pastikan berkas tidak "
                              "rusak dan bukan berkas lain yang diganti namanya.") % {"ext": ext})
    upload.seek(0)
    return name, KINDS[ext]
