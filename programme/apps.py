from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programme"
    verbose_name = "Pembangunan ZI"

    def ready(self):
        from evaluations import backup, fact_sources
        from evaluations import demo as evaluation_demo
        from evaluations import tasks as evaluation_tasks

        from . import demo, selectors, tasks

        for job in (tasks.nightly, tasks.prune_plan_exports):  # the weekly digest, old workbooks: nightly
            if job not in evaluation_tasks.NIGHTLY_JOBS:
                evaluation_tasks.NIGHTLY_JOBS.append(job)
        if selectors.prerequisite_facts not in fact_sources.SOURCES:  # pencanangan → "membangun ZI ≥ 1 tahun"
            fact_sources.SOURCES.append(selectors.prerequisite_facts)
        if demo.seed not in evaluation_demo.EXTRA:  # make run shows a unit building its zone
            evaluation_demo.EXTRA.append(demo.seed)
        if "programme.planexport" not in backup.EXCLUDE:  # work in flight, like the recap
            backup.EXCLUDE.append("programme.planexport")
