"""`manage.py worker`: a background worker (django-tasks-db's db_worker) that first makes sure the
nightly housekeeping job is queued. Run one or more next to the web servers, on any machine that
reaches the database; `make run` starts one."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from evaluations import tasks


class Command(DbWorkerCommand):
    help = "Run background tasks (recaps, rescoring, emails, housekeeping) as they are queued."

    def handle(self, *args, **options):
        tasks.schedule_housekeeping()
        super().handle(*args, **options)
