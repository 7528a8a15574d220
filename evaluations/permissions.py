"""Worksheet access: the only way to unit-owned evaluation data.

Unit staff reach their own unit's worksheets, a TPI member the worksheets assigned to them, an
admin every worksheet of their instansi. Anything else is a 404, never someone else's data.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.models import Unit
from units.permissions import user_roles

from . import workflow
from .models import Document, Round, Worksheet


def worksheets_for_user(user):
    roles = user_roles(user)
    if roles.superuser:
        return Worksheet.objects.all()
    q = Q(pk__in=[])
    if roles.unit_ids:
        q |= Q(unit_id__in=roles.unit_ids)
    if roles.admin_instansi:
        q |= Q(round__instansi_id__in=roles.admin_instansi)
    if roles.tpi_instansi:
        assigned = Worksheet.reviewers.through.objects.filter(user_id=user.pk).values("worksheet_id")
        q |= Q(pk__in=assigned, round__instansi_id__in=roles.tpi_instansi)
    return Worksheet.objects.filter(q)


def rounds_for_user(user):
    """Rounds the user takes part in: admins their instansi's, others through their worksheets."""
    roles = user_roles(user)
    if roles.superuser:
        return Round.objects.all()
    return Round.objects.filter(
        Q(instansi_id__in=roles.admin_instansi)
        | Q(pk__in=worksheets_for_user(user).values("round_id"))
    )


def get_worksheet_for_user_or_404(user, pk) -> Worksheet:
    try:
        return (worksheets_for_user(user).select_related("round", "round__version", "round__instansi", "unit")
                .get(pk=pk))
    except (Worksheet.DoesNotExist, ValueError, TypeError):
        raise Http404("Kertas kerja tidak ditemukan.") from None


def get_round_for_user_or_404(user, pk) -> Round:
    try:
        return rounds_for_user(user).select_related("version", "instansi").get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise Http404("Periode tidak ditemukan.") from None


def workflow_roles(user, worksheet: Worksheet) -> frozenset[str]:
    """The workflow roles (operator, kepala, tpi, admin) the user holds for this worksheet.

    Separation of duties: whoever is operator or kepala of the worksheet's unit holds neither the
    TPI's nor the admin's role on it — they never review, decide on, assign reviewers to or extend
    the deadlines of their own unit, whatever other memberships they hold (or gain later)."""
    roles = user_roles(user)
    held = set(roles.roles_in_unit(worksheet.unit_id))
    if held:
        return frozenset(held)
    if roles.is_admin_of(worksheet.round.instansi_id):
        held.add(workflow.ADMIN)
    if worksheet.round.instansi_id in roles.tpi_instansi and worksheet.reviewers.filter(pk=user.pk).exists():
        held.add(workflow.TPI)
    return frozenset(held)


def is_unit_staff(user, unit_id) -> bool:
    """Operator or kepala of this unit: may not review it (separation of duties)."""
    return bool(user_roles(user).roles_in_unit(unit_id))


def can_edit(user, worksheet: Worksheet, now=None) -> bool:
    """Unit staff may change answers while the worksheet is theirs and the deadline holds."""
    roles = user_roles(user).roles_in_unit(worksheet.unit_id)
    return (bool(roles & {workflow.OPERATOR, workflow.KEPALA})
            and worksheet.round.status == Round.Status.OPEN
            and workflow.unit_can_edit(worksheet.status)
            and not worksheet.is_past_deadline(now or timezone.now()))


def answer_is_editable(worksheet: Worksheet, answer) -> bool:
    """Which answers are open to the unit: in draft every one; once returned, only those flagged
    for rework (the person's right to edit at all is ``can_edit``)."""
    if worksheet.status == Worksheet.Status.DRAFT:
        return True
    return worksheet.status == Worksheet.Status.RETURNED and bool(answer and answer.needs_revision)


def can_fill_in_for_unit(user, worksheet: Worksheet) -> bool:
    """An admin fills in for a unit (survey results on the hasil page, a workbook import) while the
    unit is still filling in and the round is open — never for the admin's own unit."""
    return (workflow.ADMIN in workflow_roles(user, worksheet) and worksheet.status == Worksheet.Status.DRAFT
            and worksheet.round.status == Round.Status.OPEN)


def can_import(user, worksheet: Worksheet) -> bool:
    """Who may bring answers in from a workbook: whoever may edit, and an admin filling in."""
    return can_edit(user, worksheet) or can_fill_in_for_unit(user, worksheet)


