"""The ZI programme (pembangunan ZI) walked in Chromium on the demo data: the kepala of Disdukcapil
declares the zone and records the tim kerja (SK and a member); the operator turns the first LKE gap
into a rencana aksi, reports the current quarter's realisation, the kepala signs it off; the TPI
writes a pemantauan note the operator answers; the admin sees the unit's row in the instansi's
progress table and downloads the workbook. Key screens are shot at desktop and phone width
(test-artifacts/programme-*)."""

import datetime
import re
from urllib.parse import parse_qs, urlparse

from django.utils import timezone
from openpyxl import load_workbook

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Worksheet
from programme.models import Action, MonitoringNote, Pencanangan, QuarterReport, TeamDecree
from tests.e2e import a11y
from tests.e2e.conftest import ARTIFACTS, login, wait_until

UNIT = "Dinas Kependudukan dan Pencatatan Sipil"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
DESCRIPTION = "Menyusun dan menetapkan SOP seluruh layanan kependudukan"
TARGET = "12 SOP layanan ditetapkan dengan SK Kepala Dinas"
NOTE = "Realisasi SOP baru sebagian; percepat penetapan SK Kepala Dinas."
REPLY = "SK penetapan SOP dijadwalkan ditandatangani bulan depan."


def screens(page, name, overflow):
    """The whole page at 1280 and at 390 px, and whether the phone scrolls sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"programme-{name}-{label}.png"), full_page=True)
        if size is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                overflow.append(f"{name}: {page.url} is {width} px wide at 390 px")
    page.set_viewport_size(DESKTOP)


def duplicate_ids(page):
    """Each id used more than once on the page, with the forms (data-testid or action) that use it."""
    return page.evaluate("""() => {
        const where = (e) => { const f = e.closest('form');
                               return f ? (f.dataset.testid || f.getAttribute('action')) : e.tagName; };
        const seen = {};
        for (const e of document.querySelectorAll('[id]')) (seen[e.id] = seen[e.id] || []).push(where(e));
        return Object.entries(seen).filter(([, w]) => w.length > 1).map(([id, w]) => `${id} in ${w.join(', ')}`);
    }""")


def person(new_page, base, username, errors):
    """A browser of its own for ``username``, signed in; server errors it meets go to ``errors``."""
    page = new_page()
    page.set_viewport_size(DESKTOP)
    page.on("response", lambda r: errors.append(f"{r.status} {r.request.method} {r.url} ({username})")
            if r.status >= 500 else None)
    login(page, base, username, DEMO_PASSWORD)
    assert "/masuk/" not in page.url, f"{username} could not sign in"
    return page


def submit(form):
    """Press the form's submit button and wait for the page it leads to."""
    page = form.page
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    page.wait_for_load_state("domcontentloaded")


