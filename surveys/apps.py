from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = "Survei SPAK dan SPKP"

    def ready(self):
        from evaluations import backup
        from evaluations import demo as evaluation_demo
        from evaluations import tasks as evaluation_tasks

        from . import demo, instruments, tasks

        if tasks.nightly not in evaluation_tasks.NIGHTLY_JOBS:  # surveys past their closing date close
            evaluation_tasks.NIGHTLY_JOBS.append(tasks.nightly)
        if demo.seed not in evaluation_demo.EXTRA:  # make run shows a survey collecting answers
            evaluation_demo.EXTRA.append(demo.seed)
        for label in ("surveys.item", "surveys.aspect", "surveys.instrument"):  # written by a migration
            if label not in backup.MIGRATION_ROWS:
                backup.MIGRATION_ROWS.append(label)
        if instruments.refill not in backup.REFILL:
            backup.REFILL.append(instruments.refill)
