"""Excel export and import through the pages: layout, figures equal to the app's, permissions."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluations import exports, scoring, selectors, services
from evaluations.models import Answer, Question, RecapExport, Worksheet
from tests import factories as f
from tests.official_workbook import official_workbook
from units.models import Membership

pytestmark = pytest.mark.django_db


def export(client, ws):
    response = client.get(reverse("evaluations:export_lke", args=[ws.pk]))
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def rows_by_label(sheet):
    """{text in G: row values} for subtotal rows, {key in H: row values} for questions."""
    out = {}
    for row in sheet.iter_rows(min_row=7, values_only=True):
        out[row[7] or row[6]] = row
    return out


def test_lke_export_layout_and_figures_equal_the_apps(client, reviewer, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best", status="in_review", reviewers=[reviewer])
    Answer.objects.filter(worksheet=ws).update(tpi_option="A")
    Answer.objects.filter(worksheet=ws, question__key="I.pemenuhan.i.b").update(unit_option="B", tpi_option="C",
                                                                              tpi_note="Seleksi tidak terbuka")
    Answer.objects.filter(worksheet=ws, question__key="H-I.hasil.i.a").update(unit_number=Decimal("3.3"))
    client.force_login(reviewer)
    book = export(client, ws)
    sheet = book["LKE ZI"]
    assert [c.value for c in sheet[6]][:11] == ["No", "Komponen / Area", "Bagian", "Bobot", "Indikator", "Butir",
                                               "Pertanyaan / Uraian", "Kunci", "Penjelasan pilihan",
                                               "Pilihan jawaban", "Jawaban unit"]
    assert sheet.freeze_panes == "H7"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.column_dimensions["G"].width == 60 and sheet["G8"].alignment.wrap_text
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert '"A,B,C"' in lists and '"Ya,Tidak"' in lists  # column K offers each question's answers
    rows = rows_by_label(sheet)
    q = rows["I.pemenuhan.i.b"]
    assert (q[4], q[5], q[9], q[10], q[11], q[13], q[15]) == (None, "b.", "A/B/C", "B", 0.5, "C",
                                                               "Seleksi tidak terbuka")
    assert isinstance(rows["H-I.hasil.i.a"][10], float)  # numbers are numbers
    # Every subtotal equals the app's own score to the cent, for both value sets.
    spec = selectors.template_spec(round_open.version_id)
    sets = selectors.answers_by_worksheet([ws.pk])[ws.pk]
    unit, tpi = scoring.score(spec, sets["unit"]), scoring.score(spec, sets["tpi"])
    for comp in spec.components:
        assert Decimal(str(rows[comp.name][11])) == unit.components[comp.code].score
        for area in comp.areas:
            assert Decimal(str(rows[area.name][11])) == unit.areas[area.code].score
            assert Decimal(str(rows[area.name][14])) == tpi.areas[area.code].score
            for part in area.parts:
                for ind in part.indicators:
                    row = next(r for r in sheet.iter_rows(min_row=7, values_only=True)
                               if r[6] == ind.name and r[4] == f"{ind.code}.")
                    assert Decimal(str(row[11])) == unit.indicators[ind.key].score
    total = rows["Nilai total (pengungkit + hasil)"]
    assert Decimal(str(total[11])) == unit.total.score and Decimal(str(total[14])) == tpi.total.score
    # B on I.pemenuhan.i.b: (1 + 0.5) / 2 × 0.5 = 0.375 (−0.125); IPAK 3.3 / 4 × 17.5 = 14.4375 (−3.0625).
    assert unit.total.score == Decimal("96.81")


def test_unit_export_leaves_out_tpi_values_until_the_tpi_decides(member_client, reviewer, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best", status="in_review", reviewers=[reviewer])
    Answer.objects.filter(worksheet=ws).update(tpi_option="B", tpi_note="catatan kerja")
    rows = rows_by_label(export(member_client, ws)["LKE ZI"])
    assert rows["I.pemenuhan.i.b"][13] is None and rows["I.pemenuhan.i.b"][15] is None
    Worksheet.objects.filter(pk=ws.pk).update(status="approved")
    rows = rows_by_label(export(member_client, ws)["LKE ZI"])
    assert rows["I.pemenuhan.i.b"][13] == "B" and rows["I.pemenuhan.i.b"][15] == "catatan kerja"


def edited_export(client, ws, changes):
    book = export(client, ws)
    sheet = book["LKE ZI"]
    for row in sheet.iter_rows(min_row=7):
        key = row[7].value
        if key in changes:
            answer, explanation = changes[key]
            row[10].value = answer
            if explanation is not None:
                row[12].value = explanation
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "LKE.xlsx"
    return buf


def test_import_previews_every_change_then_applies_all(member_client, member, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    url = reverse("evaluations:import_lke", args=[ws.pk])
    upload = edited_export(member_client, ws, {"I.pemenuhan.i.b": ("C", "Belum ada seleksi"),
                                               "H-I.hasil.i.a": (3.25, None), "II.pemenuhan.i.a": ("A", None)})
    page = member_client.post(url, {"file": upload}).content.decode()
    assert page.count('data-testid="change"') == 2  # II.pemenuhan.i.a already "A": not a change
    assert "I. Manajemen Perubahan · Penyusunan Tim Kerja" in page and "3,25" in page  # names, not keys
    assert "Belum ada seleksi" in page  # the new explanation, beside the current one
    assert Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.b").unit_option == "A"  # nothing yet
    response = member_client.post(url, {"apply": "1"}, follow=True)
    assert "2 jawaban diperbarui" in response.content.decode()
    a = Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.b")
    assert (a.unit_option, a.unit_explanation, a.updated_by) == ("C", "Belum ada seleksi", member)
    # Penyusunan Tim Kerja (1 + 0) / 2 × 0.5 = 0.25 (−0.25); IPAK 3.25 / 4 × 17.5 = 14.21875 (−3.28125).
    assert ws.scores.get(value_set="unit").total == Decimal("96.47")


def test_a_bad_file_gets_a_report_and_changes_nothing(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    before = list(Answer.objects.filter(worksheet=ws).values_list("unit_option", "unit_number"))
    upload = edited_export(member_client, ws, {"I.pemenuhan.i.b": ("F", None), "H-I.hasil.i.a": (5, None),
                                               "I.pemenuhan.i.a": ("Tidak", None), "IV.reform.i.c": (-3, None)})
    page = member_client.post(reverse("evaluations:import_lke", args=[ws.pk]), {"file": upload}).content.decode()
    assert 'data-testid="import-errors"' in page and 'data-testid="import-preview"' not in page
    assert "jawaban “F” tidak dikenal untuk A/B/C" in page and "nilai survei paling besar 4 (tertulis 5)" in page
    # In plain words, where a person finds the row — not the internal key.
    assert "I. Manajemen Perubahan · Pemenuhan · Penyusunan Tim Kerja butir b" in page and "I.pemenuhan.i.b" not in page
    assert "jumlah tidak boleh negatif (tertulis -3)" in page
    response = member_client.post(reverse("evaluations:import_lke", args=[ws.pk]), {"apply": "1"}, follow=True)
    assert "Pratinjau impor tidak ditemukan" in response.content.decode()
    assert list(Answer.objects.filter(worksheet=ws).values_list("unit_option", "unit_number")) == before


def test_import_is_refused_whole_if_someone_saved_after_the_preview(member_client, instansi, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    url = reverse("evaluations:import_lke", args=[ws.pk])
    member_client.post(url, {"file": edited_export(member_client, ws, {"I.pemenuhan.i.b": ("C", None),
                                                                       "I.pemenuhan.i.a": ("Tidak", None)})})
    other = f.member(instansi, Membership.Role.OPERATOR, unit, "operator.dua")
    services.answer_save(user=other, worksheet=ws, question=Question.objects.get(key="I.pemenuhan.i.b"),
                         option="B", revision=0)
    page = member_client.post(url, {"apply": "1"}, follow=True).content.decode()
    assert "Impor tidak diterapkan" in page and "I.pemenuhan.i.b diubah" in page
    assert Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.a").unit_option == "Ya"


def test_import_not_allowed_once_submitted(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best", status="submitted")
    response = member_client.get(reverse("evaluations:import_lke", args=[ws.pk]), follow=True)
    assert "tidak dapat diubah saat ini" in response.content.decode()


def test_recap_has_every_sheet_one_row_per_unit_and_a_chart(admin_client_zi, instansi, round_open,
                                                            django_assert_num_queries):
    for i in range(3):
        f.worksheet(round_open, f.unit(instansi, f"Unit {i}"), answers="best" if i else "none",
                    status=Worksheet.Status.SUBMITTED if i == 2 else Worksheet.Status.DRAFT)
    admin_client_zi.post(reverse("evaluations:export_recap", args=[round_open.pk]))
    with CaptureQueriesContext(connection) as first_build:
        f.run_tasks()
    build_queries = len(first_build.captured_queries)  # (the next request empties the query log)
    response = admin_client_zi.get(reverse("evaluations:recap_download", args=[round_open.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="Rekap-ZI-evaluasi-zi-2026-')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Ringkasan", "Grafik", "Rekap cetak", "Rekap unit", "Skor indikator",
                               "Daftar kekurangan"]
    units = list(book["Rekap unit"].iter_rows(values_only=True))[2:]  # title, subtitle, then the header
    col = {name: i for i, name in enumerate(units[0])}
    assert [r[0] for r in units[1:]] == ["Unit 0", "Unit 1", "Unit 2"]
    best, empty = units[2], units[1]
    assert best[3] == 100 and best[col["Total unit"]] == 100.0  # progress is a number
    assert best[col["Kesiapan (TPI bila ada)"]] == "Siap WBK"
    assert best[col["Dasar kesiapan"]] == "penilaian mandiri unit"  # whose values the verdict rests on
    assert best[col["Kesiapan menurut penilaian mandiri"]] == "Siap WBK"
    assert best[col["Kesiapan menurut TPI (disetujui)"]] is None  # not approved: no TPI verdict to count
    assert best[col["Syarat pengusulan"]].startswith("syarat pengusulan Menuju WBK: ")
    assert best[col["Siap diusulkan"]] == "Tidak"
    assert empty[col["Kesiapan (TPI bila ada)"]] == "Belum memenuhi"
    assert "Total 0,00 — kurang 75,00" in empty[col["Kekurangan terbesar"]]
    assert book["Rekap unit"].auto_filter.ref == "A3:AE6"
    assert len(list(book["Skor indikator"].iter_rows())) == 3 + 3
    assert len(book["Grafik"]._charts) == 1
    for i in range(3, 8):
        f.worksheet(round_open, f.unit(instansi, f"Unit {i}"), answers="best")
    admin_client_zi.post(reverse("evaluations:export_recap", args=[round_open.pk]))
    with django_assert_num_queries(build_queries):  # the worker's build: no query per unit, as for 3
        f.run_tasks()
    response = admin_client_zi.get(reverse("evaluations:recap_download", args=[round_open.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(list(book["Rekap unit"].iter_rows())) == 3 + 8


def test_recap_area_averages_are_the_summary_page_s(admin_client_zi, instansi, round_open):
    """Units still filling in pull neither average down: the recap and the summary page agree."""
    f.worksheet(round_open, f.unit(instansi, "Masih mengisi"), answers="none")
    f.worksheet(round_open, f.unit(instansi, "Sudah mengajukan"), status=Worksheet.Status.SUBMITTED, answers="best")
    page = admin_client_zi.get(reverse("evaluations:round_summary", args=[round_open.pk]))
    web = {a["code"]: a["percent"] for a in page.context["areas"]}
    book = load_workbook(io.BytesIO(b"".join(f.recap(admin_client_zi, round_open).streaming_content)))
    rows = list(book["Ringkasan"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("Rata-rata area"))
    excel = [r[1] for r in rows[start + 1:] if r[0]]
    assert len(excel) == len(web) and all(float(v) == 100.0 for v in excel)
    assert sorted(float(v) for v in web.values()) == sorted(excel)


@pytest.mark.parametrize("role,lke,recap", [("operator", 200, 404), ("tpi", 200, 200), ("admin", 200, 200),
                                            ("operator_lain", 404, 404), ("tpi_lain", 404, 404)])
def test_export_permissions(client, instansi, round_open, unit, other_unit, role, lke, recap):
    tpi = f.member(instansi, Membership.Role.TPI, None, "tpi")
    ws = f.worksheet(round_open, unit, reviewers=[tpi])
    users = {"operator": f.member(instansi, Membership.Role.OPERATOR, unit, "op"), "tpi": tpi,
             "admin": f.member(instansi, Membership.Role.ADMIN, None, "adm"),
             "operator_lain": f.member(instansi, Membership.Role.OPERATOR, other_unit, "op2"),
             "tpi_lain": f.member(instansi, Membership.Role.TPI, None, "tpi2")}
    client.force_login(users[role])
    assert client.get(reverse("evaluations:export_lke", args=[ws.pk])).status_code == lke
    assert client.get(reverse("evaluations:recap_status", args=[round_open.pk])).status_code == recap
    assert f.recap(client, round_open).status_code == recap
    assert client.get(reverse("evaluations:import_lke", args=[ws.pk])).status_code in (
        {"operator": 200, "admin": 200}.get(role, 404), 302)


def test_a_failed_recap_says_why_and_can_be_asked_for_again(admin_client_zi, instansi, round_open, monkeypatch):
    status = reverse("evaluations:recap_status", args=[round_open.pk])
    page = admin_client_zi.get(admin_client_zi.post(reverse("evaluations:export_recap", args=[round_open.pk]))[
        "Location"]).content.decode()
    assert "Belum ada unit peserta" in page and RecapExport.objects.count() == 0
    f.worksheet(round_open, f.unit(instansi, "Unit A"))

    def boom(*a, **k):
        raise MemoryError

    monkeypatch.setattr(exports, "recap_workbook", boom)
    assert f.recap(admin_client_zi, round_open).status_code == 404  # nothing to download
    panel = admin_client_zi.get(status).content.decode()
    assert 'data-testid="recap-failed"' in panel and "MemoryError" in panel and 'data-testid="export-recap"' in panel


def test_the_recap_shows_its_progress_and_stays_for_a_day(admin_client_zi, instansi, round_open, settings):
    for i in range(3):
        f.worksheet(round_open, f.unit(instansi, f"Unit {i}"))
    status = reverse("evaluations:recap_status", args=[round_open.pk])
    admin_client_zi.post(reverse("evaluations:export_recap", args=[round_open.pk]), HTTP_HX_REQUEST="true")
    waiting = admin_client_zi.get(status).content.decode()
    assert "menunggu giliran" in waiting and 'hx-trigger="every 2s"' in waiting  # the page asks again
    admin_client_zi.post(reverse("evaluations:export_recap", args=[round_open.pk]))
    assert RecapExport.objects.count() == 1  # asking again while it is being made starts no second one
    export = RecapExport.objects.get()
    RecapExport.objects.filter(pk=export.pk).update(status="running", done_units=1, total_units=3)
    assert "Membuat rekap Excel: 1 dari 3 unit" in admin_client_zi.get(status).content.decode()
    RecapExport.objects.filter(pk=export.pk).update(status="queued", done_units=0, total_units=0)
    f.run_tasks()
    done = admin_client_zi.get(status).content.decode()
    assert 'data-testid="recap-download"' in done and "every 2s" not in done and "tersedia sampai" in done
    RecapExport.objects.update(finished_at=timezone.now() - timedelta(hours=settings.RECAP_KEEP_HOURS, minutes=1))
    assert admin_client_zi.get(reverse("evaluations:recap_download", args=[round_open.pk])).status_code == 404


def test_a_recap_is_only_for_the_person_who_asked(client, admin_user, instansi, round_open, unit):
    f.worksheet(round_open, unit)
    colleague = f.member(instansi, Membership.Role.ADMIN, None, "admin.kedua")
    client.force_login(admin_user)
    assert f.recap(client, round_open).status_code == 200
    client.force_login(colleague)
    assert client.get(reverse("evaluations:recap_download", args=[round_open.pk])).status_code == 404


def test_a_finished_recap_stays_downloadable_while_a_newer_one_is_made(admin_client_zi, instansi, round_open):
    """The same person asked again from another tab (the load test's admins share one account):
    the file the first tab offers must still download, not 404 because a newer one is queued."""
    f.worksheet(round_open, f.unit(instansi, "Unit Satu"))
    assert f.recap(admin_client_zi, round_open).status_code == 200
    admin_client_zi.post(reverse("evaluations:export_recap", args=[round_open.pk]))
    assert RecapExport.objects.filter(status="queued").count() == 1
    response = admin_client_zi.get(reverse("evaluations:recap_download", args=[round_open.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert "menunggu giliran" in admin_client_zi.get(
        reverse("evaluations:recap_status", args=[round_open.pk])).content.decode()


def test_evidence_file_addresses_use_the_host_the_user_is_on(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit)
    a = ws.answers.get(question__key="I.pemenuhan.i.a")
    item = f.attach(a, f.file_document(unit, name="SK_Tim.pdf", stored="x/sk.pdf", size=10))
    link = f.attach(ws.answers.get(question__key="I.pemenuhan.i.b"), f.link_document(unit, "https://drive.pemda.go.id/sk"))
    rows = rows_by_label(export(member_client, ws)["LKE ZI"])
    assert rows["I.pemenuhan.i.a"][16] == f"SK_Tim.pdf — http://testserver/kertas-kerja/{ws.pk}/bukti/{item.pk}/"
    assert rows["I.pemenuhan.i.b"][16] == link.document.url == "https://drive.pemda.go.id/sk"


def test_an_empty_explanation_cell_never_erases_and_the_preview_shows_old_and_new(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    Answer.objects.filter(worksheet=ws, question__key="I.pemenuhan.i.b").update(unit_explanation="SK tim nomor 12")
    Answer.objects.filter(worksheet=ws, question__key="I.pemenuhan.ii.b").update(unit_explanation="Target prioritas")
    url = reverse("evaluations:import_lke", args=[ws.pk])
    upload = edited_export(member_client, ws, {"I.pemenuhan.i.b": ("B", ""), "I.pemenuhan.ii.b": ("A", "[hapus]")})
    page = member_client.post(url, {"file": upload}).content.decode()
    assert page.count('data-testid="change"') == 2
    assert "<del>Target prioritas</del>" in page and "dikosongkan" in page
    member_client.post(url, {"apply": "1"})
    a = Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.b")
    assert (a.unit_option, a.unit_explanation) == ("B", "SK tim nomor 12")  # the empty cell changed nothing
    assert Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.ii.b").unit_explanation == ""


def test_an_old_file_does_not_overwrite_newer_work_unless_ticked(member_client, member, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    url = reverse("evaluations:import_lke", args=[ws.pk])
    upload = edited_export(member_client, ws, {"I.pemenuhan.i.b": ("C", "Dari berkas"),
                                               "I.pemenuhan.ii.b": ("B", "Dari berkas juga")})
    # After the download, a colleague changes I.pemenuhan.i.b in the app.
    colleague = f.member(round_open.instansi, "operator", unit, "operator.dua")
    question = Question.objects.get(key="I.pemenuhan.i.b")
    answer = Answer.objects.get(worksheet=ws, question=question)
    services.answer_save(user=colleague, worksheet=ws, question=question, option="B", explanation="Versi baru",
                         revision=answer.revision)
    page = member_client.post(url, {"file": upload}).content.decode()
    conflict = page.split('data-testid="conflict-row"')[1].split("</div>")[0]
    assert "diubah di aplikasi oleh operator.dua" in conflict and "setelah berkas ini diunduh" in conflict
    member_client.post(url, {"apply": "1"})  # not ticked: only the other row goes in
    assert Answer.objects.get(worksheet=ws, question=question).unit_option == "B"
    assert Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.ii.b").unit_option == "B"
    upload.seek(0)
    page = member_client.post(url, {"file": upload}).content.decode()  # the old file again
    assert 'name="overwrite" value="I.pemenuhan.i.b"' in page
    done = member_client.post(url, {"apply": "1", "overwrite": ["I.pemenuhan.i.b"]}, follow=True)  # ticked knowingly
    assert "1 jawaban diperbarui" in done.content.decode()
    assert Answer.objects.get(worksheet=ws, question=question).unit_option == "C"


def test_locked_rows_are_shown_and_left_out_and_nothing_refusable_is_offered(member_client, reviewer, kepala,
                                                                           round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best", reviewers=[reviewer])
    upload_one = edited_export(member_client, ws, {"I.pemenuhan.i.b": ("C", None), "I.pemenuhan.ii.b": ("B", None)})
    Worksheet.objects.filter(pk=ws.pk).update(status="returned", submitted_at=timezone.now())
    Answer.objects.filter(worksheet=ws, question__key="I.pemenuhan.i.b").update(needs_revision=True)
    url = reverse("evaluations:import_lke", args=[ws.pk])
    page = member_client.post(url, {"file": upload_one}).content.decode()
    assert page.count('data-testid="locked-row"') == 1 and "Terapkan 1 perubahan" in page
    member_client.post(url, {"apply": "1"})
    assert Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.b").unit_option == "C"
    assert Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.ii.b").unit_option == "A"
    upload_locked = edited_export(member_client, ws, {"I.pemenuhan.ii.b": ("B", None)})
    page = member_client.post(url, {"file": upload_locked}).content.decode()
    assert 'data-testid="nothing-applicable"' in page and 'data-testid="apply-import"' not in page


def test_a_filled_official_workbook_imports_whole_and_scores_as_the_app_does(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit)
    url = reverse("evaluations:import_lke", args=[ws.pk])
    page = member_client.post(url, {"file": official_workbook(explanation=lambda k: f"Catatan {k}")}).content.decode()
    assert 'data-testid="import-errors"' not in page and "format LKE resmi" in page
    assert page.count('data-testid="loose-row"') == 1  # "Jumlah Perubahan yang dibuat", placed and named
    response = member_client.post(url, {"apply": "1"}, follow=True)
    assert "127 jawaban diperbarui" in response.content.decode()
    score = ws.scores.get(value_set="unit")
    assert (score.total, score.answered, score.inputs) == (Decimal("100.00"), 127, 127)
    assert Answer.objects.get(worksheet=ws, question__key="VI.pemenuhan.v.b").unit_option == "Ya"
    assert Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.a").unit_explanation == "Catatan I.pemenuhan.i.a"
