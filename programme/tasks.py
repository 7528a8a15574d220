"""Background work of the programme: the weekly digest (queued by the nightly job on Mondays, once a
week), sent as one email per person through evaluations' email queue (retried while the mail
server is down)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from evaluations import tasks as evaluation_tasks

from . import digest, selectors
from .exports import plan_workbook
from .models import DigestRun, PlanExport
from .permissions import can_see_progress


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


def prune_plan_exports(now=None) -> int:
    """Part of the nightly job: plan workbooks past their day go, file and row."""
    return evaluation_tasks.prune_generated(PlanExport, now)


def plan_filename(instansi, year: int) -> str:
    return f"rencana-aksi-zi-{slugify(instansi.name)}-{year}-{timezone.localdate():%Y%m%d}.xlsx"


@task()
def build_plan_export(export_id: int) -> str:
    """The instansi's plans and realisations of a year as a printable workbook, into the file storage
    (the requester's access checked again: a role taken away since ends it)."""
    export = PlanExport.objects.select_related("instansi", "requested_by").get(pk=export_id)
    user, instansi, year = export.requested_by, export.instansi, export.year

    def build(progress):
        data = selectors.plan_report(instansi, year, timezone.localdate())
        return evaluation_tasks.workbook_bytes(plan_workbook(data, progress=progress))

    return evaluation_tasks.build_generated(
        PlanExport.objects.filter(pk=export_id), allowed=user.is_active and can_see_progress(user, instansi.pk),
        refused="Akses ke instansi ini sudah tidak ada.", build=build, folder=f"rencana-aksi/{instansi.pk}",
        filename=plan_filename(instansi, year))


def request_plan_export(*, user, instansi, year: int) -> PlanExport:
    """A new plan workbook for this person, instansi and year (the task row is written with it)."""
    export = PlanExport.objects.create(instansi=instansi, year=year, requested_by=user)
    build_plan_export.enqueue(export.pk)
    return export
