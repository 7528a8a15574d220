"""Surveys in Chromium: a service user answers on a 390 px phone with JavaScript off (errors next to
the questions, nothing chosen lost, a receipt), the unit finds its link and poster, and the admin
excludes a flagged response with a reason, closes the survey and sees the values in the worksheet."""

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Answer
from surveys.models import Exclusion, Response, SurveyPeriod
from tests.e2e import a11y
from tests.e2e.conftest import ARTIFACTS, login

UNIT = "Dinas Kependudukan dan Pencatatan Sipil"
PHONE = {"width": 390, "height": 844}


def test_a_respondent_answers_without_javascript_and_the_admin_closes_the_survey_into_the_worksheet(
        demo_server, new_page, browser, settings):
    base = demo_server
    settings.SITE_URL = base  # the address the public reaches (posters, links) is the site's
    ARTIFACTS.mkdir(exist_ok=True)
    period = SurveyPeriod.objects.get(unit__name=UNIT)
    before = Response.objects.filter(period=period).count()

    # --- The unit's operator finds the survey, its link and its poster.
    operator = new_page()
    login(operator, base, "operator", DEMO_PASSWORD)
    operator.get_by_test_id("nav-surveys").click()
    operator.get_by_role("link", name=period.round.name).click()
    link = operator.get_by_test_id("public-link").input_value()
    assert link == f"{base}/s/{period.token}/"
    assert "wa.me" in operator.get_by_test_id("whatsapp").get_attribute("href")
    with operator.expect_download() as poster:
        operator.get_by_test_id("poster-pdf").click()
    assert poster.value.suggested_filename.endswith(".pdf")
    operator.screenshot(path=str(ARTIFACTS / "survey-period-1280.png"), full_page=True)

    # --- A service user on a cheap phone, JavaScript off.
    phone = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="id-ID",
                                timezone_id="Asia/Jakarta")
    page = phone.new_page()
    page.goto(link + "?layanan=" + str(period.services.get(name="Surat Pindah").pk))
    assert page.get_by_test_id("privacy").is_visible()
    assert page.locator("input[name=service]:checked").get_attribute("id")  # the poster's service preselected
    items = page.get_by_test_id("item")
    assert items.count() == 14
    for i in range(13):  # one question left unanswered
        items.nth(i).locator("label").nth(3).click()
    page.get_by_test_id("survey-submit").click()
    page.wait_for_load_state("domcontentloaded")
    unanswered = page.locator("fieldset.error")
    assert unanswered.count() == 1 and "Pilih salah satu jawaban." in unanswered.inner_text()
    assert page.locator("input[type=radio]:checked").count() == 14  # 13 answers and the service kept
    page.screenshot(path=str(ARTIFACTS / "survey-respond-error-390.png"), full_page=True)
    unanswered.locator("label").nth(2).click()
    page.get_by_test_id("survey-submit").click()
    page.wait_for_load_state("domcontentloaded")
    receipt = page.get_by_test_id("receipt").inner_text().strip()
    assert re.fullmatch(r"[0-9A-F]{10}", receipt)
    page.screenshot(path=str(ARTIFACTS / "survey-thanks-390.png"), full_page=True)
    phone.close()
    mine = Response.objects.get(period=period, receipt=receipt)
    assert mine.service.name == "Surat Pindah" and mine.answers.count() == 14
    assert Response.objects.filter(period=period).count() == before + 1

    # The same page with JavaScript on: no sideways scrolling, no WCAG A/AA violation.
    checked = new_page()
    checked.set_viewport_size(PHONE)
    checked.goto(link)
    assert checked.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not a11y.violations(checked), a11y.violations(checked)
    checked.screenshot(path=str(ARTIFACTS / "survey-respond-390.png"), full_page=True)

    # --- The admin: results, a flagged response excluded with a reason, the survey closed.
    admin = new_page()
    login(admin, base, "admin", DEMO_PASSWORD)
    admin.get_by_test_id("nav-surveys").click()
    admin.get_by_role("link", name=UNIT).click()
    assert admin.get_by_test_id("respondents").inner_text().strip() == str(before + 1)
    flagged = admin.get_by_test_id("flagged-row")
    assert flagged.count() == 3  # the demo's two and ours: answered within seconds, flagged, still counted
    assert "diisi terlalu cepat" in flagged.filter(has_text=receipt).inner_text()
    first = flagged.first
    first_receipt = first.locator("td").first.inner_text().strip()
    first.get_by_role("textbox").fill("Diisi petugas di loket (CCTV 12 Nov)")
    first.get_by_role("button", name="Kecualikan").click()
    admin.wait_for_load_state("domcontentloaded")
    assert "Diisi petugas di loket (CCTV 12 Nov)" in admin.get_by_test_id("exclusions").inner_text()
    assert Exclusion.objects.get().response.receipt == first_receipt
    assert admin.get_by_test_id("respondents").inner_text().strip() == str(before)
    admin.screenshot(path=str(ARTIFACTS / "survey-results-1280.png"), full_page=True)
    admin.set_viewport_size(PHONE)
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    admin.screenshot(path=str(ARTIFACTS / "survey-results-390.png"), full_page=True)
    admin.set_viewport_size({"width": 1280, "height": 900})
    with admin.expect_download() as export:
        admin.get_by_test_id("results-export").click()
    book = load_workbook(io.BytesIO(Path(export.value.path()).read_bytes()))
    assert len(list(book["Jawaban"].iter_rows())) == before + 2  # header + every response, the excluded too
    admin.get_by_test_id("period-close").click()  # without the confirmation: asked for it, nothing closed
    admin.wait_for_load_state("domcontentloaded")
    assert "Centang pernyataan ini" in admin.content() and SurveyPeriod.objects.get(pk=period.pk).status == "open"
    admin.locator("#id_confirm").check()
    admin.get_by_test_id("period-close").click()
    admin.wait_for_load_state("domcontentloaded")
    assert admin.get_by_test_id("sealed").is_visible()
    handoffs = admin.get_by_test_id("handoffs").inner_text()
    assert "Dimasukkan ke kertas kerja" in handoffs, handoffs
    if "tidak ditimpa" in handoffs:  # the unit had typed an external IPAK: the admin decides to use the survey's
        admin.locator("#id_kind").select_option("spak")
        admin.get_by_test_id("fix-value").click()
        admin.wait_for_load_state("domcontentloaded")
    ipak = Answer.objects.get(worksheet__unit__name=UNIT, worksheet__round=period.round, question__key="H-I.hasil.i.a")
    assert ipak.unit_source == "survey" and ipak.evidence.exists()

    # The operator sees the value and where it comes from on the worksheet.
    operator.goto(f"{base}/kertas-kerja/{ipak.worksheet_id}/area/H-I/")
    source = operator.get_by_test_id("value-source").first.inner_text()
    assert "survei aplikasi" in source and f"{before} responden" in source, source
