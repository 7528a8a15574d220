"""The weekly digest: to each person in charge (PIC) the actions due within a week or overdue, and
to each kepala unit all of the unit's such actions and the quarter report that is late. Nobody who
opted out, nobody without an email address, nothing when there is nothing to say."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from units.models import Membership

from .models import Action, DigestPreference, QuarterReport, report_due
from .selectors import last_due_quarter

DUE_WITHIN = datetime.timedelta(days=7)


@dataclass
class Digest:
    user: object
    actions: list = field(default_factory=list)  # (unit, action) due soon or overdue
    late_reports: list = field(default_factory=list)  # (unit, year, quarter)

    def body(self, today: datetime.date) -> str:
        lines = [_("Ringkasan mingguan pembangunan Zona Integritas, %(d)s.") % {"d": today.strftime("%d-%m-%Y")}, ""]
        if self.actions:
            lines.append(_("Rencana aksi yang jatuh tempo dalam 7 hari atau sudah terlambat:"))
            for unit, a in self.actions:
                late = _(" (TERLAMBAT)") if a.due < today else ""
                lines.append(f"- [{unit.short_name or unit.name}] {a.description[:100]} — "
                             + _("batas %(d)s") % {"d": a.due.strftime("%d-%m-%Y")} + late)
            lines.append("")
        for unit, year, quarter in self.late_reports:
            lines.append(_("Laporan triwulan %(q)s %(y)d %(u)s belum disahkan (batas %(d)s): %(url)s") % {
                "q": ["I", "II", "III", "IV"][quarter - 1], "y": year, "u": unit.name,
                "d": report_due(year, quarter).strftime("%d-%m-%Y"),
                "url": settings.SITE_URL + reverse("programme:quarter", args=[unit.pk, year, quarter])})
        lines += ["", _("Berhenti menerima ringkasan ini: buka halaman Pembangunan ZI unit Anda, pilih "
                        "“Jangan kirimi saya ringkasan mingguan”.")]
        return "\n".join(lines)


def build(today: datetime.date) -> list[Digest]:
    """Everyone's digest for this week (a handful of queries, whatever the number of units)."""
    opted_out = set(DigestPreference.objects.filter(weekly=False).values_list("user_id", flat=True))
    due = list(Action.objects.filter(status__in=[Action.Status.PLANNED, Action.Status.RUNNING],
                                     due__lte=today + DUE_WITHIN)
               .select_related("unit", "pic").order_by("unit__name", "due", "pk"))
    staff = set(Membership.objects.filter(role__in=[Membership.Role.OPERATOR, Membership.Role.KEPALA])
                .values_list("user_id", "unit_id"))  # a PIC who left the unit gets nothing of it
    kepala_of: dict[int, list] = {}
    for m in Membership.objects.filter(role=Membership.Role.KEPALA, user__is_active=True).select_related("user", "unit"):
        kepala_of.setdefault(m.unit_id, []).append(m)
    out: dict[int, Digest] = {}

    def digest(user):
        return out.setdefault(user.pk, Digest(user))

    for a in due:
        if a.pic_id and a.pic.is_active and (a.pic_id, a.unit_id) in staff:
            digest(a.pic).actions.append((a.unit, a))
        for m in kepala_of.get(a.unit_id, []):
            if m.user_id != a.pic_id:
                digest(m.user).actions.append((a.unit, a))
    year, quarter = last_due_quarter(today)
    planning = Action.objects.filter(year=year).exclude(status=Action.Status.CANCELLED).values("unit_id")
    signed = QuarterReport.objects.filter(year=year, quarter=quarter, signed_off_at__isnull=False).values("unit_id")
    late_units = set(planning.exclude(unit_id__in=signed).values_list("unit_id", flat=True))
    for unit_id in late_units:
        for m in kepala_of.get(unit_id, []):
            digest(m.user).late_reports.append((m.unit, year, quarter))
    return [d for d in out.values() if d.user.pk not in opted_out and d.user.email and (d.actions or d.late_reports)]
