"""Writes to a unit's programme: keyword-only, atomic, permission checked, each one in the
programme's history (who, when, old → new)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import numbers
from evaluations.models import Document
from units.models import Unit
from units.people import display_name

from .models import (
    Action,
    Innovation,
    MonitoringNote,
    Pencanangan,
    ProgrammeEvent,
    Progress,
    QuarterReport,
    StudyVisit,
    TeamDecree,
    TeamMember,
    quarter_end,
)
from .permissions import can_write_plan, is_kepala, is_tpi_of


class Refused(Exception):
    """A rule refuses the action (not an access denial); ``str(exc)`` is for the person."""


NOT_YOURS = gettext_lazy("Hanya operator atau kepala unit ini yang dapat mengubah pembangunan ZI unit.")


def _check(user, unit_id) -> None:
    if not can_write_plan(user, unit_id):
        raise PermissionDenied(NOT_YOURS)


def _own_documents(unit: Unit, documents) -> list[Document]:
    """Documents of the unit's own library only (a forged id of another unit's is ignored)."""
    return [d for d in documents if d.unit_id == unit.pk]


def _event(unit, user, kind, summary, old="", new="", action=None) -> None:
    ProgrammeEvent.objects.create(unit=unit, actor=user, kind=kind, summary=summary[:300], old_value=old,
                                  new_value=new, action=action)


@transaction.atomic
def pencanangan_save(*, user, unit: Unit, date, declared_by: str, place: str = "", media_links: str = "",
                     documents=()) -> Pencanangan:
    """Record (or correct) the zone's declaration; its date is when "building ZI" began."""
    _check(user, unit.pk)
    item = Pencanangan.objects.select_for_update().filter(unit=unit).first()
    old = f"{item.date:%Y-%m-%d} · {item.declared_by}" if item else ""
    item = item or Pencanangan(unit=unit)
    item.date, item.declared_by, item.place, item.media_links = date, declared_by, place, media_links
    item.updated_by = user
    item.save()
    item.documents.set(_own_documents(unit, documents))
    _event(unit, user, ProgrammeEvent.Kind.PENCANANGAN,
           _("Pencanangan dicatat") if not old else _("Pencanangan diubah"), old,
           f"{date:%Y-%m-%d} · {declared_by}")
    return item


@transaction.atomic
def team_decree_add(*, user, unit: Unit, number: str, date, document: Document | None = None,
                    carry_members: bool = True) -> TeamDecree:
    """A new SK for the tim kerja. Its members start as the previous SK's active members (the SK
    usually changes a few names), from the SK's date; the previous SK's members end the day before."""
    _check(user, unit.pk)
    previous = TeamDecree.objects.filter(unit=unit).order_by("-date", "-pk").first()
    decree = TeamDecree.objects.create(unit=unit, number=number, date=date, created_by=user,
                                       document=document if document and document.unit_id == unit.pk else None)
    if previous and carry_members:
        active = [m for m in previous.members.all() if m.until is None or m.until >= date]
        # under the previous SK they served until the day before this one
        previous.members.filter(pk__in=[m.pk for m in active]).update(until=date - timedelta(days=1))
        TeamMember.objects.bulk_create([TeamMember(decree=decree, name=m.name, position=m.position, user=m.user,
                                                   role=m.role, area_code=m.area_code, since=date)
                                        for m in active])
    _event(unit, user, ProgrammeEvent.Kind.TEAM, _("SK tim kerja %(n)s dicatat") % {"n": number},
           str(previous) if previous else "", str(decree))
    return decree


@transaction.atomic
def team_member_add(*, user, decree: TeamDecree, name: str, role: str, position: str = "", area_code: str = "",
                    since=None, account=None) -> TeamMember:
    _check(user, decree.unit_id)
    member = TeamMember.objects.create(decree=decree, name=name, position=position, role=role, area_code=area_code,
                                       since=since or decree.date, user=account)
    _event(decree.unit, user, ProgrammeEvent.Kind.TEAM, _("Anggota tim ditambahkan: %(m)s") % {"m": member},
           "", f"{decree} · {area_code}" if area_code else str(decree))
    return member


