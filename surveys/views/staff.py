"""The pages of the people who run a survey: the unit prepares it (service types, posters, codes),
the admin closes it and decides about responses, everyone concerned reads the results."""

from __future__ import annotations

import urllib.parse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluations.models import Round
from evaluations.views._lists import paged
from evaluations.views.excel import _xlsx

from .. import exports, indices, posters, selectors, services
from .. import instruments as instrument_versions
from ..forms import (
    AdaptForm,
    CloseForm,
    CodesForm,
    ExcludeForm,
    FixValueForm,
    PeriodForm,
    RescheduleForm,
    ServicesForm,
)
from ..models import Handoff, Instrument, Item, Response, SurveyPeriod
from ..permissions import (
    can_decide,
    can_prepare,
    get_instansi_or_404,
    get_period_or_404,
    get_unit_or_404,
    is_admin_of,
)

PER_PAGE = 50


@login_required
@require_GET
def instansi_surveys(request, instansi_id):
    """Every unit's survey of a round for the instansi's admins and TPI: status, respondents counted
    against the minimum, the values handed to the worksheet — 50 a page, a fixed number of queries."""
    instansi = get_instansi_or_404(request.user, instansi_id)
    rounds = list(Round.objects.filter(instansi=instansi).order_by("-year", "-pk"))
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("periode", "")), rounds[0] if rounds else None)
    search = request.GET.get("q", "").strip()[:100]
    periods = (SurveyPeriod.objects.filter(round=chosen).select_related("unit").order_by("unit__name", "pk")
               if chosen else SurveyPeriod.objects.none())
    if search:
        periods = periods.filter(unit__name__icontains=search)
    page, query = paged(request, periods, PER_PAGE)
    ids = [p.pk for p in page.object_list]
    counted = dict(Response.objects.filter(period_id__in=ids, exclusion__isnull=True).values("period_id")
                   .annotate(n=Count("pk")).values_list("period_id", "n"))
    handed = {}
    for h in Handoff.objects.filter(period_id__in=ids, written=True).order_by("at", "pk"):
        handed[(h.period_id, h.kind)] = h  # the latest of each
    rows = [{"period": p, "respondents": counted.get(p.pk, 0), "ipak": handed.get((p.pk, "spak")),
             "ipkp": handed.get((p.pk, "spkp"))} for p in page.object_list]
    return render(request, "surveys/instansi.html", {"instansi": instansi, "rounds": rounds, "chosen": chosen,
                                                     "page": page, "query": query, "rows": rows, "search": search})


@login_required
@require_GET
def instruments(request, instansi_id):
    """The questionnaires: the national ones and the instansi's own versions, each with its items."""
    instansi = get_instansi_or_404(request.user, instansi_id)
    shown = (Instrument.objects.filter(Q(instansi__isnull=True) | Q(instansi=instansi))
             .prefetch_related(Prefetch("items", Item.objects.select_related("aspect").order_by("order")))
             .select_related("based_on", "created_by").order_by("kind", "-instansi_id", "-version"))
    current = {kind: selectors.current_instrument(kind, instansi.pk).pk for kind in Instrument.Kind.values}
    return render(request, "surveys/instruments.html", {
        "instansi": instansi, "instruments": shown, "current": current,
        "admin": is_admin_of(request.user, instansi.pk)})


