"""Background work, run by `manage.py worker` processes (Django's tasks API, database backend).

Nothing here runs in a web request: the request records what is wanted (a row, a queued task in
the same transaction as the change that asks for it) and answers at once; a worker on any machine
sharing the database does the work. What each task does is safe to repeat.
"""

from __future__ import annotations

import io
import logging
import smtplib
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from units.permissions import user_roles

from . import carry_over, export_rows, exports, linkcheck, score_store
from .models import CarryOver, Document, RecapExport, Worksheet
from .permissions import can_review_round, worksheets_for_user

log = logging.getLogger(__name__)

# An email that cannot be sent is tried again: after 1, 2, 4 … minutes, for about two days.
EMAIL_ATTEMPTS = 12
HOUSEKEEPING_AT = time(2, 0)  # local time (the institution's zone)
TASK_RESULTS_KEEP_DAYS = 7


# --------------------------------------------------------------------------- email


def email_retry_delay(attempt: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempt - 1), 720))


@task()
def send_email(*, subject: str, body: str, recipients: list[str], attempt: int = 1) -> str:
    """Send one notification. When the mail server is down the email is queued again with a growing
    delay (the queue is the database, so nothing is lost while it waits); after the last attempt
    the task fails and stays visible in the admin's task list."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except (OSError, smtplib.SMTPException) as exc:
        if attempt >= EMAIL_ATTEMPTS:
            raise
        delay = email_retry_delay(attempt)
        send_email.using(run_after=timezone.now() + delay).enqueue(
            subject=subject, body=body, recipients=recipients, attempt=attempt + 1)
        log.warning("email %r to %s not sent (%s); try %d in %s", subject, recipients, exc, attempt + 1, delay)
        return f"retry {attempt + 1}"
    return "sent"


def queue_email(subject: str, body: str, recipients: list[str]) -> None:
    """Queue a notification in the current transaction: it goes out once (and only if) the change
    that caused it is committed."""
    if recipients:
        send_email.enqueue(subject=str(subject), body=str(body), recipients=list(recipients))


# --------------------------------------------------------------------------- rescoring


RESCORE_CHUNK = 250  # worksheets per task: every worker takes a share of a big rescore


@task()
def rescore_worksheets(worksheet_ids: list[int]) -> int:
    """The stored scores of these worksheets (one share of a larger rescore)."""
    score_store.refresh(worksheet_ids)
    return len(worksheet_ids)


def _in_shares(worksheets) -> int:
    ids = list(worksheets.order_by("pk").values_list("pk", flat=True).distinct())
    for start in range(0, len(ids), RESCORE_CHUNK):
        rescore_worksheets.enqueue(ids[start:start + RESCORE_CHUNK])
    return len(ids)


@task()
def rescore_version(version_id: int) -> int:
    """Every stored score and verdict of a template version (after its rules changed), queued in
    shares of 250 worksheets so that all running workers recompute side by side."""
    return _in_shares(Worksheet.objects.filter(round__version_id=version_id))


@task()
def rescore_units(unit_ids: list[int]) -> int:
    """The stored verdicts of these units' worksheets (after a predicate or Stranas PK change)."""
    return _in_shares(Worksheet.objects.filter(unit_id__in=unit_ids))


@task()
def rescore_round(round_id: int, only_missing: bool = False) -> int:
    """A round's worksheets (after its deadlines changed), or those without stored scores yet
    (units just enrolled)."""
    worksheets = Worksheet.objects.filter(round_id=round_id)
    if only_missing:
        worksheets = worksheets.filter(scores__isnull=True)
    return _in_shares(worksheets)


def queue_rescore(*, version_id: int | None = None, unit_ids=(), round_id: int | None = None,
                  only_missing: bool = False) -> None:
    """Recompute stored scores in the background. The task is a row written in the transaction of
    the change that needs it: a worker sees it once that change is committed, never without it."""
    if version_id is not None:
        rescore_version.enqueue(version_id)
    if round_id is not None:
        rescore_round.enqueue(round_id, only_missing)
    if unit_ids:
        rescore_units.enqueue(list(unit_ids))