@transaction.atomic
def team_member_end(*, user, member: TeamMember, until) -> TeamMember:
    """A member leaves the team: kept, with the date (the team's history stays whole)."""
    _check(user, member.decree.unit_id)
    if member.until is not None:
        raise Refused(_("Anggota ini sudah tercatat berhenti per %(d)s.") % {"d": member.until.strftime("%d-%m-%Y")})
    member.until = until
    member.save(update_fields=["until"])
    _event(member.decree.unit, user, ProgrammeEvent.Kind.TEAM, _("Anggota tim berhenti: %(m)s") % {"m": member},
           "", f"{until:%Y-%m-%d}")
    return member


ACTION_FIELDS = ("area_code", "description", "target", "output", "pic", "due", "budget", "status")


def _describe(action: Action) -> dict[str, str]:
    """Each field as a person reads it in the history: labels of choices, dates and rupiah the
    Indonesian way, the PIC by name."""
    values = {f: str(getattr(action, f) or "") for f in ACTION_FIELDS}
    values["area_code"] = action.get_area_code_display() if action.area_code else ""
    values["status"] = action.get_status_display()
    values["pic"] = display_name(action.pic) if action.pic_id else ""
    values["due"] = action.due.strftime("%d-%m-%Y") if action.due else ""
    values["budget"] = numbers.plain(action.budget, 0) if action.budget is not None else ""
    return values


def _label(name: str) -> str:
    return capfirst(str(Action._meta.get_field(name).verbose_name))


@transaction.atomic
def action_save(*, user, unit: Unit, year: int, data: dict, indicators=(), documents=(),
                action: Action | None = None) -> Action:
    """Create or change one rencana aksi item; the history names every field that changed."""
    _check(user, unit.pk)
    if action is not None:
        action = Action.objects.select_for_update().get(pk=action.pk, unit=unit)
    before = _describe(action) if action else {}
    action = action or Action(unit=unit, year=year, created_by=user)
    for name in ACTION_FIELDS:
        if name in data:
            setattr(action, name, data[name])
    action.save()
    action.indicators.set(indicators)
    action.documents.set(_own_documents(unit, documents))
    after = _describe(action)
    changed = [f for f in ACTION_FIELDS if before.get(f, "") != after[f]]
    if not before:
        _event(unit, user, ProgrammeEvent.Kind.ACTION, _("Rencana aksi dibuat: %(a)s") % {"a": action},
               "", f"{_label('target')}: {after['target']}; {_label('due')}: {after['due']}", action=action)
    elif changed:
        _event(unit, user, ProgrammeEvent.Kind.ACTION, _("Rencana aksi diubah: %(a)s") % {"a": action},
               "; ".join(f"{_label(f)}: {before.get(f, '')}" for f in changed)[:2000],
               "; ".join(f"{_label(f)}: {after[f]}" for f in changed)[:2000], action=action)
    return action


# --------------------------------------------------------------------------- monitoring


NOT_STARTED = gettext_lazy("Triwulan ini belum dimulai; realisasinya dilaporkan setelah triwulan berjalan.")
SIGNED = gettext_lazy("Laporan triwulan ini sudah disahkan kepala unit; isinya tidak dapat diubah lagi.")


@transaction.atomic
def progress_save(*, user, unit: Unit, year: int, quarter: int, rows: list[dict], summary: str = "") -> QuarterReport:
    """The quarter's realisation of each action: ``rows`` = [{action, realisation, done, obstacles,
    documents}]. Refused once the kepala has signed the report off."""
    _check(user, unit.pk)
    if timezone.localdate() < quarter_end(year, quarter).replace(day=1, month=quarter * 3 - 2):
        raise Refused(NOT_STARTED)
    if not rows:
        raise Refused(_("Belum ada rencana aksi tahun ini untuk dilaporkan."))
    report, _created = QuarterReport.objects.select_for_update().get_or_create(unit=unit, year=year,
                                                                               quarter=quarter)
    if report.signed_off_at:
        raise Refused(SIGNED)
    report.summary = summary
    report.save(update_fields=["summary", "updated_at"])
    existing = {p.action_id: p for p in report.progress.all()}
    for row in rows:
        action = row["action"]
        if action.unit_id != unit.pk:
            continue
        item = existing.get(action.pk) or Progress(report=report, action=action)
        item.realisation, item.done, item.obstacles = row["realisation"], row["done"], row["obstacles"]
        item.updated_by = user
        item.save()
        item.documents.set(_own_documents(unit, row.get("documents", ())))
    _event(unit, user, ProgrammeEvent.Kind.QUARTER,
           _("Realisasi triwulan %(q)s %(y)d diisi") % {"q": report.get_quarter_display(), "y": year}, "",
           "; ".join(f"{r['action']}: {r['realisation']}%" for r in rows)[:2000])
    return report


