"""Passwords a person can manage: "Ganti kata sandi" under their name, how to get a forgotten one
reset, and a starting password set by an admin replaced at the first sign-in."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests import factories as f
from units.models import Membership, PasswordChangeRequired

pytestmark = pytest.mark.django_db
STARTING, OWN = "Mulai-ZI-2026!", "Sandi-sendiri-Kab-Uji-77"


def sign_in(username, password):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "sign-in refused"
    return client, response


def test_every_page_offers_ganti_kata_sandi_under_the_name(member_client):
    page = member_client.get(reverse("evaluations:my_worksheets")).content.decode()
    assert 'data-testid="password-change-link"' in page and reverse("password_change") in page


def test_the_login_page_says_how_to_get_a_forgotten_password_reset(client, settings):
    page = client.get(reverse("login")).content.decode()
    assert "Lupa kata sandi?" in page and "admin ZI instansi" in page
    settings.SUPPORT_CONTACT = "Inspektorat Kabupaten Uji, ext. 214"
    assert "Inspektorat Kabupaten Uji, ext. 214" in client.get(reverse("login")).content.decode()


@pytest.fixture
def staff(instansi):
    user = f.member(instansi, Membership.Role.ADMIN, None, "admin.sistem")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return user, client


def test_an_account_an_admin_creates_must_choose_its_own_password_first(staff, instansi, unit):
    admin, client = staff
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "operator.baru", "password1": STARTING, "password2": STARTING, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="operator.baru")
    assert PasswordChangeRequired.objects.get(user=user).set_by == admin
    Membership.objects.create(user=user, instansi=instansi, unit=unit, role=Membership.Role.OPERATOR)

    person, signed_in = sign_in("operator.baru", STARTING)
    assert signed_in.url == reverse("home")
    work = reverse("evaluations:my_worksheets")
    refused = person.get(work)
    assert refused.status_code == 302 and refused.url == f"{reverse('password_change')}?next={work}"
    page = person.get(refused.url).content.decode()
    assert 'data-testid="must-change"' in page and "ditetapkan oleh admin" in page
    htmx = person.post(reverse("evaluations:my_worksheets"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("password_change")
    done = person.post(reverse("password_change"), {"old_password": STARTING, "new_password1": OWN,
                                                    "new_password2": OWN, "next": work})
    assert done.status_code == 302 and done.url == work
    assert not PasswordChangeRequired.objects.filter(user=user).exists()
    assert person.get(work).status_code == 200  # the person's own password now; nothing in the way


def test_a_password_an_admin_resets_must_be_replaced_too(staff, member):
    _admin, client = staff
    response = client.post(reverse("admin:auth_user_password_change", args=[member.pk]), {
        "password1": STARTING, "password2": STARTING, "usable_password": "true"})
    assert response.status_code == 302
    assert PasswordChangeRequired.objects.filter(user=member).exists()
    person, _ = sign_in(member.username, STARTING)
    assert person.get(reverse("home")).url.startswith(reverse("password_change"))
    assert person.post(reverse("logout")).status_code == 302  # signing out still works


def test_a_person_changing_their_own_password_is_not_asked_again(member):
    member.set_password(STARTING)
    member.save()
    person, _ = sign_in(member.username, STARTING)
    person.post(reverse("password_change"), {"old_password": STARTING, "new_password1": OWN, "new_password2": OWN})
    assert not PasswordChangeRequired.objects.exists()
    assert person.get(reverse("evaluations:my_worksheets")).status_code == 200


def test_the_password_pages_say_kata_sandi_and_a_weak_password_is_told_where_it_was_typed(member_client):
    page = member_client.get(reverse("password_change")).content.decode()
    for label in ("Kata sandi lama", "Kata sandi baru", "Ulangi kata sandi baru"):
        assert label in page
    response = member_client.post(reverse("password_change"), {
        "old_password": f.PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    form = response.context["form"]
    assert form.errors.get("new_password1") and not form.errors.get("new_password2")
    login = Client().get(reverse("login")).content.decode()
    assert "Nama pengguna" in login and "Kata sandi" in login
