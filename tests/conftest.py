import pytest
from django.core.management import call_command
from django.db import connection

from evaluations import services
from surveys import selectors as survey_selectors
from surveys.instruments import load_national
from surveys.models import Aspect, Instrument, Item
from surveys.views import public as survey_public
from tests import factories as f
from tests.evaluations.test_services import complete
from units.models import Membership

pytest_plugins = ["tests.s3"]  # s3_server, s3_bucket: a real S3 protocol server (moto)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real LKE ZI template once for the whole session (tests roll back around it)."""
    with django_db_blocker.unblock():
        call_command("load_lke", verbosity=0)
        _survey_instruments()


def _survey_instruments():
    """The national survey instruments (a migration makes them; a flushed database has lost them).
    (A migration test may have left the database before the surveys app: then there is no table.)"""
    if Instrument._meta.db_table not in connection.introspection.table_names():
        return
    load_national(Instrument, Aspect, Item)


@pytest.fixture(autouse=True)
def lke_for_transactional_tests(request):
    """Transactional tests (browser tests, real row-lock races) flush the database after them, the
    template included; each of them gets it loaded again first, whatever ran before."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames \
            or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        call_command("load_lke", verbosity=0)
        _survey_instruments()


@pytest.fixture(autouse=True)
def fresh_survey_caches():
    """Instruments are kept per process by id; a rolled-back test's ids may come back as others."""
    survey_selectors._ranges.cache_clear()
    survey_selectors._questionnaire.cache_clear()
    survey_public._blank_questions.cache_clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def instansi(db):
    return f.instansi("Pemerintah Kabupaten Uji")


@pytest.fixture
def unit(instansi):
    return f.unit(instansi, "Dinas Kependudukan dan Pencatatan Sipil", is_public_service=True)


@pytest.fixture
def other_unit(instansi):
    return f.unit(instansi, "Dinas Perhubungan")


@pytest.fixture
def round_open(instansi):
    return f.round_(instansi, name="Evaluasi ZI 2026")


@pytest.fixture
def member(instansi, unit):
    """An operator of ``unit``."""
    return f.member(instansi, Membership.Role.OPERATOR, unit, "operator")


@pytest.fixture
def kepala(instansi, unit):
    return f.member(instansi, Membership.Role.KEPALA, unit, "kepala")


@pytest.fixture
def reviewer(instansi):
    return f.member(instansi, Membership.Role.TPI, None, "tpi")


@pytest.fixture
def admin_user(instansi):
    return f.member(instansi, Membership.Role.ADMIN, None, "admin.zi")


@pytest.fixture
def worksheet(round_open, unit, reviewer):
    return f.worksheet(round_open, unit, reviewers=[reviewer])


@pytest.fixture
def submitted(round_open, unit, reviewer, kepala, member):
    """A complete worksheet of ``unit`` the kepala submitted to ``reviewer`` (everyone has an email)."""

    reviewer.email, member.email, kepala.email = "tpi@pemda.go.id", "op@pemda.go.id", "kepala@pemda.go.id"
    for u in (reviewer, member, kepala):
        u.save()
    ws = f.worksheet(round_open, unit, reviewers=[reviewer])
    complete(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    ws.refresh_from_db()
    return ws


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def member_client(client, member):
    return _login(client, member)


@pytest.fixture
def reviewer_client(client, reviewer):
    return _login(client, reviewer)


@pytest.fixture
def admin_client_zi(client, admin_user):
    return _login(client, admin_user)

