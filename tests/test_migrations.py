"""The squashed evaluations migrations: a database that stopped part-way through the originals is
stopped by ``migrate`` with the way out, instead of being told there is nothing to apply."""

import pytest
from django.core.checks import run_checks
from django.db import connection

from zi_tracker.checks import SQUASHED_EVALUATIONS


def _recorded(names):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'evaluations'")
        for name in names:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('evaluations', %s, "
                           "CURRENT_TIMESTAMP)", [name])


@pytest.mark.django_db
def test_a_database_half_way_through_the_old_migrations_is_stopped_with_the_way_out():
    _recorded(SQUASHED_EVALUATIONS[:4])
    errors = [e for e in run_checks(databases=["default"]) if e.id == "zi_tracker.E001"]
    assert len(errors) == 1 and "0005_prerequisites_rule_keys_empty_base" in errors[0].msg
    assert "Check out commit" in errors[0].hint


@pytest.mark.django_db
@pytest.mark.parametrize("names", [SQUASHED_EVALUATIONS, ("0001_squashed_0007_answer_unit_updated_at",)])
def test_a_database_with_all_of_them_or_the_squash_passes(names):
    _recorded(names)
    assert not [e for e in run_checks(databases=["default"]) if e.id == "zi_tracker.E001"]