@login_required
@require_http_methods(["GET", "POST"])
def instrument_adapt(request, instansi_id, pk):
    """A new version of an instrument for the instansi (its admins): surveys opened before keep theirs."""
    instansi = get_instansi_or_404(request.user, instansi_id)
    if not is_admin_of(request.user, instansi.pk):
        raise PermissionDenied(_("Hanya admin instansi yang dapat menyesuaikan instrumen survei."))
    base = Instrument.objects.filter(Q(instansi__isnull=True) | Q(instansi=instansi), pk=pk).first()
    if base is None:
        raise Http404
    form = AdaptForm(request.POST or None, base=base, initial={
        "title": base.title, "intro": base.intro, "scale_min": base.scale_min, "scale_max": base.scale_max})
    if request.method == "POST" and form.is_valid():
        made = instrument_versions.adapt(user=request.user, instansi=instansi, base=base,
                                         title=form.cleaned_data["title"], intro=form.cleaned_data["intro"],
                                         scale_min=form.cleaned_data["scale_min"],
                                         scale_max=form.cleaned_data["scale_max"], items=form.specs)
        messages.success(request, _("Versi %(v)d dibuat untuk %(i)s; survei yang dibuka sesudah ini memakainya.")
                         % {"v": made.version, "i": instansi.name})
        return redirect("surveys:instruments", instansi.pk)
    return render(request, "surveys/instrument_adapt.html", {"instansi": instansi, "base": base, "form": form},
                  status=400 if request.method == "POST" else 200)


def public_url(request, period, service=None) -> str:
    """The address the public reaches (SITE_URL, not the intranet host the operator is on): on posters,
    in WhatsApp messages."""
    url = settings.SITE_URL.rstrip("/") + reverse("surveys:respond", args=[period.token])
    return f"{url}?layanan={service.pk}" if service else url


@login_required
@require_http_methods(["GET", "POST"])
def unit_surveys(request, unit_id):
    """The unit's surveys, one per round, and a new one."""
    unit = get_unit_or_404(request.user, unit_id)
    prepare = can_prepare(request.user, unit)
    form = PeriodForm(request.POST or None, unit=unit) if prepare else None
    status = 200
    if request.method == "POST":
        if not prepare:
            raise PermissionDenied(_("Hanya operator, kepala unit, atau admin yang dapat menyiapkan survei unit."))
        if form.is_valid():
            try:
                period = services.period_create(
                    user=request.user, unit=unit, round_=form.cleaned_data["round"],
                    opens_on=form.cleaned_data["opens_on"], closes_on=form.cleaned_data["closes_on"],
                    services=form.service_names(), require_code=form.cleaned_data["require_code"],
                    minimum=form.cleaned_data["minimum"])
            except services.Refused as refused:
                form.add_error(refused.field or None, refused.message)
            else:
                messages.success(request, _("Survei disiapkan. Periksa isinya, lalu buka survei."))
                return redirect("surveys:period", period.pk)
        status = 400
    periods = list(unit.survey_periods.select_related("round").order_by("-round__year"))
    return render(request, "surveys/unit.html", {"unit": unit, "periods": periods, "form": form}, status=status)


def _detail(request, period, *, services_form=None, codes_form=None, status=200):
    services_list = list(period.services.all())
    link = public_url(request, period)
    share = _("Mohon isi survei pelayanan %(u)s (tanpa nama, ±3 menit): %(l)s") % {"u": period.unit.name, "l": link}
    return render(request, "surveys/period.html", {
        "period": period, "unit": period.unit, "services": services_list, "link": link,
        "links": [(s, public_url(request, period, s)) for s in services_list],
        "whatsapp": "https://wa.me/?text=" + urllib.parse.quote(share),
        "prepare": can_prepare(request.user, period.unit), "decide": can_decide(request.user, period),
        "services_form": services_form or ServicesForm(initial={"services": "\n".join(s.name for s in services_list)}),
        "codes_form": codes_form or CodesForm(), "codes": period.codes.count(),
        "codes_used": period.codes.filter(used=True).count()}, status=status)


@login_required
@require_GET
def period_detail(request, pk):
    return _detail(request, get_period_or_404(request.user, pk))


def _preparer(request, pk):
    period = get_period_or_404(request.user, pk)
    if not can_prepare(request.user, period.unit):
        raise PermissionDenied(_("Hanya operator, kepala unit, atau admin yang dapat menyiapkan survei unit."))
    return period


@login_required
@require_POST
def period_open(request, pk):
    period = _preparer(request, pk)
    try:
        services.period_open(user=request.user, period=period)
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Survei dibuka: tautan dan poster siap dibagikan."))
    return redirect("surveys:period", period.pk)


