from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = "Evaluasi ZI"

    def ready(self):
        from . import spec_cache

        spec_cache.connect()
