"""Pages: each starts from the user (permissions helpers), reads through selectors."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from units.permissions import user_roles

from .. import selectors, services, workflow
from ..forms import DeadlineExtensionForm, DecisionForm, ReviewerAssignForm, SubmitForm
from ..models import Answer, Round, Worksheet
from ..permissions import (
    can_edit,
    can_fill_in_for_unit,
    get_worksheet_for_user_or_404,
    read_only_reason,
    review_closed_reason,
    rounds_for_user,
    workflow_roles,
    worksheets_for_user,
)


@login_required
def home(request):
    """Take each role where it works: admin → rounds, TPI → review queue, unit staff → worksheet."""
    roles = user_roles(request.user)
    if roles.landing == "admin":
        current = rounds_for_user(request.user).open().first()
        return redirect("evaluations:round_detail", current.pk) if current else redirect("evaluations:round_list")
    if roles.landing == "tpi":
        return redirect("evaluations:review_queue")
    if roles.landing == "unit":
        mine = worksheets_for_user(request.user).filter(unit_id__in=roles.unit_ids)
        current = mine.filter(round__status=Round.Status.OPEN).order_by("-round__year", "unit__name")
        if current.count() == 1:
            return redirect(current.get())
        return redirect("evaluations:my_worksheets")
    return render(request, "evaluations/no_role.html")


@login_required
def my_worksheets(request):
    roles = user_roles(request.user)
    worksheets = (worksheets_for_user(request.user).filter(unit_id__in=roles.unit_ids)
                  .select_related("round", "unit").order_by("-round__year", "unit__name"))
    return render(request, "evaluations/my_worksheets.html", {"worksheets": worksheets})


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
    ctx = selectors.readiness_context(worksheet.round.version)
    spec = ctx.spec
    assessment = selectors.worksheet_assessment(worksheet, user=request.user, ctx=ctx)
    unit, tpi = assessment.unit, assessment.tpi
    sees_tpi = assessment.sees_tpi
    missing = selectors.worksheet_missing(worksheet)
    no_evidence_by_area = Counter(q.indicator.part.area.code for q in missing.no_evidence)
    unanswered_by_area = Counter(q.indicator.part.area.code for q in missing.unanswered)
    components = []
    for comp in spec.components:
        areas = []
        for area in comp.areas:
            parts = [{"kind": p.kind, "unit": unit.parts[f"{area.code}.{p.kind}"],
                      "tpi": tpi.parts[f"{area.code}.{p.kind}"]} for p in area.parts]
            areas.append({"spec": area, "unit": unit.areas[area.code], "tpi": tpi.areas[area.code], "parts": parts,
                          "diff": tpi.areas[area.code].score - unit.areas[area.code].score,
                          "no_evidence": no_evidence_by_area[area.code],
                          "unanswered": unanswered_by_area[area.code]})
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
    return render(request, "evaluations/worksheet_detail.html", {
        "worksheet": worksheet, "components": components, "unit": unit, "tpi": tpi,
        "show_tpi": assessment.show_tpi, "assessment": assessment,
        "is_reviewer": reviewer, "review_closed": review_closed,
        "actions": [] if review_closed else workflow.allowed_actions(worksheet.status, my_roles),
        "decision_form": DecisionForm(initial={"expected_status": worksheet.status}),
        "decision_comment": request.session.get("decision_comments", {}).get(str(worksheet.pk), ""),
        "verdict": assessment.verdict, "events": events, "can_edit": editable, "my_roles": my_roles,
        "missing": missing, "flagged": flagged, "last_return": last_return, "unchanged_flags": unchanged_flags,
        "can_submit": editable and workflow.KEPALA in my_roles,
        "can_import": editable or can_fill_in_for_unit(request.user, worksheet),
        "is_admin": workflow.ADMIN in my_roles,
        "submit_form": SubmitForm(), "extend_form": DeadlineExtensionForm(),
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


ACTION = "aksi"  # the default tab: submitted or in review, waiting for the TPI
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
    page = Paginator(worksheets, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    shown = [(value, label, counts.get(value, 0)) for value, label in Worksheet.Status.choices
             if value != Worksheet.Status.DRAFT or roles.is_admin]
    return render(request, "evaluations/review_queue.html", {
        "page": page, "worksheets": page.object_list, "status": status, "q": q, "query": params.urlencode(),
        "statuses": shown, "n_waiting": sum(counts.get(s, 0) for s in waiting), "n_all": sum(counts.values()),
        "n_unassigned": n_unassigned, "is_admin": roles.is_admin,
    })


@login_required
def round_list(request):
    rounds = rounds_for_user(request.user).select_related("version", "instansi")
    return render(request, "evaluations/round_list.html", {"rounds": rounds})
