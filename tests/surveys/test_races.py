"""Survey races on PostgreSQL: a response in flight holds the survey open — a close waits for it and
seals it, a response after the close is refused; two submissions from one address count each other
(the rate limit holds at once); two people with one code: one response."""

import datetime

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from surveys import selectors
from surveys import services as surveys
from surveys.models import Response, SurveyPeriod
from tests.inflight import in_flight, within

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")]


@pytest.fixture
def period(member, unit, round_open):
    p = surveys.period_create(user=member, unit=unit, round_=round_open, opens_on=timezone.localdate(),
                              closes_on=timezone.localdate() + datetime.timedelta(days=3), services=["KTP-el"])
    return surveys.period_open(user=member, period=p)


def _submit(period, **kw):
    return surveys.response_submit(period=period, service=period.services.first(), seconds=60,
                                   values=dict.fromkeys(selectors.item_ranges(period), 4), **kw)


def _in_flight(period, **kw):
    """A response written in another thread's transaction, held open for the ``with`` block."""
    return in_flight(lambda: _submit(SurveyPeriod.objects.get(pk=period.pk), **kw))


def test_a_close_waits_for_a_response_in_flight_and_seals_it(period, admin_user):
    with _in_flight(period, client_ip="10.1.1.1"):
        with pytest.raises(OperationalError), transaction.atomic():  # the close would wait for it
            within("300ms")
            surveys.period_close(user=admin_user, period=period)
        with transaction.atomic():  # another response goes in alongside (a shared hold)
            within("2s")
            _submit(period, client_ip="10.1.1.2")
    surveys.period_close(user=admin_user, period=period)
    assert Response.objects.count() == 2 and not Response.objects.exclude(client="").exists()


def test_a_response_read_before_the_close_is_refused_after_it(period, admin_user):
    stale = SurveyPeriod.objects.get(pk=period.pk)  # the page was opened while the survey ran
    surveys.period_close(user=admin_user, period=period)
    with pytest.raises(surveys.Refused) as refused:
        _submit(stale, client_ip="10.1.1.3")
    assert refused.value.status == 410 and not Response.objects.exists()


def test_one_address_sending_at_once_still_meets_the_limit(period, settings):
    settings.SURVEY_RATE_FLAG, settings.SURVEY_RATE_LIMIT = 1, 2
    _submit(period, client_ip="10.2.2.2")
    # The second, not yet committed: the third waits for it instead of counting past it.
    with _in_flight(period, client_ip="10.2.2.2"), pytest.raises(OperationalError), transaction.atomic():
        within("300ms")
        _submit(period, client_ip="10.2.2.2")
    with pytest.raises(surveys.Refused) as refused:
        _submit(period, client_ip="10.2.2.2")
    assert refused.value.status == 429 and Response.objects.count() == 2


def test_two_people_with_one_code_make_one_response(period, member):
    code = surveys.codes_generate(user=member, period=period, count=1)[0]
    with _in_flight(period, code=code, client_ip="10.3.3.3"), pytest.raises(OperationalError), transaction.atomic():
        within("300ms")  # the code's row is taken by the first
        _submit(period, code=code, client_ip="10.3.3.4")
    with pytest.raises(surveys.Refused):
        _submit(period, code=code, client_ip="10.3.3.4")
    assert Response.objects.count() == 1
