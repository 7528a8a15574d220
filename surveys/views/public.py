"""The respondent's pages: no login, no JavaScript, small. Found by the period's token alone; an
unknown token is a plain 404 that says nothing about any unit."""

from __future__ import annotations

import secrets
import time
from functools import lru_cache

from django.core import signing
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from units.security import client_ip

from .. import selectors, services
from ..forms import RespondentForm
from ..models import SurveyPeriod

DEVICE_COOKIE = "zi_survei"
RECEIPT_COOKIE = "zi_tanda_terima"
STARTED_SALT = "surveys.started"


@lru_cache(maxsize=256)
def _blank_questions(spak_id: int, spkp_id: int, language: str) -> str:
    """The questions with nothing chosen, rendered once per process and language (instruments never
    change: a change is a new version). Most of the page, and most of its cost."""
    period = SurveyPeriod(spak_id=spak_id, spkp_id=spkp_id)
    form = RespondentForm(period=period, questionnaire=selectors.questionnaire(period), services=[])
    return mark_safe(render_to_string("surveys/_questions.html", {"groups": form.groups()}))  # noqa: S308


def _answers(post, period) -> dict[int, int] | None:
    """The values sent when every question has a valid one (the common case: no form object needed),
    else None and the form says what is missing."""
    values = {}
    for pk, (low, high) in selectors.item_ranges(period).items():
        raw = post.get(f"q{pk}", "")
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            return None
        values[pk] = int(raw)
    return values


def _period(token):
    try:
        return SurveyPeriod.objects.select_related("unit__instansi").get(token=token)
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


@transaction.non_atomic_requests  # a page read needs no transaction; the response is written in its own
@require_http_methods(["GET", "POST"])
def respond(request, token):
    period = _period(token)
    services_ = list(period.services.all())
    status, form, questions_html = 200, None, None
    if request.method == "POST" and period.accepting:
        post = request.POST
        values = _answers(post, period)
        service = next((x for x in services_ if str(x.pk) == post.get("service", "")), None)
        code = post.get("code", "")[:20]
        if values is not None and service is not None and (code or not period.require_code):
            try:
                submitted = services.response_submit(
                    period=period, service=service, values=values, code=code, client_ip=client_ip(request),
                    device=request.COOKIES.get(DEVICE_COOKIE, ""), honeypot=post.get("website", "")[:200],
                    seconds=_seconds(period, post.get("t", "")[:200]))
            except services.Refused as refused:
                form = _form(period, services_, data=post)
                form.is_valid()
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
                status = refused.status
            else:
                # The receipt goes in a short-lived signed cookie, not the address: access logs record
                # addresses next to client IPs.
                done = redirect(f"{request.path}terima-kasih/")
                done.set_signed_cookie(RECEIPT_COOKIE, submitted.response.receipt, salt=RECEIPT_COOKIE,
                                       max_age=600, httponly=True, samesite="Lax", secure=request.is_secure(),
                                       path=f"/s/{period.token}/")
                return done
        else:
            form = _form(period, services_, data=post)
            form.is_valid()
            status = 400
        form.data = form.data.copy()
        form.data["t"] = form.data.get("t") or _started(period)
    else:
        initial = {"t": _started(period)}
        wanted = request.GET.get("layanan", "")
        if wanted.isdecimal():
            initial["service"] = int(wanted)
        form = _form(period, services_, initial=initial, questions=False)
        questions_html = _blank_questions(period.spak_id, period.spkp_id, get_language())
        if request.method == "POST":
            status = 410
    response = render(request, "surveys/respond.html", {
        "period": period, "form": form, "groups": form.groups() if questions_html is None else [],
        "questions_html": questions_html, "service_choices": form.choices("service")}, status=status)
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=request.is_secure(), path="/s/")
    response["Cache-Control"] = "no-store"
    return response


def _form(period, services_, *, data=None, initial=None, questions=True):
    return RespondentForm(data, initial=initial, period=period, services=services_,
                          questionnaire=selectors.questionnaire(period) if questions else [])


@transaction.non_atomic_requests
def thanks(request, token):
    period = _period(token)
    receipt = request.get_signed_cookie(RECEIPT_COOKIE, default="", salt=RECEIPT_COOKIE, max_age=600)
    response = render(request, "surveys/thanks.html", {"period": period, "receipt": receipt})
    response["Cache-Control"] = "no-store"
    return response