@login_required
@require_POST
def period_services(request, pk):
    period = _preparer(request, pk)
    form = ServicesForm(request.POST)
    if form.is_valid():
        try:
            kept = services.services_set(user=request.user, period=period,
                                         names=form.cleaned_data["services"].splitlines())
        except services.Refused as refused:
            form.add_error("services", refused.message)
        else:
            messages.success(request, _("Jenis layanan disimpan."))
            if kept:
                messages.warning(request, _("Tetap ada karena sudah mempunyai jawaban: %(s)s.") % {"s": ", ".join(kept)})
            return redirect("surveys:period", period.pk)
    return _detail(request, period, services_form=form, status=400)


@login_required
@require_POST
def codes_new(request, pk):
    period = _preparer(request, pk)
    form = CodesForm(request.POST)
    if form.is_valid():
        try:
            codes = services.codes_generate(user=request.user, period=period, count=form.cleaned_data["count"])
        except services.Refused as refused:
            form.add_error("count", refused.message)
            return _detail(request, period, codes_form=form, status=400)
        messages.success(request, _("%(n)d kode baru dibuat; unduh daftarnya untuk dicetak pada bukti layanan.")
                         % {"n": len(codes)})
        return redirect("surveys:period", period.pk)
    return _detail(request, period, codes_form=form, status=400)


@login_required
@require_GET
def codes_download(request, pk):
    period = _preparer(request, pk)
    used = {b: (n, u) for b, n, u in period.codes.values("batch").annotate(
        n=Count("pk"), u=Count("pk", filter=Q(used=True))).values_list("batch", "n", "u")}
    return _xlsx(exports.codes_workbook(period, list(period.codes.order_by("batch", "pk")), used),
                 f"kode-survei-{slugify(period.unit.name)}-{period.round.year}.xlsx")


@login_required
@require_GET
def poster(request, pk, service_id, fmt):
    period = get_period_or_404(request.user, pk)
    if fmt not in ("png", "pdf"):
        raise Http404
    service = None
    if service_id:
        service = period.services.filter(pk=service_id).first()
        if service is None:
            raise Http404
    image = posters.poster(url=public_url(request, period, service), unit=period.unit.name,
                           instansi=period.unit.instansi.name, service=service.name if service else "")
    body, kind = (posters.pdf(image), "application/pdf") if fmt == "pdf" else (posters.png(image), "image/png")
    response = HttpResponse(body, content_type=kind)
    name = f"poster-survei-{slugify(period.unit.name)}{'-' + slugify(service.name) if service else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _results(request, period, *, fix_form=None, exclude_errors=None, close_form=None, receipt_form=None,
             reschedule_form=None, status=200):
    data = selectors.results(period)
    flagged = list(Response.objects.filter(period=period).exclude(flags="").filter(exclusion__isnull=True)
                   .select_related("service").order_by("pk")[:200])
    charts = selectors.charts(data)
    instruments = []
    for key, res in (("spkp", data.spkp), ("spak", data.spak)):
        res.rows = [{"aspect": item.aspect.name, "text": item.text,
                     "item": indices.round2(res.overall.items.get(str(item.pk))),
                     "aspect_index": indices.round2(res.overall.aspects.get(item.aspect.code))} for item in res.items]
        instruments.append((key, res, charts[key]))
    return render(request, "surveys/results.html", {
        "period": period, "unit": period.unit, "r": data, "flagged": flagged,
        "decide": can_decide(request.user, period), "change": selectors.readiness_change(period, data),
        "instrument_rows": instruments, "handoffs": list(period.handoffs.select_related("by")[:10]),
        "service_rows": [(s, data.per_service.get(s.pk, 0), data.spak.services[s.pk].value,
                          data.spkp.services[s.pk].value) for s in data.services],
        "fix_form": fix_form or FixValueForm(), "exclude_errors": exclude_errors or {},
        "close_form": close_form or CloseForm(), "receipt_form": receipt_form or ExcludeForm(),
        "reschedule_form": reschedule_form or RescheduleForm(initial={"opens_on": period.opens_on,
                                                                     "closes_on": period.closes_on})},
        status=status)


