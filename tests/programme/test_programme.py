"""Issue 14 (first part): a unit's ZI programme — pencanangan, tim kerja, rencana aksi aimed at the
LKE's gaps — with its permissions and history."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from evaluations import services
from evaluations import tasks as evaluation_tasks
from evaluations.models import DocumentVersion, Evidence, Indicator, Question, Round, Worksheet
from programme import digest, selectors
from programme import services as programme
from programme import tasks as programme_tasks
from programme.models import (
    Action,
    DigestPreference,
    DigestRun,
    Innovation,
    MonitoringNote,
    PlanExport,
    ProgrammeEvent,
    QuarterReport,
    StudyVisit,
    TeamMember,
)
from tests import factories as f
from tests.evaluations.test_print_layout import _overlaps, _pdf
from units.models import Membership

pytestmark = pytest.mark.django_db


def page(client, unit, year=2026):
    return client.get(reverse("programme:unit", args=[unit.pk]) + f"?tahun={year}")


def test_the_gap_list_ranks_indicators_by_points_still_available_and_offers_an_action(member, worksheet, client):
    """Real LKE data: an indicator fully answered has nothing left; the others rank by their weight
    still open, each with "Buat rencana aksi" that fills in the indicator and its area."""
    for key in ("I.pemenuhan.i.a", "I.pemenuhan.i.b"):  # Penyusunan Tim Kerja, both best answers
        q = Question.objects.get(version=worksheet.round.version, key=key)
        option = q.options.order_by("order").first().letter
        services.answer_save(user=member, worksheet=worksheet, question=q, option=option, revision=0)
    gaps = selectors.gaps(worksheet, [])
    tim = next(g for g in gaps if g.indicator.name == "Penyusunan Tim Kerja")
    assert tim.available == 0 and tim.score == tim.weight
    assert [g.available for g in gaps] == sorted((g.available for g in gaps), reverse=True)
    assert gaps[0].available == max(i.weight for i in Indicator.objects.filter(
        part__area__component__version=worksheet.round.version, part__area__code__in=selectors.AREA_CODES))
    client.force_login(member)
    html = page(client, worksheet.unit).content.decode()
    assert html.count('data-testid="gap"') == 12 and 'data-testid="all-gaps"' in html  # the largest first
    html = client.get(reverse("programme:unit", args=[worksheet.unit_id]) + "?tahun=2026&semua=1").content.decode()
    row = html.split("Penyusunan Tim Kerja</td>")[1].split("</tr>")[0]
    assert "<strong>0,00</strong>" in row and ">2</td>" in row  # no points left to gain; evidence still lacking
    target = gaps[0].indicator
    form = client.get(reverse("programme:action_new", args=[worksheet.unit_id]) + f"?indikator={target.pk}")
    assert f'<option value="{target.pk}" selected>' in form.content.decode()
    response = client.post(reverse("programme:action_new", args=[worksheet.unit_id]) + "?tahun=2026", {
        "area_code": target.part.area.code, "description": "Menyusun dan menetapkan SOP layanan",
        "indicators": [target.pk], "target": "12 SOP ditetapkan", "due": "2026-09-30", "status": "planned",
        "budget": "15.000.000"})
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.year, action.budget, action.created_by) == (2026, 15_000_000, member)
    gap = next(g for g in selectors.gaps(worksheet, selectors.actions_for(worksheet.unit, 2026))
               if g.indicator == target)
    assert gap.actions == [action]
    html = page(client, worksheet.unit).content.decode()
    assert "Menyusun dan menetapkan SOP layanan" in html.split('id="rencana"')[1]


def test_after_a_return_the_flagged_answers_offer_an_action(member, worksheet, client):
    Worksheet.objects.filter(pk=worksheet.pk).update(status=Worksheet.Status.RETURNED)
    worksheet.answers.filter(question__key="IV.pemenuhan.i.a").update(needs_revision=True,
                                                                      tpi_note="Lampirkan Renstra")
    client.force_login(member)
    html = page(client, worksheet.unit).content.decode()
    flagged = html.split('data-testid="flagged"')[1].split("</div>")[0]
    assert "IV.pemenuhan.i.a" in flagged and "Lampirkan Renstra" in flagged and "Buat rencana aksi" in flagged


def test_pencanangan_team_and_actions_are_written_by_the_unit_and_kept_in_its_history(member, kepala, unit):
    programme.pencanangan_save(user=kepala, unit=unit, date=datetime.date(2025, 3, 17),
                               declared_by="Bupati Sukamaju", media_links="https://sukamaju.go.id/berita")
    programme.pencanangan_save(user=kepala, unit=unit, date=datetime.date(2025, 3, 18),
                               declared_by="Bupati Sukamaju")
    first = programme.team_decree_add(user=kepala, unit=unit, number="800/12/2025", date=datetime.date(2025, 2, 1))
    ketua = programme.team_member_add(user=member, decree=first, name="Drs. Hendra", role=TeamMember.Role.KETUA)
    leaving = programme.team_member_add(user=member, decree=first, name="Agus", role=TeamMember.Role.ANGGOTA,
                                        area_code="II")
    programme.team_member_end(user=member, member=leaving, until=datetime.date(2025, 12, 31))
    second = programme.team_decree_add(user=kepala, unit=unit, number="800/3/2026", date=datetime.date(2026, 1, 5))
    assert [m.name for m in second.members.all()] == ["Drs. Hendra"]  # the active members carry over
    assert TeamMember.objects.get(pk=leaving.pk).until == datetime.date(2025, 12, 31)  # kept, with its end
    assert ketua.decree == first
    action = programme.action_save(user=member, unit=unit, year=2026, data={
        "area_code": "I", "description": "Sosialisasi ZI", "target": "Semua pegawai", "due": datetime.date(2026, 3, 31),
        "status": Action.Status.PLANNED})
    programme.action_save(user=member, unit=unit, year=2026, action=action, data={
        "area_code": "I", "description": "Sosialisasi ZI", "target": "Semua pegawai", "due": datetime.date(2026, 4, 30),
        "status": Action.Status.RUNNING})
    changed = ProgrammeEvent.objects.filter(action=action).order_by("created_at", "pk").last()
    assert "Batas waktu: 31-03-2026" in changed.old_value and "Status: Berjalan" in changed.new_value
    assert ProgrammeEvent.objects.filter(unit=unit).count() == 9
    assert ProgrammeEvent.objects.filter(kind="pencanangan").order_by("pk").last().old_value.startswith("2025-03-17")


def test_the_tpi_and_admins_read_but_do_not_write_and_another_unit_is_404(client, worksheet, reviewer, admin_user,
                                                                        other_unit, instansi):
    outsider = f.member(instansi, Membership.Role.OPERATOR, other_unit, "op.dishub")
    unit = worksheet.unit
    for user, status in ((reviewer, 200), (admin_user, 200), (outsider, 404)):
        client.force_login(user)
        assert page(client, unit).status_code == status
        posted = client.post(reverse("programme:pencanangan", args=[unit.pk]),
                             {"date": "2025-03-17", "declared_by": "Bupati"})
        assert posted.status_code == (403 if status == 200 else 404)
    assert not ProgrammeEvent.objects.exists()
    client.force_login(reviewer)
    html = page(client, unit).content.decode()
    assert 'data-testid="pencanangan-form"' not in html and 'data-testid="make-action"' not in html


def test_a_bad_date_or_link_keeps_what_was_typed(member, unit, client):
    client.force_login(member)
    response = client.post(reverse("programme:pencanangan", args=[unit.pk]),
                           {"date": "31/02/2025", "declared_by": "Bupati Sukamaju", "media_links": "bukan tautan"})
    html = response.content.decode()
    assert response.status_code == 400 and "Tulis tanggal lengkap" in html and "bukan tautan http(s)" in html
    assert "Bupati Sukamaju" in html


def test_the_unit_page_takes_a_fixed_number_of_queries(member, worksheet, client, django_assert_max_num_queries):
    client.force_login(member)
    page(client, worksheet.unit)
    indicators = list(Indicator.objects.filter(part__area__component__version=worksheet.round.version)[:5])
    for i in range(12):
        action = programme.action_save(user=member, unit=worksheet.unit, year=2026, data={
            "area_code": "I", "description": f"Aksi {i}", "target": "t", "due": datetime.date(2026, 6, 30),
            "status": Action.Status.PLANNED}, indicators=indicators[: i % 5 + 1])
        assert action.pk
    with django_assert_max_num_queries(30) as captured:
        html = page(client, worksheet.unit).content.decode()
    assert html.count('data-testid="action"') == 12
    assert len(captured) <= 30


# --------------------------------------------------------------------------- monitoring per quarter


def _plan(member, unit):
    return programme.action_save(user=member, unit=unit, year=2026, data={
        "area_code": "II", "description": "Menyusun SOP layanan", "target": "12 SOP", "due": datetime.date(2026, 9, 30),
        "status": Action.Status.RUNNING})


def test_a_quarter_is_reported_signed_off_by_the_kepala_and_then_read_only(member, kepala, unit, client):
    action = _plan(member, unit)
    client.force_login(member)
    url = reverse("programme:quarter", args=[unit.pk, 2026, 1])
    bad = client.post(url, {f"a{action.pk}-realisation": "140", f"a{action.pk}-done": "Draf SOP disusun"})
    assert bad.status_code == 400 and "Realisasi antara 0 dan 100 persen" in bad.content.decode()
    assert "Draf SOP disusun" in bad.content.decode()  # what was typed stays
    client.post(url, {f"a{action.pk}-realisation": "40", f"a{action.pk}-done": "Draf SOP disusun"})
    report = QuarterReport.objects.get(unit=unit, year=2026, quarter=1)
    assert report.progress.get().realisation == 40
    with pytest.raises(PermissionDenied):
        programme.quarter_sign_off(user=member, report=report)  # the operator does not sign off
    client.force_login(kepala)
    client.post(reverse("programme:quarter_sign_off", args=[unit.pk, 2026, 1]))
    report.refresh_from_db()
    assert report.signed_off_by == kepala
    with pytest.raises(programme.Refused):
        programme.progress_save(user=member, unit=unit, year=2026, quarter=1, rows=[
            {"action": action, "realisation": 90, "done": "", "obstacles": ""}])
    page_html = client.get(url).content.decode()
    assert 'data-testid="progress-save"' not in page_html and "40%" in page_html


def test_late_and_missing_quarter_reports_are_visible(member, kepala, unit, client):
    action = _plan(member, unit)
    today = datetime.date(2026, 8, 20)
    report = programme.progress_save(user=member, unit=unit, year=2026, quarter=1, rows=[
        {"action": action, "realisation": 20, "done": "Rapat", "obstacles": ""}])
    QuarterReport.objects.filter(pk=report.pk).update(signed_off_by=kepala,
                                                      signed_off_at="2026-04-25T09:00:00+07:00")  # after 10 April
    states = {q.quarter: q.state for q in selectors.quarters(unit, 2026, today)}
    assert states == {1: "signed_late", 2: "late", 3: "open", 4: "upcoming"}
    assert selectors.quarters(unit, 2026, datetime.date(2026, 7, 10))[1].state == "open"  # due on 10 July
    client.force_login(member)
    html = page(client, unit).content.decode()
    assert 'data-testid="quarters"' in html


def test_the_tpi_notes_a_quarter_and_the_unit_answers(member, reviewer, admin_user, unit, client):
    client.force_login(reviewer)
    url = reverse("programme:monitoring_note", args=[unit.pk, 2026, 2])
    client.post(url, {"note": "Rencana aksi area II belum menyentuh SOP pengaduan.",
                      "recommendation": "Tambahkan kegiatan penyusunan SOP pengaduan."})
    note = MonitoringNote.objects.get()
    assert (note.author, note.quarter) == (reviewer, 2)
    client.force_login(admin_user)
    assert client.post(url, {"note": "Admin tidak menulis pemantauan"}).status_code == 403
    client.force_login(member)
    assert client.post(url, {"note": "Unit tidak menulis pemantauan"}).status_code == 403
    client.post(reverse("programme:monitoring_reply", args=[unit.pk, note.pk]),
                {"reply": "SOP pengaduan dijadwalkan triwulan III."})
    note.refresh_from_db()
    assert note.replied_by == member and "triwulan III" in note.reply
    html = client.get(reverse("programme:quarter", args=[unit.pk, 2026, 2])).content.decode()
    assert "SOP pengaduan" in html and 'data-testid="monitoring-reply"' in html
    kinds = list(ProgrammeEvent.objects.filter(kind="monitoring").values_list("actor__username", flat=True))
    assert sorted(kinds) == ["operator", "tpi"]


def test_an_actions_evidence_goes_into_the_lke_without_uploading_it_again(member, worksheet, client):
    unit = worksheet.unit
    sop = f.file_document(unit, "SK SOP Layanan.pdf", period_year=2026)
    indicator = Question.objects.get(version=worksheet.round.version, key="II.pemenuhan.ii.a").indicator
    action = programme.action_save(user=member, unit=unit, year=2026, data={
        "area_code": "II", "description": "Menetapkan SOP", "target": "SOP ditetapkan", "due": datetime.date(2026, 6, 30),
        "status": Action.Status.DONE}, indicators=[indicator], documents=[sop])
    client.force_login(member)
    html = client.get(reverse("programme:action_edit", args=[unit.pk, action.pk])).content.decode()
    link = html.split('data-testid="to-lke-link"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert f"dok={sop.pk}" in link and f"indikator={indicator.pk}" in link
    question = indicator.questions.order_by("order").first()
    response = client.post(link, {"dok": str(sop.pk), "indikator": indicator.pk, f"doc-{sop.pk}": [question.pk]})
    assert response.status_code == 302
    attached = Evidence.objects.get(answer__worksheet=worksheet)
    assert (attached.document, attached.answer.question, attached.version) == (sop, question, sop.current)
    assert DocumentVersion.objects.count() == 1  # the same file, not a second upload


# --------------------------------------------------------------------------- the weekly digest


def test_the_weekly_digest_goes_through_the_worker_to_pics_and_kepala_not_to_who_opted_out(
        member, kepala, unit, instansi, mailoutbox, monkeypatch):
    member.email, kepala.email = "operator@pemda.go.id", "kepala@pemda.go.id"
    member.save()
    kepala.save()
    other_pic = f.member(instansi, Membership.Role.OPERATOR, unit, "operator2")
    other_pic.email = "operator2@pemda.go.id"
    other_pic.save()
    monday = datetime.date(2026, 8, 17)  # Monday; TW II report (due 10 July) not signed off

    def plan(description, due, pic, status=Action.Status.RUNNING):
        return programme.action_save(user=member, unit=unit, year=2026, data={
            "area_code": "I", "description": description, "target": "t", "due": due, "pic": pic, "status": status})

    plan("SOP pengaduan", datetime.date(2026, 8, 20), member)  # due this week
    plan("Survei internal", datetime.date(2026, 7, 31), other_pic)  # overdue
    plan("Kaji tiru", datetime.date(2026, 10, 30), member)  # not yet
    plan("Sosialisasi", datetime.date(2026, 8, 18), member, status=Action.Status.DONE)  # done
    DigestPreference.objects.create(user=other_pic, weekly=False)
    now = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(2, 0)))
    assert programme_tasks.nightly(now) and not programme_tasks.nightly(now)  # once a week
    assert not programme_tasks.nightly(now + datetime.timedelta(days=1))  # Tuesday: nothing
    f.run_tasks()  # the digest task, then the email tasks it queued
    sent = {m.to[0]: m.body for m in mailoutbox}
    assert set(sent) == {"operator@pemda.go.id", "kepala@pemda.go.id"}  # operator2 opted out
    assert "SOP pengaduan" in sent["operator@pemda.go.id"] and "Survei internal" not in sent["operator@pemda.go.id"]
    kepala_mail = sent["kepala@pemda.go.id"]
    assert "SOP pengaduan" in kepala_mail and "Survei internal" in kepala_mail and "TERLAMBAT" in kepala_mail
    assert "Kaji tiru" not in kepala_mail and "Sosialisasi" not in kepala_mail
    assert "Laporan triwulan II 2026" in kepala_mail and "belum disahkan" in kepala_mail
    assert DigestRun.objects.get().recipients == 2


def test_a_person_opts_out_and_back_in(member, unit, client):
    client.force_login(member)
    back = reverse("programme:unit", args=[unit.pk])
    client.post(reverse("programme:digest_preference"), {"weekly": "0", "next": back})
    assert DigestPreference.objects.get(user=member).weekly is False
    assert 'data-testid="digest-on"' in client.get(back).content.decode()
    response = client.post(reverse("programme:digest_preference"), {"weekly": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home") and DigestPreference.objects.get(user=member).weekly


# --------------------------------------------------------------------------- every unit's progress


def test_every_units_progress_in_one_paged_table_in_a_fixed_number_of_queries(admin_user, reviewer, member, kepala,
                                                                             unit, instansi, client,
                                                                             django_assert_num_queries):
    overdue = programme.action_save(user=member, unit=unit, year=2026, data={
        "area_code": "I", "description": "SOP", "target": "t", "due": datetime.date(2026, 1, 31),
        "status": Action.Status.RUNNING})
    programme.action_save(user=member, unit=unit, year=2026, data={
        "area_code": "II", "description": "Survei", "target": "t", "due": datetime.date(2026, 12, 31),
        "status": Action.Status.DONE})
    programme.pencanangan_save(user=kepala, unit=unit, date=datetime.date(2025, 3, 17), declared_by="Bupati")
    url = reverse("programme:progress", args=[instansi.pk]) + "?tahun=2026"
    client.force_login(admin_user)
    client.get(url)
    # savepoint, session, user, memberships, instansi; the units, their actions, pencanangan, SKs and
    # the quarter's reports (one grouped query each); the person's latest workbook; release
    with django_assert_num_queries(12):
        html = client.get(url).content.decode()
    row = html.split(unit.name + "</a>")[1].split("</tr>")[0]
    assert ">2</td>" in row and ">1</td>" in row and "17 Mar 2025" in row and "belum dilaporkan" in row
    for i in range(12):
        f.unit(instansi, f"Unit Tambahan {i}")
    with django_assert_num_queries(12):
        html = client.get(url).content.decode()
    assert html.count('data-testid="progress-row"') == 13
    only_late = client.get(url + "&tampil=terlambat").content.decode()
    assert only_late.count('data-testid="progress-row"') == 1 and overdue.unit.name in only_late
    sorted_desc = client.get(url + "&urut=aksi&arah=turun").content.decode()
    assert sorted_desc.index(unit.name) < sorted_desc.index("Unit Tambahan 0")
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.force_login(member)
    assert client.get(url).status_code == 404


def test_the_plans_and_realisations_workbook_prints_on_a4_with_its_header_on_every_page(
        admin_user, member, kepala, unit, instansi, client, tmp_path):
    """Opened as a workbook (sheets, values, print settings) and printed by LibreOffice (every
    action present, the header on each page of the plan sheet, no text over other text)."""
    for i in range(40):  # several pages
        action = programme.action_save(user=member, unit=unit, year=2026, data={
            "area_code": ["I", "II", "III", "IV", "V", "VI"][i % 6],
            "description": f"Kegiatan {i:02d}: menyusun dan menetapkan standar operasional prosedur layanan {i}",
            "target": "Seluruh layanan memiliki SOP yang ditetapkan", "due": datetime.date(2026, 9, 30),
            "status": Action.Status.RUNNING, "budget": 15_000_000})
        programme.progress_save(user=member, unit=unit, year=2026, quarter=1, rows=[
            {"action": action, "realisation": 25, "done": "Draf", "obstacles": "Menunggu bidang" if i == 39 else ""}])
    client.force_login(admin_user)
    response = plan_workbook_of(client, instansi, 2026)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Rencana aksi", "Kemajuan unit"]
    sheet = book["Rencana aksi"]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "No.")
    assert rows[header][11:15] == ("TW I", "TW II", "TW III", "TW IV") and len(rows) - header - 1 == 40
    assert rows[header + 1][11] == "25%" and rows[header + 1][12] == "—"
    pages = _pdf(tmp_path, "rencana-aksi", content)
    plan_pages = [p for p in pages if "Kegiatan" in " ".join(w[4] for w in p) and "Batas" in " ".join(w[4] for w in p)]
    assert len(plan_pages) >= 2
    text = " ".join(w[4] for p in pages for w in p)
    assert all(f"Kegiatan {i:02d}:" in text for i in range(40)) and "Menunggu bidang" in text
    for page in pages:
        assert not _overlaps(page)


def plan_workbook_of(client, instansi, year):
    """Ask for the instansi's plan workbook, let the worker build it, download it: the response."""
    query = f"?tahun={year}"
    client.post(reverse("programme:progress_export", args=[instansi.pk]) + query)
    f.run_tasks()
    return client.get(reverse("programme:progress_export_download", args=[instansi.pk]) + query)


