"""The kertas kerja pages: the overview (scores, readiness, the panels each person may use, the
history), an area's questions, saving answers in place, evidence, submission, the admin's
assignment and deadline extensions.

Every view starts from ``get_worksheet_for_user_or_404``; writes go through services. Each write
works as htmx (the question's card comes back in place, with the area's totals out of band) and
as a plain form POST (redirect after success; the page re-rendered with the errors otherwise).
"""

from collections import Counter
from types import SimpleNamespace

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from units.people import display_name

from .. import carry_over, library, scoring, selectors, services, workflow
from .. import evidence as evidence_rules
from ..forms import (
    AnswerForm,
    DeadlineExtensionForm,
    DecisionForm,
    EvidenceLinkForm,
    EvidenceUploadForm,
    ReviewerAssignForm,
    SubmitForm,
)
from ..library_forms import AttachForm
from ..models import Answer, Evidence, Worksheet
from ..permissions import (
    answer_is_editable,
    can_edit,
    can_fill_in_for_unit,
    can_manage_library,
    can_review,
    can_see_tpi_values,
    get_round_for_user_or_404,
    get_worksheet_for_user_or_404,
    read_only_reason,
    review_closed_reason,
    workflow_roles,
)
from ._cards import CardSheet, area_or_404, card_url, find_row, question_or_404, save_card
from ._files import stream_version


def _area_url(worksheet, question):
    return card_url("evaluations:area_detail", worksheet, question)


def _results(worksheet, spec, *, with_tpi: bool):
    """The unit's result, and the TPI's when the person may see it and the TPI has given values."""
    sets = selectors.answers_by_worksheet([worksheet.pk]).get(worksheet.pk) or {s: {} for s in selectors.VALUE_SETS}
    unit = scoring.score(spec, sets["unit"])
    tpi = scoring.score(spec, sets["tpi"]) if with_tpi and selectors.has_tpi_values(sets) else None
    return unit, tpi


def _area_context(request, worksheet, area, override=None, *, indicator_id=None):
    """Everything the area page (or one question card) needs; ``override`` = {question id: (form, conflict)};
    ``indicator_id``: only that indicator's cards (a saved card's response), not the whole area's.

    Once the TPI has decided (returned or approved), the unit sees the TPI's result beside its own:
    per question (value, note, who and when), per indicator, part and area."""
    spec = selectors.template_spec(worksheet.round.version_id)
    sees_tpi = can_see_tpi_values(request.user, worksheet)
    result, tpi = _results(worksheet, spec, with_tpi=sees_tpi)
    editable = can_edit(request.user, worksheet)
    parts = selectors.area_rows(worksheet, area, result,
                                lambda a: editable and answer_is_editable(worksheet, a), tpi_result=tpi,
                                indicator_id=indicator_id)
    override = override or {}
    asked = request.GET.get("bukti", "")  # without JavaScript: the card whose evidence forms were asked for
    rows = [row for part in parts for ind in part["indicators"] for row in ind["rows"]]
    editable_rows = [row for row in rows if row.editable]
    hints = library.suggestions(worksheet, [r.question for r in editable_rows],
                                {r.question.pk: {e.document_id for e in r.evidence} for r in editable_rows}
                                ) if editable_rows else {}
    for row in rows:
        form, conflict = override.get(row.question.pk, (None, None))
        row.conflict = conflict
        if row.editable:
            row.form = form or _initial_form(row)
            row.suggestions = hints.get(row.question.pk, [])
            if asked == str(row.question.pk):
                _with_evidence_forms(row, unit=worksheet.unit)
    areas = [a for c in spec.components for a in c.areas]
    return {"worksheet": worksheet, "area": area, "parts": parts, "result": result,
            "show_tpi_notes": sees_tpi, "tpi_result": tpi, "tpi_area": tpi.areas[area.code] if tpi else None,
            "tpi_final": worksheet.status == Worksheet.Status.APPROVED,
            "area_score": result.areas[area.code], "areas": areas, "can_edit": editable,
            "bulk_evidence": editable and bool(editable_rows),
            "max_upload_mb": settings.EVIDENCE_MAX_UPLOAD_MB,
            "max_upload_bytes": settings.EVIDENCE_MAX_UPLOAD_MB * 1_048_576,
            "read_only_reason": read_only_reason(request.user, worksheet),
            "review_url": reverse("evaluations:review_area", args=[worksheet.pk, area.code])
            if can_review(request.user, worksheet) else "",
            "accept": ",".join(f".{e}" for e in evidence_rules.ALLOWED_EXTENSIONS)}