@transaction.atomic
def quarter_sign_off(*, user, report: QuarterReport) -> QuarterReport:
    """The kepala signs the quarter's report off; after that it is read-only."""
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if not is_kepala(user, report.unit_id):
        raise PermissionDenied(_("Hanya kepala unit yang dapat mengesahkan laporan triwulan."))
    if report.signed_off_at:
        raise Refused(SIGNED)
    if timezone.localdate() < quarter_end(report.year, report.quarter).replace(
            day=1, month=report.quarter * 3 - 2):
        raise Refused(NOT_STARTED)
    if not report.progress.exists():
        raise Refused(_("Isi realisasi rencana aksi triwulan ini sebelum mengesahkan."))
    report.signed_off_by, report.signed_off_at = user, timezone.now()
    report.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])
    _event(report.unit, user, ProgrammeEvent.Kind.QUARTER,
           _("Laporan triwulan %(q)s %(y)d disahkan") % {"q": report.get_quarter_display(), "y": report.year},
           "", _("terlambat") if report.signed_late else _("tepat waktu"))
    return report


@transaction.atomic
def monitoring_note_add(*, user, unit: Unit, year: int, quarter: int, note: str,
                        recommendation: str = "") -> MonitoringNote:
    if not is_tpi_of(user, unit):
        raise PermissionDenied(_("Catatan pemantauan ditulis anggota TPI instansi ini."))
    item = MonitoringNote.objects.create(unit=unit, year=year, quarter=quarter, author=user, note=note,
                                         recommendation=recommendation)
    _event(unit, user, ProgrammeEvent.Kind.MONITORING,
           _("Catatan pemantauan TPI triwulan %(q)s %(y)d") % {"q": item.get_quarter_display(), "y": year},
           "", note[:2000])
    return item


@transaction.atomic
def monitoring_reply(*, user, note: MonitoringNote, reply: str) -> MonitoringNote:
    """The unit answers a pemantauan note (and may correct its answer; the history keeps both)."""
    _check(user, note.unit_id)
    note = MonitoringNote.objects.select_for_update().get(pk=note.pk)
    old = note.reply
    note.reply, note.replied_by, note.replied_at = reply, user, timezone.now()
    note.save(update_fields=["reply", "replied_by", "replied_at"])
    _event(note.unit, user, ProgrammeEvent.Kind.MONITORING, _("Tanggapan unit atas catatan pemantauan"), old, reply)
    return note


# --------------------------------------------------------------------------- inovasi and kaji tiru


@transaction.atomic
def innovation_add(*, user, unit: Unit, data: dict, documents=()) -> Innovation:
    _check(user, unit.pk)
    item = Innovation.objects.create(unit=unit, created_by=user, **data)
    item.documents.set(_own_documents(unit, documents))
    _event(unit, user, ProgrammeEvent.Kind.INNOVATION, _("Inovasi dicatat: %(t)s") % {"t": item.title}, "",
           f"{item.measure}: {item.before} → {item.after}" if item.measure else item.title)
    return item


@transaction.atomic
def study_visit_add(*, user, unit: Unit, data: dict, documents=()) -> StudyVisit:
    _check(user, unit.pk)
    item = StudyVisit.objects.create(unit=unit, created_by=user, **data)
    item.documents.set(_own_documents(unit, documents))
    _event(unit, user, ProgrammeEvent.Kind.INNOVATION, _("Kaji tiru dicatat: %(v)s") % {"v": item}, "",
           item.adopted[:2000])
    return item
