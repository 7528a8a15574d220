"""Admin opens the dashboard, filters to "Siap WBK", opens a scorecard and sees the charts."""

from evaluations.demo import DEMO_PASSWORD
from tests.e2e.conftest import login


def test_admin_filters_ready_units_and_opens_a_scorecard(demo_server, new_page, shot):
    page = new_page()
    login(page, demo_server, "admin", DEMO_PASSWORD)
    assert page.get_by_test_id("page-title").inner_text().startswith("Evaluasi ZI Tahun")
    everyone = page.get_by_test_id("row").count()
    page.get_by_label("Kesiapan").select_option(label="Siap WBK")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_load_state("domcontentloaded")
    rows = page.get_by_test_id("row")
    assert 0 < rows.count() < everyone
    for i in range(rows.count()):
        assert rows.nth(i).get_by_test_id("verdict").inner_text() == "Siap WBK"
    shot(page, "dashboard-siap-wbk")
    name = rows.first.get_by_test_id("scorecard-link").inner_text()
    rows.first.get_by_test_id("scorecard-link").click()
    assert page.get_by_test_id("page-title").inner_text() == f"Kartu nilai — {name}"
    for chart in ("scores", "parts"):
        figure = page.get_by_test_id(f"chart-{chart}")
        assert figure.is_visible() and figure.locator("rect").count() >= 12
        box = figure.bounding_box()
        assert box["width"] > 300 and box["height"] > 100
        assert "III. Penataan Sistem Manajemen SDM Aparatur" in figure.get_by_test_id("chart-label").all_inner_texts()
    assert page.get_by_test_id("gap-list").locator("tbody tr").count() > 0
    shot(page, "scorecard")
    page.emulate_media(media="print")
    assert page.get_by_test_id("chart-table").locator("table").first.is_visible()  # the table prints too
