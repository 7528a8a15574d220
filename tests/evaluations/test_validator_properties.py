"""Property-based tests (hypothesis) of what guards the data: answer values and evidence uploads.

Whatever a person types or uploads, the validators either accept a value that is in range and
round-trips, or refuse it with a message — they never crash, never store something out of range,
and never let content through that does not match its name.
"""

import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evaluations import evidence
from evaluations.forms import NUMBER_RULES, AnswerForm, format_number
from evaluations.models import AnswerType

MB = 1_048_576


def question(answer_type, letters=()):
    options = [SimpleNamespace(letter=letter, text=f"Pilihan {letter}") for letter in letters]
    return SimpleNamespace(pk=7, answer_type=answer_type, formula="", options=SimpleNamespace(all=lambda: options))


def clean(answer_type, typed, letters=()):
    form = AnswerForm({"revision": 0, "number": typed, "option": typed}, question=question(answer_type, letters))
    return form


NUMERIC = [AnswerType.PERSEN, AnswerType.JUMLAH, AnswerType.INDEKS]


def in_range(answer_type):
    low, high, places, _ = NUMBER_RULES[answer_type]
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False)


def grouped(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 1234567 → 1.234.567


# --- answer values --------------------------------------------------------------------------------

@pytest.mark.parametrize("answer_type", NUMERIC)
@given(data=st.data())
def test_a_value_in_range_typed_the_indonesian_way_round_trips(answer_type, data):
    value = data.draw(in_range(answer_type))
    for typed in {format_number(value), f"{value.normalize():f}", f" {format_number(value)} "}:
        form = clean(answer_type, typed)
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["number"] == value


@given(st.integers(min_value=0, max_value=999_999_999))
def test_a_count_with_thousand_dots_is_the_same_count(n):
    for typed in (str(n), grouped(n)):
        form = clean(AnswerType.JUMLAH, typed)
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["number"] == n


@pytest.mark.parametrize("answer_type", NUMERIC)
@given(typed=st.text(max_size=30))
@example(typed="1e309")
@example(typed="NaN")
@example(typed="-0,0")
@example(typed="١٢")  # Arabic-Indic digits
@example(typed="87,5%")
def test_anything_typed_is_accepted_in_range_or_refused_with_a_message(answer_type, typed):
    low, high, places, _ = NUMBER_RULES[answer_type]
    form = clean(answer_type, typed)
    if form.is_valid():
        number = form.cleaned_data["number"]
        if number is not None:  # blank clears the answer
            assert low <= number <= high
            assert -number.as_tuple().exponent <= places or number == number.to_integral_value()
    else:
        assert set(form.errors) == {"number"}
        assert all(str(message).strip() for message in form.errors["number"])


@pytest.mark.parametrize("answer_type", NUMERIC)
@given(data=st.data())
def test_a_value_outside_the_range_is_refused_naming_the_limit(answer_type, data):
    low, high, places, _ = NUMBER_RULES[answer_type]
    value = data.draw(st.one_of(
        st.decimals(max_value=low - Decimal("0.01"), min_value=low - 10_000, places=places),
        st.decimals(min_value=high + 1, max_value=high * 1000 + 1, places=places)))
    form = clean(answer_type, format_number(value))
    assert not form.is_valid()
    assert any(word in " ".join(form.errors["number"]) for word in ("tidak boleh", "paling", "terlalu", "negatif"))


@given(typed=st.text(max_size=5))
def test_an_option_is_one_of_the_question_s_letters_or_refused(typed):
    form = clean(AnswerType.ABCD, typed, letters="ABCD")
    if form.is_valid():
        assert form.cleaned_data["option"] in ("", "A", "B", "C", "D")
    else:
        assert "option" in form.errors


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(typed=st.text(max_size=20) | st.decimals(allow_nan=False, allow_infinity=False).map(str))
def test_the_save_view_never_fails_and_never_stores_out_of_range(client, member, worksheet, typed):
    """Through the real view and service: a 200 with the value, or a 400 with the message."""
    targets = [worksheet.answers.get(question__key="I.pemenuhan.i.a")] + [
        worksheet.answers.filter(question__answer_type=t).select_related("question").first()
        for t in (AnswerType.JUMLAH, AnswerType.INDEKS)]
    client.force_login(member)
    for target in targets:
        target.refresh_from_db()
        url = reverse("evaluations:answer_save", args=[worksheet.pk, target.question_id])
        response = client.post(url, {"revision": target.revision, "option": typed, "number": typed},
                               HTTP_HX_REQUEST="true")
        assert response.status_code in (200, 400), response.status_code
        target.refresh_from_db()
        if target.unit_number is not None:
            low, high, _, _ = NUMBER_RULES[target.question.answer_type]
            assert low <= target.unit_number <= high
        assert target.unit_option in ("", "Ya", "Tidak")


# --- evidence uploads -----------------------------------------------------------------------------

@given(st.text(max_size=300))
@example("../../etc/passwd.pdf")
@example("C:\\laporan\\SK Tim.pdf")
@example(".htaccess")
@example("\x00\x1f.pdf")
@example("a" * 500 + ".pdf")
def test_a_safe_name_has_no_path_no_control_characters_and_a_bounded_length(name):
    safe = evidence.safe_name(name)
    assert safe and len(safe) <= 120
    assert "/" not in safe and "\\" not in safe and ".." not in safe
    assert not safe.startswith((".", "-", " "))
    assert all(ch.isprintable() and not ch.isspace() for ch in safe)
    assert evidence.safe_name(safe) == safe  # already safe stays as it is


def upload(name, content):
    return SimpleUploadedFile(name, content)


MAGIC = {"pdf": b"%PDF-1.7\n", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff\xe0", "gif": b"GIF89a",
         "doc": evidence.OLE_MAGIC}


@given(ext=st.sampled_from(evidence.ALLOWED_EXTENSIONS), content=st.binary(min_size=1, max_size=2048))
def test_content_that_does_not_match_its_extension_is_refused_in_words(ext, content):
    try:
        name, kind = evidence.check_upload(upload(f"bukti.{ext}", content), 20 * MB)
    except evidence.EvidenceError as exc:
        assert str(exc)
    else:  # accepted only when the bytes really are that kind of file
        assert ext in evidence.sniff(content[:16], io.BytesIO(content))
        assert kind.content_type == evidence.KINDS[ext].content_type and name == f"bukti.{ext}"


@given(ext=st.sampled_from(sorted(MAGIC)), tail=st.binary(max_size=2048), stem=st.text(min_size=1, max_size=40))
def test_real_content_under_its_own_extension_is_accepted(ext, tail, stem):
    name, kind = evidence.check_upload(upload(f"{stem}.{ext.upper()}", MAGIC[ext] + tail), 20 * MB)
    assert name.endswith(f".{ext}") and kind is evidence.KINDS[ext]


@given(ext=st.sampled_from(evidence.ALLOWED_EXTENSIONS),
       payload=st.sampled_from([b"<html><script>alert(1)</script>", b"MZ\x90\x00\x03", b"#!/bin/sh\nrm -rf /",
                                b"<?php system($_GET['c']); ?>", b"<svg onload=alert(1)>"]),
       tail=st.binary(max_size=256))
def test_pages_scripts_and_programs_are_refused_whatever_their_name(ext, payload, tail):
    with pytest.raises(evidence.EvidenceError):
        evidence.check_upload(upload(f"laporan.{ext}", payload + tail), 20 * MB)


@given(ext=st.sampled_from(["docx", "xlsx", "pptx", "odt", "ods", "odp"]), junk=st.binary(max_size=512))
def test_a_broken_zip_posing_as_an_office_file_is_refused_not_crashed_on(ext, junk):
    with pytest.raises(evidence.EvidenceError):
        evidence.check_upload(upload(f"dokumen.{ext}", b"PK\x03\x04" + junk), 20 * MB)


@given(ext=st.sampled_from(["docx", "xlsx", "pptx"]), other=st.sampled_from(["docx", "xlsx", "pptx"]))
def test_an_office_file_is_accepted_only_under_its_own_kind(ext, other):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(evidence.OOXML_PART[ext] + "document.xml", "<x/>")
    content = buffer.getvalue()
    if other == ext:
        assert evidence.check_upload(upload(f"d.{other}", content), 20 * MB)[1] is evidence.KINDS[ext]
    else:
        with pytest.raises(evidence.EvidenceError):
            evidence.check_upload(upload(f"d.{other}", content), 20 * MB)


@given(limit_mb=st.integers(min_value=1, max_value=5), extra=st.integers(min_value=1, max_value=4096))
def test_a_file_over_the_limit_is_refused_naming_the_limit(limit_mb, extra):
    content = MAGIC["pdf"] + b"0" * (limit_mb * MB + extra - len(MAGIC["pdf"]))
    with pytest.raises(evidence.EvidenceError, match=f"batasnya {limit_mb} MB"):
        evidence.check_upload(upload("besar.pdf", content), limit_mb * MB)