# --------------------------------------------------------------------------- recap workbook


def recap_filename(round_) -> str:
    return f"Rekap-ZI-{slugify(round_.name)}-{timezone.localdate():%Y%m%d}.xlsx"


def build_generated(rows, *, allowed: bool, refused: str, build, folder: str, filename: str) -> str:
    """Build one generated file (``rows``: its row as a queryset): refused when its requester has
    lost the access it needs, else running, then the bytes ``build(progress)`` returns saved to the
    file storage and done — or failed with the error's kind (the trace goes to the task's result).
    ``progress(done, total)`` is for the page that shows how far it got."""
    Status = RecapExport.Status
    if not allowed:
        rows.update(status=Status.FAILED, finished_at=timezone.now(), error=refused[:300])
        return "refused"
    rows.update(status=Status.RUNNING)
    try:
        content = build(lambda done, total: rows.update(done_units=done, total_units=total))
        name = default_storage.save(f"{folder}/{uuid.uuid4().hex}.xlsx", ContentFile(content))
    except Exception as exc:
        rows.update(status=Status.FAILED, finished_at=timezone.now(), error=exc.__class__.__name__[:300])
        raise
    rows.update(status=Status.DONE, file=name, filename=filename, size=len(content), finished_at=timezone.now())
    return name


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@task()
def build_recap(export_id: int) -> str:
    """Build one recap workbook into the file storage, saying how far it got as it goes. The
    person's access is checked again here: a role taken away after the request ends it."""
    export = RecapExport.objects.select_related("round", "requested_by").get(pk=export_id)
    user, round_ = export.requested_by, export.round

    def build(progress):
        worksheets = worksheets_for_user(user).filter(round=round_)
        data = export_rows.recap_data(round_, worksheets, reviewer=True, own_units=user_roles(user).unit_ids,
                                      progress=progress)
        return workbook_bytes(exports.recap_workbook(data))

    return build_generated(RecapExport.objects.filter(pk=export_id),
                           allowed=user.is_active and can_review_round(user, round_),
                           refused="Akses ke periode ini sudah tidak ada.", build=build,
                           folder=f"rekap/{round_.pk}", filename=recap_filename(round_))


def request_recap(*, user, round_) -> RecapExport:
    """A new recap for this person and round (the task row is written with it)."""
    export = RecapExport.objects.create(round=round_, requested_by=user)
    build_recap.enqueue(export.pk)
    return export


# --------------------------------------------------------------------------- evidence links


LINK_CHECK_CHUNK = 50  # distinct URLs loaded and checked together
LINK_RECHECK_AFTER = timedelta(hours=1)  # a unit's "check links" button twice in a row asks nothing twice
LINK_CHECK_EVERY_DAYS = 7
LINK_CHECK_NIGHTLY = 500  # at most this many links a night: the oldest checks first, the rest on later nights


def _link_documents():
    return Document.objects.filter(kind=Document.Kind.LINK).exclude(url="")


@task()
def check_links(*, unit_id: int | None = None, document_ids: list[int] | None = None) -> int:
    """Check evidence links and record whether each still opens (``linkcheck``): the given documents,
    or a unit's links (all links without either) except those checked within the hour — a second
    press of the button does not ask every server again. Documents sharing a URL cost one request;
    they are loaded a few dozen URLs at a time, so a big library never sits in memory whole.
    Returns how many are broken."""
    docs = _link_documents()
    if document_ids is not None:
        docs = docs.filter(pk__in=document_ids)
    else:
        if unit_id is not None:
            docs = docs.filter(unit_id=unit_id)
        cutoff = timezone.now() - LINK_RECHECK_AFTER
        docs = docs.filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff))
    urls = list(docs.order_by("url").values_list("url", flat=True).distinct())
    broken = 0
    for start in range(0, len(urls), LINK_CHECK_CHUNK):
        broken += linkcheck.check_documents(docs.filter(url__in=urls[start:start + LINK_CHECK_CHUNK]))
    return broken