def _with_evidence_forms(row, refused_form=None, *, unit):
    """The card shows its forms for adding evidence (a refused one with its errors and typing);
    other cards load them when opened (evidence_forms)."""
    row.attach_form = refused_form if isinstance(refused_form, AttachForm) else AttachForm(
        unit=unit, question=row.question)
    row.upload_form = refused_form if isinstance(refused_form, EvidenceUploadForm) else EvidenceUploadForm(
        question=row.question)
    row.link_form = refused_form if isinstance(refused_form, EvidenceLinkForm) else EvidenceLinkForm(
        question=row.question)


def _initial_form(row):
    a = row.answer
    return AnswerForm(question=row.question, initial={
        "option": a.unit_option if a else "", "number": a.unit_number if a else None,
        "explanation": a.unit_explanation if a else "", "revision": a.revision if a else 0})


@login_required
@require_GET
def area_detail(request, pk, code):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    area = area_or_404(worksheet, code)
    return render(request, "evaluations/area_detail.html", _area_context(request, worksheet, area))


def _extension_forms(request, worksheet) -> dict:
    """The two deadline forms of the overview; one that was just refused comes back with what
    was typed and its errors beside the fields (kept in the session across the redirect)."""
    rejected = request.session.pop("extension_rejected", None)
    forms = {}
    for kind, name in (("fill", "extend_form"), ("review", "extend_review_form")):
        if rejected and rejected["ws"] == worksheet.pk and rejected["kind"] == kind:
            forms[name] = DeadlineExtensionForm(rejected["data"], kind=kind)
            forms[name].is_valid()
        else:
            forms[name] = DeadlineExtensionForm(kind=kind)
    return forms


def _extension_refused(request, worksheet, kind, form, message=""):
    messages.error(request, message or _("Perpanjangan belum disimpan: ") + _evidence_error(form))
    request.session["extension_rejected"] = {"ws": worksheet.pk, "kind": kind, "data": {
        k: request.POST.get(k, "") for k in form.fields}}
    return redirect(worksheet)


def _first_review_area(worksheet, last_return) -> str:
    """After a resubmission the review starts where the unit changed something; otherwise at area I."""
    if last_return is None or worksheet.status not in (Worksheet.Status.SUBMITTED, Worksheet.Status.IN_REVIEW):
        return "I"
    changed = selectors.changed_since_last_return(worksheet)
    return (Answer.objects.filter(pk__in=changed).order_by("question__order")
            .values_list("question__indicator__part__area__code", flat=True).first() or "I")


