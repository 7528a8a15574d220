"""A unit's ZI programme page (pencanangan, tim kerja, rencana aksi against the LKE's gaps, history)
and the forms that change it. Every view starts from the user (``permissions``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluations.models import Indicator, TemplateVersion
from units.people import unit_staff

from . import selectors, services
from .forms import ActionForm, PencananganForm, TeamDecreeForm, TeamMemberForm
from .models import Action, TeamDecree, TeamMember
from .permissions import can_write_plan, get_programme_unit_or_404


def _year(request) -> int:
    raw = request.GET.get("tahun", "")
    return int(raw) if raw.isascii() and raw.isdecimal() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


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
    gaps = selectors.gaps(worksheet, actions)
    return render(request, "programme/unit.html", {
        "unit": unit, "year": year, "worksheet": worksheet, "actions": actions,
        "areas": selectors.AREAS, "gaps": gaps, "uncovered": [g for g in gaps if g.available > 0 and not g.actions],
        "flagged": selectors.flagged(worksheet), "team": current, "earlier_teams": earlier, "pencanangan": cancang,
        "write": write, "forms": forms, "today": timezone.localdate(),
        "events": list(unit.programme_events.select_related("actor", "action")[:30])}, status=status)


@login_required
@require_GET
def unit_programme(request, unit_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    return _page(request, unit, _year(request))


@login_required
@require_POST
def pencanangan_save(request, unit_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    _writer(request, unit)
    form = PencananganForm(request.POST, unit=unit)
    if not form.is_valid():
        return _page(request, unit, _year(request), forms={"pencanangan": form}, status=400)
    data = form.cleaned_data
    services.pencanangan_save(user=request.user, unit=unit, date=data["date"], declared_by=data["declared_by"],
                              place=data["place"], media_links=data["media_links"], documents=data["documents"])
    messages.success(request, _("Pencanangan tersimpan."))
    return redirect(reverse("programme:unit", args=[unit.pk]) + "#pencanangan")


@login_required
@require_POST
def team_decree_add(request, unit_id):
    unit = get_programme_unit_or_404(request.user, unit_id)
    _writer(request, unit)
    form = TeamDecreeForm(request.POST, unit=unit)
    if not form.is_valid():
        return _page(request, unit, _year(request), forms={"decree": form}, status=400)
    services.team_decree_add(user=request.user, unit=unit, number=form.cleaned_data["number"],
                             date=form.cleaned_data["date"], document=form.cleaned_data["document"])
    messages.success(request, _("SK tim kerja dicatat; anggota tim dari SK sebelumnya ikut dan dapat diubah."))
    return redirect(reverse("programme:unit", args=[unit.pk]) + "#tim")


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
    services.team_member_end(user=request.user, member=member, until=timezone.localdate())
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
    options = {"unit": unit, "version_id": _version_id(unit, year), "people": unit_staff(unit)}
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
            indicator = Indicator.objects.filter(pk=int(picked)).select_related("part__area").first() \
                if picked.isascii() and picked.isdecimal() and len(picked) < 18 else None
            if indicator:
                initial.update(indicators=[indicator], area_code=indicator.part.area.code,
                               target=_("Nilai indikator %(i)s mencapai bobot penuh") % {"i": indicator.name[:150]})
        form = ActionForm(initial=initial, **options)
    return render(request, "programme/action_form.html", {"unit": unit, "year": year, "action": action,
                                                          "form": form, "write": write}, status=status)
