from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programme"
    verbose_name = "Pembangunan ZI"

    def ready(self):
        from evaluations import fact_sources
        from evaluations import tasks as evaluation_tasks

        from . import selectors, tasks

        if tasks.nightly not in evaluation_tasks.NIGHTLY_JOBS:  # the weekly digest rides the nightly job
            evaluation_tasks.NIGHTLY_JOBS.append(tasks.nightly)
        if selectors.prerequisite_facts not in fact_sources.SOURCES:  # pencanangan → "membangun ZI ≥ 1 tahun"
            fact_sources.SOURCES.append(selectors.prerequisite_facts)
