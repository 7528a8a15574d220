"""An operator answers an indicator, uploads a PDF, sees progress and score rise; the kepala
submits; the page turns read-only. Driven through Chromium against the live server."""

import re

import pytest
from django.core.management import call_command

from evaluations.models import Answer
from tests import factories as f
from tests.e2e.conftest import login, wait_until
from tests.evaluations.test_evidence_rules import PDF
from units.models import Membership

OPEN_KEYS = ("I.pemenuhan.i.a", "I.pemenuhan.i.b")  # Penyusunan Tim Kerja: left for the operator


@pytest.fixture
def almost_complete(live_server, transactional_db):
    call_command("load_lke", verbosity=0)
    inst = f.instansi("Pemerintah Kabupaten Uji")
    unit = f.unit(inst, "Dinas Kependudukan dan Pencatatan Sipil")
    f.member(inst, Membership.Role.OPERATOR, unit, "operator")
    f.member(inst, Membership.Role.KEPALA, unit, "kepala")
    ws = f.worksheet(f.round_(inst, name="Evaluasi ZI 2026"), unit, answers="best")
    Answer.objects.filter(worksheet=ws, question__key__in=OPEN_KEYS).update(unit_option="")
    f.attach_links(ws.answers.filter(question__evidence_required=True).exclude(question__key__in=OPEN_KEYS)
                   .select_related("worksheet__unit"), url="https://drive.pemda.go.id/bukti")
    return live_server.url, ws


def number(text):
    return float(re.search(r"[\d.]+,\d+", text).group().replace(".", "").replace(",", "."))


def test_operator_fills_an_indicator_and_kepala_submits(almost_complete, new_page, shot, tmp_path):
    base, ws = almost_complete
    page = new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    login(page, base, "operator", f.PASSWORD)
    assert page.get_by_test_id("page-title").inner_text().endswith("Dinas Kependudukan dan Pencatatan Sipil")
    total_before = number(page.get_by_test_id("unit-total").inner_text())
    assert "125 dari 127 terjawab" in page.content()

    page.get_by_test_id("area-link-I").click()
    area_before = number(page.get_by_test_id("area-score").inner_text())
    card_a = page.get_by_test_id("question-I.pemenuhan.i.a")
    card_a.get_by_label(re.compile(r"^Ya")).check()  # saves itself on change
    card_a.get_by_test_id("saved-info").wait_for()
    card_b = page.get_by_test_id("question-I.pemenuhan.i.b")
    card_b.locator("label", has_text=re.compile(r"^A")).click()
    card_b.get_by_label("Penjelasan unit").fill("Anggota tim dipilih melalui seleksi terbuka, SK Nomor 800/17/2026.")
    card_b.get_by_role("button", name="Simpan").click()
    card_b.get_by_test_id("saved-info").wait_for()
    assert card_b.get_by_test_id("conflict").count() == 0  # autosave + button by one person is no conflict
    page.wait_for_function("document.querySelector('[data-testid=area-score]').innerText.startsWith('8,00')")
    assert number(page.get_by_test_id("area-score").inner_text()) > area_before
    assert "18 dari 18 terjawab" in page.get_by_test_id("area-progress").inner_text()

    pdf = tmp_path / "SK Tim Zona Integritas.pdf"
    pdf.write_bytes(PDF)
    for card in (card_a, card_b):
        card.locator("summary", has_text="Tambah bukti dukung").click()
        card.locator("input[type=file]").set_input_files(str(pdf))
        card.get_by_role("button", name="Unggah", exact=True).click()
        card.get_by_test_id("evidence-file").wait_for()
    assert "SK Tim Zona Integritas.pdf" in card_b.inner_text()  # the library keeps the name as chosen
    shot(page, "worksheet-area-filled")
    # The in-page preview frames the PDF from this site (the CSP allows exactly that framing).
    with page.expect_response(lambda r: "inline=1" in r.url) as preview:
        card_b.get_by_test_id("preview-button").first.click()
    assert preview.value.status == 200 and preview.value.headers["content-type"] == "application/pdf"
    page.locator("#preview-body iframe.preview-frame").wait_for(state="visible")  # the modal fades in
    page.keyboard.press("Escape")

    page.goto(f"{base}{ws.get_absolute_url()}")
    assert number(page.get_by_test_id("unit-total").inner_text()) > total_before
    assert "127 dari 127 terjawab" in page.content()
    assert page.get_by_test_id("submit-button").count() == 0  # the operator does not submit
    page.get_by_role("button", name="Keluar").click()

    login(page, base, "kepala", f.PASSWORD)
    assert page.get_by_test_id("ready-to-submit").is_visible()
    page.get_by_test_id("submit-button").click()
    page.wait_for_load_state("domcontentloaded")
    assert "tidak dapat mengubahnya" in dialogs[-1]  # one click does not lock the worksheet unasked
    assert page.get_by_test_id("status").inner_text() == "Diajukan"
    assert "Pengisian → Diajukan" in page.get_by_test_id("timeline").inner_text()
    shot(page, "worksheet-submitted")
    page.get_by_test_id("area-link-I").click()
    assert page.get_by_test_id("read-only").is_visible()
    assert page.locator("input[name=option]").count() == 0
    assert page.get_by_test_id("evidence-file").first.is_visible()