def test_the_plan_workbook_is_built_by_the_worker_shows_its_progress_and_is_only_the_askers(
        admin_user, reviewer, member, unit, instansi, client, settings):
    programme.action_save(user=member, unit=unit, year=2026, data={
        "area_code": "I", "description": "Menyusun SOP layanan", "target": "t", "due": datetime.date(2026, 9, 30),
        "status": Action.Status.RUNNING})
    page_url = reverse("programme:progress", args=[instansi.pk]) + "?tahun=2026"
    status = reverse("programme:progress_export_status", args=[instansi.pk]) + "?tahun=2026"
    download = reverse("programme:progress_export_download", args=[instansi.pk]) + "?tahun=2026"
    client.force_login(admin_user)
    page = client.get(page_url).content.decode()
    assert 'data-testid="export-plan"' in page and 'data-status="none"' in page
    asked = client.post(reverse("programme:progress_export", args=[instansi.pk]) + "?tahun=2026")
    assert asked.status_code == 302 and asked["Location"].endswith("?tahun=2026#laporan")
    client.post(reverse("programme:progress_export", args=[instansi.pk]) + "?tahun=2026", HTTP_HX_REQUEST="true")
    assert PlanExport.objects.count() == 1  # asking again while it is being made starts no second one
    waiting = client.get(status).content.decode()
    assert "menunggu giliran" in waiting and 'hx-trigger="every 2s"' in waiting
    PlanExport.objects.update(status="running", done_units=500, total_units=1200)
    assert "500 dari 1.200 baris" in client.get(status).content.decode()  # Indonesian grouping
    PlanExport.objects.update(status="queued", done_units=0, total_units=0)
    assert client.get(download).status_code == 404  # nothing finished yet
    f.run_tasks()
    done = client.get(status).content.decode()
    assert 'data-testid="plan-download"' in done and "every 2s" not in done and "tersedia sampai" in done
    response = client.get(download)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "rencana-aksi-zi-" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert any("Menyusun SOP layanan" in str(r) for r in book["Rencana aksi"].iter_rows(values_only=True))
    # The TPI member of the instansi sees the page but not the admin's file; another year is another file.
    client.force_login(reviewer)
    assert client.get(download).status_code == 404 and 'data-status="none"' in client.get(page_url).content.decode()
    client.force_login(admin_user)
    assert client.get(download.replace("2026", "2025")).status_code == 404
    # A day later it is gone (the nightly job removes file and row).
    PlanExport.objects.update(finished_at=timezone.now() - datetime.timedelta(hours=settings.RECAP_KEEP_HOURS, minutes=1),
                              requested_at=timezone.now() - datetime.timedelta(hours=settings.RECAP_KEEP_HOURS, minutes=2))
    assert client.get(download).status_code == 404
    assert programme_tasks.prune_plan_exports() == 1 and not PlanExport.objects.exists()


