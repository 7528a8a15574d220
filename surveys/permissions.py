"""The way in to surveys, built on ``units.permissions``: a unit's staff prepare their unit's survey
(service types, posters, codes) and read its results; the instansi's TPI members read results; the
instansi's admins do everything, and alone close a survey, exclude a response or fix a value — the
unit never touches what respondents said. Anyone else: a 404. The public page goes by the period's
token alone and says nothing about any other unit."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from units.models import Instansi, Unit
from units.permissions import user_roles

from .models import SurveyPeriod

OPERATOR, KEPALA = "operator", "kepala"


def periods_for_user(user):
    roles = user_roles(user)
    if roles.superuser:
        return SurveyPeriod.objects.all()
    return SurveyPeriod.objects.filter(Q(unit_id__in=roles.unit_ids) | Q(unit__instansi_id__in=roles.admin_instansi)
                                       | Q(unit__instansi_id__in=roles.tpi_instansi))


def get_instansi_or_404(user, instansi_id) -> Instansi:
    """Every unit's survey: the instansi's admins and TPI members (and superusers)."""
    roles = user_roles(user)
    if not (roles.superuser or instansi_id in roles.admin_instansi or instansi_id in roles.tpi_instansi):
        raise Http404("Instansi tidak ditemukan.")
    try:
        return Instansi.objects.get(pk=instansi_id)
    except Instansi.DoesNotExist:
        raise Http404("Instansi tidak ditemukan.") from None


def get_unit_or_404(user, unit_id) -> Unit:
    """A unit whose surveys the person sees: its own staff, its instansi's TPI members and admins."""
    roles = user_roles(user)
    units = Unit.objects.all() if roles.superuser else Unit.objects.filter(
        Q(pk__in=roles.unit_ids) | Q(instansi_id__in=roles.admin_instansi) | Q(instansi_id__in=roles.tpi_instansi))
    try:
        return units.select_related("instansi").get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Unit tidak ditemukan.") from None


def get_period_or_404(user, pk) -> SurveyPeriod:
    try:
        return periods_for_user(user).select_related("unit__instansi", "round", "spak", "spkp").get(pk=pk)
    except (SurveyPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404("Survei tidak ditemukan.") from None


def is_admin_of(user, instansi_id) -> bool:
    roles = user_roles(user)
    return roles.superuser or instansi_id in roles.admin_instansi


def can_prepare(user, unit) -> bool:
    """Set up the unit's survey: its period, service types, posters, one-time codes."""
    return bool(user_roles(user).roles_in_unit(unit.pk) & {OPERATOR, KEPALA}) or is_admin_of(user, unit.instansi_id)


def can_decide(user, period) -> bool:
    """Close the survey, exclude a response, fix the value into the worksheet: the instansi's admins."""
    return is_admin_of(user, period.unit.instansi_id)
