"""Every kind of page, as each role sees it, at desktop and phone width, checked by axe-core
against WCAG 2 A/AA — with its folded panels open and, on the worksheet, a card showing errors.
(The other browser tests check, in the same way, every page they leave open.)"""

import pytest

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Round, Worksheet
from tests.e2e import a11y
from tests.e2e.conftest import login


def _paths():
    open_round = Round.objects.get(status="open")
    ws = {w.status: w.pk for w in Worksheet.objects.filter(round=open_round).order_by("unit__name")}
    mine = Worksheet.objects.get(round=open_round, unit__name="Dinas Kependudukan dan Pencatatan Sipil").pk
    r = open_round.pk
    return {
        "": ["/masuk/"],
        "operator": ["/", "/kertas-kerja/", f"/kertas-kerja/{mine}/", f"/kertas-kerja/{mine}/area/I/",
                     f"/kertas-kerja/{mine}/area/V/", f"/kertas-kerja/{mine}/area/H-I/",
                     f"/kertas-kerja/{mine}/skor/", f"/kertas-kerja/{mine}/impor/",
                     f"/kertas-kerja/{mine}/syarat-pengusulan/", "/kata-sandi/", "/tidak-ada/"],
        "kepala": [f"/kertas-kerja/{mine}/"],
        "tpi": ["/reviu/", f"/kertas-kerja/{ws['in_review']}/", f"/kertas-kerja/{ws['in_review']}/reviu/I/",
                f"/kertas-kerja/{ws['in_review']}/reviu/V/", f"/kertas-kerja/{ws['returned']}/"],
        "admin": ["/", "/periode/", f"/periode/{r}/", f"/periode/{r}/ringkasan/", f"/periode/{r}/hasil/",
                  f"/periode/{r}/syarat-pengusulan/", f"/kertas-kerja/{mine}/", f"/kertas-kerja/{ws['approved']}/"],
    }


@pytest.mark.parametrize("width", [1366, 390])
def test_every_page_meets_wcag_2_aa(demo_server, new_page, width):
    found, seen = [], 0
    for username, paths in _paths().items():
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        if username:
            login(page, demo_server, username, DEMO_PASSWORD)
        for path in paths:
            page.goto(demo_server + path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            found += a11y.violations(page)
            seen += 1
        page.close()
    assert seen > 25 and not found, "\n".join(found)


def test_a_card_with_errors_and_a_refused_upload_meet_wcag_2_aa(demo_server, new_page):
    page = new_page()
    login(page, demo_server, "operator", DEMO_PASSWORD)
    mine = Worksheet.objects.get(round__status="open", unit__name="Dinas Kependudukan dan Pencatatan Sipil")
    page.goto(f"{demo_server}/kertas-kerja/{mine.pk}/area/V/")
    card = page.get_by_test_id("question-V.reform.iii.c")
    box = card.locator("input[name=number]")
    box.fill("tiga")
    box.press("Tab")
    card.get_by_test_id("not-saved").wait_for()
    error = card.locator(".invalid-feedback")
    # the field is marked and read out with its error (aria-describedby names the message)
    assert box.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in box.get_attribute("aria-describedby").split()
    link_card = page.get_by_test_id("question-V.reform.i.a")
    link_card.locator("summary").click()
    link_form = link_card.locator("form", has=page.locator("input[name=url]"))
    link_form.locator("input[name=url]").fill("bukan tautan")
    link_form.get_by_label("Keterangan bukti dukung (opsional)").fill("SK Kepala Dinas")
    link_form.get_by_role("button", name="Tambah tautan").click()
    link_card.get_by_test_id("evidence-error").wait_for()
    # the description typed beside the bad link is still there (the card came back with both)
    assert link_form.get_by_label("Keterangan bukti dukung (opsional)").input_value() == "SK Kepala Dinas"
    assert not a11y.violations(page)
