"""Evidence names and types: pure tests."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluations import evidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(part="word/document.xml"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("name,safe", [
    ("SK Tim ZI 2026.pdf", "SK_Tim_ZI_2026.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\op\\Laporan.PDF", "Laporan.pdf"),
    ("<b>SK</b>.png", "b.png"),  # "/" is a path separator: only the last part is kept
    ("Foto kegiatan <1>.jpeg", "Foto_kegiatan_1.jpeg"),
    ("..pdf", "berkas.pdf"),
    ("", "berkas"),
    ("laporan", "laporan"),
    ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ("laporan..final...pdf", "laporan_final.pdf"),
    ("SK Tim; rm -rf ~.pdf", "SK_Tim_rm_-rf.pdf"),
])
def test_safe_name_removes_paths_and_odd_characters(name, safe):
    assert evidence.safe_name(name) == safe


@pytest.mark.parametrize("content,name,ok", [
    (PDF, "bukti.pdf", True),
    (PNG, "foto.png", True),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "foto.JPG", True),
    (ooxml(), "notulen.docx", True),
    (ooxml("xl/workbook.xml"), "rekap.xlsx", True),
    (ooxml("xl/workbook.xml"), "rekap.docx", False),  # a workbook posing as a document
    (b"<html><script>alert(1)</script></html>", "bukti.pdf", False),  # HTML renamed to .pdf
    (b"MZ\x90\x00" + b"\x00" * 20, "setup.pdf", False),  # an executable renamed
    (PDF, "bukti.exe", False),
    (PDF, "bukti", False),
    (b"PK\x03\x04 not really a zip", "x.docx", False),
])
def test_type_is_checked_from_content_and_extension(content, name, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        assert evidence.check_upload(upload, 1_000_000)[1].content_type
    else:
        with pytest.raises(evidence.EvidenceError):
            evidence.check_upload(upload, 1_000_000)


def test_too_big_says_the_limit():
    with pytest.raises(evidence.EvidenceError, match="batasnya 1 MB"):
        evidence.check_upload(SimpleUploadedFile("besar.pdf", PDF + b"0" * 1_048_576), 1_048_576)


def test_empty_file_is_refused():
    with pytest.raises(evidence.EvidenceError, match="kosong"):
        evidence.check_upload(SimpleUploadedFile("kosong.pdf", b""), 1_000)
