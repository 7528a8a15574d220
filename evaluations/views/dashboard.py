"""Round dashboard, round summary and unit scorecard: read from the precomputed scores."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from units.models import Unit
from units.permissions import user_roles

from .. import charts, selectors, services
from ..forms import HasilForm, RoundStatusForm
from ..models import Answer, Kawasan, Part, Question, Worksheet
from ..permissions import (
    can_fill_in_for_unit,
    can_review_round,
    get_round_for_user_or_404,
    get_worksheet_for_user_or_404,
    worksheets_for_user,
)
from ._lists import paged
from .excel import latest_recap

READINESS_FILTER = {"wbk": "wbk", "wbbm": "wbbm", "belum": ""}
READY = "usul"  # the units that may be proposed
PER_PAGE = {"50": 50, "100": 100, "semua": 100_000}


@login_required
@require_GET
def round_detail(request, pk):
    """The round dashboard: every unit the user may see, filtered, searched and sorted in SQL."""
    round_ = get_round_for_user_or_404(request.user, pk)
    reviewer = can_review_round(request.user, round_)
    worksheets = worksheets_for_user(request.user).filter(round=round_)
    g = request.GET
    sort = g.get("sort", "unit") if g.get("sort") in selectors.SORTS else "unit"
    descending = g.get("dir") == "desc"
    status = g.get("status") if g.get("status") in Worksheet.Status.values else ""
    kind = g.get("kind") if g.get("kind") in Unit.Kind.values else ""
    readiness_key = g.get("kesiapan") if g.get("kesiapan") in [*READINESS_FILTER, READY] else ""
    basis = g.get("dasar") if g.get("dasar") in selectors.BASIS_FILTERS else ""
    search = g.get("q", "").strip()[:100]
    instansi = selectors.instansi_prerequisites(round_)
    instansi_ok = {p: v.satisfied for p, v in instansi.items()}
    rows = selectors.dashboard(worksheets, reviewer=reviewer, status=status, kind=kind,
                               readiness_code=READINESS_FILTER.get(readiness_key), basis=basis, search=search,
                               sort=sort, descending=descending, instansi_ok=instansi_ok,
                               ready_only=readiness_key == READY, own_units=user_roles(request.user).unit_ids)
    per = g.get("per") if g.get("per") in PER_PAGE else "50"
    page, query = paged(request, rows, PER_PAGE[per])
    for ws in page.object_list:  # words for each row's prerequisites, from stored counts (no query)
        ws.prerequisite_text = selectors.describe_prerequisites(ws, instansi)
    counts = selectors.readiness_counts_by_basis(worksheets, instansi_ok)
    statuses = selectors.status_counts(worksheets)
    return render(request, "evaluations/round_detail.html", {
        "round": round_, "page": page, "reviewer": reviewer, "query": query,
        "proposal_days_left": (round_.proposal_date - timezone.localdate()).days,
        "recap": latest_recap(request.user, round_) if reviewer else None,
        "filters": {"status": status, "kind": kind, "kesiapan": readiness_key, "dasar": basis, "q": search,
                    "sort": sort, "dir": "desc" if descending else "asc", "per": per},
        "statuses": [(v, label, statuses.get(v, 0)) for v, label in Worksheet.Status.choices],
        "kinds": Unit.Kind.choices, "counts": counts, "instansi_prerequisites": instansi,
        "verdicts": [(key, label) for key, label, _tpi, _unit in counts.rows()],
        "total_units": sum(statuses.values()),
        "is_admin": user_roles(request.user).is_admin_of(round_.instansi_id),
        "round_events": list(round_.events.select_related("actor").order_by("-created_at", "-pk"))
        if user_roles(request.user).is_admin_of(round_.instansi_id) else [],
        "round_status_comment": request.session.get("round_status_comment", ""),
        "carry_job": round_.carry_overs.first() if user_roles(request.user).is_admin_of(round_.instansi_id) else None,
        "sort_columns": [("unit", _("Unit")), ("status", _("Status")), ("progress", _("Kemajuan")),
                         ("unit_total", _("Nilai unit")), ("tpi_total", _("Nilai TPI")),
                         ("pengungkit", _("Pengungkit")), ("hasil", _("Hasil")), ("readiness", _("Kesiapan"))],
    })


@login_required
@require_GET
def round_summary(request, pk):
    round_ = get_round_for_user_or_404(request.user, pk)
    reviewer = can_review_round(request.user, round_)
    worksheets = worksheets_for_user(request.user).filter(round=round_)
    own_units = user_roles(request.user).unit_ids
    instansi_ok = {p: v.satisfied for p, v in selectors.instansi_prerequisites(round_).items()}
    statuses, counts, distribution = selectors.round_figures(worksheets, reviewer=reviewer, instansi_ok=instansi_ok,
                                                             own_units=own_units)
    handed_in = worksheets.exclude(status=Worksheet.Status.DRAFT)
    areas = selectors.area_averages(handed_in, reviewer=reviewer)
    area_names = dict(round_.version.components.values_list("areas__code", "areas__name"))
    for a in areas:
        a["name"] = area_names.get(a["code"], a["code"])
    is_admin = user_roles(request.user).is_admin_of(round_.instansi_id)
    kawasan = []
    if is_admin and Kawasan.objects.filter(instansi_id=round_.instansi_id).exists():
        # a kawasan is judged on all of its units: only whoever sees them all
        rows = selectors.with_scores(worksheets, reviewer=reviewer, own_units=own_units)
        ready = dict(rows.filter(verdict__in=["wbk", "wbbm"]).values_list("unit_id", "status"))
        in_round = set(worksheets.values_list("unit_id", flat=True))
        kawasan = selectors.kawasan_readiness(round_.instansi_id, ready, in_round)
    max_count = max([n for _, n in distribution] + [1])
    return render(request, "evaluations/round_summary.html", {
        "round": round_, "reviewer": reviewer, "is_admin": is_admin, "areas": areas, "kawasan": kawasan,
        "distribution": distribution,
        "statuses": [(v, label, statuses.get(v, 0)) for v, label in Worksheet.Status.choices],
        "counts": counts, "total_units": sum(statuses.values()),
        "distribution_chart": charts.hbar([(label, [("total", _("Jumlah unit"), Decimal(n))])
                                           for label, n in distribution], Decimal(max_count), places=0),
        "area_chart": charts.hbar([(f"{a['code']}. {a['name']}" if not a["code"].startswith("H-") else a["name"],
                                    [("weight", _("Bobot"), Decimal("100")), ("unit", _("Rata-rata"), a["percent"])])
                                   for a in areas], Decimal("100"),
                                  legend=[("bar-unit", _("Rata-rata nilai (% bobot)")), ("bar-weight", _("100%"))]),
    })


@login_required
@require_GET
def worksheet_scorecard(request, pk):
    """One unit's scorecard: areas as charts, the gap list, and the trend across rounds."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    assessment = selectors.worksheet_assessment(worksheet, user=request.user)
    spec = assessment.spec
    unit = assessment.unit
    tpi = assessment.tpi if assessment.show_tpi else None
    basis = assessment.result
    areas = [a for c in spec.components if c.code == "pengungkit" for a in c.areas]
    hasil = [a for c in spec.components if c.code == "hasil" for a in c.areas]
    label = {a.code: f"{a.code}. {a.name}" for a in areas} | {a.code: a.name for a in hasil}
    area_rows = [{"code": a.code, "name": label[a.code], "weight": a.weight, "unit": unit.areas[a.code].score,
                  "tpi": tpi.areas[a.code].score if tpi else None,
                  "pemenuhan": basis.parts.get(f"{a.code}.pemenuhan"), "reform": basis.parts.get(f"{a.code}.reform")}
                 for a in areas + hasil]
    short = {a.code: a.code for a in areas} | {a.code: a.name for a in hasil}  # "V", "Pelayanan Publik yang Prima"
    gaps = sorted(({"indicator": n, "area": short[key.split(".")[0]], "kind": key.split(".")[1],
                    "could_add": (n.weight - n.score)} for key, n in basis.indicators.items() if n.score < n.weight),
                  key=lambda g: g["could_add"], reverse=True)
    # Every round's figure as this person may see it: a unit's staff see the TPI's only once the TPI
    # has decided that round's worksheet (never another round's undecided values).
    roles = user_roles(request.user)
    trend_rows = (selectors.with_scores(worksheets_for_user(request.user).filter(unit=worksheet.unit),
                                        reviewer=can_review_round(request.user, worksheet.round),
                                        own_units=roles.unit_ids)
                  .select_related("round").order_by("round__year", "round__name"))
    trend = [{"round": w.round, "total": w.total, "is_tpi": w.basis_is_tpi, "verdict": w.verdict, "ws": w}
             for w in trend_rows]
    return render(request, "evaluations/scorecard.html", {
        "worksheet": worksheet, "unit": unit, "tpi": tpi, "basis": basis, "assessment": assessment, "areas": area_rows,
        "gaps": gaps[:15], "gap_sum": basis.total.weight - basis.total.score, "trend": trend,
        "score_chart": charts.hbar([(r["name"], [("weight", _("Bobot"), r["weight"]),
                                                 ("unit", _("Nilai"), r["tpi"] if tpi else r["unit"])])
                                    for r in area_rows if r["pemenuhan"] is not None], Decimal("15"),
                                   legend=[("bar-unit", _("Nilai TPI") if tpi else _("Nilai unit")),
                                           ("bar-weight", _("Bobot"))]),
        "parts_chart": charts.hbar([(r["name"], [("pemenuhan", _("Pemenuhan"), r["pemenuhan"].percent),
                                                 ("reform", _("Reform"), r["reform"].percent)])
                                    for r in area_rows if r["pemenuhan"] is not None], Decimal("100"),
                                   legend=[("bar-pemenuhan", _("Pemenuhan (% bobot)")),
                                           ("bar-reform", _("Reform (% bobot)"))]),
        "compare_chart": charts.hbar([(r["name"], [("unit", _("Unit"), r["unit"]), ("tpi", _("TPI"), r["tpi"])])
                                      for r in area_rows], Decimal("22.5"),
                                     legend=[("bar-unit", _("Nilai unit")), ("bar-tpi", _("Nilai TPI"))])
        if tpi else None,
        "trend_chart": charts.hbar([(t["round"].name, [("total", _("Nilai total"), t["total"])]) for t in trend],
                                   Decimal("100"))
        if len(trend) > 1 else None,
    })


