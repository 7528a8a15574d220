"""Reads of a unit's programme: its plan for a year, and the LKE gaps the plan should aim at — each
indicator of the six change areas with the points still available to it (by the unit's own values,
penilaian mandiri, in its worksheet of that year's round) and its questions still without evidence,
with the actions that already target it; after a TPI return, the flagged answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluations import scoring
from evaluations import selectors as lke
from evaluations.models import Answer, Indicator, Worksheet
from evaluations.scoring import indicator_key
from units.models import Unit

from .exports import PlanData, PlanRow
from .models import (
    AREAS,
    Action,
    MonitoringNote,
    Pencanangan,
    Progress,
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
    previous: Decimal | None = None  # the indicator's score in the unit's previous round (same key)

    @property
    def done(self) -> int:
        return sum(1 for a in self.actions if a.status == Action.Status.DONE)

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.score - self.previous

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
    before = _previous_scores(worksheet)
    out = []
    for ind in (Indicator.objects.filter(part__area__component__version_id=version_id,
                                         part__area__code__in=AREA_CODES)
                .select_related("part__area").order_by("part__area__order", "part__order", "order")):
        node = result.indicators[indicator_key(ind.part.area.code, ind.part.kind, ind.code)]
        out.append(Gap(ind, node.weight, node.score, missing[node.key], by_indicator.get(ind.pk, []),
                       before.get(node.key)))
    return sorted(out, key=lambda g: -g.available)


def _previous_scores(worksheet: Worksheet) -> dict[str, Decimal]:
    """Each indicator's score (unit's values) in the unit's previous round: what the actions were
    meant to lift, to set against this round's (two queries; none when there is no previous round)."""
    previous = (Worksheet.objects.filter(unit_id=worksheet.unit_id, round__instansi_id=worksheet.round.instansi_id,
                                         round__year__lt=worksheet.round.year)
                .select_related("round").order_by("-round__year", "-pk").first())
    if previous is None:
        return {}
    sets = lke.answers_by_worksheet([previous.pk]).get(previous.pk) or {s: {} for s in lke.VALUE_SETS}
    result = scoring.score(lke.template_spec(previous.round.version_id), sets["unit"])
    return {key: node.score for key, node in result.indicators.items()}


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


@dataclass
class ProgressRow:
    pk: int
    name: str
    declared: object = None
    team_date: object = None
    n_actions: int = 0
    n_done: int = 0
    n_overdue: int = 0
    signed: bool = False
    reported: bool = False
    realisation: object = None


def report_quarter(year: int, today) -> tuple[int, int] | None:
    """The quarter of ``year`` whose report the progress table judges: the last one due by today
    (the fourth for a past year); None while none of the year's reports is due yet."""
    for quarter in (4, 3, 2, 1):
        if report_due(year, quarter) < today:
            return year, quarter
    return None


def progress_rows(instansi, year: int, today, *, search="", show="", sort="unit", descending=False):
    """Every unit of the instansi with its programme's state: pencanangan, the SK in force, the
    year's actions (all, done, overdue), the last due quarter's report and its mean realisation.
    Five grouped queries, each one pass over its table for the whole instansi, then filtered and
    sorted here: at 5,000 units that is faster than one query with a correlated subquery per unit
    (and its paging count doing it all again)."""
    judged = report_quarter(year, today)  # the selected year's own report: actions and report agree
    units = Unit.objects.filter(instansi=instansi)
    if search:
        units = units.filter(name__icontains=search)
    rows = {pk: ProgressRow(pk, name) for pk, name in units.values_list("pk", "name")}
    live = Action.objects.filter(unit__instansi=instansi, year=year).exclude(status=Action.Status.CANCELLED)
    for unit_id, n, done, overdue in live.values("unit_id").annotate(
            n=Count("pk"), done=Count("pk", filter=Q(status=Action.Status.DONE)),
            overdue=Count("pk", filter=Q(status__in=[Action.Status.PLANNED, Action.Status.RUNNING], due__lt=today))
    ).values_list("unit_id", "n", "done", "overdue"):
        if unit_id in rows:
            rows[unit_id].n_actions, rows[unit_id].n_done, rows[unit_id].n_overdue = n, done, overdue
    for unit_id, date in Pencanangan.objects.filter(unit__instansi=instansi).values_list("unit_id", "date"):
        if unit_id in rows:
            rows[unit_id].declared = date
    for unit_id, date in (TeamDecree.objects.filter(unit__instansi=instansi).values("unit_id")
                          .annotate(latest=Max("date")).values_list("unit_id", "latest")):
        if unit_id in rows:
            rows[unit_id].team_date = date
    reports = QuarterReport.objects.filter(unit__instansi=instansi, year=judged[0], quarter=judged[1]) \
        if judged else QuarterReport.objects.none()
    for unit_id, signed_at, avg in (reports.values("unit_id", "signed_off_at")
                                    .annotate(avg=Avg("progress__realisation"))
                                    .values_list("unit_id", "signed_off_at", "avg")):
        if unit_id in rows:
            rows[unit_id].signed, rows[unit_id].realisation = signed_at is not None, avg
            rows[unit_id].reported = True
    out = list(rows.values())
    if show == "terlambat":
        out = [r for r in out if judged and r.n_actions and not r.signed]
    elif show == "tanpa-aksi":
        out = [r for r in out if not r.n_actions]
    elif show == "tanpa-pencanangan":
        out = [r for r in out if r.declared is None]
    key = PROGRESS_SORTS.get(sort, "name")
    out.sort(key=lambda r: (r.name.lower(), r.pk))
    if key != "name":  # stable: equal values stay by name; units without a value last either way
        present = [r for r in out if getattr(r, key) is not None]
        present.sort(key=lambda r: getattr(r, key), reverse=descending)
        out = present + [r for r in out if getattr(r, key) is None]
    elif descending:
        out.reverse()
    return out, judged


