"""The respondent's pages: no login, no JavaScript, small. Found by the period's token alone; an
unknown token is a plain 404 that says nothing about any unit."""

from __future__ import annotations

import secrets
import time

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from units.security import client_ip

from .. import selectors, services
from ..forms import RespondentForm
from ..models import SurveyPeriod

DEVICE_COOKIE = "zi_survei"
STARTED_SALT = "surveys.started"


def _period(token):
    try:
        return SurveyPeriod.objects.select_related("unit").get(token=token)
    except SurveyPeriod.DoesNotExist:
        raise Http404 from None


def _started(period) -> str:
    return signing.dumps({"p": period.pk, "t": int(time.time())}, salt=STARTED_SALT)


def _seconds(period, token: str) -> int | None:
    """How long the person had the form open (signed by the server when it gave them the form)."""
    try:
        data = signing.loads(token, salt=STARTED_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    return max(0, int(time.time()) - data["t"]) if data.get("p") == period.pk else None


@require_http_methods(["GET", "POST"])
def respond(request, token):
    period = _period(token)
    questionnaire = selectors.questionnaire(period)
    status = 200
    if request.method == "POST" and period.accepting:
        form = RespondentForm(request.POST, period=period, questionnaire=questionnaire)
        if form.is_valid():
            try:
                submitted = services.response_submit(
                    period=period, service=next(x for x in form.services if x.pk == form.cleaned_data["service"]),
                    values=form.values(), code=form.cleaned_data.get("code", ""), client_ip=client_ip(request),
                    device=request.COOKIES.get(DEVICE_COOKIE, ""), honeypot=form.cleaned_data["website"],
                    seconds=_seconds(period, form.cleaned_data["t"]))
            except services.Refused as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
                status = refused.status
            else:
                return redirect(f"{request.path}terima-kasih/?r={submitted.response.receipt}")
        else:
            status = 400
        form.data = form.data.copy()
        form.data["t"] = form.data.get("t") or _started(period)
    else:
        initial = {"t": _started(period)}
        wanted = request.GET.get("layanan", "")
        if wanted.isdecimal():
            initial["service"] = int(wanted)
        form = RespondentForm(initial=initial, period=period, questionnaire=questionnaire)
        if request.method == "POST":
            status = 410
    response = render(request, "surveys/respond.html", {
        "period": period, "form": form, "groups": form.groups(), "service_choices": form.choices("service")},
        status=status)
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=request.is_secure(), path="/s/")
    response["Cache-Control"] = "no-store"
    return response


def thanks(request, token):
    period = _period(token)
    receipt = request.GET.get("r", "")[:10]
    receipt = receipt if receipt.isalnum() else ""
    return render(request, "surveys/thanks.html", {"period": period, "receipt": receipt})
