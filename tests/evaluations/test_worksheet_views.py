"""The kertas kerja pages as operators and kepala use them: in place (htmx) and plain POST."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations import library
from evaluations.models import Answer, Document, Evidence, Question, Round, Worksheet, WorksheetEvent
from tests import factories as f
from tests.evaluations.test_evidence_rules import PDF
from tests.evaluations.test_services import complete

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def q(key):
    return Question.objects.get(key=key)


def area_url(ws, code="I"):
    return reverse("evaluations:area_detail", args=[ws.pk, code])


def save_url(ws, key):
    return reverse("evaluations:answer_save", args=[ws.pk, q(key).pk])


def test_area_page_shows_questions_in_workbook_order_with_option_explanations(member_client, worksheet):
    page = member_client.get(area_url(worksheet, "V")).content.decode()
    keys = Question.objects.filter(indicator__part__area__code="V").order_by("order").values_list("key", flat=True)
    positions = [page.index(f'data-testid="question-{key}"') for key in keys]
    assert len(positions) == 35 and positions == sorted(positions)
    assert "Jika public campaign telah dilakukan secara berkala" in page  # the explanation beside option A
    assert 'name="option"' in page and 'name="number"' in page and "Dihitung otomatis" in page


def test_area_page_query_count_is_fixed_whatever_the_area(member_client, round_open, unit, django_assert_num_queries):
    ws = f.worksheet(round_open, unit, answers="best")
    f.attach_links(ws.answers.filter(question__evidence_required=True).select_related("worksheet__unit")[:40],
                   url="https://drive.pemda.go.id/x")
    member_client.get(area_url(ws, "II"))
    # savepoint, session, user, worksheet, memberships, area, template, answers (scores), questions,
    # options, answers of the area, evidence (with its library document and current version), the
    # unit's previous worksheet (library suggestions; none here), release — the same for the
    # smallest and largest area.
    for code in ("II", "V", "H-I"):
        with django_assert_num_queries(14):
            response = member_client.get(area_url(ws, code))
        assert response.status_code == 200 and 'data-testid="area-summary"' in response.content.decode()


def test_unknown_area_is_404(member_client, worksheet):
    assert member_client.get(area_url(worksheet, "IX")).status_code == 404


def test_plain_post_saves_and_redirects_to_the_question(member_client, worksheet):
    response = member_client.post(save_url(worksheet, "I.pemenuhan.i.a"),
                                  {"option": "Ya", "explanation": "SK Nomor 800/1", "revision": 0})
    assert response.status_code == 302 and response["Location"].endswith(f"#q-{q('I.pemenuhan.i.a').pk}")
    a = Answer.objects.get(worksheet=worksheet, question__key="I.pemenuhan.i.a")
    assert (a.unit_option, a.unit_explanation) == ("Ya", "SK Nomor 800/1")


def test_htmx_save_returns_the_card_and_the_new_totals(member_client, worksheet):
    response = member_client.post(save_url(worksheet, "I.pemenuhan.i.a"), {"option": "Ya", "revision": 0}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="q-{q("I.pemenuhan.i.a").pk}"' in html and "Tersimpan" in html
    # Penyusunan Tim Kerja: 0.5 × 1/2 = 0.25 — the indicator, part and area totals come out of band.
    assert 'id="area-summary" class="card mb-3" hx-swap-oob="true"' in html
    assert 'data-testid="area-score">0,25' in html and 'hx-swap-oob="true" data-testid="indicator-score"' in html


@pytest.mark.parametrize("key,value,message", [
    ("V.reform.ii.b", "-3", "Jumlah tidak boleh negatif."),
    ("V.reform.ii.b", "3,5", "Jumlah harus bilangan bulat, tanpa koma."),
    ("V.reform.ii.b", "dua puluh", "Bukan angka. Tulis jumlah seperti 12."),
    ("H-I.hasil.i.a", "4,5", "Nilai survei paling besar 4."),
    ("H-I.hasil.i.a", "-0,5", "Nilai survei paling kecil 0."),
])
def test_bad_numbers_get_a_message_next_to_the_field_and_keep_what_was_typed(member_client, worksheet, key, value,
                                                                           message):
    data = {"number": value, "explanation": "Penjelasan panjang yang tidak boleh hilang", "revision": 0}
    response = member_client.post(save_url(worksheet, key), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and "is-invalid" in page and "Belum tersimpan" in page
    assert f'value="{value}"' in page and "Penjelasan panjang yang tidak boleh hilang" in page
    assert not Answer.objects.filter(worksheet=worksheet, question__key=key).exclude(unit_number=None).exists()
    htmx = member_client.post(save_url(worksheet, key), data, **HTMX).content.decode()
    assert message in htmx and "Penjelasan panjang yang tidak boleh hilang" in htmx


def test_counts_accept_indonesian_thousands(member_client, worksheet):
    member_client.post(save_url(worksheet, "V.reform.ii.b"), {"number": "1.234", "revision": 0})
    assert Answer.objects.get(worksheet=worksheet, question__key="V.reform.ii.b").unit_number == 1234
    member_client.post(save_url(worksheet, "H-I.hasil.i.a"), {"number": "3,62", "revision": 0})
    assert str(Answer.objects.get(worksheet=worksheet, question__key="H-I.hasil.i.a").unit_number) == "3.62"


def test_two_operators_the_second_save_is_refused_and_shows_the_first(member, worksheet, instansi, unit):
    other = f.member(instansi, "operator", unit, "operator.dua")
    first, second = Client(), Client()
    first.force_login(member)
    second.force_login(other)
    # Both load the page at revision 0; the first saves "A".
    first.post(save_url(worksheet, "I.pemenuhan.i.b"), {"option": "A", "explanation": "Versi Dewi", "revision": 0})
    response = second.post(save_url(worksheet, "I.pemenuhan.i.b"),
                           {"option": "C", "explanation": "Versi Agus", "revision": 0}, **HTMX)
    html = response.content.decode()
    assert "belum disimpan" in html and 'data-testid="conflict-value">A<' in html and "Versi Dewi" in html
    assert "Versi Agus" in html  # what the second person typed is kept in the form
    assert Answer.objects.get(worksheet=worksheet, question__key="I.pemenuhan.i.b").unit_explanation == "Versi Dewi"
    # Saving again now, knowingly, overwrites.
    revision = Answer.objects.get(worksheet=worksheet, question__key="I.pemenuhan.i.b").revision
    second.post(save_url(worksheet, "I.pemenuhan.i.b"), {"option": "C", "explanation": "Versi Agus",
                                                         "revision": revision})
    assert Answer.objects.get(worksheet=worksheet, question__key="I.pemenuhan.i.b").unit_option == "C"


def test_saving_one_answer_takes_a_fixed_handful_of_queries(member_client, worksheet, django_assert_max_num_queries):
    url = save_url(worksheet, "I.pemenuhan.i.a")
    member_client.post(url, {"option": "Ya", "revision": 0})
    # session, user, (request's savepoint), memberships, worksheet, question, options; the service:
    # savepoint, worksheet FOR UPDATE with its round, version and unit (on PostgreSQL after a share
    # lock of the round and unit), answer FOR UPDATE, update; the stored scores: old scores and
    # areas, template stamp, answers, prerequisite records, delete (3), insert ×2, release — 23
    # however big the worksheet or round (26 while the scores re-read the worksheet in a savepoint).
    with django_assert_max_num_queries(23 + (connection.vendor == "postgresql")):
        response = member_client.post(url, {"option": "Tidak", "revision": 1})
    assert response.status_code == 302  # saved, back to the area
    assert worksheet.answers.get(question__key="I.pemenuhan.i.a").unit_option == "Tidak"


def upload_url(ws, key):
    return reverse("evaluations:evidence_upload", args=[ws.pk, q(key).pk])


def pdf(name="SK Tim ZI.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_upload_download_and_remove_evidence(member_client, member, worksheet, django_capture_on_commit_callbacks):
    response = member_client.post(upload_url(worksheet, "I.pemenuhan.i.a"), {"file": pdf(), "description": "SK"},
                                  **HTMX)
    card = response.content.decode()
    assert "SK Tim ZI.pdf" in card and "Lepaskan" in card  # named as chosen; detach, not delete
    item = Evidence.objects.get()
    download = member_client.get(reverse("evaluations:evidence_download", args=[worksheet.pk, item.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="SK_Tim_ZI.pdf"' in download["Content-Disposition"]
    inline = member_client.get(reverse("evaluations:evidence_download", args=[worksheet.pk, item.pk]) + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline") and inline["X-Frame-Options"] == "SAMEORIGIN"
    path = Path(item.document.current.file.path)
    response = member_client.post(reverse("evaluations:evidence_delete", args=[worksheet.pk, item.pk]), follow=True)
    assert "Bukti dukung dilepas dari pertanyaan ini; dokumennya tetap di pustaka." in response.content.decode()
    assert not Evidence.objects.exists()
    document = Document.objects.get()  # only detached: the document and its file stay in the library
    assert document.current.original_name == "SK_Tim_ZI.pdf" and path.read_bytes() == PDF
    with django_capture_on_commit_callbacks(execute=True):
        library.document_delete(user=member, document=document)
    assert not Document.objects.exists() and not path.exists()


@pytest.mark.parametrize("name,content,message", [
    ("virus.exe", b"MZ\x90\x00", "tidak diterima"),
    ("laporan.pdf", b"<html>bukan pdf</html>", "tidak sesuai"),
])
def test_bad_uploads_are_explained_in_place(member_client, worksheet, name, content, message):
    html = member_client.post(upload_url(worksheet, "I.pemenuhan.i.a"), {"file": pdf(name, content)},
                              **HTMX).content.decode()
    assert message in html and 'data-testid="evidence-error"' in html
    assert not Evidence.objects.exists()


def test_too_big_upload_is_refused(member_client, worksheet, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    response = member_client.post(upload_url(worksheet, "I.pemenuhan.i.a"), {"file": pdf(content=PDF + b"0" * 1_100_000)})
    assert response.status_code == 302
    page = member_client.get(response["Location"]).content.decode()
    assert "terlalu besar" in page and not Evidence.objects.exists()


def test_links_must_be_http(member_client, worksheet):
    url = reverse("evaluations:evidence_link", args=[worksheet.pk, q("I.pemenuhan.i.a").pk])
    html = member_client.post(url, {"url": "javascript:alert(1)"}, **HTMX).content.decode()
    assert "tautan lengkap" in html and not Evidence.objects.exists() and not Document.objects.exists()
    member_client.post(url, {"url": "https://drive.pemda.go.id/sk"}, **HTMX)
    document = Evidence.objects.get().document
    assert (document.kind, document.url, document.unit) == (Document.Kind.LINK, "https://drive.pemda.go.id/sk",
                                                            worksheet.unit)


def test_overview_lists_what_is_missing_and_the_kepala_submits(client, kepala, round_open, unit):
    ws = f.worksheet(round_open, unit)
    complete(ws)
    Evidence.objects.filter(answer__worksheet=ws, answer__question__key="IV.reform.i.a").delete()
    client.force_login(kepala)
    page = client.get(ws.get_absolute_url()).content.decode()
    assert "belum memiliki bukti dukung" in page and "Persentase Sasaran dengan capaian 100% atau lebih" in page
    assert 'data-testid="submit-button" disabled' not in page.replace("\n", "") or "disabled" in page
    response = client.post(reverse("evaluations:worksheet_submit", args=[ws.pk]), follow=True)
    assert "belum dapat diajukan" in response.content.decode()
    f.attach(ws.answers.get(question__key="IV.reform.i.a"), f.link_document(unit, url="https://drive.pemda.go.id/lkj"))
    response = client.post(reverse("evaluations:worksheet_submit", args=[ws.pk]), {"comment": "Siap direviu"},
                           follow=True)
    page = response.content.decode()
    assert "telah diajukan" in page and 'data-testid="status">Diajukan<' in page
    assert "Siap direviu" in page  # the timeline shows the step with its comment
    area = client.get(area_url(ws, "I")).content.decode()
    assert 'data-testid="read-only"' in area and 'name="option"' not in area


def test_operator_sees_that_the_kepala_submits(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit)
    page = member_client.get(ws.get_absolute_url()).content.decode()
    assert "diajukan oleh kepala unit" in page and 'data-testid="submit-button"' not in page
    assert member_client.post(reverse("evaluations:worksheet_submit", args=[ws.pk])).status_code == 302
    ws.refresh_from_db()
    assert ws.status == "draft"


def test_after_the_deadline_the_page_is_read_only_until_an_admin_extends(client, member, admin_user, worksheet):
    Round.objects.filter(pk=worksheet.round_id).update(fill_deadline=timezone.now() - timedelta(minutes=5))
    client.force_login(member)
    assert 'data-testid="read-only"' in client.get(area_url(worksheet)).content.decode()
    assert "Batas pengisian telah lewat" in client.get(worksheet.get_absolute_url()).content.decode()
    client.force_login(admin_user)
    until = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("evaluations:worksheet_extend", args=[worksheet.pk]), {"until": until, "comment": "Gangguan"})
    client.force_login(member)
    assert 'name="option"' in client.get(area_url(worksheet)).content.decode()


def test_operator_cannot_extend_a_deadline(member_client, worksheet):
    until = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = member_client.post(reverse("evaluations:worksheet_extend", args=[worksheet.pk]),
                                  {"until": until, "comment": "x"})
    assert response.status_code == 404
    worksheet.refresh_from_db()
    assert worksheet.deadline_extension is None


def test_returned_worksheet_highlights_flagged_answers_with_notes(member_client, worksheet):
    Worksheet.objects.filter(pk=worksheet.pk).update(status="returned", submitted_at=timezone.now())
    Answer.objects.filter(worksheet=worksheet, question__key="I.pemenuhan.i.b").update(
        needs_revision=True, tpi_note="Lampirkan SK yang sudah ditandatangani")
    page = member_client.get(area_url(worksheet)).content.decode()
    assert "Lampirkan SK yang sudah ditandatangani" in page and 'data-testid="needs-revision"' in page
    assert page.count('name="explanation"') == 1  # only the flagged answer is editable
    overview = member_client.get(worksheet.get_absolute_url()).content.decode()
    assert 'data-testid="returned-panel"' in overview and "Lampirkan SK yang sudah ditandatangani" in overview


def test_pages_render_when_the_person_behind_an_answer_or_event_is_gone(member_client, worksheet):
    """Regression: an answer saved by a since-deleted user (updated_by NULL) crashed the area page."""
    Answer.objects.filter(worksheet=worksheet, question__key="I.pemenuhan.i.a").update(
        unit_option="Ya", revision=3, updated_by=None, unit_updated_at=timezone.now())
    WorksheetEvent.objects.create(worksheet=worksheet, actor=None, kind="status", from_status="draft",
                                  to_status="submitted")
    assert "oleh —" in member_client.get(area_url(worksheet)).content.decode()
    assert "sistem" in member_client.get(worksheet.get_absolute_url()).content.decode()


def test_a_save_refused_because_the_worksheet_moved_on_says_so_and_shows_what_was_typed(member_client, worksheet):
    """A page left open while the kepala submitted: the operator's late save must not vanish silently."""
    url = save_url(worksheet, "I.pemenuhan.i.a")
    Worksheet.objects.filter(pk=worksheet.pk).update(status="submitted")
    response = member_client.post(url, {"option": "Ya", "explanation": "Teks yang diketik terlambat", "revision": 0},
                                  **HTMX)
    html = response.content.decode()
    assert response.status_code == 403 and 'data-testid="rejected"' in html
    assert "sudah diajukan" in html and "Teks yang diketik terlambat" in html


