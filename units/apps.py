from django.apps import AppConfig


class UnitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "units"
    verbose_name = "Unit kerja"

    def ready(self):
        from . import security  # noqa: F401  (the sign-in signal: a starting password must be changed)
