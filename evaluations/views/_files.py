"""Stored files handed to someone already allowed to see them: streamed, never a public URL."""

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
