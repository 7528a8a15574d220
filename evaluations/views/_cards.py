"""What the unit's sheet and the TPI's review sheet share: finding an area, a question and its card,
and saving one card in place (htmx) or as a plain form, with the same answers to a conflict, a
refusal and a bad value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..models import Area, Question


def area_or_404(worksheet, code):
    try:
        return Area.objects.select_related("component").get(component__version_id=worksheet.round.version_id,
                                                            code=code)
    except Area.DoesNotExist:
        raise Http404(_("Area tidak ditemukan.")) from None


def question_or_404(worksheet, question_id):
    return get_object_or_404(Question.objects.select_related("indicator__part__area"), pk=question_id,
                             version_id=worksheet.round.version_id)


def find_row(context, question_id):
    """(part, indicator, row) of one question in an area page's context."""
    for part in context["parts"]:
        for ind in part["indicators"]:
            for row in ind["rows"]:
                if row.question.pk == question_id:
                    return part, ind, row
    raise Http404


def card_url(url_name: str, worksheet, question) -> str:
    url = reverse(url_name, args=[worksheet.pk, question.indicator.part.area.code])
    return f"{url}#q-{question.pk}"


@dataclass(frozen=True)
class CardSheet:
    """One sheet's way of saving a card: its form, its service call, its pages and words."""

    form_class: type
    save: Callable  # (request, worksheet, question, form) → None; raises ConflictError, PermissionDenied, Refused
    respond: Callable  # (request, worksheet, question, override=None, status=200, rejected=None) → the card (htmx)
    context: Callable  # (request, worksheet, area, override) → the whole page's context
    template: str  # the whole page, for a plain form with errors
    url_name: str  # where a plain form goes back to
    typed: str  # the free-text field kept in a refusal ("explanation", "note")
    saved: str  # "… %(key)s tersimpan." for a plain form
    reason: Callable = lambda request, worksheet, exc: str(exc)  # what a refusal says
    status_moves: bool = False  # a save may move the worksheet on (the TPI's first value starts the review)


def save_card(request, worksheet, question, sheet: CardSheet):
    """Validate, save through the service, and answer: the card again (htmx) or a redirect back to it.
    A conflict shows the stored value and lets a second save overwrite knowingly; a refusal says why
    and keeps what was typed; a bad value comes back with the reason next to the field."""
    form = sheet.form_class(request.POST, question=question)
    override = None
    if form.is_valid():
        try:
            sheet.save(request, worksheet, question, form)
        except services.ConflictError as exc:
            data = request.POST.copy()
            data["revision"] = exc.answer.revision  # saving again now overwrites, knowingly
            override = {question.pk: (sheet.form_class(data, question=question), exc.answer)}
        except (PermissionDenied, services.Refused) as exc:
            worksheet.refresh_from_db()
            reason = sheet.reason(request, worksheet, exc)
            if request.htmx:  # the card says why, and keeps what was typed
                return sheet.respond(request, worksheet, question, status=403, rejected={
                    "reason": reason, sheet.typed: form.cleaned_data.get(sheet.typed, "")})
            messages.error(request, _("Perubahan Anda tidak tersimpan. %(reason)s") % {"reason": reason})
            return redirect(card_url(sheet.url_name, worksheet, question))
        else:
            if sheet.status_moves:
                worksheet.refresh_from_db(fields=["status"])
            if request.htmx:
                return sheet.respond(request, worksheet, question)
            messages.success(request, sheet.saved % {"key": question.code})
            return redirect(card_url(sheet.url_name, worksheet, question))
    else:
        override = {question.pk: (form, None)}
    if request.htmx:
        return sheet.respond(request, worksheet, question, override)
    context = sheet.context(request, worksheet, question.indicator.part.area, override)
    return render(request, sheet.template, context, status=400 if not form.is_valid() else 409)
