"""A unit's ZI programme page (pencanangan, tim kerja, rencana aksi against the LKE's gaps, history)
and the forms that change it. Every view starts from the user (``permissions``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluations.models import Document, Indicator, TemplateVersion
from evaluations.permissions import can_edit
from evaluations.views._files import latest_generated, stream_generated
from evaluations.views._lists import paged
from units.people import unit_staff

from . import selectors, services, tasks
from .forms import (
    ActionForm,
    InnovationForm,
    MonitoringNoteForm,
    PencananganForm,
    ProgressForm,
    ReplyForm,
    StudyVisitForm,
    TeamDecreeForm,
    TeamMemberForm,
)
from .models import (
    Action,
    DigestPreference,
    Innovation,
    MonitoringNote,
    PlanExport,
    QuarterReport,
    TeamDecree,
    TeamMember,
)
from .permissions import (
    can_write_plan,
    get_programme_unit_or_404,
    instansi_for_progress_or_404,
    instansi_member_or_404,
    is_kepala,
    is_tpi_of,
)


def _year(request) -> int:
    raw = request.GET.get("tahun", "")
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) == 4 and 2000 <= int(raw) <= 2100 \
        else timezone.localdate().year


GAPS_SHOWN = 12  # the largest gaps first; the rest one link away (a phone scrolls the plan into view sooner)


def _writer(request, unit):
    if not can_write_plan(request.user, unit.pk):
        raise PermissionDenied(services.NOT_YOURS)


def _page(request, unit, year, *, forms=None, status=200):
    worksheet = selectors.plan_worksheet(unit, year)
    actions = selectors.actions_for(unit, year)
    current, earlier = selectors.team(unit)
    cancang = selectors.pencanangan(unit)
    write = can_write_plan(request.user, unit.pk)
    forms = forms or {}
    if write:
        forms.setdefault("pencanangan", PencananganForm(unit=unit, initial={
            "date": cancang.date, "declared_by": cancang.declared_by, "place": cancang.place,
            "media_links": cancang.media_links, "documents": list(cancang.documents.all())} if cancang else None))
        forms.setdefault("decree", TeamDecreeForm(unit=unit))
        forms.setdefault("member", TeamMemberForm())
        forms.setdefault("innovation", InnovationForm(unit=unit, version_id=worksheet.round.version_id if worksheet
                                                      else _version_id(unit, year)))
        forms.setdefault("visit", StudyVisitForm(unit=unit))
    gaps = [g for g in selectors.gaps(worksheet, actions) if g.available > 0 or g.no_evidence]
    shown = gaps if request.GET.get("semua") == "1" else gaps[:GAPS_SHOWN]
    return render(request, "programme/unit.html", {
        "unit": unit, "year": year, "worksheet": worksheet, "actions": actions,
        "plan": [(label, [a for a in actions if a.area_code == code]) for code, label in selectors.AREAS],
        "areas": selectors.AREAS, "gaps": gaps, "shown_gaps": shown, "more_gaps": len(gaps) - len(shown), "uncovered": [g for g in gaps if g.available > 0 and not g.actions],
        "flagged": selectors.flagged(worksheet), "quarters": selectors.quarters(unit, year, timezone.localdate()), "team": current, "earlier_teams": earlier, "pencanangan": cancang,
        "write": write, "forms": forms, "today": timezone.localdate(),
        "digest_on": not DigestPreference.objects.filter(user=request.user, weekly=False).exists(),
        "innovations": list(unit.innovations.select_related("indicator")),
        "visits": list(unit.study_visits.all()),
        "events": list(unit.programme_events.select_related("actor", "action")[:30])}, status=status)


@login_required
@require_GET
def unit_programme(request, unit_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    return _page(request, unit, _year(request))


def _unit_form(request, unit_id, key, make_form, save, done, anchor, **form_options):
    """A POST of one of the programme page's forms: the unit's staff only; a refused form comes back
    on the page with its errors and what was typed (400); a saved one redirects to its section."""
    unit = get_programme_unit_or_404(request.user, unit_id)
    _writer(request, unit)
    form = make_form(request.POST, unit=unit, **form_options)
    if not form.is_valid():
        return _page(request, unit, _year(request), forms={key: form}, status=400)
    save(unit, dict(form.cleaned_data))
    messages.success(request, done)
    return redirect(reverse("programme:unit", args=[unit.pk]) + f"?tahun={_year(request)}#{anchor}")


@login_required
@require_POST
def pencanangan_save(request, unit_id):
    return _unit_form(request, unit_id, "pencanangan", PencananganForm,
                      lambda unit, data: services.pencanangan_save(user=request.user, unit=unit, **data),
                      _("Pencanangan tersimpan."), "pencanangan")


@login_required
@require_POST
def team_decree_add(request, unit_id):
    return _unit_form(request, unit_id, "decree", TeamDecreeForm,
                      lambda unit, data: services.team_decree_add(user=request.user, unit=unit, **data),
                      _("SK tim kerja dicatat; anggota tim dari SK sebelumnya ikut dan dapat diubah."), "tim")


@login_required
@require_POST
def team_member_add(request, unit_id, decree_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    _writer(request, unit)
    decree = get_object_or_404(TeamDecree, pk=decree_id, unit=unit)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        return _page(request, unit, _year(request), forms={"member": form}, status=400)
    services.team_member_add(user=request.user, decree=decree, **form.cleaned_data)
    messages.success(request, _("Anggota tim ditambahkan."))
    return redirect(reverse("programme:unit", args=[unit.pk]) + "#tim")


@login_required
@require_POST
def team_member_end(request, unit_id, member_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    _writer(request, unit)
    member = get_object_or_404(TeamMember, pk=member_id, decree__unit=unit)
    try:
        services.team_member_end(user=request.user, member=member, until=timezone.localdate())
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(m)s tercatat berhenti dari tim per hari ini.") % {"m": member.name})
    return redirect(reverse("programme:unit", args=[unit.pk]) + "#tim")


def _version_id(unit, year):
    worksheet = selectors.plan_worksheet(unit, year)
    if worksheet:
        return worksheet.round.version_id
    return TemplateVersion.objects.order_by("-pk").values_list("pk", flat=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, unit_id, action_id=None):
    """A rencana aksi item, new or existing. "Buat rencana aksi" from a gap passes ``?indikator=``:
    the indicator and its area are filled in."""
    unit = get_programme_unit_or_404(request.user, unit_id)
    action = get_object_or_404(Action, pk=action_id, unit=unit) if action_id else None
    year = action.year if action else _year(request)
    write = can_write_plan(request.user, unit.pk)
    if request.method == "POST" and not write:
        raise PermissionDenied(services.NOT_YOURS)
    options = {"unit": unit, "version_id": _version_id(unit, year), "people": unit_staff(unit),
               "keep": list(action.indicators.values_list("pk", flat=True)) if action else []}
    if request.method == "POST":
        form = ActionForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            action = services.action_save(user=request.user, unit=unit, year=year, action=action, data=data,
                                          indicators=data["indicators"], documents=data["documents"])
            messages.success(request, _("Rencana aksi tersimpan."))
            return redirect(reverse("programme:unit", args=[unit.pk]) + f"?tahun={year}#aksi-{action.pk}")
        status = 400
    else:
        status = 200
        if action:
            initial = {f: getattr(action, f) for f in services.ACTION_FIELDS}
            initial.update(indicators=list(action.indicators.all()), documents=list(action.documents.all()))
        else:
            initial = {"status": Action.Status.PLANNED, "due": timezone.localdate().replace(month=12, day=31)}
            picked = request.GET.get("indikator", "")
            indicator = Indicator.objects.filter(
                pk=int(picked), part__area__component__version_id=options["version_id"]).select_related("part__area").first() \
                if picked.isascii() and picked.isdecimal() and len(picked) < 18 else None
            if indicator:
                initial.update(indicators=[indicator], area_code=indicator.part.area.code,
                               target=_("Nilai indikator %(i)s mencapai bobot penuh") % {"i": indicator.name[:150]})
        form = ActionForm(initial=initial, **options)
    return render(request, "programme/action_form.html", {
        "unit": unit, "year": year, "action": action, "form": form, "write": write,
        "to_lke": _to_lke(request.user, unit, action, year) if action else []}, status=status)


def _to_lke(user, unit, action, year):
    """The action's evidence into the LKE without uploading it again: for each indicator it aims at,
    the worksheet's assign screen (the bulk-evidence one) with the action's documents — offered only
    where the person may add evidence to that worksheet now."""
    documents = [d.pk for d in action.documents.all()]
    worksheet = selectors.plan_worksheet(unit, year)
    if not documents or worksheet is None or not can_edit(user, worksheet):
        return []
    dok = ",".join(map(str, documents))
    return [{"indicator": ind, "url": reverse("evaluations:bulk_assign", args=[worksheet.pk, ind.part.area.code])
             + f"?dok={dok}&indikator={ind.pk}"}
            for ind in action.indicators.select_related("part__area")
            if ind.part.area.component.version_id == worksheet.round.version_id]


# --------------------------------------------------------------------------- monitoring per quarter


def _quarter_or_404(year, quarter):
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Http404
    return year, quarter


def _library_choices(unit):
    return list(Document.objects.filter(unit=unit).order_by("title").values_list("pk", "title"))


def _with_reply_form(note):
    note.reply_form = ReplyForm(auto_id=f"tanggapan-{note.pk}-%s")  # one form per note, ids of its own
    return note


def _quarter_page(request, unit, year, quarter, *, forms=None, note_form=None, status=200):
    actions = [a for a in selectors.actions_for(unit, year) if a.status != Action.Status.CANCELLED]
    report = QuarterReport.objects.filter(unit=unit, year=year, quarter=quarter).select_related(
        "signed_off_by").first()
    saved = {p.action_id: p for p in (report.progress.prefetch_related("documents") if report else [])}
    write = can_write_plan(request.user, unit.pk) and not (report and report.signed_off_at)
    if forms is None:
        forms = {}
        library = _library_choices(unit)
        for a in actions:
            p = saved.get(a.pk)
            initial = {"realisation": p.realisation, "done": p.done, "obstacles": p.obstacles,
                       "documents": [d.pk for d in p.documents.all()]} if p else {"realisation": 0}
            forms[a.pk] = ProgressForm(prefix=f"a{a.pk}", unit=unit, library=library, initial=initial)
    status_row = selectors.QuarterStatus(year, quarter, report, timezone.localdate())
    return render(request, "programme/quarter.html", {
        "unit": unit, "year": year, "quarter": quarter, "status": status_row, "report": report,
        "rows": [{"action": a, "form": forms[a.pk], "saved": saved.get(a.pk)} for a in actions], "write": write,
        "can_sign": is_kepala(request.user, unit.pk) and report and not report.signed_off_at,
        "notes": [_with_reply_form(n) for n in selectors.monitoring_notes(unit, year, quarter)],
        "note_form": note_form or (MonitoringNoteForm() if is_tpi_of(request.user, unit) else None),
        "can_reply": can_write_plan(request.user, unit.pk)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def quarter_report(request, unit_id, year, quarter):
    """A quarter's monitoring: each action's realisation (the unit's staff fill it in until the kepala
    signs it off), the kepala's sign-off, and the TPI's pemantauan notes with the unit's answers."""
    unit = get_programme_unit_or_404(request.user, unit_id)
    year, quarter = _quarter_or_404(year, quarter)
    if request.method == "GET":
        return _quarter_page(request, unit, year, quarter)
    _writer(request, unit)
    actions = [a for a in selectors.actions_for(unit, year) if a.status != Action.Status.CANCELLED]
    library = _library_choices(unit)
    forms = {a.pk: ProgressForm(request.POST, prefix=f"a{a.pk}", unit=unit, library=library) for a in actions}
    if not all(form.is_valid() for form in forms.values()):
        return _quarter_page(request, unit, year, quarter, forms=forms, status=400)
    try:
        services.progress_save(user=request.user, unit=unit, year=year, quarter=quarter, summary="", rows=[
            {"action": a, **forms[a.pk].cleaned_data} for a in actions])
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Realisasi triwulan tersimpan."))
    return redirect("programme:quarter", unit.pk, year, quarter)


