"""Passwords are stored as Argon2id with OWASP's parameters; hashes from before still work."""

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from tests import factories as f
from zi_tracker import settings as project_settings

PRODUCTION = ["zi_tracker.hashers.Argon2idHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher",
              "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"]


@override_settings(PASSWORD_HASHERS=PRODUCTION)
def test_a_new_password_is_stored_as_argon2id_with_owasps_parameters():
    encoded = make_password("rahasia-kantor-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@override_settings(PASSWORD_HASHERS=PRODUCTION)
def test_an_old_pbkdf2_password_still_logs_in_and_is_upgraded(client, db):
    assert project_settings.PASSWORD_HASHERS == PRODUCTION == settings.PASSWORD_HASHERS
    user = f.user("lama")
    user.password = make_password("kata-sandi-lama-2025", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": "lama", "password": "kata-sandi-lama-2025"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("kata-sandi-lama-2025")
