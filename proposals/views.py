"""Pages of the proposal, the TPN's evaluation, self-evaluation and predicates. Every view starts
from the user (``permissions``); a write is an admin's (``services`` checks again)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluations import imports
from evaluations.forms import WorkbookUploadForm
from evaluations.models import Answer, Kawasan, Question, Worksheet
from evaluations.permissions import can_see_tpi_values, get_worksheet_for_user_or_404
from evaluations.services import TpnValuesRefused, tpn_values_set
from evaluations.views.excel import _where

from . import docs, rules, selectors, services
from .forms import (
    AuthorityForm,
    EarlierAwardForm,
    IntegrationForm,
    PanelForm,
    ProposalForm,
    ReevaluationForm,
    ResultForm,
    RevokeForm,
    StageForm,
    TemplateForm,
    TpnValuesForm,
)
from .models import Award, DocumentTemplate, Event, IntegrationScore, Nominee, Proposal
from .permissions import (
    get_award_or_404,
    get_instansi_or_404,
    get_nominee_or_404,
    get_proposal_or_404,
    get_round_or_404,
    get_unit_or_404,
    is_admin_of,
    is_staff_of,
    visible_unit_ids,
)

TPN_SESSION = "tpn_import"


def _admin_or_403(request, instansi_id):
    if not is_admin_of(request.user, instansi_id):
        raise PermissionDenied(services.NOT_ADMIN)


def _docx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=docs.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _stored(field, name=None):
    if not field:
        raise Http404(_("Berkas belum ada."))
    try:
        handle = default_storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404(_("Berkas tidak ditemukan.")) from None
    response = FileResponse(handle, as_attachment=True, filename=name or field.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- the instansi


@login_required
@require_GET
def instansi_page(request, instansi_id):
    """The instansi's predicates (with re-evaluation dates and reminders), its rounds' proposals,
    its authority to self-evaluate and its document templates."""
    instansi = get_instansi_or_404(request.user, instansi_id)
    return _instansi_page(request, instansi)


def _instansi_page(request, instansi, *, forms=None, status=200):
    is_admin = is_admin_of(request.user, instansi.pk)
    visible = visible_unit_ids(request.user, instansi.pk)
    awards = (Award.objects.filter(Q(unit__instansi=instansi) | Q(kawasan__instansi=instansi))
              .select_related("unit", "kawasan").order_by("revoked_on", "-decree_date", "pk"))
    due = selectors.due_reevaluations(instansi.pk)
    if visible is not None:  # a TPI member: the units they review
        awards = awards.filter(unit_id__in=visible)
        due = [a for a in due if a.unit_id in visible]
    page = Paginator(awards, 50).get_page(request.GET.get("page"))
    forms = forms or {}
    for a in page.object_list:  # a kawasan's predicate is kept here (a unit's on its own page)
        if is_admin and a.kawasan_id and a.active:
            a.revoke_form = forms.get(f"a{a.pk}") or RevokeForm(prefix=f"a{a.pk}")
            if a.current:
                a.reevaluation_form = forms.get(f"e{a.pk}") or ReevaluationForm(prefix=f"e{a.pk}")
    authority = selectors.is_authorised(instansi.pk)
    if is_admin:
        forms.setdefault("authority", AuthorityForm(initial={
            "authorised": bool(authority), "reference": authority.reference if authority else "",
            "since": authority.since if authority else None}))
        forms.setdefault("template", TemplateForm())
    rounds = list(instansi.rounds.order_by("-year", "name")[:10])
    templates = {kind: selectors.template_for(instansi.pk, kind) for kind in docs.DEFAULTS}
    return render(request, "proposals/instansi.html", {
        "instansi": instansi, "is_admin": is_admin, "page": page, "authority": authority, "forms": forms,
        "due": due, "rounds": rounds,
        "templates": [(kind, label, templates[kind]) for kind, label in
                      DocumentTemplate.Kind.choices],
        "events": list(Event.objects.filter(instansi=instansi).select_related("actor", "unit", "kawasan")
                       .order_by("-created_at", "-pk")[:15]) if is_admin else [],
    }, status=status)


@login_required
@require_POST
def authority_save(request, instansi_id):
    instansi = get_instansi_or_404(request.user, instansi_id)
    _admin_or_403(request, instansi.pk)
    form = AuthorityForm(request.POST)
    if form.is_valid():
        try:
            services.authority_set(user=request.user, instansi=instansi, authorised=form.cleaned_data["authorised"],
                                   reference=form.cleaned_data["reference"], since=form.cleaned_data["since"])
        except services.Refused as exc:
            form.add_error("reference", str(exc))
        else:
            messages.success(request, _("Kewenangan evaluasi mandiri dicatat."))
            return redirect("proposals:instansi", instansi.pk)
    return _instansi_page(request, instansi, forms={"authority": form}, status=400)


@login_required
@require_POST
def template_upload(request, instansi_id):
    instansi = get_instansi_or_404(request.user, instansi_id)
    _admin_or_403(request, instansi.pk)
    form = TemplateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.template_upload(user=request.user, instansi=instansi, kind=form.cleaned_data["kind"],
                                     upload=form.cleaned_data["file"])
        except docs.TemplateProblem as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Templat disimpan; dokumen berikutnya memakai templat ini."))
            return redirect(reverse("proposals:instansi", args=[instansi.pk]) + "#templat")
    return _instansi_page(request, instansi, forms={"template": form}, status=400)


@login_required
@require_GET
def template_download(request, instansi_id, kind):
    instansi = get_instansi_or_404(request.user, instansi_id)
    if kind not in docs.DEFAULTS:
        raise Http404
    own = selectors.template_for(instansi.pk, kind)
    if own:
        return _stored(own.file, own.name)
    return _docx(docs.default_path(kind).read_bytes(), docs.DEFAULTS[kind])


@login_required
@require_GET
def calibration(request, instansi_id):
    """The TPI against the TPN: per area, indicator and question, for every year or one; per unit."""
    instansi = get_instansi_or_404(request.user, instansi_id)
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdecimal() and len(unit_id) < 10 else None
    year = request.GET.get("tahun", "")
    year = int(year) if year.isdecimal() and len(year) == 4 else None
    data = selectors.calibration(instansi.pk, unit_id=unit_id, year=year)
    visible = visible_unit_ids(request.user, instansi.pk)
    if unit_id and visible is not None and unit_id not in visible:
        raise Http404  # a TPI member: one unit at a time only for the units they review
    units = list(Nominee.objects.filter(proposal__round__instansi=instansi, worksheet__isnull=False)
                 .values_list("unit_id", "unit__name").distinct().order_by("unit__name"))
    if visible is not None:
        units = [(pk, name) for pk, name in units if pk in visible]
    return render(request, "proposals/calibration.html", {
        "instansi": instansi, "data": data, "unit_id": unit_id, "year": year, "units": units,
        "unit_name": dict(units).get(unit_id, "")})


# --------------------------------------------------------------------------- a round's proposal


@login_required
@require_GET
def round_page(request, round_id):
    round_ = get_round_or_404(request.user, round_id)
    return _round_page(request, round_)


def _round_page(request, round_, *, forms=None, status=200):
    is_admin = is_admin_of(request.user, round_.instansi_id)
    visible = visible_unit_ids(request.user, round_.instansi_id)
    authority = selectors.is_authorised(round_.instansi_id)
    tpn = selectors.candidates(round_, Proposal.Route.TPN)
    mandiri = selectors.candidates(round_, Proposal.Route.MANDIRI) if authority else []
    kawasan = selectors.kawasan_candidates(round_) if is_admin else []  # judged on all of its units
    proposals = selectors.proposals_of(round_)
    for p in proposals:
        p.shown = [n for n in p.nominees.all() if visible is None or n.unit_id in visible]
    if visible is not None:  # a TPI member: the units they review
        tpn = [c for c in tpn if c.unit_id in visible]
        mandiri = [c for c in mandiri if c.unit_id in visible]
        proposals = [p for p in proposals if p.shown]
    forms = forms or {}
    if is_admin:
        last = Proposal.objects.filter(round__instansi_id=round_.instansi_id).order_by("-created_at").first()
        initial = {"signatory_name": last.signatory_name, "signatory_title": last.signatory_title,
                   "signatory_nip": last.signatory_nip} if last else {}
        forms.setdefault("tpn", ProposalForm(prefix="tpn", initial=initial, units=[c for c in tpn if not c.blocked],
                                             kawasan=[k for k in kawasan if k.ready]))
        if authority:
            forms.setdefault("mandiri", ProposalForm(prefix="mandiri", initial=initial,
                                                     units=[c for c in mandiri if not c.blocked]))
        for k in kawasan:
            k.form = forms.get(f"k{k.kawasan.pk}") or IntegrationForm(prefix=f"k{k.kawasan.pk}")
    statuses = dict(Worksheet.objects.filter(round=round_).order_by().values("status")
                    .annotate(n=Count("pk"))
                    .values_list("status", "n"))
    return render(request, "proposals/round.html", {
        "round": round_, "is_admin": is_admin, "authority": authority, "tpn": tpn, "mandiri": mandiri,
        "kawasan": kawasan, "proposals": proposals, "forms": forms,
        "days_left": selectors.days_left(round_), "approved": statuses.get(Worksheet.Status.APPROVED, 0),
        "total": sum(statuses.values()), "ready": sum(1 for c in tpn if not c.blocked),
    }, status=status)


@login_required
@require_POST
def propose(request, round_id):
    round_ = get_round_or_404(request.user, round_id)
    _admin_or_403(request, round_.instansi_id)
    route = request.POST.get("route", Proposal.Route.TPN)
    if route not in Proposal.Route.values:
        raise Http404
    units = [c for c in selectors.candidates(round_, route) if not c.blocked]
    kawasan = [k for k in selectors.kawasan_candidates(round_) if k.ready] if route == Proposal.Route.TPN else []
    form = ProposalForm(request.POST, prefix=route, units=units, kawasan=kawasan)
    if form.is_valid():
        d = form.cleaned_data
        try:
            proposal = services.proposal_create(
                user=request.user, round_=round_, route=route, unit_ids=d["units"], kawasan_ids=d["kawasan"],
                letter_number=d["letter_number"], letter_date=d["letter_date"], signatory_name=d["signatory_name"],
                signatory_title=d["signatory_title"], signatory_nip=d["signatory_nip"])
        except (services.Refused, docs.TemplateProblem) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Usulan dicatat; surat dan pernyataan siap diunduh dan disunting.")
                             if route == Proposal.Route.TPN else
                             _("Usulan evaluasi mandiri dicatat; catat keputusan panel setelah sidang."))
            return redirect("proposals:proposal", proposal.pk)
    return _round_page(request, round_, forms={route: form}, status=400)


@login_required
@require_POST
def integration_save(request, round_id, kawasan_id):
    round_ = get_round_or_404(request.user, round_id)
    _admin_or_403(request, round_.instansi_id)
    try:
        kawasan = Kawasan.objects.get(pk=kawasan_id, instansi_id=round_.instansi_id)
    except Kawasan.DoesNotExist:
        raise Http404 from None
    prefix = f"k{kawasan.pk}"
    form = IntegrationForm(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.integration_record(user=request.user, round_=round_, kawasan=kawasan, score=d["score"],
                                        note=d["note"], upload=d["file"], url=d["url"])
        except services.Refused as exc:
            form.add_error("score", str(exc))
        else:
            messages.success(request, _("Nilai integrasi %(k)s dicatat.") % {"k": kawasan.name})
            return redirect(reverse("proposals:round", args=[round_.pk]) + "#kawasan")
    return _round_page(request, round_, forms={prefix: form}, status=400)


# --------------------------------------------------------------------------- one proposal


@login_required
@require_GET
def proposal_page(request, proposal_id):
    proposal = get_proposal_or_404(request.user, proposal_id)
    return _proposal_page(request, proposal)


def _proposal_page(request, proposal, *, forms=None, status=200):
    is_admin = is_admin_of(request.user, proposal.round.instansi_id)
    visible = visible_unit_ids(request.user, proposal.round.instansi_id)
    nominees = list(proposal.nominees.select_related("unit", "kawasan", "worksheet", "award")
                    .prefetch_related("stages__recorded_by").order_by("kawasan_id", "unit__name", "pk"))
    if visible is not None:  # a TPI member: the units they review
        nominees = [n for n in nominees if n.unit_id in visible]
        if not nominees:
            raise Http404("Usulan tidak ditemukan.")
    tpn_totals = selectors.tpn_totals([n.worksheet_id for n in nominees if n.worksheet_id])
    forms = forms or {}
    final = (Nominee.Status.AWARDED, Nominee.Status.NOT_AWARDED)
    for n in nominees:
        n.tpn_total = tpn_totals.get(n.worksheet_id)
        if is_admin and proposal.route == Proposal.Route.TPN and n.status not in final:
            n.stage_form = forms.get(f"stage{n.pk}") or StageForm(prefix=f"s{n.pk}")
            n.result_form = forms.get(f"result{n.pk}") or ResultForm(prefix=f"r{n.pk}")
    panel_form = None
    if is_admin and proposal.route == Proposal.Route.MANDIRI and not proposal.decided_at:
        panel_form = forms.get("panel") or PanelForm(nominees=nominees)
    return render(request, "proposals/proposal.html", {
        "proposal": proposal, "round": proposal.round, "is_admin": is_admin, "nominees": nominees,
        "panel_form": panel_form, "events": list(proposal.events.select_related("actor", "unit", "kawasan")
                                                 .order_by("-created_at", "-pk")[:30]) if is_admin else [],
    }, status=status)


@login_required
@require_GET
def proposal_document(request, proposal_id, kind):
    proposal = get_proposal_or_404(request.user, proposal_id)
    _admin_or_403(request, proposal.round.instansi_id)  # the letter names every unit proposed
    field = {"surat": proposal.letter_file, "pernyataan": proposal.statement_file}.get(kind)
    if field is None:
        raise Http404
    return _stored(field)


@login_required
@require_POST
def documents_rebuild(request, proposal_id):
    proposal = get_proposal_or_404(request.user, proposal_id)
    _admin_or_403(request, proposal.round.instansi_id)
    try:
        services.documents_rebuild(user=request.user, proposal=proposal)
    except docs.TemplateProblem as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Dokumen dibuat ulang dari templat yang berlaku."))
    return redirect("proposals:proposal", proposal.pk)


@login_required
@require_POST
def stage_save(request, nominee_id):
    nominee = get_nominee_or_404(request.user, nominee_id)
    _admin_or_403(request, nominee.proposal.round.instansi_id)
    form = StageForm(request.POST, prefix=f"s{nominee.pk}")
    if form.is_valid():
        try:
            services.stage_record(user=request.user, nominee=nominee, **form.cleaned_data)
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Tahap TPN %(u)s dicatat.") % {"u": nominee.name})
            return redirect(reverse("proposals:proposal", args=[nominee.proposal_id]) + f"#n{nominee.pk}")
    return _proposal_page(request, nominee.proposal, forms={f"stage{nominee.pk}": form}, status=400)


@login_required
@require_POST
def result_save(request, nominee_id):
    nominee = get_nominee_or_404(request.user, nominee_id)
    _admin_or_403(request, nominee.proposal.round.instansi_id)
    form = ResultForm(request.POST, request.FILES, prefix=f"r{nominee.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.result_record(user=request.user, nominee=nominee, awarded=d["awarded"],
                                   decree_number=d["decree_number"], decree_date=d["decree_date"], year=d["year"],
                                   upload=d["document"], recommendations=d["recommendations"])
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Hasil evaluasi %(u)s dicatat.") % {"u": nominee.name})
            return redirect(reverse("proposals:proposal", args=[nominee.proposal_id]) + f"#n{nominee.pk}")
    return _proposal_page(request, nominee.proposal, forms={f"result{nominee.pk}": form}, status=400)


@login_required
@require_POST
def panel_save(request, proposal_id):
    proposal = get_proposal_or_404(request.user, proposal_id)
    _admin_or_403(request, proposal.round.instansi_id)
    nominees = list(proposal.nominees.select_related("unit").order_by("unit__name"))
    form = PanelForm(request.POST, nominees=nominees)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.panel_decide(user=request.user, proposal=proposal, members=d["members"],
                                  panel_date=d["panel_date"], decree_number=d["decree_number"],
                                  decree_date=d["decree_date"], decisions=form.decisions())
        except (services.Refused, docs.TemplateProblem) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Keputusan panel dicatat; SK penetapan siap diunduh untuk ditandatangani."))
            return redirect("proposals:proposal", proposal.pk)
    return _proposal_page(request, proposal, forms={"panel": form}, status=400)


# --------------------------------------------------------------------------- the TPN's values


def _tpn_nominee(request, nominee_id):
    nominee = get_nominee_or_404(request.user, nominee_id)
    _admin_or_403(request, nominee.proposal.round.instansi_id)
    if not nominee.worksheet_id:
        raise Http404(_("Nilai TPN per butir dicatat untuk unit, bukan kawasan."))
    return nominee


def _questions(worksheet):
    return list(Question.objects.filter(version_id=worksheet.round.version_id)
                .select_related("indicator__part__area").order_by("order"))


@login_required
@require_http_methods(["GET", "POST"])
def tpn_values(request, nominee_id):
    """The TPN's value per question, typed from its LKE/LHE; all saved or none."""
    nominee = _tpn_nominee(request, nominee_id)
    ws = nominee.worksheet
    questions = _questions(ws)
    current = {a.question_id: (a.tpn_option, a.tpn_number) for a in Answer.objects.filter(worksheet=ws)}
    form = TpnValuesForm(request.POST or None, questions=questions, initial_values=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                n = tpn_values_set(user=request.user, worksheet=ws, rows=form.rows(),
                                   comment=_("Diisi dari hasil TPN"))
            except TpnValuesRefused as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, _("%(n)d nilai TPN disimpan.") % {"n": n})
                return redirect("proposals:proposal", nominee.proposal_id)
        status = 400
    others = {a.question_id: a for a in Answer.objects.filter(worksheet=ws)}
    rows = [{"question": q, "where": _where(q), "field": form[f"q{q.pk}"], "answer": others.get(q.pk)}
            for q in form.questions]
    return render(request, "proposals/tpn_values.html", {"nominee": nominee, "form": form, "rows": rows},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tpn_import(request, nominee_id):
    """The TPN's LKE workbook (its answers in the answer column) → a preview → all applied or none,
    as the unit's own import."""
    nominee = _tpn_nominee(request, nominee_id)
    ws = nominee.worksheet
    context = {"nominee": nominee, "form": WorkbookUploadForm()}
    if request.method == "POST" and request.POST.get("apply"):
        stored = request.session.get(TPN_SESSION) or {}
        if stored.get("worksheet") != ws.pk:
            messages.error(request, _("Pratinjau tidak ditemukan; unggah berkasnya lagi."))
            return redirect("proposals:tpn_import", nominee.pk)
        try:
            n = tpn_values_set(user=request.user, worksheet=ws, rows=stored["rows"],
                               comment=_("Impor LKE TPN dari berkas Excel"))
        except TpnValuesRefused as exc:
            context["refused"] = exc.reasons
            return render(request, "proposals/tpn_import.html", context, status=400)
        request.session.pop(TPN_SESSION, None)
        messages.success(request, _("%(n)d nilai TPN diimpor.") % {"n": n})
        return redirect("proposals:proposal", nominee.proposal_id)
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            questions = _questions(ws)
            result = imports.parse(form.cleaned_data["file"], [
                imports.ImportQuestion(q.key, q.text, q.answer_type, q.formula, where=_where(q)) for q in questions])
            context["result"] = result
            if result.ok:
                by_key = {q.key: q for q in questions}
                current = {a.question_id: (a.tpn_option, a.tpn_number) for a in Answer.objects.filter(worksheet=ws)}
                changes = []
                for row in result.rows:
                    q = by_key[row.key]
                    old = current.get(q.pk, ("", None))
                    if old != (row.option, row.number):
                        changes.append({"question": q, "where": _where(q), "row": row.row,
                                        "old": old[0] or ("—" if old[1] is None else old[1]),
                                        "new": row.option or row.number,
                                        "data": {"key": q.key, "option": row.option,
                                                 "number": None if row.number is None else str(row.number)}})
                request.session[TPN_SESSION] = {"worksheet": ws.pk, "rows": [c["data"] for c in changes]}
                unit_values = {a.question_id: (a.unit_option, a.unit_number) for a in Answer.objects.filter(worksheet=ws)}
                same = sum(1 for row in result.rows if unit_values.get(by_key[row.key].pk) == (row.option, row.number))
                context.update({"changes": changes, "unchanged": len(result.rows) - len(changes),
                                # the unit's own answers in column K (its LKE, not the TPN's)? said before applying
                                "same_as_unit": len(result.rows) >= 20 and same >= 0.95 * len(result.rows)})
        return render(request, "proposals/tpn_import.html", context, status=200 if context.get("changes") is not None
                      else 400)
    return render(request, "proposals/tpn_import.html", context)


# --------------------------------------------------------------------------- predicates and units


@login_required
@require_POST
def revoke(request, award_id):
    award = get_award_or_404(request.user, award_id)
    instansi_id = award.instansi_id
    _admin_or_403(request, instansi_id)
    form = RevokeForm(request.POST, prefix=f"a{award.pk}")
    back = reverse("proposals:unit", args=[award.unit_id]) if award.unit_id else reverse("proposals:instansi",
                                                                                          args=[instansi_id])
    if form.is_valid():
        try:
            services.award_revoke(user=request.user, award=award, on=form.cleaned_data["on"],
                                  reason=form.cleaned_data["reason"])
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Pencabutan predikat dicatat."))
            return redirect(back)
    if award.unit_id:
        return _unit_page(request, award.unit, forms={f"a{award.pk}": form}, status=400)
    return _instansi_page(request, award.kawasan.instansi, forms={f"a{award.pk}": form}, status=400)


@login_required
@require_POST
def reevaluation_save(request, award_id):
    award = get_award_or_404(request.user, award_id)
    instansi_id = award.instansi_id
    _admin_or_403(request, instansi_id)
    form = ReevaluationForm(request.POST, prefix=f"e{award.pk}")
    if form.is_valid():
        try:
            services.reevaluation_record(user=request.user, award=award, **form.cleaned_data)
        except services.Refused as exc:
            form.add_error("on", str(exc))
        else:
            messages.success(request, _("Hasil evaluasi ulang dicatat."))
            return redirect(reverse("proposals:unit", args=[award.unit_id]) if award.unit_id
                            else reverse("proposals:instansi", args=[instansi_id]))
    if award.unit_id:
        return _unit_page(request, award.unit, forms={f"e{award.pk}": form}, status=400)
    return _instansi_page(request, award.kawasan.instansi, forms={f"e{award.pk}": form}, status=400)


@login_required
@require_POST
def earlier_award(request, unit_id):
    unit = get_unit_or_404(request.user, unit_id)
    _admin_or_403(request, unit.instansi_id)
    form = EarlierAwardForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.earlier_award_record(user=request.user, unit=unit, predicate=d["predicate"],
                                          decree_number=d["decree_number"], decree_date=d["decree_date"],
                                          upload=d["document"])
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Predikat dicatat."))
            return redirect("proposals:unit", unit.pk)
    return _unit_page(request, unit, forms={"earlier": form}, status=400)


@login_required
@require_GET
def integration_evidence(request, score_id):
    try:
        score = IntegrationScore.objects.select_related("kawasan").get(pk=score_id)
    except (IntegrationScore.DoesNotExist, ValueError):
        raise Http404 from None
    if not is_admin_of(request.user, score.kawasan.instansi_id):  # a kawasan is the admins' (all its units)
        raise Http404
    return _stored(score.evidence_file, score.evidence_name or None)


@login_required
@require_GET
def award_document(request, award_id):
    award = get_award_or_404(request.user, award_id)
    return _stored(award.document, award.document_name or None)


@login_required
@require_GET
def unit_page(request, unit_id):
    unit = get_unit_or_404(request.user, unit_id)
    return _unit_page(request, unit)


def _unit_page(request, unit, *, forms=None, status=200):
    is_admin = is_admin_of(request.user, unit.instansi_id)
    own = is_staff_of(request.user, unit.pk)
    awards = list(Award.objects.filter(unit=unit).select_related("revoked_by").order_by("-decree_date", "-pk"))
    forms = forms or {}
    today = timezone.localdate()
    for a in awards:
        a.due_soon = a.current and a.reevaluation_due <= today + datetime.timedelta(days=selectors.REMINDER_DAYS)
        if is_admin and not own and a.active:
            a.revoke_form = forms.get(f"a{a.pk}") or RevokeForm(prefix=f"a{a.pk}")
            if a.current:
                a.reevaluation_form = forms.get(f"e{a.pk}") or ReevaluationForm(prefix=f"e{a.pk}")
    facts = [rules.AwardFact(a.predicate, a.decree_date, a.revoked_on, a.barred_until) for a in awards]
    recommendations = list(Nominee.objects.filter(unit=unit).exclude(recommendations="")
                           .select_related("proposal__round").order_by("-proposal__created_at"))
    return render(request, "proposals/unit.html", {
        "unit": unit, "is_admin": is_admin, "is_staff": own, "awards": awards,
        "history": selectors.unit_history(unit), "trend": selectors.round_to_round(unit),
        "barred": rules.barred_until(facts, timezone.localdate()),
        "recommendations": recommendations, "reminder_days": selectors.REMINDER_DAYS,
        "earlier_form": (forms.get("earlier") or EarlierAwardForm()) if is_admin and not own else None,
        "today": today,
    }, status=status)


@login_required
@require_POST
def take_recommendations(request, nominee_id):
    nominee = get_nominee_or_404(request.user, nominee_id, staff=True)
    try:
        n = services.recommendations_take(user=request.user, nominee=nominee)
    except services.Refused as exc:
        messages.error(request, str(exc))
        return redirect("proposals:unit", nominee.unit_id)
    messages.success(request, _("%(n)d rekomendasi menjadi rencana aksi; lengkapi target dan penanggung jawabnya.")
                     % {"n": n})
    return redirect(reverse("programme:unit", args=[nominee.unit_id]) + "#rencana-aksi")


@login_required
@require_GET
def lhe(request, pk):
    """The TPI's evaluation report of one worksheet (Word): the TPI and admins; the unit once decided."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    if not can_see_tpi_values(request.user, worksheet):
        raise Http404(_("Laporan TPI tersedia setelah TPI memutuskan."))
    try:
        data = services.render_document(worksheet.round.instansi_id, "lhe",
                                        selectors.lhe_context(worksheet, user=request.user))
    except docs.TemplateProblem as exc:
        messages.error(request, str(exc))
        return redirect(worksheet)
    return _docx(data, f"LHE-TPI-{slugify(worksheet.unit.short_name or worksheet.unit.name)[:50]}-"
                       f"{worksheet.round.year}.docx")
