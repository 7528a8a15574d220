"""Excel: per-unit LKE export and import (with a preview), round recap export."""

import io
import logging
from datetime import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import export_rows, exports, imports, library, numbers, services, tasks
from ..forms import WorkbookUploadForm
from ..models import Answer, Document, Evidence, Question, RecapExport
from ..permissions import (
    answer_is_editable,
    can_import,
    can_review_round,
    can_see_tpi_values,
    get_round_for_user_or_404,
    get_worksheet_for_user_or_404,
    worksheets_for_user,
)
from ._files import XLSX, latest_generated, stream_generated

log = logging.getLogger(__name__)
SESSION_KEY = "lke_import"


def _xlsx(workbook, filename):
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _failed(request, exc):
    log.exception("export failed")
    message = _("Ekspor gagal: %(reason)s. Coba lagi; bila berulang, hubungi admin ZI.") % {
        "reason": exc.__class__.__name__}
    return HttpResponse(message, status=500, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def export_lke(request, pk):
    """The unit's LKE in the official layout; TPI columns only for who may see them."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    include_tpi = can_see_tpi_values(request.user, worksheet)
    try:
        # Evidence addresses on the host the user is on (SITE_URL is for emails sent without a request).
        rows = export_rows.lke_rows(worksheet, include_tpi=include_tpi,
                                    base_url=request.build_absolute_uri("/").rstrip("/"))
        workbook = exports.lke_workbook(export_rows.lke_meta(worksheet, include_tpi=include_tpi), rows)
    except Exception as exc:  # the user is told why; the trace goes to the log
        return _failed(request, exc)
    name = f"LKE-ZI-{slugify(worksheet.unit.short_name or worksheet.unit.name)}-{worksheet.round.year}.xlsx"
    return _xlsx(workbook, name)


def _recap_round(request, pk):
    round_ = get_round_for_user_or_404(request.user, pk)
    if not can_review_round(request.user, round_):
        raise Http404
    return round_


def latest_recap(user, round_, *, done=False):
    """This person's newest recap of the round still within its day (see ``latest_generated``), or None."""
    return latest_generated(RecapExport.objects.filter(round=round_, requested_by=user), done=done)


def _recap_panel(request, round_, status=200):
    return render(request, "evaluations/_recap_panel.html",
                  {"round": round_, "recap": latest_recap(request.user, round_)}, status=status)


@login_required
@require_POST
def export_recap(request, pk):
    """Ask for the round's recap workbook: a background worker builds it (at 5,000 units it takes
    seconds) while the page shows how far it got; the file then stays for a day."""
    round_ = _recap_round(request, pk)
    if not worksheets_for_user(request.user).filter(round=round_).exists():
        messages.error(request, _("Belum ada unit peserta pada periode ini; tidak ada yang direkap."))
    else:
        current = latest_recap(request.user, round_)
        if current is None or not current.in_progress:
            tasks.request_recap(user=request.user, round_=round_)
    if request.htmx:
        return _recap_panel(request, round_)
    return redirect(reverse("evaluations:round_detail", args=[round_.pk]) + "#rekap")


@login_required
@require_GET
def recap_status(request, pk):
    """The recap panel again (htmx polls it while the workbook is being built)."""
    return _recap_panel(request, _recap_round(request, pk))


@login_required
@require_GET
def recap_download(request, pk):
    """The person's finished recap, streamed from the file storage (any web server can serve it)."""
    return stream_generated(latest_recap(request.user, _recap_round(request, pk), done=True),
                            gone=_("Rekap ini belum ada atau sudah kedaluwarsa; buat rekap baru."))


@transaction.non_atomic_requests  # an upload is read and checked before any transaction (and lock) opens
@login_required
def import_lke(request, pk):
    """Upload → a preview of every answer that would change → apply (all or nothing).

    Rows locked for the unit (a returned worksheet opens only its flagged answers) are shown and
    left out; rows whose answer changed in the app after the file was downloaded are shown as
    conflicts and applied only when the person ticks them knowingly."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    if not can_import(request.user, worksheet):
        messages.error(request, _("Kertas kerja ini tidak dapat diubah saat ini, sehingga tidak dapat diimpor."))
        return redirect(worksheet)
    context = {"worksheet": worksheet, "form": WorkbookUploadForm(), "clear_marker": imports.CLEAR}
    if request.method == "POST" and request.POST.get("apply"):
        return _apply(request, worksheet)
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            questions = list(Question.objects.filter(version_id=worksheet.round.version_id)
                             .select_related("indicator__part__area").order_by("order"))
            result = imports.parse(form.cleaned_data["file"], [
                imports.ImportQuestion(q.key, q.text, q.answer_type, q.formula, where=_where(q)) for q in questions])
            context["result"] = result
            if result.ok:
                changes = _changes(worksheet, questions, result)
                applicable = [c for c in changes if not c["locked"]]
                links = _link_changes(worksheet, questions, result)
                new_links = {}
                for link in links:
                    if link["status"] == "new":
                        new_links.setdefault(link["question"].key, []).append(link["url"])
                request.session[SESSION_KEY] = {
                    "worksheet": worksheet.pk, "rows": [c["data"] for c in applicable],
                    "conflicts": [c["data"]["key"] for c in applicable if c["conflict"]],
                    "revisions": {c["data"]["key"]: c["revision"] for c in applicable}, "links": new_links}
                context.update({"changes": changes, "unchanged": len(result.rows) - len(changes),
                                "applicable": len(applicable) + sum(map(len, new_links.values())),
                                "locked": len(changes) - len(applicable),
                                "conflicts": sum(1 for c in applicable if c["conflict"]),
                                "loose": [c for c in changes if c["loose"]], "links": links,
                                "new_links": sum(map(len, new_links.values()))})
    return render(request, "evaluations/import_lke.html", context)


def _where(q) -> str:
    """A question as a person finds it in the worksheet (errors name this, not the internal key)."""
    ind = q.indicator
    area = ind.part.area
    prefix = f"{area.code}. " if not area.code.startswith("H-") else ""
    return _("%(area)s · %(part)s · %(indicator)s butir %(code)s") % {
        "area": f"{prefix}{area.name}", "part": ind.part.get_kind_display(), "indicator": ind.name, "code": q.code}


def _fmt(option, number):
    return option or ("—" if number is None else numbers.plain(Decimal(number)))


def _exported_at(result):
    try:
        return datetime.fromisoformat(result.exported_at) if result.exported_at else None
    except ValueError:
        return None


def _changes(worksheet, questions, result):
    by_key = {q.key: q for q in questions}
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet).select_related("updated_by")}
    exported_at = _exported_at(result)
    changes = []
    for row in result.rows:
        q = by_key[row.key]
        a = answers.get(q.pk)
        old = (a.unit_option, a.unit_number, a.unit_explanation) if a else ("", None, "")
        new_expl = old[2] if row.explanation is None else row.explanation
        new_number = row.number
        if (old[0], old[1], old[2]) == (row.option, new_number, new_expl):
            continue
        locked = not answer_is_editable(worksheet, a)
        # Changed in the app (by the unit, not the TPI) after this file was downloaded: the file is older.
        conflict = bool(a and row.revision is not None and a.revision > row.revision and exported_at
                        and a.unit_updated_at and a.unit_updated_at > exported_at)
        changes.append({
            "question": q, "indicator": q.indicator, "area": q.indicator.part.area, "row": row.row,
            "old": _fmt(old[0], old[1]), "new": _fmt(row.option, new_number),
            "old_explanation": old[2], "new_explanation": new_expl, "explanation_changes": new_expl != old[2],
            "locked": locked, "conflict": conflict, "answer": a, "loose": row.file_text,
            "revision": a.revision if a else 0,
            "data": {"key": q.key, "option": row.option, "number": None if new_number is None else str(new_number),
                     "explanation": row.explanation}})
    return changes


def _link_changes(worksheet, questions, result):
    """Each link of the evidence column with what applying would do: attach it (new), nothing (the
    answer already has it), or nothing because the answer is locked."""
    by_key = {q.key: q for q in questions}
    answers = {a.question_id: a for a in Answer.objects.filter(worksheet=worksheet, question__key__in=list(result.links))}
    attached = set(Evidence.objects.filter(answer__worksheet=worksheet, answer__question__key__in=list(result.links),
                                           document__kind=Document.Kind.LINK)
                   .values_list("answer__question__key", "document__url"))
    rows = []
    for key, found in result.links.items():
        q = by_key[key]
        locked = not answer_is_editable(worksheet, answers.get(q.pk))
        for row, url in found:
            status = "attached" if (key, url) in attached else "locked" if locked else "new"
            rows.append({"question": q, "indicator": q.indicator, "area": q.indicator.part.area, "row": row,
                         "url": url, "status": status})
    return rows


def _apply(request, worksheet):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("worksheet") != worksheet.pk:
        messages.error(request, _("Pratinjau impor tidak ditemukan atau sudah kedaluwarsa; unggah berkas lagi."))
        return redirect("evaluations:import_lke", worksheet.pk)
    overwrite = set(request.POST.getlist("overwrite"))
    rows = [r for r in pending["rows"] if r["key"] not in pending.get("conflicts", []) or r["key"] in overwrite]
    kept = len(pending["rows"]) - len(rows)
    links = pending.get("links") or {}
    if not rows and not links:
        messages.info(request, _("Tidak ada yang diterapkan: semua perubahan di berkas berbenturan dengan isian yang "
                                 "lebih baru di aplikasi, dan tidak ada yang Anda centang untuk ditimpa."))
        request.session.pop(SESSION_KEY, None)
        return redirect(worksheet)
    try:
        with transaction.atomic():  # answers and links: all of it or nothing
            changed = services.worksheet_import(user=request.user, worksheet=worksheet, rows=rows,
                                                revisions=pending["revisions"]) if rows else 0
            attached = library.import_links(user=request.user, worksheet=worksheet, links=links) if links else 0
    except services.ImportRefused as exc:
        messages.error(request, _("Impor tidak diterapkan, tidak ada yang berubah: %(reasons)s") % {
            "reasons": " ".join(exc.reasons)})
        return redirect("evaluations:import_lke", worksheet.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(worksheet)
    finally:
        request.session.pop(SESSION_KEY, None)
    text = _("Impor selesai: %(n)d jawaban diperbarui.") % {"n": changed}
    if attached:
        text += " " + _("%(n)d tautan bukti dukung dilampirkan (diperiksa di latar belakang).") % {"n": attached}
    if kept:
        text += " " + _("%(k)d jawaban yang lebih baru di aplikasi dibiarkan.") % {"k": kept}
    messages.success(request, text)
    return redirect(worksheet)