def can_review(user, worksheet: Worksheet) -> bool:
    return bool(workflow_roles(user, worksheet) & {workflow.TPI, workflow.ADMIN})


def can_see_tpi_values(user, worksheet: Worksheet) -> bool:
    """The unit sees the TPI's values and notes once the TPI has decided (returned or approved);
    reviewers and admins see them while the review is under way."""
    return worksheet.status in workflow.TPI_DECIDED or can_review(user, worksheet)


def read_only_reason(user, worksheet: Worksheet) -> str:
    """Why this person cannot change the worksheet now, in words; "" when they can."""
    if can_edit(user, worksheet):
        return ""
    if worksheet.round.status != Round.Status.OPEN:
        return _("Periode evaluasi tidak sedang berjalan.")
    if worksheet.status == Worksheet.Status.APPROVED:
        return _("Kertas kerja telah disetujui TPI; nilai TPI final dan terkunci.")
    if not user_roles(user).roles_in_unit(worksheet.unit_id):
        if can_review(user, worksheet):
            return _("Jawaban unit diisi oleh operator dan kepala unit; nilai dan catatan TPI diisi di lembar reviu.")
        return _("Halaman ini hanya dapat diisi oleh operator dan kepala unit.")
    if worksheet.status in (Worksheet.Status.SUBMITTED, Worksheet.Status.IN_REVIEW):
        return _("Kertas kerja sudah diajukan dan sedang menunggu atau menjalani reviu TPI.")
    return _("Batas pengisian telah lewat; admin dapat memperpanjangnya untuk unit ini.")


def can_record_instansi_prerequisites(user, round_) -> bool:
    """The instansi's facts (opini BPK, SAKIP, Indeks RB, SPIP) are recorded by its admins."""
    return user_roles(user).is_admin_of(round_.instansi_id)


def can_record_unit_prerequisites(user, worksheet: Worksheet) -> bool:
    """A unit's facts (tindak lanjut, LHKASN/LHKPN, pencanangan, SAKIP internal…) are verified and
    recorded by the Inspektorat: the TPI members assigned to it, and the instansi's admins."""
    return can_review(user, worksheet)


def can_review_round(user, round_) -> bool:
    """Round-wide pages that list every unit (hasil inputs, prerequisites, recap) and the TPI's
    values on the dashboard: the instansi's admins and TPI members."""
    roles = user_roles(user)
    return roles.is_admin_of(round_.instansi_id) or round_.instansi_id in roles.tpi_instansi


ROUND_CLOSED = gettext_lazy("Periode evaluasi ini telah ditutup: nilai, keputusan dan syarat pengusulannya tidak "
                            "dapat diubah lagi. Admin dapat membuka kembali periode dengan alasan bila memang perlu.")
REVIEW_DEADLINE_PASSED = gettext_lazy("Batas penilaian TPI untuk unit ini telah lewat (%(when)s); admin dapat "
                                      "memperpanjangnya untuk unit ini.")


def review_closed_reason(worksheet: Worksheet, now=None) -> str:
    """Why nobody may review this worksheet now, in words ("" when the review is open): the round
    is closed, or the TPI's deadline for it has passed (until an admin extends it)."""
    if worksheet.round.status != Round.Status.OPEN:
        return str(ROUND_CLOSED)
    if worksheet.is_past_review_deadline(now):
        return str(REVIEW_DEADLINE_PASSED % {
            "when": formats.date_format(timezone.localtime(worksheet.effective_review_deadline), "j F Y H.i T")})
    return ""


# --------------------------------------------------------------------------- evidence library


def can_manage_library(user, unit_id) -> bool:
    """The unit's operators and kepala keep its library (add, version, describe, delete unused)."""
    return bool(user_roles(user).roles_in_unit(unit_id) & {workflow.OPERATOR, workflow.KEPALA})


def library_units_for_user(user):
    """Units whose library the user may read: their own units; an admin every unit of the instansi."""
    roles = user_roles(user)
    if roles.superuser:
        return Unit.objects.all()
    return Unit.objects.filter(Q(pk__in=roles.unit_ids) | Q(instansi_id__in=roles.admin_instansi))


def get_library_unit_or_404(user, unit_id):
    try:
        return library_units_for_user(user).select_related("instansi").get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Unit tidak ditemukan.") from None


def get_document_for_user_or_404(user, unit, document_id):
    """A document of a unit the user reaches (``get_library_unit_or_404`` first); another unit's is a 404."""
    try:
        return Document.objects.select_related("current", "owner").get(pk=document_id, unit=unit)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404("Dokumen tidak ditemukan.") from None