@login_required
def worksheet_detail(request, pk):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    assessment = selectors.worksheet_assessment(worksheet, user=request.user)
    spec = assessment.spec
    unit, tpi = assessment.unit, assessment.tpi
    sees_tpi = assessment.sees_tpi
    missing = selectors.worksheet_missing(worksheet)
    no_evidence_by_area = Counter(q.indicator.part.area.code for q in missing.no_evidence)
    unanswered_by_area = Counter(q.indicator.part.area.code for q in missing.unanswered)
    carried_by_area = Counter(q.indicator.part.area.code for q in missing.carried)
    components = []
    for comp in spec.components:
        areas = []
        for area in comp.areas:
            parts = [{"kind": p.kind, "unit": unit.parts[f"{area.code}.{p.kind}"],
                      "tpi": tpi.parts[f"{area.code}.{p.kind}"]} for p in area.parts]
            areas.append({"spec": area, "unit": unit.areas[area.code], "tpi": tpi.areas[area.code], "parts": parts,
                          "diff": tpi.areas[area.code].score - unit.areas[area.code].score,
                          "no_evidence": no_evidence_by_area[area.code],
                          "unanswered": unanswered_by_area[area.code], "carried": carried_by_area[area.code]})
        components.append({"spec": comp, "unit": unit.components[comp.code], "tpi": tpi.components[comp.code],
                           "areas": areas})
    events = selectors.events_visible_to(worksheet, sees_tpi=sees_tpi)
    my_roles = workflow_roles(request.user, worksheet)
    reviewer = bool(my_roles & {workflow.TPI, workflow.ADMIN})
    review_closed = review_closed_reason(worksheet) if reviewer else ""
    editable = can_edit(request.user, worksheet)
    flagged = []
    if worksheet.status == Worksheet.Status.RETURNED or (reviewer and worksheet.status == Worksheet.Status.IN_REVIEW):
        flagged = list(worksheet.answers.filter(needs_revision=True).select_related(
            "question__indicator__part__area").order_by("question__order"))
    last_return = next((e for e in events if e.to_status == Worksheet.Status.RETURNED), None)
    unchanged_flags = []
    if worksheet.status == Worksheet.Status.RETURNED:
        changed = selectors.changed_since_last_return(worksheet)
        unchanged_flags = [a for a in flagged if a.pk not in changed]
    reviewers = list(worksheet.reviewers.all()) if workflow.ADMIN in my_roles else []  # for the admin's form
    is_admin = workflow.ADMIN in my_roles
    round_open = worksheet.round.status == worksheet.round.Status.OPEN
    unit_turn = worksheet.status in workflow.UNIT_EDITABLE
    panels = {  # which panels this person sees: decided here, the templates only show them
        "returned": worksheet.status == Worksheet.Status.RETURNED,
        "decision": reviewer,
        "submit": unit_turn and (not reviewer or editable),
        "admin": is_admin,
        "assign": is_admin,
        "extend_review": is_admin and round_open and not unit_turn,
        "extend": is_admin and round_open,
    }
    return render(request, "evaluations/worksheet_detail.html", {
        "panels": panels,
        "worksheet": worksheet, "components": components, "unit": unit, "tpi": tpi,
        "show_tpi": assessment.show_tpi, "assessment": assessment,
        "is_reviewer": reviewer, "review_closed": review_closed,
        "actions": [] if review_closed else workflow.allowed_actions(worksheet.status, my_roles),
        "decision_form": DecisionForm(worksheet=worksheet, initial={
            "expected_status": worksheet.status,
            "comment": request.session.get("decision_comments", {}).get(str(worksheet.pk), "")}),
        "verdict": assessment.verdict, "events": events, "can_edit": editable, "my_roles": my_roles,
        "missing": missing, "flagged": flagged, "last_return": last_return, "unchanged_flags": unchanged_flags,
        "can_submit": editable and workflow.KEPALA in my_roles,
        "carry_source": carry_over.unit_may_start(request.user, worksheet) if editable else None,
        "library_url": reverse("evaluations:library_list", args=[worksheet.unit_id])
        if can_manage_library(request.user, worksheet.unit_id) or is_admin else "",
        "can_import": editable or can_fill_in_for_unit(request.user, worksheet),
        "is_admin": workflow.ADMIN in my_roles,
        "submit_form": SubmitForm(), **_extension_forms(request, worksheet),
        "assign_form": ReviewerAssignForm(members=services.tpi_members(worksheet.unit.instansi_id,
                                                                       unit_id=worksheet.unit_id),
                                          initial={"reviewers": reviewers}) if workflow.ADMIN in my_roles else None,
        "reviewers": reviewers,
        "conflicted_tpi": list(services.conflicted_tpi_members(worksheet.unit.instansi_id, worksheet.unit_id))
        if workflow.ADMIN in my_roles else [],
        "read_only_reason": read_only_reason(request.user, worksheet),
        "review_url": reverse("evaluations:review_area", args=[worksheet.pk, _first_review_area(worksheet, last_return)])
        if reviewer else "",
    })


def _respond_question(request, worksheet, question, override=None, status=200, evidence_error="",
                      evidence_form=None, rejected=None):
    """htmx: the question card plus its indicator, part and area totals (out of band).
    ``evidence_form``: an evidence form that was refused, shown again with its errors and typing."""
    context = _area_context(request, worksheet, question.indicator.part.area, override,
                            indicator_id=question.indicator_id)
    part, ind, row = find_row(context, question.pk)
    row.evidence_error, row.rejected = evidence_error, rejected
    if row.editable and (evidence_form is not None or evidence_error):
        _with_evidence_forms(row, evidence_form, unit=worksheet.unit)
    context.update({"part_entry": part, "ind": ind, "row": row, "oob": True})
    return render(request, "evaluations/_question_response.html", context, status=status)


def _unit_save(request, worksheet, question, form):
    option, number = form.cleaned_value()
    services.answer_save(user=request.user, worksheet=worksheet, question=question, option=option, number=number,
                         explanation=form.cleaned_data["explanation"], revision=form.cleaned_data["revision"])


UNIT_SHEET = CardSheet(
    form_class=AnswerForm, save=_unit_save, respond=lambda *a, **k: _respond_question(*a, **k),
    context=lambda *a: _area_context(*a), template="evaluations/area_detail.html",
    url_name="evaluations:area_detail", typed="explanation", saved=gettext_lazy("Jawaban %(key)s tersimpan."),
    reason=lambda request, worksheet, exc: read_only_reason(request.user, worksheet) or _("Jawaban ini terkunci."))


