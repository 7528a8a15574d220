"""The way in to a unit's ZI programme, built on ``units.permissions``: the unit's own staff read and
write their plan (the kepala signs off); the instansi's TPI members read it (they accompany, they do
not edit); the instansi's admins read every unit's. Anyone else — another unit, another instansi — a 404."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from units.models import Instansi, Unit
from units.permissions import user_roles

OPERATOR, KEPALA = "operator", "kepala"


def programme_units_for_user(user):
    roles = user_roles(user)
    if roles.superuser:
        return Unit.objects.all()
    return Unit.objects.filter(Q(pk__in=roles.unit_ids) | Q(instansi_id__in=roles.admin_instansi)
                               | Q(instansi_id__in=roles.tpi_instansi))


def get_programme_unit_or_404(user, unit_id) -> Unit:
    try:
        return programme_units_for_user(user).select_related("instansi").get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Unit tidak ditemukan.") from None


def can_write_plan(user, unit_id) -> bool:
    """The unit's operators and kepala write its programme: pencanangan, tim kerja, rencana aksi."""
    return bool(user_roles(user).roles_in_unit(unit_id) & {OPERATOR, KEPALA})


def is_kepala(user, unit_id) -> bool:
    return KEPALA in user_roles(user).roles_in_unit(unit_id)


def is_tpi_of(user, unit) -> bool:
    """A TPI member of the unit's instansi writes pemantauan notes (never the unit's plan)."""
    return unit.instansi_id in user_roles(user).tpi_instansi


def can_see_progress(user, instansi_id) -> bool:
    """Every unit's progress: the instansi's admins and TPI members (and superusers)."""
    roles = user_roles(user)
    return roles.superuser or instansi_id in roles.admin_instansi or instansi_id in roles.tpi_instansi


def instansi_for_progress_or_404(user, instansi_id):
    if not can_see_progress(user, instansi_id):
        raise Http404("Instansi tidak ditemukan.")
    try:
        return Instansi.objects.get(pk=instansi_id)
    except Instansi.DoesNotExist:
        raise Http404("Instansi tidak ditemukan.") from None


def instansi_member_or_404(user, instansi_id) -> Instansi:
    """Anyone working in the instansi — its units' staff, its TPI, its admins — browses what the
    instansi's units share (their innovations)."""
    roles = user_roles(user)
    member = (roles.superuser or instansi_id in roles.admin_instansi or instansi_id in roles.tpi_instansi
              or Unit.objects.filter(pk__in=roles.unit_ids, instansi_id=instansi_id).exists())
    if not member:
        raise Http404("Instansi tidak ditemukan.")
    try:
        return Instansi.objects.get(pk=instansi_id)
    except Instansi.DoesNotExist:
        raise Http404("Instansi tidak ditemukan.") from None
