"""A phone (390 px wide) through the pages a real round found wanting: nothing scrolls sideways,
the dashboard is a list of cards, chart labels keep a readable size, buttons keep their words,
and a saved answer loses its "Belum dijawab" badge while the person goes on typing."""

import re

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Worksheet
from tests.e2e.conftest import login

WIDTH = 390


def phone(new_page, base=None, username=None, unit=None, path=""):
    """A phone-sized page; signed in as ``username`` and opened at ``path`` of ``unit``'s open worksheet."""
    page = new_page()
    page.set_viewport_size({"width": WIDTH, "height": 844})
    if username:
        login(page, base, username, DEMO_PASSWORD)
    if unit:
        ws = Worksheet.objects.get(unit__name=unit, round__status="open")
        page.goto(f"{base}/kertas-kerja/{ws.pk}/{path}")
        fits(page)
    return page


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


def test_the_admins_pages_fit_a_phone(demo_server, new_page, shot):
    page = phone(new_page)
    login(page, demo_server, "admin", DEMO_PASSWORD)  # the dashboard
    fits(page)
    row = page.get_by_test_id("row").first
    for part in (row.get_by_test_id("scorecard-link"), row.get_by_test_id("status"), row.get_by_test_id("verdict")):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH  # read without scrolling sideways
    labels = row.locator("td[data-label]").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert '"Nilai unit: "' in labels  # each figure says what it is, as a card
    shot(page, "phone-dashboard")

    page.get_by_test_id("summary-link").click()
    fits(page)
    shot(page, "phone-ringkasan")

    page.go_back()
    row.get_by_test_id("scorecard-link").click()
    fits(page)
    label = page.get_by_test_id("chart-scores").get_by_test_id("chart-label").nth(2)
    assert label.inner_text() == "III. Penataan Sistem Manajemen SDM Aparatur"  # whole
    assert float(label.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px")) >= 12
    shot(page, "phone-scorecard")


def test_the_review_sheet_fits_a_phone(demo_server, new_page, shot):
    page = phone(new_page, demo_server, "tpi", "RSUD Sukamaju", "reviu/V/")
    header = page.get_by_test_id("review-indicator-score").first
    box = header.bounding_box()
    assert box["x"] + box["width"] <= WIDTH
    button = page.get_by_role("button", name="Simpan penilaian").first
    assert button.evaluate("b => b.scrollWidth <= b.clientWidth")
    shot(page, "phone-review")


def test_the_unit_sheet_on_a_phone(demo_server, new_page, shot):
    page = phone(new_page, demo_server, "operator", "Dinas Kependudukan dan Pencatatan Sipil", "area/IV/")
    nav = page.get_by_test_id("area-nav")
    assert "IV. Penguatan Akuntabilitas" in nav.inner_text()
    active = nav.locator(".active").bounding_box()
    assert active["x"] >= 0 and active["x"] + active["width"] <= WIDTH  # the current area is in view
    first = page.locator(".question").filter(has=page.get_by_test_id("unanswered")).first
    card = page.locator(f"#{first.get_attribute('id')}")
    save = card.get_by_role("button", name="Simpan")
    height = save.bounding_box()["height"]
    assert height < 40, "“Simpan” broke over two lines"
    # Answer, then go on typing in the explanation while the save returns: the badge goes.
    card.locator("input[name=option]").first.check()
    card.locator("textarea[name=explanation]").click()
    card.locator("textarea[name=explanation]").type("Sedang diketik")
    card.get_by_test_id("saved-info").wait_for()
    assert card.get_by_test_id("unanswered").count() == 0
    assert card.locator("textarea[name=explanation]").input_value() == "Sedang diketik"
    assert re.search(r"Tersimpan \d+", card.get_by_test_id("saved-info").inner_text())
    shot(page, "phone-unit-sheet")