@login_required
@require_POST
def answer_save(request, pk, question_id):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    return save_card(request, worksheet, question_or_404(worksheet, question_id), UNIT_SHEET)


def _evidence_response(request, worksheet, question, *, form=None, refused="", status=200):
    """htmx: the question card — a form that was not accepted shown again with its errors beside
    its fields, a refusal as 403 so the status says what happened; otherwise back to the area."""
    failed = form is not None and form.errors
    if request.htmx:
        return _respond_question(request, worksheet, question, evidence_error=refused,
                                 evidence_form=form if failed else None, status=status)
    if failed or refused:
        messages.error(request, refused or _evidence_error(form))
    return redirect(_area_url(worksheet, question))


def _evidence_error(form):
    return " ".join(dict.fromkeys(str(e) for errors in form.errors.values() for e in errors))


@transaction.non_atomic_requests  # an upload is read and checked before any transaction (and lock) opens
@login_required
@require_POST
def evidence_upload(request, pk, question_id):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    question = question_or_404(worksheet, question_id)
    form = EvidenceUploadForm(request.POST, request.FILES, question=question)
    if not form.is_valid():
        return _evidence_response(request, worksheet, question, form=form)
    try:
        library.evidence_add_file(user=request.user, worksheet=worksheet, question=question,
                                   upload=form.cleaned_data["file"], description=form.cleaned_data["description"])
    except evidence_rules.EvidenceError as exc:
        form.add_error("file", str(exc))
        return _evidence_response(request, worksheet, question, form=form)
    except PermissionDenied as exc:
        return _evidence_response(request, worksheet, question, refused=str(exc), status=403)
    if not request.htmx:
        messages.success(request, _("Bukti dukung diunggah."))
    return _evidence_response(request, worksheet, question)


@login_required
@require_POST
def evidence_link(request, pk, question_id):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    question = question_or_404(worksheet, question_id)
    form = EvidenceLinkForm(request.POST, question=question)
    if not form.is_valid():
        return _evidence_response(request, worksheet, question, form=form)
    try:
        library.evidence_add_link(user=request.user, worksheet=worksheet, question=question,
                                   url=form.cleaned_data["url"], description=form.cleaned_data["description"])
    except PermissionDenied as exc:
        return _evidence_response(request, worksheet, question, refused=str(exc), status=403)
    if not request.htmx:
        messages.success(request, _("Tautan bukti dukung ditambahkan."))
    return _evidence_response(request, worksheet, question)


@login_required
@require_GET
def evidence_forms(request, pk, question_id):
    """The forms for adding evidence to one card, fetched when its "Tambah bukti dukung" is opened."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    question = question_or_404(worksheet, question_id)
    answer = Answer.objects.filter(worksheet=worksheet, question=question).first()
    if not (can_edit(request.user, worksheet) and answer_is_editable(worksheet, answer)):
        raise PermissionDenied(read_only_reason(request.user, worksheet) or _("Jawaban ini terkunci."))
    row = SimpleNamespace(question=question)
    _with_evidence_forms(row, unit=worksheet.unit)
    return render(request, "evaluations/_evidence_add.html", {"worksheet": worksheet, "q": question, "row": row})


def _evidence_or_404(worksheet, evidence_id):
    return get_object_or_404(Evidence.objects.select_related("answer__question__indicator__part__area",
                                                              "document__current", "version"),
                             pk=evidence_id, answer__worksheet=worksheet)


@login_required
@require_POST
def evidence_delete(request, pk, evidence_id):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    item = _evidence_or_404(worksheet, evidence_id)
    question = item.answer.question
    try:
        library.evidence_remove(user=request.user, worksheet=worksheet, item=item)
    except PermissionDenied as exc:
        return _evidence_response(request, worksheet, question, refused=str(exc), status=403)
    if not request.htmx:
        messages.success(request, _("Bukti dukung dilepas dari pertanyaan ini; dokumennya tetap di pustaka."))
    return _evidence_response(request, worksheet, question)


@login_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})  # the in-page preview frames it; no one else may
def evidence_download(request, pk, evidence_id):
    """Stream an evidence file to someone who may see the worksheet; never a public URL."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    item = _evidence_or_404(worksheet, evidence_id)
    version = item.version or item.document.current  # the version this answer rests on
    if not item.document.is_file or version is None:
        raise Http404
    return stream_version(request, version)