def test_a_plan_workbook_asked_for_by_someone_who_lost_access_is_refused_and_a_failure_says_why(
        admin_user, reviewer, instansi, client, monkeypatch):
    client.force_login(reviewer)
    client.post(reverse("programme:progress_export", args=[instansi.pk]) + "?tahun=2026")
    Membership.objects.filter(user=reviewer).delete()  # the TPI role taken away before the worker ran
    f.run_tasks()
    export = PlanExport.objects.get()
    assert export.status == "failed" and "Akses" in export.error and not export.file
    client.force_login(admin_user)
    monkeypatch.setattr(programme_tasks, "plan_workbook", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    client.post(reverse("programme:progress_export", args=[instansi.pk]) + "?tahun=2026")
    f.run_tasks()
    panel = client.get(reverse("programme:progress_export_status", args=[instansi.pk]) + "?tahun=2026").content.decode()
    assert 'data-testid="plan-failed"' in panel and "MemoryError" in panel and 'data-testid="export-plan"' in panel


# --------------------------------------------------------------------------- inovasi and kaji tiru


def test_innovations_and_study_visits_are_recorded_and_other_units_browse_them(member, worksheet, instansi,
                                                                                other_unit, client):
    unit = worksheet.unit
    client.force_login(member)
    url = reverse("programme:innovation_add", args=[unit.pk])
    bad = client.post(url, {"title": "Dukcapil Jemput Bola", "description": "Layanan KTP-el keliling desa",
                            "before": "14"})
    assert bad.status_code == 400 and "sebelum dan sesudah" in bad.content.decode()
    assert "Dukcapil Jemput Bola" in bad.content.decode()  # what was typed stays
    form = client.get(reverse("programme:unit", args=[unit.pk])).content.decode()
    innovation_indicator = Indicator.objects.get(part__area__component__version=worksheet.round.version,
                                                 part__area__code="VI", part__kind="reform",
                                                 name__icontains="Inovasi")
    assert f'<option value="{innovation_indicator.pk}" selected>' in form  # VI reform, the innovation indicator
    client.post(url, {"title": "Dukcapil Jemput Bola", "description": "Layanan KTP-el keliling desa",
                      "measure": "waktu penyelesaian KTP-el (hari)", "before": "14", "after": "1,5",
                      "indicator": innovation_indicator.pk, "launched_on": "2026-02-01"})
    innovation = Innovation.objects.get()
    assert (innovation.before, innovation.after, innovation.indicator) == (14, Decimal("1.5"), innovation_indicator)
    client.post(reverse("programme:study_visit_add", args=[unit.pk]),
                {"visited": "Disdukcapil Kota Surabaya", "date": "2026-03-12", "adopted": "Antrean daring"})
    assert StudyVisit.objects.get().adopted == "Antrean daring"
    other = f.member(instansi, Membership.Role.OPERATOR, other_unit, "op.dishub")
    client.force_login(other)
    response = client.get(reverse("programme:innovations", args=[instansi.pk]))
    listing = response.content.decode()
    assert response.status_code == 200
    assert "Dukcapil Jemput Bola" in listing and "14 → <strong>1,50</strong>" in listing
    elsewhere = f.instansi("Pemerintah Kota Lain")
    foreign = f.member(elsewhere, Membership.Role.OPERATOR, f.unit(elsewhere, "Dinas Kota"), "op.kota")
    client.force_login(foreign)
    assert client.get(reverse("programme:innovations", args=[instansi.pk])).status_code == 404


def test_the_pencanangan_date_is_offered_for_the_building_zi_prerequisite(kepala, reviewer, worksheet, client):
    """The TPI still records the fact; the page offers the date the unit declared, filled in."""
    programme.pencanangan_save(user=kepala, unit=worksheet.unit, date=datetime.date(2025, 3, 17),
                               declared_by="Bupati Sukamaju")
    client.force_login(reviewer)
    html = client.get(reverse("evaluations:worksheet_prerequisites", args=[worksheet.pk])).content.decode()
    item = html.split('data-testid="prerequisite-membangun-wbk"')[1].split("</section>")[0]
    assert 'data-testid="prerequisite-suggested"' in item and "2025-03-17" in item and "pencanangan" in item
    assert 'value="2025-03-17"' in item  # the form's date, ready to check and save


def test_the_plan_sets_done_actions_against_the_indicators_score_last_round_and_now(member, worksheet, client):
    earlier = f.round_(worksheet.round.instansi, year=2025, name="Evaluasi ZI 2025", status=Round.Status.CLOSED)
    f.worksheet(earlier, worksheet.unit, status=Worksheet.Status.APPROVED)  # nothing answered last year
    q = Question.objects.get(version=worksheet.round.version, key="I.pemenuhan.i.a")
    services.answer_save(user=member, worksheet=worksheet, question=q,
                         option=q.options.order_by("order").first().letter, revision=0)
    programme.action_save(user=member, unit=worksheet.unit, year=2026, indicators=[q.indicator], data={
        "area_code": "I", "description": "Membentuk tim kerja ZI", "target": "SK tim", "due": datetime.date(2026, 2, 1),
        "status": Action.Status.DONE})
    gap = next(g for g in selectors.gaps(worksheet, selectors.actions_for(worksheet.unit, 2026))
               if g.indicator == q.indicator)
    assert (gap.previous, gap.done) == (0, 1) and gap.change > 0  # the action's indicator went up
    client.force_login(member)
    html = client.get(reverse("programme:unit", args=[worksheet.unit_id]) + "?tahun=2026&semua=1").content.decode()
    row = html.split("Penyusunan Tim Kerja</td>")[1].split("</tr>")[0]
    assert "0,00 → 0,25" in row and "▲" in row and "1 dari 1 selesai" in row


# --------------------------------------------------------------------------- after the review


def test_a_huge_year_in_the_address_is_the_current_year_not_an_error(member, unit, client):
    client.force_login(member)
    response = client.get(reverse("programme:unit", args=[unit.pk]) + "?tahun=" + "9" * 5000)
    assert response.status_code == 200


def test_a_quarter_not_yet_begun_cannot_be_reported_or_signed(member, kepala, unit):
    action = _plan(member, unit)
    future = timezone.localdate().year + 1
    with pytest.raises(programme.Refused, match="belum dimulai"):
        programme.progress_save(user=member, unit=unit, year=future, quarter=4, rows=[
            {"action": action, "realisation": 10, "done": "", "obstacles": ""}])
    with pytest.raises(programme.Refused, match="Belum ada rencana aksi"):
        programme.progress_save(user=member, unit=unit, year=2026, quarter=1, rows=[])
    assert not QuarterReport.objects.exists()


def test_team_history_is_not_rewritten(member, kepala, unit):
    first = programme.team_decree_add(user=kepala, unit=unit, number="800/1", date=datetime.date(2025, 2, 1))
    agus = programme.team_member_add(user=member, decree=first, name="Agus", role=TeamMember.Role.ANGGOTA)
    programme.team_member_end(user=member, member=agus, until=datetime.date(2025, 6, 1))
    with pytest.raises(programme.Refused, match="sudah tercatat berhenti"):
        programme.team_member_end(user=member, member=agus, until=datetime.date(2026, 1, 1))
    hendra = programme.team_member_add(user=member, decree=first, name="Hendra", role=TeamMember.Role.KETUA)
    programme.team_decree_add(user=kepala, unit=unit, number="800/2", date=datetime.date(2026, 1, 5))
    hendra.refresh_from_db()
    assert hendra.until == datetime.date(2026, 1, 4)  # served under the first SK until the day before the second


def test_a_pic_who_left_the_unit_gets_none_of_its_plan(member, unit, instansi):
    left = f.member(instansi, Membership.Role.OPERATOR, unit, "pindah")
    left.email = "pindah@pemda.go.id"
    left.save()
    programme.action_save(user=member, unit=unit, year=2026, data={
        "area_code": "I", "description": "Rahasia internal unit", "target": "t", "due": datetime.date(2026, 8, 20),
        "pic": left, "status": Action.Status.RUNNING})
    Membership.objects.filter(user=left).delete()
    assert not [d for d in digest.build(datetime.date(2026, 8, 17)) if d.user == left]


def test_a_failing_nightly_job_neither_stops_the_others_nor_the_next_night(monkeypatch):
    def broken(now):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(evaluation_tasks, "NIGHTLY_JOBS", [broken, *evaluation_tasks.NIGHTLY_JOBS])
    result = evaluation_tasks.housekeeping.call()
    assert any(v == "failed" for k, v in result.items() if k.endswith("broken"))
    assert DBTaskResult.objects.filter(task_path=evaluation_tasks.housekeeping.module_path, status="READY").exists()


def test_a_pencanangan_in_the_future_is_refused(member, unit, client):
    client.force_login(member)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(reverse("programme:pencanangan", args=[unit.pk]),
                           {"date": tomorrow.isoformat(), "declared_by": "Bupati"})
    assert response.status_code == 400 and "belum tiba" in response.content.decode()


def test_the_progress_table_judges_the_selected_years_own_report():
    assert selectors.report_quarter(2025, datetime.date(2026, 3, 1)) == (2025, 4)
    assert selectors.report_quarter(2026, datetime.date(2026, 3, 1)) is None  # nothing of 2026 due yet
    assert selectors.report_quarter(2026, datetime.date(2026, 7, 11)) == (2026, 2)