@login_required
@require_POST
def quarter_sign_off(request, unit_id, year, quarter):
    unit = get_programme_unit_or_404(request.user, unit_id)
    year, quarter = _quarter_or_404(year, quarter)
    report = QuarterReport.objects.filter(unit=unit, year=year, quarter=quarter).first()
    if not is_kepala(request.user, unit.pk):
        raise PermissionDenied(_("Hanya kepala unit yang dapat mengesahkan laporan triwulan."))
    try:
        if report is None:
            raise services.Refused(_("Isi realisasi rencana aksi triwulan ini sebelum mengesahkan."))
        services.quarter_sign_off(user=request.user, report=report)
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Laporan triwulan disahkan."))
    return redirect("programme:quarter", unit.pk, year, quarter)


@login_required
@require_POST
def monitoring_note(request, unit_id, year, quarter):
    unit = get_programme_unit_or_404(request.user, unit_id)
    year, quarter = _quarter_or_404(year, quarter)
    if not is_tpi_of(request.user, unit):
        raise PermissionDenied(_("Catatan pemantauan ditulis anggota TPI instansi ini."))
    form = MonitoringNoteForm(request.POST)
    if not form.is_valid():
        return _quarter_page(request, unit, year, quarter, note_form=form, status=400)
    services.monitoring_note_add(user=request.user, unit=unit, year=year, quarter=quarter, **form.cleaned_data)
    messages.success(request, _("Catatan pemantauan tersimpan; unit dapat menanggapinya."))
    return redirect("programme:quarter", unit.pk, year, quarter)


