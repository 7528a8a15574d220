"""A unit's evidence library (documents, versions, where each is used), attaching a library
document to a question, and several files at once: dropped on an indicator or an area, then
assigned to its questions on one screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units.people import unit_staff

from .. import evidence as evidence_rules
from .. import library, tasks
from ..library_forms import (
    AttachForm,
    BulkUploadForm,
    DocumentEditForm,
    DocumentFileForm,
    DocumentLinkForm,
    VersionForm,
)
from ..models import Document, DocumentVersion, Evidence, Question
from ..permissions import (
    answer_is_editable,
    can_edit,
    can_manage_library,
    get_document_for_user_or_404,
    get_library_unit_or_404,
    get_worksheet_for_user_or_404,
    read_only_reason,
)
from ._cards import area_or_404, question_or_404
from ._files import stream_version
from ._lists import paged
from .worksheet import _evidence_response  # the card's answer, as after an upload or a link

PER_PAGE = 50


def _require_manage(request, unit) -> None:
    if not can_manage_library(request.user, unit.pk):
        raise PermissionDenied(_("Hanya operator atau kepala unit ini yang dapat mengubah pustaka bukti dukung."))


@login_required
@require_GET
def library_list(request, unit_id):
    """The unit's documents, newest first, with where each is used; filter by name and by use."""
    unit = get_library_unit_or_404(request.user, unit_id)
    docs = (Document.objects.filter(unit=unit).select_related("current", "owner")
            .annotate(n_used=Count("attachments")).order_by("-created_at", "-pk"))
    query = request.GET.get("q", "").strip()[:100]
    if query:
        docs = docs.filter(Q(title__icontains=query) | Q(url__icontains=query) | Q(current__original_name__icontains=query))
    show = request.GET.get("tampil", "")
    if show == "tidak-dipakai":
        docs = docs.filter(n_used=0)
    elif show == "tautan-rusak":
        docs = docs.filter(link_status=Document.LinkStatus.BROKEN)
    page, params = paged(request, docs, PER_PAGE)
    manage = can_manage_library(request.user, unit.pk)
    rejected = request.session.pop("library_rejected", None) if manage else None
    file_form = DocumentFileForm(prefix="file")
    link_form = DocumentLinkForm(prefix="link")
    if rejected and rejected.get("unit") == unit.pk:
        form = (DocumentFileForm if rejected["kind"] == "file" else DocumentLinkForm)(
            rejected["data"], prefix=rejected["kind"])
        form.is_valid()
        for field, errors in rejected.get("errors", {}).items():
            for e in errors:
                form.add_error(field, e)
        if rejected["kind"] == "file":
            file_form = form
        else:
            link_form = form
    return render(request, "evaluations/library_list.html", {
        "unit": unit, "page": page, "query": params, "query_text": query, "show": show, "manage": manage,
        "file_form": file_form, "link_form": link_form,
        "broken": Document.objects.filter(unit=unit, link_status=Document.LinkStatus.BROKEN).count(),
        "links": Document.objects.filter(unit=unit, kind=Document.Kind.LINK).count()})


def _reject(request, unit, kind, form, errors=None):
    """A refused add comes back on the list with what was typed (not the file) and its errors."""
    data = {k: v for k, v in form.data.items() if k != "csrfmiddlewaretoken"}
    request.session["library_rejected"] = {"unit": unit.pk, "kind": kind, "data": data,
                                           "errors": errors or {}}
    return redirect("evaluations:library_list", unit.pk)


@transaction.non_atomic_requests  # the file is read and checked before a transaction opens
@login_required
@require_POST
def library_add(request, unit_id):
    unit = get_library_unit_or_404(request.user, unit_id)
    _require_manage(request, unit)
    kind = "link" if request.POST.get("kind") == "link" else "file"
    if kind == "file":
        form = DocumentFileForm(request.POST, request.FILES, prefix="file")
        if not form.is_valid():
            return _reject(request, unit, kind, form)
        try:
            added = library.document_add_file(
                user=request.user, unit=unit, upload=form.cleaned_data["file"], title=form.cleaned_data["title"],
                period_year=form.cleaned_data["period_year"], period_part=form.cleaned_data["period_part"])
        except evidence_rules.EvidenceError as exc:
            return _reject(request, unit, kind, form, {"file": [str(exc)]})
    else:
        form = DocumentLinkForm(request.POST, prefix="link")
        if not form.is_valid():
            return _reject(request, unit, kind, form)
        added = library.document_add_link(
            user=request.user, unit=unit, url=form.cleaned_data["url"], title=form.cleaned_data["title"],
            period_year=form.cleaned_data["period_year"], period_part=form.cleaned_data["period_part"])
    if added.reused:
        messages.info(request, _("Dokumen ini sudah ada di pustaka: “%(t)s”. Tidak disimpan dua kali.") % {
            "t": added.document.title})
    else:
        messages.success(request, _("“%(t)s” ditambahkan ke pustaka.") % {"t": added.document.title})
    return redirect("evaluations:library_document", unit.pk, added.document.pk)