def test_a_unit_declares_forms_its_team_plans_from_a_gap_reports_a_quarter_and_the_tpi_and_admin_follow(
        demo_server, new_page, worker):
    base, overflow, errors = demo_server, [], []
    worker()  # the workbook at the end is built by a worker process
    ws = Worksheet.objects.select_related("round", "unit").get(unit__name=UNIT, round__status="open")
    unit, year = ws.unit, ws.round.year
    quarter = (timezone.localdate().month - 1) // 3 + 1 if timezone.localdate().year == year else 1
    unit_url = f"{base}/unit/{unit.pk}/zi/"

    # --- The kepala declares the zone and records the tim kerja (from the navbar)
    kepala = person(new_page, base, "kepala", errors)
    kepala.get_by_test_id("nav-programme").click()
    kepala.wait_for_url(f"{unit_url}*")
    assert kepala.get_by_test_id("no-pencanangan").count() == 1
    # Every form of the page is open for a unit that has none of it yet: one label per field.
    # (asserted at the end, so that the rest of the walk is checked even when this fails)
    twice = duplicate_ids(kepala)
    assert not a11y.violations(kepala), a11y.violations(kepala)
    screens(kepala, "unit-empty", overflow)
    form = kepala.get_by_test_id("pencanangan-form")
    form.locator("input[name=date]").fill(f"{year}-01-15")
    form.locator("[name=declared_by]").fill("Bupati Sukamaju")
    form.locator("[name=place]").fill("Pendopo Kabupaten Sukamaju")
    form.locator("[name=media_links]").fill("https://sukamaju.go.id/berita/pencanangan-zi-disdukcapil")
    submit(form)
    shown = kepala.get_by_test_id("pencanangan").inner_text()
    assert "15 Januari" in shown and "Bupati Sukamaju" in shown and "Pendopo" in shown, shown
    assert Pencanangan.objects.get(unit=unit).date == datetime.date(year, 1, 15)

    form = kepala.get_by_test_id("decree-form")
    form.locator("[name=number]").fill(f"800/123/Disdukcapil/{year}")
    form.locator("input[name=date]").fill(f"{year}-01-20")
    submit(form)
    assert f"800/123/Disdukcapil/{year}" in kepala.get_by_test_id("team-decree").inner_text()
    decree = TeamDecree.objects.get(unit=unit)

    kepala.get_by_test_id("member-form").locator("xpath=..").locator("summary").click()
    form = kepala.get_by_test_id("member-form")
    form.locator("[name=name]").fill("Siti Rahmawati, S.Kom.")
    form.locator("[name=position]").fill("Kepala Bidang Pelayanan")
    form.locator("select[name=role]").select_option("koordinator")
    form.locator("select[name=area_code]").select_option("II")
    submit(form)
    members = kepala.get_by_test_id("team-members").inner_text()
    assert "Siti Rahmawati" in members and "Koordinator area" in members and "II" in members, members
    assert decree.members.filter(name__startswith="Siti Rahmawati", role="koordinator", area_code="II").exists()

    # --- The operator plans from the first gap (reached from the worksheet overview)
    operator = person(new_page, base, "operator", errors)
    operator.goto(f"{base}{ws.get_absolute_url()}")
    operator.get_by_test_id("programme-link").click()
    operator.wait_for_url(f"{unit_url}*")
    first_gap = operator.get_by_test_id("gap").first
    assert first_gap.get_by_test_id("no-action").count() == 1
    link = first_gap.get_by_test_id("make-action")
    assert link.inner_text().strip() == "Buat rencana aksi"
    query = parse_qs(urlparse(link.get_attribute("href")).query)
    year = int(query["tahun"][0])
    indicator_id = query["indikator"][0]
    gap_text = first_gap.locator("td").first.inner_text()
    area = gap_text.split(" · ")[0].strip()
    link.click()
    operator.wait_for_url(f"**/unit/{unit.pk}/zi/aksi/baru/?tahun={year}&indikator={indicator_id}")
    form = operator.get_by_test_id("action-form")
    assert form.locator("select[name=indicators]").evaluate("s => [...s.selectedOptions].map(o => o.value)") \
        == [indicator_id]
    assert form.locator("select[name=area_code]").input_value() == area
    assert form.locator("[name=target]").input_value()  # a target is proposed from the indicator
    screens(operator, "action-form", overflow)
    form.locator("[name=description]").fill(DESCRIPTION)
    form.locator("[name=target]").fill(TARGET)
    form.locator("[name=output]").fill("SK Kepala Dinas tentang SOP layanan")
    pic = form.locator("select[name=pic] option", has_text="Dewi Lestari").get_attribute("value")
    form.locator("select[name=pic]").select_option(pic)
    form.locator("input[name=due]").fill(f"{year}-11-30")
    form.locator("[name=budget]").fill("15.000.000")
    form.locator("select[name=status]").select_option("running")
    submit(form)
    assert operator.url.startswith(f"{unit_url}?tahun={year}"), operator.url
    action = Action.objects.get(unit=unit, description=DESCRIPTION)
    assert (action.year, action.area_code, action.target, action.due, action.budget, action.pic.username) == (
        year, area, TARGET, datetime.date(year, 11, 30), 15_000_000, "operator")
    assert [str(i.pk) for i in action.indicators.all()] == [indicator_id]
    listed = operator.locator(f"#aksi-{action.pk}")
    assert listed.get_attribute("data-testid") == "action"
    text = listed.inner_text()
    assert DESCRIPTION in text and TARGET in text and "Dewi Lestari" in text and "30 Nov" in text, text
    gap_row = operator.get_by_test_id("gap").filter(
        has=operator.locator(f"a[data-testid=make-action][href$='indikator={indicator_id}']"))
    assert gap_row.count() == 1
    assert gap_row.get_by_test_id("no-action").count() == 0
    assert gap_row.locator(f"a[href='#aksi-{action.pk}']").inner_text().strip() == DESCRIPTION
    screens(operator, "unit", overflow)

    # --- The operator reports the current quarter
    quarters = operator.get_by_test_id("quarters")
    quarter_label = ["I", "II", "III", "IV"][quarter - 1]
    quarters.get_by_role("link", name=f"Triwulan {quarter_label}", exact=True).click()
    quarter_url = f"{base}/unit/{unit.pk}/zi/triwulan/{year}/{quarter}/"
    operator.wait_for_url(quarter_url)
    form = operator.get_by_test_id("progress-form")
    form.locator(f"[name=a{action.pk}-realisation]").fill("40")
    form.locator(f"[name=a{action.pk}-done]").fill("Draf 12 SOP layanan selesai dibahas bersama tim kerja.")
    form.locator(f"[name=a{action.pk}-obstacles]").fill("Menunggu harmonisasi dengan Bagian Organisasi.")
    screens(operator, "quarter-form", overflow)
    with operator.expect_navigation():
        operator.get_by_test_id("progress-save").click()
    operator.get_by_text("Realisasi triwulan tersimpan.").wait_for()
    report = QuarterReport.objects.get(unit=unit, year=year, quarter=quarter)
    assert report.progress.get(action=action).realisation == 40
    assert operator.get_by_test_id("sign-off").count() == 0  # the operator does not sign off

    # --- The kepala signs it off (after the confirm dialog)
    kepala.goto(quarter_url)
    assert kepala.locator(f"[name=a{action.pk}-realisation]").input_value() == "40"
    kepala.once("dialog", lambda d: d.accept())
    with kepala.expect_navigation():
        kepala.get_by_test_id("sign-off").click()
    kepala.get_by_text("Laporan triwulan disahkan.").wait_for()
    report.refresh_from_db()
    assert report.signed_off_by.username == "kepala" and report.signed_off_at
    assert kepala.get_by_test_id("quarter-state").locator("[data-testid^=state-signed]").count() == 1
    assert kepala.get_by_test_id("sign-off").count() == 0
    assert kepala.locator(f"[name=a{action.pk}-realisation]").count() == 0  # read-only once signed off
    assert "40%" in kepala.get_by_test_id("progress-row").first.inner_text()

    # --- The TPI writes a pemantauan note on that quarter
    tpi = person(new_page, base, "tpi", errors)
    tpi.goto(quarter_url)
    assert tpi.get_by_test_id("progress-save").count() == 0 and tpi.get_by_test_id("sign-off").count() == 0
    form = tpi.get_by_test_id("note-form")
    form.locator("[name=note]").fill(NOTE)
    form.locator("[name=recommendation]").fill("Tetapkan SOP sebelum triwulan berikutnya berakhir.")
    submit(form)
    tpi.get_by_text("Catatan pemantauan tersimpan").wait_for()
    assert NOTE in tpi.get_by_test_id("monitoring-note").inner_text()
    note = MonitoringNote.objects.get(unit=unit, year=year, quarter=quarter)
    assert note.author.username == "tpi"

    # --- The operator answers it
    operator.goto(quarter_url)
    item = operator.get_by_test_id("monitoring-note").filter(has_text=NOTE)
    assert item.locator("summary").inner_text().strip() == "Tanggapi"
    item.locator("textarea[name=reply]").fill(REPLY)
    with operator.expect_navigation():
        item.get_by_role("button", name="Simpan tanggapan").click()
    operator.get_by_text("Tanggapan tersimpan.").wait_for()
    reply = operator.get_by_test_id("monitoring-note").filter(has_text=NOTE).get_by_test_id("monitoring-reply")
    assert REPLY in reply.inner_text() and "Dewi Lestari" in reply.inner_text()
    wait_until(lambda: MonitoringNote.objects.get(pk=note.pk).reply == REPLY)
    screens(operator, "quarter", overflow)

    # --- The admin sees the unit's row and downloads the workbook
    admin = person(new_page, base, "admin", errors)
    admin.get_by_test_id("nav-programme").click()
    admin.wait_for_url(f"{base}/instansi/{unit.instansi_id}/pembangunan-zi/*")
    row = admin.get_by_test_id("progress-table").get_by_test_id("progress-row").filter(
        has=admin.get_by_role("link", name=UNIT, exact=True))
    assert row.count() == 1
    assert row.locator("[data-label='Rencana aksi']").inner_text().strip() == "1"
    assert row.locator("[data-label='Pencanangan']").inner_text().strip() == f"15 Jan {year}"
    assert row.locator("[data-label='SK tim kerja']").inner_text().strip() == f"20 Jan {year}"
    screens(admin, "progress", overflow)
    admin.get_by_test_id("export-plan").click()
    admin.get_by_test_id("plan-download").wait_for(timeout=30_000)  # the panel polled until the file was there
    screens(admin, "progress-export-ready", overflow)
    with admin.expect_download() as download:
        admin.get_by_test_id("plan-download").click()
    path = ARTIFACTS / "programme-export.xlsx"
    download.value.save_as(path)
    assert re.search(rf"-{year}-\d{{8}}\.xlsx$", download.value.suggested_filename), download.value.suggested_filename
    book = load_workbook(path)
    assert "Rencana aksi" in book.sheetnames and "Kemajuan unit" in book.sheetnames
    rows = [r for r in book["Rencana aksi"].iter_rows(values_only=True) if DESCRIPTION in r]
    assert len(rows) == 1, rows
    exported = rows[0]
    assert exported[1] == UNIT and exported[2] == area and exported[5] == TARGET
    assert exported[7] == "Dewi Lestari" and exported[9] == 15_000_000
    assert exported[11 + quarter - 1] == "40%"
    assert exported[15] == "Menunggu harmonisasi dengan Bagian Organisasi."
    progress = [r for r in book["Kemajuan unit"].iter_rows(values_only=True) if r and r[0] == UNIT]
    assert len(progress) == 1 and progress[0][3] == 1, progress

    assert not errors, "Server errors:\n" + "\n".join(errors)
    assert not overflow, "Pages scroll sideways on a phone:\n" + "\n".join(overflow)
    # Each form's fields have their own ids: a label ("Tanggal SK") must not point at another form's field.
    assert not twice, "ids used more than once on the unit page (labels point at another form's field):\n" + \
        "\n".join(twice)