@login_required
@require_POST
def monitoring_reply(request, unit_id, note_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    note = get_object_or_404(MonitoringNote, pk=note_id, unit=unit)
    _writer(request, unit)
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.monitoring_reply(user=request.user, note=note, reply=form.cleaned_data["reply"])
        messages.success(request, _("Tanggapan tersimpan."))
    else:
        messages.error(request, _("Tulis tanggapan unit sebelum menyimpan."))
    return redirect("programme:quarter", unit.pk, note.year, note.quarter)


@login_required
@require_POST
def digest_preference(request):
    """The signed-in person's own choice: the weekly digest, or not."""
    weekly = request.POST.get("weekly") == "1"
    DigestPreference.objects.update_or_create(user=request.user, defaults={"weekly": weekly})
    messages.success(request, _("Ringkasan mingguan akan dikirim ke email Anda.") if weekly
                     else _("Anda tidak akan menerima ringkasan mingguan lagi."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("home")
    return redirect(target)


PER_PAGE = 50


@login_required
@require_GET
def instansi_progress(request, instansi_id):
    """Every unit's programme in one table for the instansi's admins and TPI: filtered, searched and
    sorted in SQL, 50 rows a page (a fixed number of queries at any number of units)."""
    instansi = instansi_for_progress_or_404(request.user, instansi_id)
    g = request.GET
    year = _year(request)
    search = g.get("q", "").strip()[:100]
    show = g.get("tampil", "") if g.get("tampil") in ("terlambat", "tanpa-aksi", "tanpa-pencanangan") else ""
    sort = g.get("urut", "unit") if g.get("urut") in selectors.PROGRESS_SORTS else "unit"
    descending = g.get("arah") == "turun"
    today = timezone.localdate()
    rows, judged = selectors.progress_rows(instansi, year, today, search=search, show=show, sort=sort,
                                           descending=descending)
    page, query = paged(request, rows, PER_PAGE)
    return render(request, "programme/progress.html", {
        **_plan_export_context(request, instansi, year), "page": page, "query": query, "year": year, "search": search, "show": show,
        "sort": sort, "descending": descending,
        "last_quarter": ["I", "II", "III", "IV"][judged[1] - 1] if judged else "", "sorts": [("unit", _("Unit")), ("aksi", _("Rencana aksi")), ("selesai", _("Selesai")),
                                       ("terlambat", _("Terlambat")), ("realisasi", _("Realisasi"))]})


def _plan_export_panel(request, instansi, year):
    return render(request, "programme/_plan_export_panel.html", _plan_export_context(request, instansi, year))


def _plan_export_context(request, instansi, year) -> dict:
    return {"instansi": instansi, "year": year, "year_query": f"?tahun={year}", "plan_export": latest_generated(
        PlanExport.objects.filter(instansi=instansi, year=year, requested_by=request.user))}


@login_required
@require_POST
def instansi_progress_export(request, instansi_id):
    """Ask for the plans and realisations of every unit as a workbook an Inspektorat prints (A4
    landscape): a background worker builds it (seconds at 5,000 units) while the page shows how far
    it got; only the person who asked downloads it, for a day."""
    instansi = instansi_for_progress_or_404(request.user, instansi_id)
    year = _year(request)
    current = latest_generated(PlanExport.objects.filter(instansi=instansi, year=year, requested_by=request.user))
    if current is None or not current.in_progress:
        tasks.request_plan_export(user=request.user, instansi=instansi, year=year)
    if request.htmx:
        return _plan_export_panel(request, instansi, year)
    return redirect(reverse("programme:progress", args=[instansi.pk]) + f"?tahun={year}#laporan")


@login_required
@require_GET
def instansi_progress_export_status(request, instansi_id):
    """The workbook's panel again (htmx polls it while the workbook is being built)."""
    return _plan_export_panel(request, instansi_for_progress_or_404(request.user, instansi_id), _year(request))


@login_required
@require_GET
def instansi_progress_export_download(request, instansi_id):
    instansi = instansi_for_progress_or_404(request.user, instansi_id)
    export = latest_generated(PlanExport.objects.filter(instansi=instansi, year=_year(request),
                                                        requested_by=request.user), done=True)
    return stream_generated(export, gone=_("Berkas ini belum ada atau sudah kedaluwarsa; buat yang baru."))


# --------------------------------------------------------------------------- inovasi and kaji tiru


def _with_documents(save):
    def call(unit, data):
        documents = data.pop("documents")
        return save(unit=unit, data=data, documents=documents)
    return call


@login_required
@require_POST
def innovation_add(request, unit_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    return _unit_form(request, unit_id, "innovation", InnovationForm,
                      _with_documents(lambda **kw: services.innovation_add(user=request.user, **kw)),
                      _("Inovasi dicatat; unit lain di instansi dapat melihatnya."), "inovasi",
                      version_id=_version_id(unit, _year(request)))


@login_required
@require_POST
def study_visit_add(request, unit_id):
    return _unit_form(request, unit_id, "visit", StudyVisitForm,
                      _with_documents(lambda **kw: services.study_visit_add(user=request.user, **kw)),
                      _("Kaji tiru dicatat."), "inovasi")


@login_required
@require_GET
def instansi_innovations(request, instansi_id):
    """Every unit's innovations, for anyone working in the instansi to learn from (newest first, paged)."""
    instansi = instansi_member_or_404(request.user, instansi_id)
    search = request.GET.get("q", "").strip()[:100]
    items = Innovation.objects.filter(unit__instansi=instansi).select_related("unit", "indicator")
    if search:
        items = items.filter(Q(title__icontains=search) | Q(description__icontains=search)
                             | Q(unit__name__icontains=search))
    page, query = paged(request, items, PER_PAGE)
    return render(request, "programme/innovations.html", {"instansi": instansi, "page": page, "query": query,
                                                           "search": search})
