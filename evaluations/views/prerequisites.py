"""Proposal prerequisites (Tabel 5, PermenPANRB 5/2024): the instansi's facts per round, each unit's
facts per worksheet, who recorded them, when and with which evidence.

The round page (admins and TPI members) records the instansi's facts and lists every unit's
standing; the worksheet page (everyone who may see the worksheet) shows both levels for one unit
and lets its TPI members and the admins record the unit's facts. A failed save re-renders the page
with the reason next to the field and everything typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import evidence as evidence_rules
from .. import fact_sources, readiness, selectors, services
from ..forms import PrerequisiteForm
from ..models import PrerequisiteDefinition, PrerequisiteRecord, Worksheet
from ..permissions import (
    can_record_instansi_prerequisites,
    can_record_unit_prerequisites,
    can_review_round,
    get_round_for_user_or_404,
    get_worksheet_for_user_or_404,
    worksheets_for_user,
)
from ._lists import paged

UNITS_PER_PAGE = 50


def _items(definitions, records: dict, verdicts: dict[str, readiness.PrerequisiteVerdict], history: dict,
           *, editable: bool, bound: PrerequisiteForm | None = None, suggested: dict | None = None) -> list[dict]:
    """One entry per prerequisite: the current record, whether it is met toward WBK and WBBM,
    its history, and (for those who may record) its form — the bound one after a failed save."""
    checks = {p: {c.spec.key: c for c in v.checks} for p, v in verdicts.items()}
    out = []
    for d in definitions:
        spec = selectors.prerequisite_spec(d)
        for r in [records.get(d.key), *history.get(d.key, [])]:
            if r is not None:
                r.value_label = spec.value_label(r.value) if r.value else "—"
        form = None
        offered = (suggested or {}).get(d.key)
        if editable:
            initial = {"value": offered[0], "note": offered[1]} if offered and not records.get(d.key) else None
            form = bound if bound is not None and bound.definition.pk == d.pk else PrerequisiteForm(
                definition=d, initial=initial)
        out.append({"definition": d, "record": records.get(d.key), "form": form, "suggested": offered,
                    "history": list(reversed(history.get(d.key, []))),
                    "checks": [(readiness.PREDICATE_LABELS[p], checks[p].get(d.key)) for p in checks]})
    return out


def _history(**scope) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in (PrerequisiteRecord.objects.filter(**scope).select_related("definition", "recorded_by")
              .order_by("recorded_at", "pk")):
        out.setdefault(r.definition.key, []).append(r)
    return out


def _definition_or_404(version_id, level, pk) -> PrerequisiteDefinition:
    try:
        return PrerequisiteDefinition.objects.get(pk=int(pk), version_id=version_id, level=level)
    except (PrerequisiteDefinition.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Syarat tidak ditemukan.")) from None


def _record(request, definition, **scope):
    """Bind and save one prerequisite form; the bound form when it was refused, else None."""
    form = PrerequisiteForm(request.POST, request.FILES, definition=definition)
    if form.is_valid():
        try:
            services.prerequisite_record(user=request.user, definition=definition, value=form.stored_value(),
                                         note=form.cleaned_data["note"], upload=form.cleaned_data["evidence_file"],
                                         url=form.cleaned_data["evidence_url"], **scope)
        except evidence_rules.EvidenceError as exc:
            form.add_error("evidence_file", str(exc))
        else:
            messages.success(request, _("Syarat “%(label)s” dicatat.") % {"label": definition.label})
            return None
    return form


@transaction.non_atomic_requests  # an upload is read and checked before any transaction (and lock) opens
@login_required
@require_http_methods(["GET", "POST"])
def round_prerequisites(request, pk):
    round_ = get_round_for_user_or_404(request.user, pk)
    if not can_review_round(request.user, round_):
        raise Http404
    editable = can_record_instansi_prerequisites(request.user, round_)
    definitions = list(PrerequisiteDefinition.objects.filter(version_id=round_.version_id,
                                                             level=PrerequisiteDefinition.Level.INSTANSI))
    bound = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Hanya admin instansi yang dapat mencatat syarat tingkat instansi."))
        definition = _definition_or_404(round_.version_id, PrerequisiteDefinition.Level.INSTANSI,
                                        request.POST.get("definition"))
        bound = _record(request, definition, round_=round_)
        if bound is None:
            return redirect(f"{request.path}#syarat-{definition.key}")
    records = selectors.current_records(round_ids=[round_.pk]).get(("round", round_.pk), {})
    verdicts = selectors.instansi_prerequisites(round_, records=records,
                                                specs=[selectors.prerequisite_spec(d) for d in definitions])
    worksheets = worksheets_for_user(request.user).filter(round=round_)
    search = request.GET.get("q", "").strip()[:100]
    rows = selectors.with_scores(worksheets.select_related("unit"), reviewer=True,
                                 instansi_ok={p: v.satisfied for p, v in verdicts.items()})
    if search:
        rows = rows.filter(unit__name__icontains=search)
    if request.GET.get("syarat") == "belum":
        rows = rows.filter(us__prereq_unmet__gt=0)
    page, query = paged(request, rows.order_by("unit__name"), UNITS_PER_PAGE)
    for ws in page.object_list:
        ws.prerequisite_text = selectors.describe_prerequisites(ws, verdicts)
    return render(request, "evaluations/round_prerequisites.html", {
        "round": round_, "editable": editable, "verdicts": verdicts, "page": page, "q": search,
        "only_unmet": request.GET.get("syarat") == "belum", "query": query,
        "items": _items(definitions, records, verdicts, _history(round=round_), editable=editable, bound=bound),
    }, status=400 if bound is not None else 200)


@transaction.non_atomic_requests  # an upload is read and checked before any transaction (and lock) opens
@login_required
@require_http_methods(["GET", "POST"])
def worksheet_prerequisites(request, pk):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    editable = can_record_unit_prerequisites(request.user, worksheet)
    definitions = list(PrerequisiteDefinition.objects.filter(version_id=worksheet.round.version_id)
                       .order_by("level", "order"))
    bound = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Hanya TPI yang ditugaskan atau admin yang dapat mencatat syarat unit."))
        definition = _definition_or_404(worksheet.round.version_id, PrerequisiteDefinition.Level.UNIT,
                                        request.POST.get("definition"))
        try:
            bound = _record(request, definition, worksheet=worksheet)
        except PermissionDenied as exc:
            raise Http404 from exc
        if bound is None:
            return redirect(f"{request.path}#syarat-{definition.key}")
    ctx = selectors.readiness_context(worksheet.round.version)
    assessment = selectors.worksheet_assessment(worksheet, user=request.user, ctx=ctx)
    instansi_verdicts = selectors.instansi_prerequisites(worksheet.round, specs=ctx.prerequisites,
                                                         records=assessment.instansi_records)
    unit_verdicts = {p: selectors.unit_prerequisites(ctx, worksheet, assessment.records, predicate=p)
                     for p in (readiness.WBK, readiness.WBBM)}
    instansi_defs = [d for d in definitions if d.level == PrerequisiteDefinition.Level.INSTANSI]
    unit_defs = [d for d in definitions if d.level == PrerequisiteDefinition.Level.UNIT]
    return render(request, "evaluations/worksheet_prerequisites.html", {
        "worksheet": worksheet, "assessment": assessment, "editable": editable,
        "exemption": assessment.prerequisites.exemption,
        "is_pemda": worksheet.round.instansi.prerequisite_group == readiness.PEMDA,
        "instansi_items": _items(instansi_defs, assessment.instansi_records, instansi_verdicts, {}, editable=False),
        "unit_items": _items(unit_defs, assessment.records, unit_verdicts, _history(worksheet=worksheet),
                             suggested=fact_sources.suggested(worksheet.unit),
                             editable=editable, bound=bound),
        "can_see_round": can_review_round(request.user, worksheet.round),
    }, status=400 if bound is not None else 200)


def _evidence_response(record: PrerequisiteRecord):
    if not record.evidence_file:
        raise Http404
    try:
        handle = record.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Berkas tidak ditemukan di penyimpanan.")) from None
    response = FileResponse(handle, as_attachment=True, filename=record.evidence_name,
                            content_type=record.evidence_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def round_prerequisite_evidence(request, pk, record_id):
    """The instansi's evidence: everyone taking part in the round may read it (their units' pages
    show the instansi's prerequisites)."""
    round_ = get_round_for_user_or_404(request.user, pk)
    return _evidence_response(get_object_or_404(PrerequisiteRecord, pk=record_id, round=round_))


@login_required
@require_GET
def worksheet_prerequisite_evidence(request, pk, record_id):
    worksheet: Worksheet = get_worksheet_for_user_or_404(request.user, pk)
    return _evidence_response(get_object_or_404(PrerequisiteRecord, pk=record_id, worksheet=worksheet))