def test_typing_while_an_autosave_returns_loses_nothing_and_failed_saves_say_so(almost_complete, new_page):
    """Regression (user test, 24 Nov): a card swapped in by autosave ate keystrokes; a save that
    failed on the server or the network left no trace."""
    base, ws = almost_complete
    page = new_page()
    login(page, base, "operator", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/area/I/")
    card = page.get_by_test_id("question-I.pemenuhan.i.a")
    text = "Tim Kerja ZI dibentuk dengan SK Kepala Dinas Nomor 800/12/2026 tanggal 5 Januari 2026."
    card.get_by_label(re.compile(r"^Ya")).check()  # autosave starts now…
    box = card.get_by_label("Penjelasan unit")
    box.click()
    box.press_sequentially(text, delay=25)  # …and returns while this is typed
    assert box.input_value() == text
    page.get_by_test_id("page-title").click()  # leaving the field saves it
    card.get_by_test_id("saved-info").wait_for()
    page.wait_for_function(
        "(t) => document.querySelector('[data-testid=\"question-I.pemenuhan.i.a\"] textarea[name=explanation]').value === t",
        arg=text)
    wait_until(lambda: Answer.objects.get(worksheet=ws, question__key="I.pemenuhan.i.a").unit_explanation == text)

    page.route("**/jawaban/**", lambda route: route.fulfill(status=500, body="galat"))
    card_b = page.get_by_test_id("question-I.pemenuhan.i.b")
    card_b.locator("label", has_text=re.compile(r"^A")).click()
    card_b.get_by_test_id("save-failed").filter(has_text="Gagal menyimpan (kode 500)").wait_for()
    page.unroute("**/jawaban/**")
    page.route("**/jawaban/**", lambda route: route.abort())
    card_b.get_by_role("button", name="Simpan").click()
    card_b.get_by_test_id("save-failed").filter(has_text="tidak ada koneksi").wait_for()
    assert card_b.get_by_test_id("save-failed").count() == 1  # the new message replaces the old one


def test_counts_typed_one_after_another_are_all_saved(almost_complete, new_page):
    """Tabbing through an indicator's counts fires one save per card while the previous is still
    on its way: every one of them must be stored (queued saves used to keep only the last)."""
    base, ws = almost_complete
    page = new_page()
    login(page, base, "operator", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/area/V/")
    values = {"V.reform.iii.c": "2", "V.reform.iii.d": "7", "V.reform.iii.e": "4", "V.reform.iii.f": "11"}
    for key, value in values.items():
        page.get_by_test_id(f"question-{key}").locator("input[name=number]").fill(value)
    page.keyboard.press("Tab")
    for key in values:
        page.get_by_test_id(f"question-{key}").get_by_test_id("saved-info").wait_for()
    stored = {a.question.key: a.unit_number for a in Answer.objects.filter(
        worksheet=ws, question__key__in=values).select_related("question")}
    assert {k: str(int(v)) for k, v in stored.items()} == values


def test_a_save_after_the_session_ended_keeps_the_typing_and_saves_after_signing_in_again(almost_complete,
                                                                                           new_page, shot):
    """The session ends (or the person signs in again in another tab) while a card is being typed
    in: "Simpan" tells them in the card, keeps what they typed, and saves once they are back."""
    base, ws = almost_complete
    page = new_page()
    login(page, base, "operator", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/area/II/")
    card = page.get_by_test_id("question-II.pemenuhan.i.a")
    assert not page.get_by_test_id("session-banner").is_visible()  # nothing to say while the session lasts
    typed = "SOP disusun dari peta proses bisnis 2026, ditetapkan SK Kadis 061/14."
    page.context.clear_cookies(name="sessionid")  # the session ends
    card.get_by_label("Penjelasan unit").fill(typed)
    card.get_by_role("button", name="Simpan").click()
    card.get_by_test_id("session-refusal").wait_for()
    assert "Sesi Anda berakhir" in card.get_by_test_id("session-refusal").inner_text()
    assert card.get_by_label("Penjelasan unit").input_value() == typed  # nothing typed is lost
    assert page.get_by_test_id("session-banner").is_visible()
    shot(page, "session-ended-card")
    other = page.context.new_page()  # signing in again in another tab (the CSRF cookie changes too)
    login(other, base, "operator", f.PASSWORD)
    other.close()
    card.get_by_role("button", name="Simpan").click()
    card.get_by_test_id("saved-info").wait_for()
    assert Answer.objects.get(worksheet=ws, question__key="II.pemenuhan.i.a").unit_explanation == typed


def test_the_session_warns_before_it_ends_and_stays_on_request(almost_complete, new_page, settings):
    """Ten minutes before the session would end for lack of activity, a banner says when; "Tetap
    masuk" moves the end on (sliding expiry) and the banner goes away."""
    settings.SESSION_COOKIE_AGE = 10 * 60 + 20  # the warning is due twenty seconds after signing in
    base, ws = almost_complete
    page = new_page()
    login(page, base, "operator", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/area/II/")
    banner = page.get_by_test_id("session-banner")
    assert not banner.is_visible()
    banner.wait_for(timeout=40_000)
    assert "Sesi Anda akan berakhir pukul" in banner.inner_text() and "WIB" in banner.inner_text()
    with page.expect_response(lambda r: "/sesi/perpanjang/" in r.url) as kept:
        banner.get_by_role("button", name="Tetap masuk").click()
    assert kept.value.ok
    banner.wait_for(state="hidden")