def _document_page(request, unit, doc, *, form=None, version_form=None, status=200):
    manage = can_manage_library(request.user, unit.pk)
    form = form or DocumentEditForm(initial={"title": doc.title, "url": doc.url, "period_year": doc.period_year,
                                             "period_part": doc.period_part, "owner": doc.owner_id},
                                    people=unit_staff(unit), is_link=not doc.is_file)
    used = (Evidence.objects.filter(document=doc)
            .select_related("answer__question__indicator__part__area", "answer__worksheet__round")
            .order_by("-answer__worksheet__round__year", "answer__question__order"))
    return render(request, "evaluations/library_document.html", {
        "unit": unit, "doc": doc, "form": form, "version_form": version_form or VersionForm(), "manage": manage,
        "versions": list(doc.versions.select_related("uploaded_by")), "used": list(used)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def library_document(request, unit_id, document_id):
    """One document: its details (editable by the unit), versions, and the questions it is attached to."""
    unit = get_library_unit_or_404(request.user, unit_id)
    doc = get_document_for_user_or_404(request.user, unit, document_id)
    if request.method == "GET":
        return _document_page(request, unit, doc)
    _require_manage(request, unit)
    form = DocumentEditForm(request.POST, people=unit_staff(unit), is_link=not doc.is_file)
    if not form.is_valid():
        return _document_page(request, unit, doc, form=form, status=400)
    data = form.cleaned_data
    try:
        library.document_update(user=request.user, document=doc, title=data["title"], period_year=data["period_year"],
                                period_part=data["period_part"], owner=data["owner"], url=data.get("url") or "")
    except evidence_rules.EvidenceError as exc:
        form.add_error("url", str(exc))
        return _document_page(request, unit, doc, form=form, status=400)
    messages.success(request, _("Rincian dokumen disimpan."))
    return redirect("evaluations:library_document", unit.pk, doc.pk)


@transaction.non_atomic_requests
@login_required
@require_POST
def library_version(request, unit_id, document_id):
    unit = get_library_unit_or_404(request.user, unit_id)
    doc = get_document_for_user_or_404(request.user, unit, document_id)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = library.document_new_version(user=request.user, document=doc, upload=form.cleaned_data["file"])
        except evidence_rules.EvidenceError as exc:
            form.add_error("file", str(exc))
        else:
            held = library.attachments_held(doc)
            text = _("Versi %(n)d diunggah; pertanyaan yang masih dapat diubah kini memakai versi ini.") % {
                "n": version.number}
            if held:
                text += " " + _("%(k)d pertanyaan pada kertas kerja yang sudah diajukan atau dinilai tetap memakai "
                                "versi sebelumnya, yang dilihat TPI.") % {"k": held}
            messages.success(request, text)
            return redirect("evaluations:library_document", unit.pk, doc.pk)
    return _document_page(request, unit, doc, version_form=form, status=400)


@login_required
@require_GET
def library_download(request, unit_id, document_id, number):
    unit = get_library_unit_or_404(request.user, unit_id)
    doc = get_document_for_user_or_404(request.user, unit, document_id)
    return stream_version(request, get_object_or_404(DocumentVersion, document=doc, number=number))


@login_required
@require_POST
def library_delete(request, unit_id, document_id):
    unit = get_library_unit_or_404(request.user, unit_id)
    doc = get_document_for_user_or_404(request.user, unit, document_id)
    try:
        library.document_delete(user=request.user, document=doc)
    except evidence_rules.EvidenceError as exc:
        messages.error(request, str(exc))
        return redirect("evaluations:library_document", unit.pk, doc.pk)
    messages.success(request, _("“%(t)s” dihapus dari pustaka.") % {"t": doc.title})
    return redirect("evaluations:library_list", unit.pk)


@login_required
@require_POST
def library_check_links(request, unit_id):
    """Queue a check of the library's links (run by a worker, never from the browser)."""
    unit = get_library_unit_or_404(request.user, unit_id)
    _require_manage(request, unit)
    if tasks.link_check_waiting(unit.pk):
        messages.info(request, _("Pemeriksaan tautan unit ini sudah dijadwalkan; hasilnya tampil di sini setelah "
                                 "selesai."))
    else:
        tasks.check_links.enqueue(unit_id=unit.pk)
        messages.success(request, _("Pemeriksaan tautan dijadwalkan; hasilnya tampil di sini dalam beberapa menit."))
    return redirect("evaluations:library_list", unit.pk)


# --------------------------------------------------------------------------- on the worksheet


@login_required
@require_POST
def evidence_attach(request, pk, question_id):
    """Attach a library document to one question (a suggestion's button or the library list)."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    question = question_or_404(worksheet, question_id)
    form = AttachForm(request.POST, unit=worksheet.unit, question=question)
    if not form.is_valid():
        return _evidence_response(request, worksheet, question, form=form)
    try:
        library.evidence_attach(user=request.user, worksheet=worksheet, question=question,
                                document=form.cleaned_data["document"])
    except PermissionDenied as exc:
        return _evidence_response(request, worksheet, question, refused=str(exc), status=403)
    if not request.htmx:
        messages.success(request, _("Bukti dukung dari pustaka dilampirkan."))
    return _evidence_response(request, worksheet, question)


def _number(text) -> int:
    """An id from a query string or form (0 when it is not one: "²" is a digit to Python, not to the database)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 18 else 0


def _scope(worksheet, area, request):
    """The questions of an area, or of one of its indicators (``?indikator=``), that the person may
    give evidence to now."""
    questions = (Question.objects.filter(indicator__part__area=area).select_related("indicator__part")
                 .order_by("order"))
    indicator = request.GET.get("indikator") or request.POST.get("indikator") or ""
    if indicator:
        questions = questions.filter(indicator_id=_number(indicator))
    questions = list(questions)
    if indicator and not questions:
        raise Http404
    answers = {a.question_id: a for a in worksheet.answers.filter(question__in=questions)}
    return [q for q in questions if answer_is_editable(worksheet, answers.get(q.pk))], indicator


def _bulk_context(worksheet, area, questions, indicator):
    ind = questions[0].indicator if indicator and questions else None
    return {"worksheet": worksheet, "area": area, "indicator": ind, "questions": questions,
            "indicator_param": indicator}


@transaction.non_atomic_requests  # every file is read and checked before a transaction opens
@login_required
@require_http_methods(["GET", "POST"])
def bulk_upload(request, pk, code):
    """Several files at once for an indicator or an area: each good file goes into the library, a
    bad one is reported by name with its reason; then the files are assigned to questions."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    area = area_or_404(worksheet, code)
    if not can_edit(request.user, worksheet):
        raise PermissionDenied(read_only_reason(request.user, worksheet) or _("Kertas kerja ini tidak dapat diubah."))
    questions, indicator = _scope(worksheet, area, request)
    form = BulkUploadForm()
    refused = []
    if request.method == "POST":
        form = BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            added = []
            for upload in form.cleaned_data["files"]:
                try:
                    with transaction.atomic():
                        added.append(library.document_add_file(
                            user=request.user, unit=worksheet.unit, upload=upload,
                            period_year=form.cleaned_data["period_year"], period_part=form.cleaned_data["period_part"]))
                except evidence_rules.EvidenceError as exc:
                    refused.append({"name": evidence_rules.display_name(upload.name), "reason": str(exc)})
            if added:
                request.session["bulk_refused"] = refused
                url = reverse("evaluations:bulk_assign", args=[worksheet.pk, area.code])
                params = "dok=" + ",".join(str(a.document.pk) for a in added)
                if indicator:
                    params += f"&indikator={indicator}"
                return redirect(f"{url}?{params}")
            for r in refused:
                form.add_error("files", f"{r['name']}: {r['reason']}")
    context = _bulk_context(worksheet, area, questions, indicator)
    context.update({"form": form})
    return render(request, "evaluations/bulk_upload.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bulk_assign(request, pk, code):
    """The files just added (or any library documents named in ``dok``), each with the questions of
    the indicator or area to tick; one save attaches them all."""
    worksheet = get_worksheet_for_user_or_404(request.user, pk)
    area = area_or_404(worksheet, code)
    if not can_edit(request.user, worksheet):
        raise PermissionDenied(read_only_reason(request.user, worksheet) or _("Kertas kerja ini tidak dapat diubah."))
    questions, indicator = _scope(worksheet, area, request)
    raw = (request.POST.get("dok") or request.GET.get("dok") or "")[:2000]
    ids = [n for n in map(_number, raw.split(",")) if n][:50]
    docs = list(Document.objects.filter(unit=worksheet.unit, pk__in=ids).select_related("current").order_by("pk"))
    if not docs:
        raise Http404
    by_pk = {q.pk: q for q in questions}
    error = ""
    chosen = {d.pk: set() for d in docs}
    if request.method == "POST":
        for d in docs:
            chosen[d.pk] = {n for n in map(_number, request.POST.getlist(f"doc-{d.pk}")) if n in by_pk}
        pairs = [(by_pk[qid], d) for d in docs for qid in sorted(chosen[d.pk])]
        if not pairs:
            error = _("Centang minimal satu pertanyaan untuk salah satu berkas, atau kembali tanpa menetapkan.")
        else:
            try:
                n = library.evidence_attach_many(user=request.user, worksheet=worksheet, pairs=pairs)
            except PermissionDenied as exc:
                error = str(exc)
            else:
                messages.success(request, _("%(n)d bukti dukung dilampirkan.") % {"n": n})
                target = reverse("evaluations:area_detail", args=[worksheet.pk, area.code])
                if indicator:
                    target += f"#ind-{indicator}"
                return redirect(target)
    context = _bulk_context(worksheet, area, questions, indicator)
    context.update({"docs": [{"doc": d, "chosen": chosen[d.pk]} for d in docs], "dok": ",".join(map(str, ids)),
                    "refused": request.session.pop("bulk_refused", []) if request.method == "GET" else [],
                    "error": error})
    return render(request, "evaluations/bulk_assign.html", context, status=400 if error else 200)