@login_required
@require_POST
def worksheet_submit(request, pk):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.worksheet_submit(user=request.user, worksheet=worksheet,
                                  comment=form.cleaned_data.get("comment", ""))
    except services.IncompleteError as exc:
        missing = exc.missing
        parts = [text % {"n": len(items)} for text, items in (
            (_("%(n)d pertanyaan belum dijawab"), missing.unanswered),
            (_("%(n)d pertanyaan belum memiliki bukti dukung"), missing.no_evidence),
            (_("%(n)d jawaban dari periode sebelumnya belum diperiksa"), missing.carried)) if items]
        messages.error(request, _("Kertas kerja belum dapat diajukan: %(what)s. Rinciannya ada di bawah.") % {
            "what": "; ".join(parts)})
    except (PermissionDenied, services.Refused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Kertas kerja telah diajukan kepada TPI. Isian kini hanya dapat dibaca."))
    return redirect(worksheet)


@login_required
@require_POST
def worksheet_assign(request, pk):
    """The instansi's admin assigns TPI members to a worksheet (hidden from everyone else)."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    form = ReviewerAssignForm(request.POST, members=services.tpi_members(worksheet.unit.instansi_id))
    if not form.is_valid():
        messages.error(request, _("Penugasan belum disimpan: ") + _evidence_error(form))
        return redirect(worksheet)
    try:
        services.worksheet_assign_reviewers(user=request.user, worksheet=worksheet,
                                            reviewers=list(form.cleaned_data["reviewers"]))
    except services.Refused as exc:  # e.g. the unit's own kepala chosen as its reviewer
        messages.error(request, _("Penugasan belum disimpan: %(reason)s") % {"reason": exc})
        return redirect(worksheet)
    except PermissionDenied as exc:
        raise Http404 from exc
    names = ", ".join(display_name(u) for u in form.cleaned_data["reviewers"])
    messages.success(request, _("Anggota TPI kertas kerja ini: %(names)s.") % {"names": names} if names else
                     _("Kertas kerja ini kini tidak memiliki anggota TPI."))
    return redirect(worksheet)


@login_required
@require_POST
def worksheet_extend(request, pk):
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    form = DeadlineExtensionForm(request.POST, kind="fill")
    if not form.is_valid():
        return _extension_refused(request, worksheet, "fill", form)
    try:
        services.worksheet_extend_deadline(user=request.user, worksheet=worksheet, until=form.cleaned_data["until"],
                                           comment=form.cleaned_data["comment"])
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("Batas pengisian unit ini diperpanjang."))
    return redirect(worksheet)


@login_required
@require_POST
def worksheet_extend_review(request, pk):
    """The instansi's admin gives the TPI more time on one unit (hidden from everyone else)."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    form = DeadlineExtensionForm(request.POST, kind="review")
    if not form.is_valid():
        return _extension_refused(request, worksheet, "review", form)
    try:
        services.worksheet_extend_review(user=request.user, worksheet=worksheet, until=form.cleaned_data["until"],
                                         comment=form.cleaned_data["comment"])
    except services.Refused as exc:
        return _extension_refused(request, worksheet, "review", form, str(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("Batas penilaian TPI untuk unit ini diperpanjang."))
    return redirect(worksheet)


@login_required
@require_POST
def worksheet_carry_over(request, pk):
    """The unit starts its empty worksheet from its previous round (answers, explanations, evidence)."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    try:
        result = carry_over.worksheet_start_from_previous(user=request.user, worksheet=worksheet)
    except (PermissionDenied, services.Refused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Kertas kerja dimulai dari %(round)s: %(a)d jawaban dan %(e)d bukti dukung "
                                    "dibawa. Setiap jawaban bertanda “dari periode sebelumnya — periksa kembali” "
                                    "sampai disimpan; kepala unit baru dapat mengajukan setelah semuanya "
                                    "diperiksa.") % {"round": result.source.round.name, "a": result.answers,
                                                     "e": result.evidence})
    return redirect(worksheet)


@login_required
@require_POST
def round_carry_over(request, pk):
    """An admin starts every empty worksheet of the round from its previous round, in the background."""
    round_ = get_round_for_user_or_404(request.user, pk)
    try:
        job = carry_over.round_carry_over_request(user=request.user, round_=round_)
    except (PermissionDenied, services.Refused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Dijadwalkan di latar belakang: dari %(n)d kertas kerja berstatus pengisian, "
                                    "yang masih kosong dimulai dari periode sebelumnya; yang sudah berisi "
                                    "dilewati. Kemajuannya tampil di halaman ini.") % {"n": job.total_units})
    return redirect("evaluations:round_detail", round_.pk)
