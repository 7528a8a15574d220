"""The way in to proposals, TPN results and predicates, built on ``units.permissions``.

Only the instansi's admins propose, record the TPN's stages, values and results, decide a
self-evaluation, record and revoke predicates. TPI members read the proposals of their instansi's
rounds and the history of the units they review; the instansi's calibration report is theirs too. A
unit's staff read their own unit's history and turn its recommendations into rencana aksi. Anything
else — another unit, another instansi — is a 404.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from evaluations.models import Round, Worksheet
from units.models import Instansi, Unit
from units.permissions import user_roles

from .models import Award, Nominee, Proposal

STAFF = {"operator", "kepala"}


def _reviewed_units(user):
    return Worksheet.objects.filter(reviewers=user).values("unit_id")


def units_for_user(user):
    """Units whose predicate history the user may read."""
    roles = user_roles(user)
    if roles.superuser:
        return Unit.objects.all()
    return Unit.objects.filter(Q(pk__in=roles.unit_ids) | Q(instansi_id__in=roles.admin_instansi)
                               | Q(instansi_id__in=roles.tpi_instansi, pk__in=_reviewed_units(user)))


def get_unit_or_404(user, unit_id) -> Unit:
    try:
        return units_for_user(user).select_related("instansi").get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Unit tidak ditemukan.") from None


def is_admin_of(user, instansi_id) -> bool:
    return user_roles(user).is_admin_of(instansi_id)


def is_staff_of(user, unit_id) -> bool:
    return bool(user_roles(user).roles_in_unit(unit_id) & STAFF)


def sees_instansi(user, instansi_id) -> bool:
    """The instansi's admins and TPI members: its proposals, its calibration."""
    roles = user_roles(user)
    return roles.is_admin_of(instansi_id) or instansi_id in roles.tpi_instansi


def visible_unit_ids(user, instansi_id) -> set[int] | None:
    """Whose proposals, results and predicates a person sees on the instansi's pages: an admin every
    unit's (None); a TPI member the units they review (the calibration's instansi-wide averages aside)."""
    if is_admin_of(user, instansi_id):
        return None
    return set(Worksheet.objects.filter(reviewers=user, round__instansi_id=instansi_id)
               .values_list("unit_id", flat=True))


def get_instansi_or_404(user, instansi_id) -> Instansi:
    try:
        instansi = Instansi.objects.get(pk=instansi_id)
    except (Instansi.DoesNotExist, ValueError, TypeError):
        raise Http404("Instansi tidak ditemukan.") from None
    if not sees_instansi(user, instansi.pk):
        raise Http404("Instansi tidak ditemukan.")
    return instansi


def get_round_or_404(user, round_id) -> Round:
    try:
        round_ = Round.objects.select_related("instansi", "version").get(pk=round_id)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise Http404("Periode tidak ditemukan.") from None
    if not sees_instansi(user, round_.instansi_id):
        raise Http404("Periode tidak ditemukan.")
    return round_


def get_proposal_or_404(user, proposal_id) -> Proposal:
    try:
        proposal = Proposal.objects.select_related("round__instansi", "round__version", "created_by").get(
            pk=proposal_id)
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise Http404("Usulan tidak ditemukan.") from None
    if not sees_instansi(user, proposal.round.instansi_id):
        raise Http404("Usulan tidak ditemukan.")
    return proposal


def get_nominee_or_404(user, nominee_id, *, staff=False) -> Nominee:
    """A nominee the user may see: the instansi's admins and TPI members; with ``staff``, also its
    own unit's staff (they take its recommendations)."""
    try:
        nominee = Nominee.objects.select_related("proposal__round__instansi", "proposal__round__version", "unit",
                                                 "kawasan", "worksheet").get(pk=nominee_id)
    except (Nominee.DoesNotExist, ValueError, TypeError):
        raise Http404("Usulan unit tidak ditemukan.") from None
    instansi_id = nominee.proposal.round.instansi_id
    if not (sees_instansi(user, instansi_id) or (staff and nominee.unit_id and is_staff_of(user, nominee.unit_id))):
        raise Http404("Usulan unit tidak ditemukan.")
    return nominee


def get_award_or_404(user, award_id) -> Award:
    try:
        award = Award.objects.select_related("unit__instansi", "kawasan__instansi").get(pk=award_id)
    except (Award.DoesNotExist, ValueError, TypeError):
        raise Http404("Predikat tidak ditemukan.") from None
    instansi_id = award.instansi_id
    if is_admin_of(user, instansi_id):
        return award
    if award.unit_id and units_for_user(user).filter(pk=award.unit_id).exists():  # its staff, its TPI
        return award
    raise Http404("Predikat tidak ditemukan.")
