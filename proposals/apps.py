from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
    verbose_name = "Usulan dan predikat"

    def ready(self):
        from evaluations import demo as evaluation_demo
        from evaluations import tasks as evaluation_tasks

        from . import demo, tasks

        if tasks.remind_reevaluations not in evaluation_tasks.NIGHTLY_JOBS:  # two-yearly re-evaluation reminders
            evaluation_tasks.NIGHTLY_JOBS.append(tasks.remind_reevaluations)
        if demo.seed not in evaluation_demo.EXTRA:  # make run shows a proposal, a TPN result and a predicate
            evaluation_demo.EXTRA.append(demo.seed)