@login_required
@require_GET
def results(request, pk):
    return _results(request, get_period_or_404(request.user, pk))


@login_required
@require_GET
def results_export(request, pk):
    period = get_period_or_404(request.user, pk)
    rows = selectors.response_rows(period)
    return _xlsx(exports.results_workbook(period, selectors.results(period), rows, selectors.intact(period, rows)),
                 f"hasil-survei-{slugify(period.unit.name)}-{period.round.year}.xlsx")


def _decider(request, pk):
    period = get_period_or_404(request.user, pk)
    if not can_decide(request.user, period):
        raise PermissionDenied(_("Hanya admin instansi yang dapat memutuskan hal ini."))
    return period


@login_required
@require_POST
def response_exclude(request, pk, response_id):
    """Exclude one response with a reason: a flagged one from its row (``response_id``), or any by its
    receipt (``response_id`` 0: a complaint names the receipt)."""
    period = _decider(request, pk)
    form = ExcludeForm(request.POST)
    if response_id:
        response = Response.objects.filter(period=period, pk=response_id).first()
    else:
        receipt = request.POST.get("receipt", "").strip().upper()[:10]
        response = Response.objects.filter(period=period, receipt=receipt).first() if receipt else None
        if response is None:
            form.is_valid()
            form.add_error("receipt", _("Tidak ada jawaban dengan tanda terima itu pada survei ini."))
            return _results(request, period, receipt_form=form, status=400)
    if response is None:
        raise Http404
    if form.is_valid():
        try:
            services.response_exclude(user=request.user, response=response, reason=form.cleaned_data["reason"])
        except services.Refused as refused:
            if response_id:
                return _results(request, period, exclude_errors={response.pk: refused.message}, status=400)
            form.add_error("reason" if refused.field == "reason" else "receipt", refused.message)
            return _results(request, period, receipt_form=form, status=400)
        messages.success(request, _("Jawaban %(r)s dikecualikan.") % {"r": response.receipt})
        return redirect(reverse("surveys:results", args=[period.pk]) + "#ditandai")
    if response_id:
        return _results(request, period, exclude_errors={response.pk: form.errors["reason"][0]}, status=400)
    return _results(request, period, receipt_form=form, status=400)


@login_required
@require_POST
def period_reschedule(request, pk):
    period = _decider(request, pk)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            services.period_reschedule(user=request.user, period=period, opens_on=form.cleaned_data["opens_on"],
                                       closes_on=form.cleaned_data["closes_on"])
        except services.Refused as refused:
            form.add_error(refused.field or None, refused.message)
        else:
            messages.success(request, _("Jadwal survei diubah."))
            return redirect("surveys:results", period.pk)
    return _results(request, period, reschedule_form=form, status=400)


@login_required
@require_POST
def period_close(request, pk):
    period = _decider(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _results(request, period, close_form=form, status=400)
    try:
        done = services.period_close(user=request.user, period=period)
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Survei ditutup dan disegel. ") + " ".join(
            f"{'IPAK' if h.kind == 'spak' else 'IPKP'}: {h.outcome}" for h in done))
    return redirect("surveys:results", period.pk)


@login_required
@require_POST
def handoff_fix(request, pk):
    period = _decider(request, pk)
    form = FixValueForm(request.POST)
    if form.is_valid():
        try:
            record = services.handoff_by_admin(user=request.user, period=period, kind=form.cleaned_data["kind"],
                                               value=form.cleaned_data["value"], reason=form.cleaned_data["reason"])
        except services.Refused as refused:
            form.add_error(refused.field or None, refused.message)
        else:
            (messages.success if record.written else messages.error)(request, record.outcome)
            return redirect("surveys:results", period.pk)
    return _results(request, period, fix_form=form, status=400)