HASIL_PER_PAGE = 50


def _hasil_form(data, ws, q, **kwargs):
    """One cell of the hasil table: its fields belong to the row's form and are named for the cell."""
    return HasilForm(data, question=q, prefix=f"{ws.pk}-{q.pk}", auto_id=f"ws{ws.pk}-q{q.pk}-%s", row_form=f"form-{ws.pk}",
                     name=f"{q.indicator.name} — {ws.unit.name}", **kwargs)


@login_required
def round_hasil(request, pk):
    """The round's hasil items per unit — survey indices and capaian kinerja — with who entered
    them, when, and their evidence; admins enter them for units that are still filling in."""
    round_ = get_round_for_user_or_404(request.user, pk)
    if not can_review_round(request.user, round_):
        raise Http404
    roles = user_roles(request.user)
    is_admin = roles.is_admin_of(round_.instansi_id)
    questions = list(Question.objects.filter(version_id=round_.version_id, indicator__part__kind=Part.Kind.HASIL)
                     .select_related("indicator__part").prefetch_related("options").order_by("order"))
    worksheets = (worksheets_for_user(request.user).filter(round=round_).select_related("unit", "round")
                  .order_by("unit__name"))
    back = f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path  # same filters and page
    if request.method == "POST":
        ws = get_worksheet_for_user_or_404(request.user, request.POST.get("worksheet"))
        forms = {q: _hasil_form(request.POST, ws, q) for q in questions}
        if all(f.is_valid() for f in forms.values()):
            try:
                services.hasil_save(user=request.user, worksheet=ws, values={
                    q: (*f.cleaned_value(), f.cleaned_data["revision"]) for q, f in forms.items()})
            except (PermissionDenied, services.ConflictError) as exc:
                messages.error(request, str(exc) if isinstance(exc, PermissionDenied) else
                               _("Nilai hasil %(unit)s baru saja diubah orang lain; periksa lalu simpan lagi.") % {
                                   "unit": ws.unit.name})
            else:
                messages.success(request, _("Nilai hasil %(unit)s tersimpan.") % {"unit": ws.unit.name})
                request.session["hasil_saved"] = ws.pk  # also said in the row itself, wherever it is
                return redirect(f"{back}#ws-{ws.pk}")
        else:
            errors = "; ".join(str(e) for f in forms.values() for errs in f.errors.values() for e in errs)
            messages.error(request, _("Nilai hasil %(unit)s belum disimpan: %(errors)s") % {
                "unit": ws.unit.name, "errors": errors})
            request.session["hasil_rejected"] = {"ws": ws.pk, "data": request.POST.dict()}
            return redirect(f"{back}#ws-{ws.pk}")
        return redirect(f"{back}#ws-{ws.pk}")
    rejected = request.session.pop("hasil_rejected", None)
    saved = request.session.pop("hasil_saved", None)
    counts = selectors.status_counts(worksheets)
    status, search = request.GET.get("status", ""), request.GET.get("q", "").strip()
    if status in Worksheet.Status.values:
        worksheets = worksheets.filter(status=status)
    if search:
        worksheets = worksheets.filter(unit__name__icontains=search)
    page, query = paged(request, worksheets, HASIL_PER_PAGE)
    worksheets = list(page.object_list)
    answers = {(a.worksheet_id, a.question_id): a for a in Answer.objects.filter(
        worksheet__in=worksheets, question__in=questions).select_related("updated_by", "tpi_updated_by").annotate(
        n_evidence=Count("evidence"))}
    rows = []
    for ws in worksheets:
        editable = is_admin and can_fill_in_for_unit(request.user, ws)
        cells = []
        for q in questions:
            a = answers.get((ws.pk, q.pk))
            form = None
            if editable:
                data = rejected["data"] if rejected and rejected["ws"] == ws.pk else None
                form = _hasil_form(data, ws, q, initial={
                    "option": a.unit_option if a else "", "number": a.unit_number if a else None,
                    "revision": a.revision if a else 0})
                if data:
                    form.is_valid()
            cells.append({"question": q, "answer": a, "form": form})
        rows.append({"worksheet": ws, "cells": cells, "editable": editable, "saved": ws.pk == saved})
    return render(request, "evaluations/round_hasil.html", {
        "round": round_, "questions": questions, "rows": rows, "is_admin": is_admin, "page": page,
        "query": query, "status": status, "q": search,
        "statuses": [(v, label, counts.get(v, 0)) for v, label in Worksheet.Status.choices]})


ROUND_MOVED = {"open": gettext_lazy("Periode dimulai: unit dapat mengisi kertas kerja."),
               "close": gettext_lazy("Periode ditutup: nilai dan keputusannya kini tidak dapat diubah."),
               "reopen": gettext_lazy("Periode dibuka kembali; tercatat di riwayat periode.")}


@login_required
@require_POST
def round_status(request, pk):
    """The instansi's admin opens, closes or reopens the round, with the reason, into its history."""
    round_ = get_round_for_user_or_404(request.user, pk)
    if not user_roles(request.user).is_admin_of(round_.instansi_id):
        raise Http404
    form = RoundStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan tidak dapat dibaca; muat ulang halaman lalu coba lagi."))
        return redirect("evaluations:round_detail", round_.pk)
    try:
        services.round_set_status(user=request.user, round_=round_, action=form.cleaned_data["action"],
                                  comment=form.cleaned_data["comment"])
    except services.Refused as exc:
        messages.error(request, str(exc))
        request.session["round_status_comment"] = form.cleaned_data["comment"]  # typed text survives
    else:
        request.session.pop("round_status_comment", None)
        messages.success(request, ROUND_MOVED[form.cleaned_data["action"]])
    return redirect("evaluations:round_detail", round_.pk)
