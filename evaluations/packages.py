"""Zip packages from outside — workbooks (.xlsx) and Office/OpenDocument evidence — opened with bounds.

A small upload can claim gigabytes once inflated (a zip bomb), hold a million members, or carry XML
with entity declarations. Everything here looks at a package before anything inflates it:

- the member count, read from the end-of-central-directory record before ``zipfile`` parses the
  directory;
- each member's declared size and compression ratio, and the total (``zipfile`` never inflates a
  member past its declared size, so the declared sizes bound what is read);
- optionally, that no XML part declares a DOCTYPE or entities (no part of an .xlsx legitimately
  does; the parsers behind openpyxl are defusedxml and lxml without entity resolution anyway).

Refusals are ``PackageError`` with a message for the person who uploaded the file. Pure: no ORM.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import numbers

EOCD = b"PK\x05\x06"
EOCD64_LOCATOR = b"PK\x06\x07"
MB = 1_048_576


class PackageError(ValueError):
    """A package refused before anything in it was inflated; the message is for the user."""


@dataclass(frozen=True)
class Limits:
    max_members: int
    max_member_bytes: int  # one member, inflated
    max_total_bytes: int  # all members, inflated
    max_ratio: int  # inflated ÷ compressed, for members above ``ratio_from_bytes``
    ratio_from_bytes: int = MB


# An LKE workbook is a few hundred rows: its parts inflate to a few MB at most.
WORKBOOK = Limits(max_members=300, max_member_bytes=16 * MB, max_total_bytes=32 * MB, max_ratio=100)
# Evidence documents: only their member names and ODF's tiny "mimetype" member are ever read.
DOCUMENT = Limits(max_members=5000, max_member_bytes=2**62, max_total_bytes=2**62, max_ratio=2**62)


def _size(n: int) -> str:
    return numbers.plain(round(n / MB)) + " MB"


def member_count(fileobj) -> int | None:
    """The number of members the end-of-central-directory record announces (None: not a zip),
    read from the last 64 KiB without parsing the directory itself."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    tail_length = min(size, 65_557)
    fileobj.seek(size - tail_length)
    tail = fileobj.read(tail_length)
    fileobj.seek(0)
    at = tail.rfind(EOCD)
    if at < 0 or len(tail) < at + 22:
        return None
    entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
    if entries == 0xFFFF and tail.rfind(EOCD64_LOCATOR, 0, at) >= 0:
        return 2**32  # zip64 announces its count elsewhere; no document of ours needs zip64
    return entries


def open_zip(fileobj, limits: Limits, *, forbid_doctype: bool = False) -> zipfile.ZipFile:
    """A ``ZipFile`` whose members may be read within ``limits``; PackageError otherwise."""
    try:
        count = member_count(fileobj)
    except OSError as exc:
        raise PackageError(_("Berkas tidak dapat dibaca.")) from exc
    if count is None:
        raise PackageError(_("Berkas ini bukan dokumen Office (seperti .xlsx atau .docx) yang utuh: rusak, terpotong, atau berkas jenis lain."))
    if count > limits.max_members:
        raise PackageError(_("Berkas berisi terlalu banyak bagian (%(n)s; paling banyak %(max)s).") % {
            "n": numbers.plain(count), "max": numbers.plain(limits.max_members)})
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error,
            KeyError, IndexError, struct.error) as exc:
        raise PackageError(_("Berkas ini bukan dokumen Office (seperti .xlsx atau .docx) yang utuh: rusak, terpotong, atau berkas jenis lain.")) from exc
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise PackageError(_("Berkas berisi terlalu banyak bagian."))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise PackageError(_("Berkas terenkripsi atau dilindungi kata sandi; simpan tanpa kata sandi."))
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > limits.max_member_bytes
                or (info.file_size > limits.ratio_from_bytes and ratio > limits.max_ratio)):
            raise PackageError(_("Bagian “%(name)s” mengembang menjadi %(size)s (rasio %(ratio)s:1); berkas "
                                 "ditolak karena tidak wajar untuk dokumen ini.") % {
                "name": info.filename[:80], "size": _size(info.file_size), "ratio": numbers.plain(round(ratio))})
        if total > limits.max_total_bytes:
            raise PackageError(_("Isi berkas mengembang lebih dari %(max)s; berkas ditolak.") % {
                "max": _size(limits.max_total_bytes)})
    if forbid_doctype:
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                head = read_member(archive, info.filename, 4096, whole=False).lower()
                if b"<!doctype" in head or b"<!entity" in head:
                    raise PackageError(_("Bagian “%(name)s” memuat deklarasi DOCTYPE/ENTITY XML, yang tidak pernah ada "
                                         "di workbook Excel biasa; berkas ditolak.") % {"name": info.filename[:80]})
    return archive


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int, *, whole: bool = True) -> bytes:
    """At most ``max_bytes`` of one member; with ``whole``, a member longer than that is refused."""
    try:
        with archive.open(name) as handle:
            data = handle.read(max_bytes + 1 if whole else max_bytes)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise PackageError(_("Bagian “%(name)s” rusak dan tidak dapat dibaca.") % {"name": name[:80]}) from exc
    if whole and len(data) > max_bytes:
        raise PackageError(_("Bagian “%(name)s” lebih besar dari yang wajar.") % {"name": name[:80]})
    return data
