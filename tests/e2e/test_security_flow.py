"""Security as a person meets it: the Content-Security-Policy does not break the admin pages
(the new_page fixture fails a test on any policy violation Chromium reports), and repeated wrong
passwords lock the login for that account on that computer, with a message saying what to do."""

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Round
from tests.e2e.conftest import login


def test_admin_pages_work_under_the_content_security_policy(demo_server, new_page, shot):
    page = new_page()
    login(page, demo_server, "admin", DEMO_PASSWORD)
    round_ = Round.objects.filter(status="open").first()
    for path, heading in [("/admin/", "Administrasi"), ("/admin/units/unit/", "unit"),
                          (f"/admin/evaluations/round/{round_.pk}/change/", round_.name),
                          ("/admin/evaluations/worksheet/", "kertas kerja")]:
        response = page.goto(f"{demo_server}{path}")
        assert response.status == 200, path
        assert heading.lower() in page.content().lower(), path
    # The admin's own scripts run: the action bar's "select all" checkbox ticks every row.
    page.goto(f"{demo_server}/admin/units/unit/")
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select:checked").count() == page.locator("input.action-select").count() > 0
    shot(page, "security-admin-under-csp")


def test_repeated_wrong_passwords_lock_the_account_on_this_computer(demo_server, new_page, shot):
    page = new_page()
    for _ in range(4):
        login(page, demo_server, "operator", "bukan-sandinya")
        assert "Nama pengguna atau kata sandi salah" in page.content()
    login(page, demo_server, "operator", "bukan-sandinya")  # the fifth wrong password locks
    assert page.get_by_test_id("lockout").is_visible()
    login(page, demo_server, "operator", DEMO_PASSWORD)  # and the right one no longer helps
    lockout = page.get_by_test_id("lockout")
    assert "Terlalu banyak percobaan masuk" in lockout.inner_text()
    assert "Coba lagi setelah 15 menit" in lockout.inner_text()
    shot(page, "security-lockout")
    other = new_page()  # someone else at the same address still gets in
    login(other, demo_server, "kepala", DEMO_PASSWORD)
    assert "/kertas-kerja/" in other.url