def plan_export_rows(instansi, year: int, units=None) -> list:
    """Every (or the given units') rencana aksi of the year with its realisation per quarter, in
    three queries (actions with unit and PIC, their indicators, the year's progress rows)."""
    actions = (Action.objects.filter(unit__instansi=instansi, year=year).select_related("unit", "pic")
               .prefetch_related(Prefetch("indicators", Indicator.objects.select_related("part__area")))
               .order_by("unit__name", "area_code", "due", "pk"))
    if units is not None:
        actions = actions.filter(unit__in=units)
    realised: dict[int, dict[int, tuple]] = {}
    for action_id, quarter, realisation, obstacles in Progress.objects.filter(
            report__unit__instansi=instansi, report__year=year).values_list(
            "action_id", "report__quarter", "realisation", "obstacles"):
        realised.setdefault(action_id, {})[quarter] = (realisation, obstacles)
    rows = []
    for a in actions:
        got = realised.get(a.pk, {})
        last = got[max(got)][1] if got else ""
        rows.append(PlanRow(
            a.unit.name, a.area_code, a.description,
            ", ".join(f"{i.part.area.code}·{i.code} {i.name}" for i in a.indicators.all()), a.target, a.output,
            (a.pic.get_full_name() or a.pic.get_username()) if a.pic else "", a.due, a.budget,
            a.get_status_display(), [got.get(q, (None,))[0] for q in (1, 2, 3, 4)], last))
    return rows


def plan_report(instansi, year: int, today) -> PlanData:
    """What the Inspektorat's workbook holds: every unit's plan with its realisation per quarter, and
    the progress table as the page shows it (judged on the year's last report due by ``today``)."""
    rows, judged = progress_rows(instansi, year, today)
    report = _("Laporan TW %(q)s %(y)d") % {"q": ["I", "II", "III", "IV"][judged[1] - 1], "y": year} if judged \
        else _("Laporan triwulan (belum ada yang jatuh tempo)")
    headers = [_("Unit"), _("Pencanangan"), _("SK tim kerja"), _("Rencana aksi"), _("Selesai"), _("Terlambat"),
               report, _("Realisasi (%)")]
    return PlanData(
        title=_("Rencana aksi dan realisasi pembangunan ZI %(y)d") % {"y": year},
        title_block=[_("Instansi: %(i)s") % {"i": instansi.name}, _("Tahun: %(y)d") % {"y": year},
                     _("Dibuat: %(when)s") % {"when": date_format(timezone.localtime(), "j F Y H.i T")},
                     _("Realisasi menurut laporan triwulan unit.")],
        plans=plan_export_rows(instansi, year), progress_headers=headers,
        progress=[[r.name, r.declared, r.team_date, r.n_actions, r.n_done, r.n_overdue,
                   _("disahkan") if r.signed else _("belum disahkan") if r.reported
                   else _("belum dilaporkan") if r.n_actions and judged else "—",
                   round(r.realisation) if r.realisation is not None else None] for r in rows])


def prerequisite_facts(unit) -> dict[str, tuple[str, str]]:
    """What the programme knows for the proposal prerequisites: the pencanangan date is when the unit
    began building its ZI toward WBK (offered on the worksheet's prerequisite page)."""
    declared = Pencanangan.objects.filter(unit=unit).values_list("date", flat=True).first()
    if declared is None:
        return {}
    return {"membangun-wbk": (declared.isoformat(), str(_("pencanangan yang dicatat unit di halaman Pembangunan ZI")))}
