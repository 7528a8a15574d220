"""TPI review: each answer's value, note and flag beside the unit's; decisions on the worksheet.

Only the TPI members assigned to the worksheet and the instansi's admins get here; anyone else
gets a 404, the unit included (it sees the outcome on its own pages once decided).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from units.permissions import user_roles

from .. import scoring, selectors, services, workflow
from ..forms import DecisionForm, ReviewForm
from ..models import Round, Worksheet
from ..permissions import can_review, get_worksheet_for_user_or_404, review_closed_reason, worksheets_for_user
from ._cards import CardSheet, area_or_404, find_row, question_or_404, save_card
from ._lists import paged

ACTION = "aksi"  # the default tab of the queue: submitted or in review, waiting for the TPI
QUEUE_PER_PAGE = 50


@login_required
def review_queue(request):
    """What waits for the TPI: by default the worksheets submitted or in review (oldest submission
    first), other statuses on their own tabs; search by unit; admins also see which handed-in
    worksheets have no TPI member assigned yet. 50 rows a page."""
    roles = user_roles(request.user)
    if not (roles.is_tpi or roles.is_admin):
        raise Http404(_("Halaman ini untuk TPI."))
    worksheets = worksheets_for_user(request.user).filter(round__status=Round.Status.OPEN)
    if not roles.is_admin:
        worksheets = worksheets.filter(reviewers=request.user)
    counts = selectors.status_counts(worksheets)
    waiting = (Worksheet.Status.SUBMITTED, Worksheet.Status.IN_REVIEW)
    unassigned = worksheets.exclude(status=Worksheet.Status.DRAFT).filter(reviewers=None)
    n_unassigned = unassigned.count() if roles.is_admin else 0
    status = request.GET.get("status", ACTION)
    if roles.is_admin and request.GET.get("tpi") == "belum":
        worksheets, status = unassigned, "belum"
    elif status == ACTION:
        worksheets = worksheets.filter(status__in=waiting)
    elif status in Worksheet.Status.values:
        worksheets = worksheets.filter(status=status)
    else:
        status = "semua"
    q = request.GET.get("q", "").strip()
    if q:
        worksheets = worksheets.filter(unit__name__icontains=q)
    worksheets = worksheets.select_related("unit", "round").prefetch_related("reviewers").annotate(
        n_flagged=Count("answers", filter=Q(answers__needs_revision=True))).order_by(
        F("submitted_at").asc(nulls_last=True), "unit__name")
    page, query = paged(request, worksheets, QUEUE_PER_PAGE)
    shown = [(value, label, counts.get(value, 0)) for value, label in Worksheet.Status.choices
             if value != Worksheet.Status.DRAFT or roles.is_admin]
    return render(request, "evaluations/review_queue.html", {
        "page": page, "worksheets": page.object_list, "status": status, "q": q, "query": query,
        "statuses": shown, "n_waiting": sum(counts.get(s, 0) for s in waiting), "n_all": sum(counts.values()),
        "n_unassigned": n_unassigned, "is_admin": roles.is_admin,
    })


def _reviewable_or_404(user, pk) -> Worksheet:
    worksheet = get_worksheet_for_user_or_404(user, pk)
    if not can_review(user, worksheet):
        raise Http404(_("Kertas kerja tidak ditemukan."))
    return worksheet


def _review_context(request, worksheet, area, override=None, *, indicator_id=None):
    spec = selectors.template_spec(worksheet.round.version_id)
    sets = selectors.answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {s: {} for s in selectors.VALUE_SETS}
    unit, tpi = scoring.score(spec, sets["unit"]), scoring.score(spec, sets["tpi"])
    fresh = not selectors.has_tpi_values(sets)
    if fresh:  # never reviewed: the TPI's values will start as a copy of the unit's
        tpi = unit
    closed = review_closed_reason(worksheet)
    editable = worksheet.status in workflow.TPI_EDITABLE and not closed
    parts = selectors.area_rows(worksheet, area, unit, lambda a: editable, tpi_result=tpi, indicator_id=indicator_id)
    changed = selectors.changed_since_last_return(worksheet)
    override = override or {}
    for part in parts:
        part["diff"] = part["tpi"].score - part["score"].score
        for ind in part["indicators"]:
            ind["diff"] = ind["tpi"].score - ind["score"].score
            for row in ind["rows"]:
                form, conflict = override.get(row.question.pk, (None, None))
                row.conflict = conflict
                row.changed_since_return = bool(row.answer and row.answer.pk in changed)
                if fresh:  # the TPI's computed values are the unit's until the review starts
                    row.tpi_computed, row.tpi_computed_count = row.computed, row.computed_count
                    row.tpi_from_unit = True
                if row.editable:
                    row.form = form or _initial_review_form(row)
    areas = [a for c in spec.components for a in c.areas]
    return {"worksheet": worksheet, "area": area, "parts": parts, "unit": unit, "tpi": tpi,
            "unit_area": unit.areas[area.code], "tpi_area": tpi.areas[area.code], "areas": areas,
            "area_diff": tpi.areas[area.code].score - unit.areas[area.code].score,
            "can_edit": editable, "show_tpi_notes": True, "tpi_fresh": fresh, "review_closed": closed}


def _initial_review_form(row):
    a = row.answer
    has_tpi = a and (a.tpi_option or a.tpi_number is not None)
    return ReviewForm(question=row.question, initial={
        "option": (a.tpi_option if has_tpi else a.unit_option) if a else "",
        "number": (a.tpi_number if has_tpi else a.unit_number) if a else None,
        "note": a.tpi_note if a else "", "needs_revision": a.needs_revision if a else False,
        "revision": a.revision if a else 0})


@login_required
@require_GET
def review_area(request, pk, code):
    worksheet = _reviewable_or_404(request.user, pk)
    area = area_or_404(worksheet, code)
    return render(request, "evaluations/review_area.html", _review_context(request, worksheet, area))


def _respond(request, worksheet, question, override=None, status=200, rejected=None):
    """htmx: the review card plus its indicator and area totals (out of band)."""
    context = _review_context(request, worksheet, question.indicator.part.area, override,
                              indicator_id=question.indicator_id)
    part, ind, row = find_row(context, question.pk)
    row.rejected = rejected
    context.update({"part_entry": part, "ind": ind, "row": row, "oob": True})
    return render(request, "evaluations/_review_response.html", context, status=status)


def _tpi_save(request, worksheet, question, form):
    option, number = form.cleaned_value()
    services.review_answer_save(user=request.user, worksheet=worksheet, question=question, option=option,
                                number=number, note=form.cleaned_data["note"],
                                needs_revision=form.cleaned_data["needs_revision"],
                                revision=form.cleaned_data["revision"])


TPI_SHEET = CardSheet(
    form_class=ReviewForm, save=_tpi_save, respond=lambda *a, **k: _respond(*a, **k),
    context=lambda *a: _review_context(*a), template="evaluations/review_area.html",
    url_name="evaluations:review_area", typed="note", saved=gettext_lazy("Penilaian %(key)s tersimpan."),
    status_moves=True)


@login_required
@require_POST
def review_answer_save(request, pk, question_id):
    worksheet = _reviewable_or_404(request.user, pk)
    return save_card(request, worksheet, question_or_404(worksheet, question_id), TPI_SHEET)


DECISIONS = {
    "start": services.review_start,
    "return": services.review_return,
    "approve": services.review_approve,
    "reopen": services.review_reopen,
}
DONE = {
    "start": _("Reviu dimulai. Nilai TPI diawali dari nilai unit."),
    "return": _("Kertas kerja dikembalikan kepada unit untuk diperbaiki."),
    "approve": _("Kertas kerja disetujui. Nilai TPI kini final dan terkunci."),
    "reopen": _("Kertas kerja dibuka kembali untuk direviu."),
}


@login_required
@require_POST
def review_decide(request, pk):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    action = request.POST.get("action", "")
    if action not in DECISIONS:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keputusan tidak dapat dibaca; muat ulang halaman lalu coba lagi."))
        return redirect(worksheet)
    kwargs = {"user": request.user, "worksheet": worksheet, "expected_status": form.cleaned_data["expected_status"]}
    if action != "start":
        kwargs["comment"] = form.cleaned_data["comment"]
    try:
        DECISIONS[action](**kwargs)
    except services.DecisionConflict as exc:
        last = exc.last_event
        who = (last.actor.get_full_name() or last.actor.get_username()) if last and last.actor else _("pengguna lain")
        messages.error(request, _("Keputusan Anda tidak diterapkan: kertas kerja ini baru saja berubah menjadi "
                                  "“%(status)s” oleh %(who)s. Periksa keadaannya sekarang sebelum memutuskan.") % {
            "status": exc.worksheet.get_status_display(), "who": who})
    except (PermissionDenied, services.Refused) as exc:
        messages.error(request, str(exc))
        # Nothing typed is lost: kept for this worksheet until a decision goes through, so the TPI
        # member can go and flag an answer and come back to the comment.
        drafts = request.session.get("decision_comments", {})
        drafts[str(worksheet.pk)] = form.cleaned_data["comment"]
        request.session["decision_comments"] = drafts
    else:
        messages.success(request, DONE[action])
        drafts = request.session.get("decision_comments", {})
        if drafts.pop(str(worksheet.pk), None) is not None:
            request.session["decision_comments"] = drafts
    return redirect(worksheet)
