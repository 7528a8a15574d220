"""The demo data: realistic, every state present, and safe to run twice."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from evaluations import selectors
from evaluations.demo import ACCOUNTS, DEMO_PASSWORD
from evaluations.models import Answer, Round, Worksheet, WorksheetEvent
from units.models import Membership, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    call_command("seed_demo", verbosity=0)


def _snapshot():
    return (Unit.objects.count(), Round.objects.count(), Worksheet.objects.count(), Answer.objects.count(),
            WorksheetEvent.objects.count(), Membership.objects.count())


def test_demo_has_twelve_units_of_several_kinds_and_two_rounds(demo):
    assert Unit.objects.count() == 13  # twelve participating units and the Inspektorat
    assert Unit.objects.values("kind").distinct().count() >= 7
    assert Unit.objects.filter(parent__isnull=False).exists()
    assert set(Round.objects.values_list("status", flat=True)) == {"open", "closed"}
    opened = Round.objects.get(status="open")
    closed = Round.objects.get(status="closed")
    assert closed.year == opened.year - 1
    assert set(opened.worksheets.values_list("status", flat=True)) == set(Worksheet.Status.values)


def test_every_demo_account_logs_in_with_the_readme_password(demo, client):
    for username, _, role, _ in ACCOUNTS:
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username  # through the login form, as a person would
        user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
        assert user.username == username and user.memberships.filter(role=role).exists()


def test_demo_verdicts_differ(demo):
    opened = Round.objects.get(status="open")
    labels = set(selectors.with_scores(opened.worksheets.all(), reviewer=True).values_list("verdict", flat=True))
    assert labels == {"", "wbk", "wbbm"}
    returned = opened.worksheets.get(status="returned")
    assert returned.answers.filter(needs_revision=True).exclude(tpi_note="").exists()
    assert returned.events.filter(to_status="returned").exclude(comment="").exists()


def test_seed_demo_is_idempotent(demo):
    before = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == before