def test_read_only_pages_say_why(member_client, worksheet):
    Worksheet.objects.filter(pk=worksheet.pk).update(status="in_review")
    assert "sedang menunggu atau menjalani reviu TPI" in member_client.get(area_url(worksheet)).content.decode()


def test_link_error_appears_once_next_to_the_field_and_keeps_what_was_typed(member_client, worksheet):
    url = reverse("evaluations:evidence_link", args=[worksheet.pk, q("I.pemenuhan.i.a").pk])
    html = member_client.post(url, {"url": "javascript:alert(1)", "description": "Folder SK"}, **HTMX).content.decode()
    assert html.count("Masukkan tautan lengkap") == 1
    assert 'value="javascript:alert(1)"' in html and 'value="Folder SK"' in html


def test_every_form_field_id_is_unique_on_the_area_page(member_client, worksheet):
    page = member_client.get(area_url(worksheet, "V")).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), [i for i in set(ids) if ids.count(i) > 1][:5]


def test_evidence_forms_load_when_a_card_asks_for_them_and_without_javascript_by_a_link(member_client, worksheet,
                                                                                       client):
    """An area page of 35 cards rendered 70 evidence forms nobody had opened (a fifth of its time):
    each card now fetches its two forms when "Tambah bukti dukung" opens."""
    page = member_client.get(area_url(worksheet)).content.decode()
    question = q("I.pemenuhan.i.a")
    forms_url = reverse("evaluations:evidence_forms", args=[worksheet.pk, question.pk])
    assert 'enctype="multipart/form-data"' not in page and f'hx-get="{forms_url}"' in page
    fragment = member_client.get(forms_url, **HTMX).content.decode()
    upload = reverse("evaluations:evidence_upload", args=[worksheet.pk, question.pk])
    assert f'hx-post="{upload}"' in fragment and 'name="csrfmiddlewaretoken"' in fragment
    assert 'type="file"' in fragment and 'name="url"' in fragment and f'id="q{question.pk}-upload-file"' in fragment
    # without JavaScript the card's link opens the page with that card's forms in it, open
    assert f'href="{area_url(worksheet)}?bukti={question.pk}#q-{question.pk}"' in page
    asked = member_client.get(area_url(worksheet), {"bukti": question.pk}).content.decode()
    assert asked.count('enctype="multipart/form-data"') == 1 and f'hx-post="{upload}"' in asked
    assert re.search(r'<details class="small" open>\s*<summary>Tambah bukti dukung', asked)
    # the forms are only for whoever may add evidence now
    Worksheet.objects.filter(pk=worksheet.pk).update(status=Worksheet.Status.SUBMITTED)
    assert member_client.get(forms_url, **HTMX).status_code == 403


def test_a_refused_upload_comes_back_with_the_forms_open_and_the_typing_kept(member_client, worksheet):
    question = q("I.pemenuhan.i.a")
    bad = SimpleUploadedFile("catatan.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = member_client.post(reverse("evaluations:evidence_upload", args=[worksheet.pk, question.pk]),
                                  {"file": bad, "description": "SK tim kerja 2026"}, **HTMX)
    card = response.content.decode()
    assert re.search(r'<details class="small" open>', card) and 'value="SK tim kerja 2026"' in card
    assert 'data-testid="evidence-error"' in card
