"""Membangun ZI: the year-long programme before the LKE — the zone's declaration (pencanangan), the
tim kerja and its SK, and the rencana aksi aimed at the LKE's indicators. Documents come from the
unit's evidence library (``evaluations.Document``), so one upload serves the programme and the LKE.
Every change is written to ``ProgrammeEvent`` (append-only), like a worksheet's history."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Document, GeneratedFile, Indicator
from units.models import Instansi, Unit

# The six change areas (the LKE's pengungkit areas), as the programme is organised.
AREAS = [("I", _("I. Manajemen Perubahan")), ("II", _("II. Penataan Tata Laksana")),
         ("III", _("III. Penataan Sistem Manajemen SDM Aparatur")), ("IV", _("IV. Penguatan Akuntabilitas")),
         ("V", _("V. Penguatan Pengawasan")), ("VI", _("VI. Peningkatan Kualitas Pelayanan Publik"))]


class Pencanangan(models.Model):
    """The zone declared: when, by whom, with which documents (pakta integritas …) and media links."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="pencanangan",
                                verbose_name=_("unit kerja"))
    date = models.DateField(_("tanggal pencanangan"))
    declared_by = models.CharField(_("dicanangkan oleh"), max_length=200,
                                   help_text=_("Nama dan jabatan pimpinan yang mencanangkan, mis. Bupati Sukamaju."))
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    media_links = models.TextField(_("tautan media"), blank=True,
                                   help_text=_("Satu tautan per baris: berita, unggahan media sosial, video."))
    documents = models.ManyToManyField(Document, blank=True, related_name="+", verbose_name=_("dokumen"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("diubah oleh"))
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pencanangan")
        verbose_name_plural = _("pencanangan")

    def __str__(self):
        return f"{self.unit} — {self.date:%Y-%m-%d}"

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in self.media_links.splitlines() if line.strip()]


