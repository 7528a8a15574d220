from .public import respond, thanks
from .staff import (
    codes_download,
    codes_new,
    handoff_fix,
    instansi_surveys,
    instrument_adapt,
    instruments,
    period_close,
    period_detail,
    period_open,
    period_reschedule,
    period_services,
    poster,
    response_exclude,
    results,
    results_export,
    unit_surveys,
)

__all__ = ["codes_download", "codes_new", "handoff_fix", "instansi_surveys", "instrument_adapt", "instruments",
           "period_close", "period_detail", "period_open", "period_reschedule", "period_services", "poster",
           "respond", "response_exclude", "results", "results_export", "thanks", "unit_surveys"]
