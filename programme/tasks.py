"""Background work of the programme: the weekly digest (queued by the nightly job on Mondays, once a
week), sent as one email per person through evaluations' email queue (retried while the mail
server is down)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from evaluations import tasks as evaluation_tasks

from . import digest
from .models import DigestRun


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def nightly(now=None) -> bool:
    """Part of the nightly job: the first night of a week (Monday's, or the next one that runs if a
    worker was down) queues this week's digest — once, the run row and the task in one transaction."""
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            DigestRun.objects.create(week=monday(today))
            send_weekly_digest.enqueue(day=today.isoformat())
    except IntegrityError:
        return False  # already queued this week
    return True


@task()
def send_weekly_digest(day: str) -> int:
    """Queue one email per person with something due; returns how many."""
    today = datetime.date.fromisoformat(day)
    digests = digest.build(today)
    with transaction.atomic():
        for d in digests:
            evaluation_tasks.queue_email(_("Ringkasan mingguan pembangunan ZI"), d.body(today), [d.user.email])
        DigestRun.objects.filter(week=monday(today)).update(recipients=len(digests))
    return len(digests)
