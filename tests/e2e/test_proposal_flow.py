"""From TPI approval to award, walked in Chromium on the demo data: the admin opens the proposals
(the countdown, the units that may be proposed), proposes DPMPTSP (approved, holds WBK: toward
WBBM), downloads the letter and opens it, records a TPN stage, types a TPN value, records the
Minister's award; the unit's page then shows Menuju WBBM with its re-evaluation date and the
round-to-round table; the TPI reads the proposal without forms and the calibration report; the
admin's instansi page reminds of RSUD's re-evaluation. Screens at desktop and phone width
(test-artifacts/proposal-*)."""

import io
from pathlib import Path

from docx import Document

from evaluations.models import Answer, Round
from proposals.models import Award, Nominee, Proposal
from tests.e2e import a11y
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_programme_flow import DESKTOP, PHONE, duplicate_ids, person, submit
from units.models import Unit

UNIT = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"


def screens(page, name, overflow):
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"proposal-{name}-{label}.png"), full_page=True)
        if size is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                overflow.append(f"{name}: {page.url} is {width} px wide at 390 px")
    page.set_viewport_size(DESKTOP)


def test_from_approval_to_award(demo_server, new_page):
    base, overflow, errors = demo_server, [], []
    rnd = Round.objects.get(status="open")
    admin = person(new_page, base, "admin", errors)

    admin.click("[data-testid=nav-predicates]")
    admin.wait_for_load_state("domcontentloaded")
    assert "RSUD Sukamaju" in admin.locator("[data-testid=reevaluation-due]").inner_text()  # due since Dec 2025
    screens(admin, "instansi", overflow)

    admin.goto(f"{base}/periode/{rnd.pk}/")
    admin.click("[data-testid=proposal-link]")
    admin.wait_for_load_state("domcontentloaded")
    assert "hari lagi" in admin.locator("[data-testid=countdown]").inner_text()
    row = admin.locator("[data-testid=candidate]", has_text="Pelayanan Terpadu Satu Pintu")
    assert "Menuju WBBM" in row.inner_text()  # it holds WBK: WBBM is its next step
    assert not a11y.violations(admin), a11y.violations(admin)
    assert not duplicate_ids(admin), duplicate_ids(admin)
    screens(admin, "round", overflow)

    form = admin.locator("[data-testid=propose-form]")
    form.get_by_label("Dinas Penanaman Modal").check()
    form.get_by_label("Nomor surat").fill("700/88/ITDA/2027")
    form.get_by_label("Nama penanda tangan").fill("H. Ahmad Fauzi, S.E.")
    form.get_by_label("Jabatan penanda tangan").fill("Bupati Sukamaju")
    submit(form)
    assert admin.locator("[data-testid=nominee-status]").first.inner_text() == "Diusulkan"
    screens(admin, "proposal", overflow)
    with admin.expect_download() as info:
        admin.click("[data-testid=letter-link]")
    letter = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    cells = [c.text for t in letter.tables for r in t.rows for c in r.cells]
    assert UNIT in cells and "Menuju WBBM" in cells

    nominee = Nominee.objects.get(unit__name=UNIT, proposal__round=rnd)
    card = admin.locator(f"#n{nominee.pk}")
    card.locator("summary", has_text="Catat tahap TPN").click()
    stage = card.locator("[data-testid=stage-form]")
    stage.get_by_label("Tahap").select_option("desk")
    stage.get_by_label("Tanggal").fill("2027-07-10")
    stage.get_by_label("Hasil").select_option("passed")
    stage.get_by_label("Catatan TPN").fill("Dokumen lengkap")
    submit(stage)
    assert "Evaluasi dokumen" in admin.locator(f"#n{nominee.pk} [data-testid=stages]").inner_text()

    admin.click(f"#n{nominee.pk} >> text=isi nilai TPN")
    admin.wait_for_load_state("domcontentloaded")
    survey = Answer.objects.filter(worksheet=nominee.worksheet, question__answer_type="indeks").first()
    field = admin.locator(f"[name=q{survey.question_id}]")
    field.fill("9")  # out of range: told next to the field, nothing saved, the value kept
    submit(admin.locator("[data-testid=tpn-form]"))
    assert field.input_value() == "9" and admin.locator("[data-testid=tpn-errors]").is_visible()
    field.fill("3,4")
    submit(admin.locator("[data-testid=tpn-form]"))
    assert "nilai TPN" in admin.locator(f"#n{nominee.pk}").inner_text()

    card = admin.locator(f"#n{nominee.pk}")
    card.locator("summary", has_text="Catat hasil akhir").click()
    result = card.locator("[data-testid=result-form]")
    result.get_by_label("Ditetapkan berpredikat").check()
    result.get_by_label("Nomor SK Menteri PANRB").fill("B/3001/M.RB.06/2027")
    result.get_by_label("Tanggal SK").fill("2027-12-09")
    submit(result)
    assert admin.locator(f"#n{nominee.pk} [data-testid=nominee-status]").inner_text() == "Ditetapkan"
    assert Unit.objects.get(name=UNIT).predicate == "wbbm"

    admin.click(f"#n{nominee.pk} h2 a")
    admin.wait_for_load_state("domcontentloaded")
    assert "Menuju WBBM" in admin.locator("[data-testid=predicate]").inner_text()
    assert "9 Desember 2029" in admin.locator("[data-testid=reevaluation]").first.inner_text()
    assert admin.locator("[data-testid=trend-area]").count() >= 8
    screens(admin, "unit", overflow)
    assert Award.objects.filter(unit__name=UNIT, predicate="wbbm").count() == 1

    tpi = person(new_page, base, "tpi", errors)
    tpi.goto(f"{base}/usulan/{Proposal.objects.get(round=rnd).pk}/")
    assert tpi.locator("[data-testid=stage-form]").count() == 0 and "Ditetapkan" in tpi.content()
    tpi.goto(f"{base}/instansi/{rnd.instansi_id}/kalibrasi/")
    assert "TPI menilai" in tpi.locator("[data-testid=sentences]").inner_text()
    screens(tpi, "calibration", overflow)

    assert not overflow, overflow
    assert not errors, errors
