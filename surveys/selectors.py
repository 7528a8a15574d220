"""Reads of the surveys app: the instruments in force, and a period's results — aggregated in SQL
(a fixed number of queries at any number of responses), computed by ``indices``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from evaluations import charts as drawing
from evaluations import scoring
from evaluations import selectors as lke
from evaluations.models import Worksheet

from . import indices
from .models import Exclusion, Instrument, Item, Response, ResponseAnswer, ServiceType, SurveyPeriod
from .signing import digest


def current_instrument(kind: str, instansi_id: int) -> Instrument:
    """The instansi's newest own version of the instrument, else the newest national one."""
    return (Instrument.objects.filter(kind=kind, instansi_id=instansi_id).order_by("-version").first()
            or Instrument.objects.filter(kind=kind, instansi__isnull=True).order_by("-version").first())


@lru_cache(maxsize=256)
def _ranges(instrument_ids: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    # Instruments never change once made (a change is a new version), so their items are kept per process.
    return {pk: (low, high) for pk, low, high in Item.objects.filter(instrument_id__in=instrument_ids)
            .values_list("pk", "instrument__scale_min", "instrument__scale_max")}


def item_ranges(period: SurveyPeriod) -> dict[int, tuple[int, int]]:
    """Every item the respondent answers, with its scale."""
    return _ranges((period.spak_id, period.spkp_id))


@lru_cache(maxsize=256)
def _questionnaire(instrument_id: int):
    instrument = Instrument.objects.get(pk=instrument_id)
    items = list(Item.objects.filter(instrument_id=instrument_id).select_related("aspect").order_by("order"))
    return instrument, items


def questionnaire(period: SurveyPeriod) -> list[tuple[Instrument, list[Item]]]:
    """The respondent's page: SPKP first (about the service just received), then SPAK."""
    return [_questionnaire(period.spkp_id), _questionnaire(period.spak_id)]


@dataclass
class InstrumentResult:
    instrument: Instrument
    items: list[Item]
    overall: indices.Index
    services: dict[int, indices.Index]

    @property
    def aspects(self):
        seen = {}
        for item in self.items:
            seen.setdefault(item.aspect.code, item.aspect)
        return list(seen.values())


@dataclass
class Results:
    period: SurveyPeriod
    services: list[ServiceType]
    respondents: int  # counted (not excluded)
    received: int
    excluded: int
    flagged: int
    per_service: dict[int, int]
    empty_services: list[ServiceType]
    spak: InstrumentResult
    spkp: InstrumentResult
    exclusions: list[Exclusion] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.respondents >= self.period.minimum


def results(period: SurveyPeriod) -> Results:
    """Everything the results page, the export and the hand-off need, in six queries."""
    services = list(ServiceType.objects.filter(period=period))
    counts = Response.objects.filter(period=period).aggregate(
        received=Count("pk"), excluded=Count("pk", filter=Q(exclusion__isnull=False)),
        flagged=Count("pk", filter=~Q(flags="") & Q(exclusion__isnull=True)))
    per_service = dict(Response.objects.filter(period=period, exclusion__isnull=True).values("service_id")
                       .annotate(n=Count("pk")).values_list("service_id", "n"))
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    for service_id, item_id, total, n in (ResponseAnswer.objects
                                          .filter(response__period=period, response__exclusion__isnull=True)
                                          .values("response__service_id", "item_id")
                                          .annotate(total=Sum("value"), n=Count("pk"))
                                          .values_list("response__service_id", "item_id", "total", "n")):
        cells[(service_id, item_id)] = (total, n)
    exclusions = list(Exclusion.objects.filter(response__period=period).select_related("response", "by")
                      .order_by("at"))
    by_instrument = {}
    for instrument_id in (period.spak_id, period.spkp_id):
        instrument, items = _questionnaire(instrument_id)
        defs = [indices.ItemDef(str(i.pk), i.aspect.code) for i in items]
        mine = {(s, str(i)): v for (s, i), v in cells.items() if str(i) in {d.code for d in defs}}
        computed = indices.compute(defs, mine, per_service, [s.pk for s in services],
                                   indices.Scale(instrument.scale_min, instrument.scale_max))
        by_instrument[instrument_id] = InstrumentResult(instrument, items, computed.overall, computed.services)
    return Results(period=period, services=services, respondents=sum(per_service.values()),
                   received=counts["received"], excluded=counts["excluded"], flagged=counts["flagged"],
                   per_service=per_service, empty_services=[s for s in services if not per_service.get(s.pk)],
                   spak=by_instrument[period.spak_id], spkp=by_instrument[period.spkp_id], exclusions=exclusions)


QUESTION_KEYS = {"spak": "H-I.hasil.i.a", "spkp": "H-II.hasil.i.a"}


@dataclass
class ReadinessChange:
    """The unit's own values (penilaian mandiri) now, and with the survey's values in the worksheet."""

    worksheet: object
    now_values: dict  # kind → value in the worksheet now (None: empty)
    survey_values: dict  # kind → value of this survey
    total_now: object
    total_after: object
    verdict_now: str
    verdict_after: str
    target_met_now: bool
    target_met_after: bool


def readiness_change(period: SurveyPeriod, data: Results) -> ReadinessChange | None:
    """What the survey's values would do to the unit's readiness, by the unit's own values (the TPI
    has not yet reviewed them). None when the unit has no worksheet in the round."""
    worksheet = (Worksheet.objects.filter(round=period.round, unit=period.unit)
                 .select_related("round__version", "unit").first())
    if worksheet is None:
        return None
    ctx = lke.readiness_context(worksheet.round.version)
    sets = lke.answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {"unit": {}}
    now = dict(sets["unit"])
    after = dict(now)
    survey_values = {"spak": data.spak.overall.value, "spkp": data.spkp.overall.value}
    for kind, key in QUESTION_KEYS.items():
        if survey_values[kind] is not None:
            after[key] = scoring.AnswerValue("", survey_values[kind])
    before_result, after_result = scoring.score(ctx.spec, now), scoring.score(ctx.spec, after)
    holds = worksheet.unit.predicate
    v_now, v_after = ctx.verdict(before_result, holds), ctx.verdict(after_result, holds)
    return ReadinessChange(
        worksheet, {k: now[key].number if key in now else None for k, key in QUESTION_KEYS.items()}, survey_values,
        before_result.total.score, after_result.total.score,
        v_now.label, v_after.label, v_now.target_met, v_after.target_met)


def charts(data: Results) -> dict:
    """Aspects of each instrument on 0–4, drawn like the rest of the app (evaluations.charts)."""
    out = {}
    for key, result in (("spkp", data.spkp), ("spak", data.spak)):
        rows = [(a.name, [("unit", _("indeks"), indices.round2(result.overall.aspects.get(a.code)))])
                for a in result.aspects]
        out[key] = drawing.hbar(rows, Decimal(4))
    return out


def response_rows(period: SurveyPeriod):
    """Every response for the export, anonymised (no client, no device): receipt, day, service, flags,
    exclusion, and its values by item — two queries, streamed."""
    answers: dict[int, dict[int, int]] = {}
    for response_id, item_id, value in (ResponseAnswer.objects.filter(response__period=period)
                                        .values_list("response_id", "item_id", "value").iterator(chunk_size=5000)):
        answers.setdefault(response_id, {})[item_id] = value
    responses = (Response.objects.filter(period=period).select_related("service", "exclusion__by")
                 .order_by("pk"))
    return [(r, answers.get(r.pk, {})) for r in responses]


def intact(period: SurveyPeriod, rows=None) -> tuple[int, int]:
    """(responses whose HMAC still matches the values stored with them, all responses): a value changed
    in the database after it was sent does not match."""
    rows = rows if rows is not None else response_rows(period)
    ok = sum(1 for r, values in rows if values and r.digest == digest(period.pk, r.service_id, r.receipt, values))
    return ok, len(rows)
