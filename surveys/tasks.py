"""Background work of the surveys app: each night, surveys past their closing date are closed (the
same service as an admin's "Tutup": no more answers, client hashes erased, responses sealed)."""

from __future__ import annotations

import logging

from django.utils import timezone

from . import services
from .models import SurveyPeriod

log = logging.getLogger(__name__)


def nightly(now=None) -> int:
    """Part of the nightly job: close what ended yesterday or before; returns how many."""
    today = timezone.localdate(now)
    closed = 0
    for period in SurveyPeriod.objects.filter(status=SurveyPeriod.Status.OPEN, closes_on__lt=today):
        services.period_close(user=None, period=period)
        closed += 1
    return closed