class TeamDecree(models.Model):
    """An SK appointing (or changing) the unit's tim kerja; the latest by date is in force."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="team_decrees",
                             verbose_name=_("unit kerja"))
    number = models.CharField(_("nomor SK"), max_length=120)
    date = models.DateField(_("tanggal SK"))
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("dokumen SK"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("SK tim kerja")
        verbose_name_plural = _("SK tim kerja")
        ordering = ["unit_id", "-date", "-pk"]

    def __str__(self):
        return f"SK {self.number} ({self.date:%Y-%m-%d})"


class TeamMember(models.Model):
    """A member of the tim kerja under one SK, with the role and (for an area coordinator) the area.
    Changes are kept: a member who leaves gets an end date, never deleted."""

    class Role(models.TextChoices):
        KETUA = "ketua", _("Ketua")
        SEKRETARIS = "sekretaris", _("Sekretaris")
        KOORDINATOR = "koordinator", _("Koordinator area")
        ANGGOTA = "anggota", _("Anggota")
        AGEN = "agen", _("Agen perubahan")

    decree = models.ForeignKey(TeamDecree, on_delete=models.CASCADE, related_name="members",
                               verbose_name=_("SK tim kerja"))
    name = models.CharField(_("nama"), max_length=200)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("akun"))
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices)
    area_code = models.CharField(_("area perubahan"), max_length=4, blank=True,
                                 choices=AREAS)
    since = models.DateField(_("sejak"))
    until = models.DateField(_("sampai"), null=True, blank=True)

    class Meta:
        verbose_name = _("anggota tim kerja")
        verbose_name_plural = _("anggota tim kerja")
        ordering = ["decree_id", "role", "area_code", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def active(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()


class Action(models.Model):
    """One item of a unit's rencana aksi for a year, aimed at one or more LKE indicators."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        CANCELLED = "cancelled", _("Dibatalkan")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="actions", verbose_name=_("unit kerja"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    area_code = models.CharField(_("area perubahan"), max_length=4, choices=AREAS)
    description = models.TextField(_("kegiatan"))
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+", verbose_name=_("indikator LKE"))
    target = models.CharField(_("target terukur"), max_length=300,
                              help_text=_("Mis. “SOP seluruh layanan ditetapkan (12 SOP)”."))
    output = models.CharField(_("keluaran"), max_length=300, blank=True,
                              help_text=_("Dokumen atau hasil yang membuktikan, mis. SK Kepala tentang SOP."))
    pic = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("penanggung jawab"))
    due = models.DateField(_("batas waktu"))
    budget = models.DecimalField(_("anggaran (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    documents = models.ManyToManyField(Document, blank=True, related_name="+", verbose_name=_("bukti"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        ordering = ["unit_id", "year", "area_code", "due", "pk"]
        indexes = [models.Index(fields=["unit", "year"], name="action_unit_year")]

    def __str__(self):
        return self.description[:80]

    def is_overdue(self, today=None) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.RUNNING) and self.due < (today or timezone.localdate())


class ProgrammeEvent(models.Model):
    """Append-only history of a unit's programme: what changed, who, when."""

    class Kind(models.TextChoices):
        PENCANANGAN = "pencanangan", _("Pencanangan")
        TEAM = "team", _("Tim kerja")
        ACTION = "action", _("Rencana aksi")
        QUARTER = "quarter", _("Laporan triwulan")
        MONITORING = "monitoring", _("Pemantauan TPI")
        INNOVATION = "innovation", _("Inovasi dan kaji tiru")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="programme_events",
                             verbose_name=_("unit kerja"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("oleh"))
    summary = models.CharField(_("ringkasan"), max_length=300)
    old_value = models.TextField(_("nilai lama"), blank=True)
    new_value = models.TextField(_("nilai baru"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("riwayat pembangunan ZI")
        verbose_name_plural = _("riwayat pembangunan ZI")
        ordering = ["unit_id", "-created_at", "-pk"]

    def __str__(self):
        return self.summary


def quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def report_due(year: int, quarter: int) -> datetime.date:
    """A quarter's monitoring report is due on the 10th of the month after the quarter (as pemda
    usually set it for their monev)."""
    end = quarter_end(year, quarter)
    return datetime.date(end.year + (end.month == 12), end.month % 12 + 1, 10)


class QuarterReport(models.Model):
    """A unit's monitoring report of one quarter: the realisation of each action (``Progress``),
    signed off by the kepala. Late when not signed off by ``report_due``."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="quarter_reports",
                             verbose_name=_("unit kerja"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")])
    summary = models.TextField(_("ringkasan"), blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("disahkan oleh"))
    signed_off_at = models.DateTimeField(_("disahkan pada"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("laporan triwulan")
        verbose_name_plural = _("laporan triwulan")
        ordering = ["unit_id", "year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "quarter"], name="quarter_report_unique")]

    def __str__(self):
        return f"{self.unit} — TW {self.get_quarter_display()} {self.year}"

    @property
    def due(self) -> datetime.date:
        return report_due(self.year, self.quarter)

    @property
    def signed_late(self) -> bool:
        return bool(self.signed_off_at) and timezone.localdate(self.signed_off_at) > self.due


class Progress(models.Model):
    """One action's realisation in one quarter's report."""

    report = models.ForeignKey(QuarterReport, on_delete=models.CASCADE, related_name="progress",
                               verbose_name=_("laporan triwulan"))
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress",
                               verbose_name=_("rencana aksi"))
    realisation = models.PositiveSmallIntegerField(_("realisasi (%)"), default=0)
    done = models.TextField(_("yang telah dilakukan"), blank=True)
    obstacles = models.TextField(_("kendala"), blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="+", verbose_name=_("bukti"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("diisi oleh"))
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("realisasi rencana aksi")
        verbose_name_plural = _("realisasi rencana aksi")
        ordering = ["report_id", "action_id"]
        constraints = [models.UniqueConstraint(fields=["report", "action"], name="progress_unique_action"),
                       models.CheckConstraint(condition=models.Q(realisation__lte=100), name="progress_at_most_100")]

    def __str__(self):
        return f"{self.action} — {self.realisation}%"


class MonitoringNote(models.Model):
    """The TPI's pemantauan of a unit in a quarter — a note and its recommendation — and the unit's
    answer. The TPI writes the note; the unit answers; neither edits the other's words."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="monitoring_notes",
                             verbose_name=_("unit kerja"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("anggota TPI"))
    note = models.TextField(_("catatan pemantauan"))
    recommendation = models.TextField(_("rekomendasi"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    reply = models.TextField(_("tanggapan unit"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("ditanggapi oleh"))
    replied_at = models.DateTimeField(_("ditanggapi pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("catatan pemantauan TPI")
        verbose_name_plural = _("catatan pemantauan TPI")
        ordering = ["unit_id", "year", "quarter", "created_at", "pk"]

    def __str__(self):
        return self.note[:80]


class DigestPreference(models.Model):
    """A person's choice about the weekly digest of actions due (sent unless they opt out)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference",
                                verbose_name=_("pengguna"))
    weekly = models.BooleanField(_("kirim ringkasan mingguan"), default=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pilihan ringkasan mingguan")
        verbose_name_plural = _("pilihan ringkasan mingguan")

    def __str__(self):
        return f"{self.user} — {'ya' if self.weekly else 'tidak'}"


class DigestRun(models.Model):
    """One week's digest, queued once (the nightly job runs every night; only one per week sends)."""

    week = models.DateField(_("minggu (Senin)"), unique=True)
    queued_at = models.DateTimeField(_("diantrekan pada"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("penerima"), default=0)

    class Meta:
        verbose_name = _("ringkasan mingguan")
        verbose_name_plural = _("ringkasan mingguan")
        ordering = ["-week"]

    def __str__(self):
        return f"{self.week:%Y-%m-%d}"


class PlanExport(GeneratedFile):
    """One person's request for the instansi's workbook of plans and realisations for a year (built by
    a worker: at 5,000 units it takes seconds)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("laporan rencana aksi (Excel)")
        verbose_name_plural = _("laporan rencana aksi (Excel)")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["instansi", "year", "requested_by", "-requested_at"], name="plan_export_latest")]

    def __str__(self):
        return f"{self.filename or self.instansi} {self.year} ({self.get_status_display()})"


class Innovation(models.Model):
    """A service innovation of a unit (LKE VI reform: "Upaya dan/atau Inovasi Pelayanan Publik"): what
    changed, with a figure before and after, and its evidence. Other units of the instansi browse them."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="innovations", verbose_name=_("unit kerja"))
    title = models.CharField(_("nama inovasi"), max_length=200)
    description = models.TextField(_("uraian"))
    launched_on = models.DateField(_("mulai diterapkan"), null=True, blank=True)
    measure = models.CharField(_("ukuran"), max_length=100, blank=True,
                               help_text=_("Apa yang diukur, mis. “waktu penyelesaian KTP-el (hari)”."))
    before = models.DecimalField(_("sebelum"), max_digits=14, decimal_places=2, null=True, blank=True)
    after = models.DecimalField(_("sesudah"), max_digits=14, decimal_places=2, null=True, blank=True)
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("indikator LKE"))
    documents = models.ManyToManyField(Document, blank=True, related_name="+", verbose_name=_("bukti"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("inovasi pelayanan")
        verbose_name_plural = _("inovasi pelayanan")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class StudyVisit(models.Model):
    """A kaji tiru visit: to whom, when, and what the unit adopted from it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="study_visits", verbose_name=_("unit kerja"))
    visited = models.CharField(_("unit/instansi yang dikunjungi"), max_length=200)
    date = models.DateField(_("tanggal"))
    adopted = models.TextField(_("yang diadopsi"))
    documents = models.ManyToManyField(Document, blank=True, related_name="+", verbose_name=_("bukti"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("kaji tiru")
        verbose_name_plural = _("kaji tiru")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.visited} ({self.date:%Y-%m-%d})"