def link_check_waiting(unit_id: int) -> bool:
    """A check of this unit's links is queued or running (the button asks once, however often it is pressed)."""
    return DBTaskResult.objects.filter(task_path=check_links.module_path, status__in=["READY", "RUNNING"],
                                       args_kwargs__kwargs__unit_id=unit_id).exists()


def queue_stale_link_checks(now: datetime | None = None) -> int:
    """Links not checked for a week (or never), the oldest first, queued in shares for the workers:
    slow servers hold up neither the nightly job nor one another."""
    cutoff = (now or timezone.now()) - timedelta(days=LINK_CHECK_EVERY_DAYS)
    stale = _link_documents().filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff))
    ids = list(stale.order_by(F("link_checked_at").asc(nulls_first=True), "pk")
               .values_list("pk", flat=True)[:LINK_CHECK_NIGHTLY])
    for start in range(0, len(ids), LINK_CHECK_CHUNK):
        check_links.enqueue(document_ids=ids[start:start + LINK_CHECK_CHUNK])
    return len(ids)


# --------------------------------------------------------------------------- housekeeping


def _next_run(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=HOUSEKEEPING_AT.hour, minute=HOUSEKEEPING_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def prune_generated(model, now: datetime | None = None) -> int:
    """Generated files of one kind past their day: file and row."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.RECAP_KEEP_HOURS)
    old = list(model.objects.filter(requested_at__lt=cutoff))
    for export in old:
        if export.file:
            default_storage.delete(export.file)
    model.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)


def prune_recaps(now: datetime | None = None) -> int:
    """Recap workbooks past their day: file and row."""
    return prune_generated(RecapExport, now)


@task()
def housekeeping() -> dict:
    """Daily: expired recap workbooks go, records of tasks that succeeded over a week ago go (failed
    ones stay for the admin to see), evidence links not checked for a week are queued for checking;
    then it queues itself for the next night (the one periodic job; later ones join it here)."""
    recaps = prune_recaps()
    cutoff = timezone.now() - timedelta(days=TASK_RESULTS_KEEP_DAYS)
    results, _ = DBTaskResult.objects.successful().filter(finished_at__lt=cutoff).delete()
    links = queue_stale_link_checks()
    schedule_housekeeping(force=True)  # first: a failing job below must not end the nightly cycle
    others = {}
    for job in NIGHTLY_JOBS:
        name = f"{job.__module__}.{job.__name__}"
        try:
            with transaction.atomic():
                others[name] = job(timezone.now())
        except Exception:  # noqa: BLE001 — logged; the other jobs and tomorrow's run go on
            log.exception("nightly job %s failed", name)
            others[name] = "failed"
    return {"recaps": recaps, "task_results": results, "links": links, **others}


# What other apps run each night (their AppConfig.ready adds them; evaluations imports none of them).
NIGHTLY_JOBS: list = []


HOUSEKEEPING_LOCK = 7_290_021  # a PostgreSQL advisory lock key: one worker at a time decides


@transaction.atomic
def schedule_housekeeping(*, force: bool = False) -> bool:
    """Queue the nightly job unless one is already waiting (every worker calls this at start).
    Workers starting together must not both find none and both queue one: the check and the
    insert hold a lock — an advisory lock on PostgreSQL, SQLite's write lock (its transactions
    begin IMMEDIATE here) otherwise."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HOUSEKEEPING_LOCK])
    waiting = DBTaskResult.objects.filter(task_path=housekeeping.module_path, status="READY").exists()
    if waiting and not force:
        return False
    housekeeping.using(run_after=_next_run()).enqueue()
    return True


# --------------------------------------------------------------------------- start from last year


@task()
def carry_over_round(carry_over_id: int) -> str:
    """Start every empty worksheet of a round from its unit's previous round (an admin's request),
    writing progress as it goes; a failure is recorded on the request for the admin to see."""
    job = CarryOver.objects.select_related("round", "requested_by").get(pk=carry_over_id)
    try:
        job = carry_over.run_round(job)
    except Exception as exc:
        CarryOver.objects.filter(pk=job.pk).update(status=CarryOver.Status.FAILED, finished_at=timezone.now(),
                                                   error=str(exc)[:300])
        raise
    return f"{job.started_units} started, {job.skipped_units} skipped"
