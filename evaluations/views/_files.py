"""Stored files handed to someone already allowed to see them: streamed, never a public URL."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .. import evidence as evidence_rules
from ..models import DocumentVersion


def stream_version(request, version: DocumentVersion):
    """Stream one stored file to someone already allowed to see it; never a public URL. PDF and
    images may be shown in the page (``?inline=1``)."""
    inline = request.GET.get("inline") == "1" and evidence_rules.KINDS.get(
        evidence_rules.extension(version.original_name), evidence_rules.Kind("", "")).previewable
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Berkas tidak ditemukan di penyimpanan.")) from None
    response = FileResponse(handle, as_attachment=not inline, filename=version.original_name,
                            content_type=version.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def latest_generated(exports, *, done=False):
    """The newest of these generated files (one person's, of one thing) still within its day — with
    ``done``, the newest finished one: asked again from another tab, the file already offered stays
    downloadable — or None."""
    export = (exports.filter(status="done") if done else exports).first()
    return export if export and not export.expired else None


def stream_generated(export, *, gone: str, content_type: str = XLSX):
    """A finished generated file, streamed from the file storage (any web server can serve it) to
    the person who asked for it; ``gone`` says what to do when it is missing or expired."""
    if export is None:
        raise Http404(gone)
    try:
        handle = default_storage.open(export.file, "rb")
    except FileNotFoundError:
        raise Http404(gone) from None
    response = FileResponse(handle, as_attachment=True, filename=export.filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
