"""Background work of proposals: the nightly reminder of predicates whose two-yearly re-evaluation
comes near (the rule and the email are the service's)."""

from __future__ import annotations

from django.utils import timezone

from . import services


def remind_reevaluations(now=None) -> int:
    """Part of the nightly job (``evaluations.tasks.NIGHTLY_JOBS``)."""
    return services.remind_reevaluations(timezone.localdate(now))
