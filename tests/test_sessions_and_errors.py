"""What a person is told when their session ends, their page is stale, or something goes wrong:
in Indonesian, in the app's layout (or inside the card they were typing in), never an English
framework page, and nothing they typed is thrown away."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from evaluations.models import PrerequisiteDefinition, Question
from tests import factories as f

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def save_url(ws, key="I.pemenuhan.i.a"):
    return reverse("evaluations:answer_save", args=[ws.pk, Question.objects.get(key=key).pk])


def test_an_htmx_save_after_the_session_ended_is_told_so_not_given_a_login_page(round_open, unit, member):
    ws = f.worksheet(round_open, unit)
    response = Client().post(save_url(ws), {"option": "Ya", "explanation": "Diketik", "revision": 0}, **HTMX)
    assert response.status_code == 401 and response["X-ZI-Refusal"] == "session"
    text = response.content.decode()
    assert text.startswith("Sesi Anda berakhir — masuk lagi di tab baru, lalu tekan Simpan lagi.")
    assert "<html" not in text


def test_an_htmx_save_with_a_stale_csrf_token_is_told_so_in_indonesian(round_open, unit, member):
    ws = f.worksheet(round_open, unit)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(ws.get_absolute_url())
    response = client.post(save_url(ws), {"option": "Ya", "revision": 0, "csrfmiddlewaretoken": "x" * 64}, **HTMX)
    assert response.status_code == 403 and response["X-ZI-Refusal"] == "csrf"
    assert "Halaman ini sudah kedaluwarsa" in response.content.decode()
    plain = client.post(save_url(ws), {"option": "Ya", "revision": 0, "csrfmiddlewaretoken": "x" * 64})
    page = plain.content.decode()
    assert plain.status_code == 403 and "Halaman kedaluwarsa" in page and 'data-testid="error-home"' in page
    assert "CSRF" not in page and "Forbidden" not in page


def test_the_current_csrf_cookie_is_accepted_so_a_page_opened_before_signing_in_again_still_saves(
        round_open, unit, member):
    """The page sends the cookie's token with each htmx save (static/js/session.js); Django takes it."""
    ws = f.worksheet(round_open, unit)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(ws.get_absolute_url())
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(save_url(ws), {"option": "Ya", "revision": 0, "csrfmiddlewaretoken": token}, **HTMX)
    assert response.status_code == 200


def test_a_plain_form_posted_after_the_session_ended_comes_back_to_its_page_after_signing_in(round_open, unit):
    ws = f.worksheet(round_open, unit)
    page = f"http://testserver{ws.get_absolute_url()}"
    response = Client().post(reverse("evaluations:worksheet_submit", args=[ws.pk]), {}, HTTP_REFERER=page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={ws.get_absolute_url().replace('/', '%2F')}"


def test_the_session_slides_while_the_person_works(member_client):
    session = member_client.session
    session.set_expiry(settings.SESSION_COOKIE_AGE // 3)  # most of the day already gone
    session.save()
    before = member_client.session.get_expiry_date()
    response = member_client.get(reverse("evaluations:my_worksheets"))
    renewed = int(response["X-Session-Expires"])
    assert renewed > before.timestamp() + 3600
    assert abs(renewed - (timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)).timestamp()) < 60
    assert 'data-session-expires="' in response.content.decode()
    assert member_client.get(reverse("session_keepalive")).json()["expires"] >= renewed


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_not_found_is_indonesian_in_the_layout_and_does_not_say_whose(production, member_client, round_open,
                                                                      instansi):
    other = f.worksheet(round_open, f.unit(instansi, "Dinas Lain"))
    for url in (other.get_absolute_url(), "/tidak-ada/", "/kertas-kerja/999999/"):
        response = member_client.get(url)
        page = response.content.decode()
        assert response.status_code == 404 and 'lang="id"' in page and "Halaman tidak ditemukan" in page
        assert "bukan untuk akun Anda" in page and 'data-testid="error-home"' in page and "Not Found" not in page
        assert "Dinas Lain" not in page


def test_a_refused_action_is_indonesian_in_the_layout(production, client, reviewer, round_open):
    client.force_login(reviewer)
    d = PrerequisiteDefinition.objects.get(key="opini-bpk")
    f.worksheet(round_open, f.unit(round_open.instansi, "Dinas TPI"), reviewers=[reviewer])
    response = client.post(reverse("evaluations:round_prerequisites", args=[round_open.pk]),
                           {"definition": d.pk, f"p{d.pk}-value": "WTP"})
    page = response.content.decode()
    assert response.status_code == 403 and "Tindakan tidak diizinkan" in page
    assert "Hanya admin instansi yang dapat mencatat" in page


def test_a_server_error_is_indonesian_in_the_layout(production, rf):
    """Django renders 500.html without any context (nothing else can be trusted then)."""

    response = server_error(rf.get("/kertas-kerja/"))
    page = response.content.decode()
    assert response.status_code == 500 and 'lang="id"' in page and "Terjadi kesalahan di server" in page
    assert 'data-testid="error-home"' in page and "Server Error" not in page


def test_a_bad_request_is_indonesian(production, client):
    response = client.get("/", HTTP_HOST="tidak.diizinkan.example")
    assert response.status_code == 400 and "Permintaan tidak dapat diproses" in response.content.decode()
