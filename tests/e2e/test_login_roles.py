"""Each demo role logs in through Chromium and lands where it works."""

import re

import pytest

from evaluations.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

LANDINGS = [
    ("admin", r"/periode/\d+/$", "Evaluasi ZI Tahun"),
    ("tpi", r"/reviu/$", "Antrean reviu TPI"),
    ("operator", r"/kertas-kerja/\d+/$", "Kertas kerja LKE ZI — Dinas Kependudukan dan Pencatatan Sipil"),
    ("kepala", r"/kertas-kerja/\d+/$", "Kertas kerja LKE ZI — Dinas Kependudukan dan Pencatatan Sipil"),
]


@pytest.mark.parametrize("username,path,title", LANDINGS)
def test_demo_role_lands_on_its_page(demo_server, new_page, shot, username, path, title):
    page = new_page()
    login(page, demo_server, username, DEMO_PASSWORD)
    assert re.search(path, page.url), page.url
    assert title in page.get_by_test_id("page-title").inner_text()
    shot(page, f"login-{username}")


def test_wrong_password_stays_on_login_with_a_message(demo_server, new_page):
    page = new_page()
    login(page, demo_server, "operator", "bukan-sandinya")
    assert "/masuk/" in page.url
    assert "Nama pengguna atau kata sandi salah" in page.content()
