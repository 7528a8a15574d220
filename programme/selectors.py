"""Reads of a unit's programme: its plan for a year, and the LKE gaps the plan should aim at — each
indicator of the six change areas with the points still available to it (by the unit's own values,
penilaian mandiri, in its worksheet of that year's round) and its questions still without evidence,
with the actions that already target it; after a TPI return, the flagged answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from evaluations import scoring
from evaluations import selectors as lke
from evaluations.models import Answer, Indicator, Worksheet
from evaluations.scoring import indicator_key
from units.models import Unit

from .models import (
    AREAS,
    Action,
    MonitoringNote,
    Pencanangan,
    QuarterReport,
    TeamDecree,
    quarter_end,
    report_due,
)

AREA_CODES = [code for code, _label in AREAS]


def plan_worksheet(unit, year: int) -> Worksheet | None:
    """The unit's worksheet the year's plan aims at: that year's round, else the latest before it."""
    return (Worksheet.objects.filter(unit=unit, round__year__lte=year).select_related("round")
            .order_by("-round__year", "-round__fill_deadline", "-pk").first())


def actions_for(unit, year: int) -> list[Action]:
    return list(Action.objects.filter(unit=unit, year=year).select_related("pic")
                .prefetch_related(Prefetch("indicators", Indicator.objects.select_related("part__area"))))


@dataclass
class Gap:
    indicator: Indicator
    weight: Decimal
    score: Decimal
    no_evidence: int
    actions: list = field(default_factory=list)

    @property
    def available(self) -> Decimal:
        return self.weight - self.score


def gaps(worksheet: Worksheet | None, actions: list[Action]) -> list[Gap]:
    """Every pengungkit indicator, most points still available first (a fixed handful of queries)."""
    if worksheet is None:
        return []
    version_id = worksheet.round.version_id
    spec = lke.template_spec(version_id)
    sets = lke.answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {s: {} for s in lke.VALUE_SETS}
    result = scoring.score(spec, sets["unit"])
    missing = Counter(indicator_key(q.indicator.part.area.code, q.indicator.part.kind, q.indicator.code)
                      for q in lke.worksheet_missing(worksheet).no_evidence)
    by_indicator: dict[int, list[Action]] = {}
    for a in actions:
        if a.status != Action.Status.CANCELLED:
            for ind in a.indicators.all():
                by_indicator.setdefault(ind.pk, []).append(a)
    out = []
    for ind in (Indicator.objects.filter(part__area__component__version_id=version_id,
                                         part__area__code__in=AREA_CODES)
                .select_related("part__area").order_by("part__area__order", "part__order", "order")):
        node = result.indicators[indicator_key(ind.part.area.code, ind.part.kind, ind.code)]
        out.append(Gap(ind, node.weight, node.score, missing[node.key], by_indicator.get(ind.pk, [])))
    return sorted(out, key=lambda g: -g.available)


def flagged(worksheet: Worksheet | None) -> list[Answer]:
    """Answers the TPI flagged for rework when it returned the worksheet (each may become an action)."""
    if worksheet is None or worksheet.status != Worksheet.Status.RETURNED:
        return []
    return list(worksheet.answers.filter(needs_revision=True).select_related("question__indicator__part__area")
                .order_by("question__order"))


def team(unit):
    """The SK in force (the latest) with its members, and the earlier ones (history)."""
    decrees = list(TeamDecree.objects.filter(unit=unit).select_related("document").prefetch_related("members")
                   .order_by("-date", "-pk"))
    return (decrees[0] if decrees else None), decrees[1:]


def pencanangan(unit) -> Pencanangan | None:
    return Pencanangan.objects.filter(unit=unit).prefetch_related("documents").first()


@dataclass
class QuarterStatus:
    year: int
    quarter: int
    report: object  # QuarterReport or None
    today: object

    @property
    def due(self):
        return report_due(self.year, self.quarter)

    @property
    def label(self) -> str:
        return ["I", "II", "III", "IV"][self.quarter - 1]

    @property
    def state(self) -> str:
        """signed | signed_late | late (due and not signed off) | open | upcoming (the quarter has not begun)."""
        if self.report and self.report.signed_off_at:
            return "signed_late" if self.report.signed_late else "signed"
        if self.today > self.due:
            return "late"
        start = quarter_end(self.year, self.quarter).replace(day=1, month=self.quarter * 3 - 2)
        return "open" if self.today >= start else "upcoming"


def quarters(unit, year: int, today) -> list[QuarterStatus]:
    reports = {r.quarter: r for r in QuarterReport.objects.filter(unit=unit, year=year).select_related("signed_off_by")}
    return [QuarterStatus(year, q, reports.get(q), today) for q in (1, 2, 3, 4)]


def monitoring_notes(unit, year: int, quarter: int | None = None) -> list[MonitoringNote]:
    notes = MonitoringNote.objects.filter(unit=unit, year=year).select_related("author", "replied_by")
    if quarter:
        notes = notes.filter(quarter=quarter)
    return list(notes)


# --------------------------------------------------------------------------- every unit's progress

PROGRESS_SORTS = {"unit": "name", "aksi": "n_actions", "selesai": "n_done", "terlambat": "n_overdue",
                  "realisasi": "realisation"}


def last_due_quarter(today) -> tuple[int, int]:
    """The latest quarter whose report was due by today (the one that counts as late or not)."""
    for year in (today.year, today.year - 1):
        for quarter in (4, 3, 2, 1):
            if report_due(year, quarter) < today:
                return year, quarter
    return today.year - 1, 4


def progress_rows(instansi, year: int, today, *, search="", show="", sort="unit", descending=False):
    """Every unit of the instansi with its programme's state, filtered and sorted in SQL (one query
    for the rows, one to count them when paged): pencanangan, the SK in force, the year's actions
    (all, done, overdue), the last due quarter's report and its mean realisation."""
    q_year, q_quarter = last_due_quarter(today)
    live = Q(actions__year=year) & ~Q(actions__status=Action.Status.CANCELLED)
    report = QuarterReport.objects.filter(unit=OuterRef("pk"), year=q_year, quarter=q_quarter)
    rows = (Unit.objects.filter(instansi=instansi)
            .annotate(n_actions=Count("actions", filter=live, distinct=True),
                      n_done=Count("actions", filter=live & Q(actions__status=Action.Status.DONE), distinct=True),
                      n_overdue=Count("actions", filter=live & Q(actions__status__in=[
                          Action.Status.PLANNED, Action.Status.RUNNING], actions__due__lt=today), distinct=True),
                      declared=F("pencanangan__date"),
                      team_date=Subquery(TeamDecree.objects.filter(unit=OuterRef("pk")).order_by("-date", "-pk")
                                         .values("date")[:1]),
                      signed=Exists(report.filter(signed_off_at__isnull=False)),
                      realisation=Coalesce(Subquery(
                          report.annotate(avg=Avg("progress__realisation")).values("avg")[:1]), Value(None))))
    if search:
        rows = rows.filter(name__icontains=search)
    if show == "terlambat":
        rows = rows.filter(signed=False, n_actions__gt=0)
    elif show == "tanpa-aksi":
        rows = rows.filter(n_actions=0)
    elif show == "tanpa-pencanangan":
        rows = rows.filter(declared__isnull=True)
    key = PROGRESS_SORTS.get(sort, "name")
    order = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
    return rows.order_by(order, "name", "pk"), (q_year, q_quarter)
