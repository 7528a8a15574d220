"""Hardening: Content-Security-Policy, login throttling, the client address, production headers."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests import factories as f
from tests.test_deploy import _run  # check --deploy itself is tested there
from units.security import client_ip

pytestmark = pytest.mark.django_db


def policy(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())


def test_every_page_carries_a_strict_content_security_policy(member_client, worksheet):
    response = member_client.get(worksheet.get_absolute_url())
    csp = policy(response)
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'" and csp["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_login_page_has_the_policy_too(client):
    assert "script-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]


def test_an_evidence_preview_may_be_framed_by_this_site_only(member_client, worksheet):
    answer = worksheet.answers.get(question__key="I.pemenuhan.i.a")
    document = f.file_document(worksheet.unit, name="sk.pdf", size=9, content_type="application/pdf",
                               stored=default_storage.save("csp/sk.pdf", ContentFile(b"%PDF-1.4\n")))
    item = f.attach(answer, document)
    response = member_client.get(reverse("evaluations:evidence_download", args=[worksheet.pk, item.pk]) + "?inline=1")
    assert policy(response)["frame-ancestors"] == "'self'" and response["X-Frame-Options"] == "SAMEORIGIN"


INLINE = [(re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I), "inline <script>"),
          (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
          (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
          (re.compile(r"<style[\s>]", re.I), "<style> element"),
          (re.compile(r"javascript:", re.I), "javascript: URL")]


def test_no_page_needs_an_exception_to_the_policy(client, worksheet, member, kepala, reviewer, admin_user):
    """What the policy would block, searched for in the HTML of the pages each role opens."""
    ws = worksheet
    pages = {
        member: [ws.get_absolute_url(), reverse("evaluations:area_detail", args=[ws.pk, "I"]),
                 reverse("evaluations:worksheet_scorecard", args=[ws.pk]), reverse("evaluations:import_lke", args=[ws.pk]),
                 reverse("evaluations:my_worksheets"), reverse("password_change")],
        reviewer: [reverse("evaluations:review_queue"), reverse("evaluations:review_area", args=[ws.pk, "I"])],
        admin_user: [reverse("evaluations:round_detail", args=[ws.round_id]),
                     reverse("evaluations:round_summary", args=[ws.round_id]),
                     reverse("evaluations:round_hasil", args=[ws.round_id]), reverse("evaluations:round_list")],
        None: [reverse("login")],
    }
    for user, urls in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for pattern, what in INLINE:
                match = pattern.search(html)
                assert not match, f"{url}: {what} at …{html[max(0, match.start() - 80):match.end() + 40]}…"


# --- login throttling -----------------------------------------------------------------------------

def _attempt(client, username, password, ip="10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def person(instansi, unit):
    return f.member(instansi, "operator", unit, "budi.operator")


def test_five_wrong_passwords_lock_that_account_on_that_address(client, person):
    for _ in range(4):
        assert _attempt(client, "budi.operator", "salah").status_code == 200
    locked = _attempt(client, "budi.operator", "salah")
    assert locked.status_code == 429 and "Terlalu banyak percobaan masuk" in locked.content.decode()
    right = _attempt(client, "budi.operator", f.PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # The same person from another computer, and another person from this one, still get in.
    assert _attempt(client, "budi.operator", f.PASSWORD, ip="10.9.9.9").status_code == 302
    client.logout()
    membership = person.memberships.get()
    f.member(membership.instansi, "operator", membership.unit, "sari.operator")
    assert _attempt(client, "sari.operator", f.PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_typos(client, person):
    for _ in range(4):
        _attempt(client, "budi.operator", "salah")
    assert _attempt(client, "budi.operator", f.PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _attempt(client, "budi.operator", "salah").status_code == 200  # counting starts again


def test_an_admin_unlocks_an_account_at_once(client, person):
    for _ in range(5):
        _attempt(client, "budi.operator", "salah")
    assert _attempt(client, "budi.operator", f.PASSWORD).status_code == 429
    call_command("axes_reset_username", "budi.operator", verbosity=0)
    assert _attempt(client, "budi.operator", f.PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, person):
    person.is_staff = True
    person.save()
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "budi.operator", "password": "salah"}, REMOTE_ADDR="10.1.2.3")
    assert _attempt(client, "budi.operator", f.PASSWORD).status_code == 429


def test_wrong_old_passwords_on_the_password_change_page_count_towards_the_lockout(client, person):
    client.force_login(person)
    url = reverse("password_change")
    data = {"old_password": "salah", "new_password1": "Sandi-baru-2026!", "new_password2": "Sandi-baru-2026!"}
    for _ in range(4):
        page = client.post(url, data, REMOTE_ADDR="10.1.2.3")
        assert page.status_code == 200 and "password_incorrect" not in page.content.decode()
        assert page.context["form"].errors["old_password"]
    assert client.post(url, data, REMOTE_ADDR="10.1.2.3").status_code == 429  # locked, like the login
    right = {**data, "old_password": f.PASSWORD}
    assert client.post(url, right, REMOTE_ADDR="10.1.2.3").status_code == 429  # even with the right one
    person.refresh_from_db()
    assert person.check_password(f.PASSWORD)  # not changed


def test_the_password_change_still_works_with_the_right_old_password(client, person):
    client.force_login(person)
    data = {"old_password": f.PASSWORD, "new_password1": "Sandi-baru-2026!", "new_password2": "Sandi-baru-2026!"}
    assert client.post(reverse("password_change"), data, REMOTE_ADDR="10.1.2.3").status_code == 302
    person.refresh_from_db()
    assert person.check_password("Sandi-baru-2026!")


# --- the client address ---------------------------------------------------------------------------

def _request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored():
    assert client_ip(_request("10.0.0.1", "1.2.3.4")) == "10.0.0.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.254"])
def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended():
    # The client forged "6.6.6.6"; the proxy appended the address it really saw.
    assert client_ip(_request("10.0.0.254", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("10.0.0.254", "")) == "10.0.0.254"  # no header: the proxy itself


@override_settings(TRUSTED_PROXIES=["10.0.0.254"])
def test_a_forwarded_for_from_anyone_but_the_proxy_is_ignored():
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"  # around the proxy


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_only_valid_addresses_are_taken_from_the_header():
    assert client_ip(_request("10.0.0.254", "not-an-ip")) == "10.0.0.254"
    assert client_ip(_request("10.0.0.254", "203.0.113.9, 1.2.3.4:5555")) == "10.0.0.254"
    assert client_ip(_request("10.0.0.254", "203.0.113.9, 10.0.0.3")) == "203.0.113.9"  # two proxies deep


# --- production mode ------------------------------------------------------------------------------

PROBE = """
from django.test import Client
c = Client(HTTP_HOST="zi.pemda.go.id")
plain = c.get("/masuk/")
secure = c.get("/masuk/", secure=True)
cookie = secure.cookies["csrftoken"]
print(plain.status_code, plain["Location"])
print(secure["Strict-Transport-Security"])
print(bool(cookie["secure"]), "script-src 'self'" in secure["Content-Security-Policy"])
from django.conf import settings
print(settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.CSRF_COOKIE_SECURE)
"""


def test_production_redirects_to_https_sends_hsts_and_secure_cookies():
    result = _run("shell", "-c", PROBE, SECRET_KEY="p" * 60, ALLOWED_HOSTS="zi.pemda.go.id",
                  DATABASE_URL="sqlite:///:memory:",
                  STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage")  # no collectstatic here
    lines = result.stdout.strip().splitlines()[-4:]
    assert lines[0] == "301 https://zi.pemda.go.id/masuk/", result.stderr
    assert lines[1] == "max-age=31536000; includeSubDomains"
    assert lines[2] == "True True"
    assert lines[3] == "True True True"
