from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = "Evaluasi ZI"

    def refresh_unit_verdicts(self, unit_ids):
        """Entry point for the units admin (units does not import evaluations): a unit's held
        predicate changed, so its worksheets' stored verdicts are recomputed."""
        from .score_store import refresh_units

        refresh_units(unit_ids)
