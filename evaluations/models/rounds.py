"""Evaluation rounds of an instansi."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Instansi

from .template import TemplateVersion


class RoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Round.Status.OPEN)


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Persiapan")
        OPEN = "open", _("Berjalan")
        CLOSED = "closed", _("Ditutup")

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="rounds",
                                 verbose_name=_("instansi"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    name = models.CharField(_("nama"), max_length=200)
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="rounds",
                                verbose_name=_("versi LKE"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    fill_deadline = models.DateTimeField(_("batas pengisian unit"))
    review_deadline = models.DateTimeField(_("batas penilaian TPI"), null=True, blank=True)
    proposal_deadline = models.DateField(
        _("batas pengusulan ke KemenPAN-RB"), null=True, blank=True,
        help_text=_("Kosongkan untuk 31 Mei pertama setelah batas pengisian (PermenPANRB 5/2024). Syarat "
                    "\"membangun ZI minimal 1 tahun\" dihitung mundur dari tanggal ini."))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("periode evaluasi")
        verbose_name_plural = _("periode evaluasi")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "year", "name"], name="round_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def proposal_date(self) -> datetime.date:
        """The date set for this round, else the first 31 May on or after the units' fill deadline
        (proposals go to the ministry by 31 May each year, PermenPANRB 5/2024)."""
        if self.proposal_deadline:
            return self.proposal_deadline
        filled = timezone.localdate(self.fill_deadline)
        may_31 = datetime.date(filled.year, 5, 31)
        return may_31 if filled <= may_31 else datetime.date(filled.year + 1, 5, 31)

    @property
    def instansi_group(self) -> str:
        """pemda or kl: some prerequisites differ between regional governments and ministries."""
        return self.instansi.prerequisite_group


class RoundEvent(models.Model):
    """Append-only history of a round's status: opened, closed, reopened — who, when and why."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events", verbose_name=_("periode"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("oleh"))
    from_status = models.CharField(_("dari status"), max_length=10)
    to_status = models.CharField(_("ke status"), max_length=10)
    comment = models.TextField(_("alasan"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("riwayat periode")
        verbose_name_plural = _("riwayat periode")
        ordering = ["round_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.round}: {self.from_status} → {self.to_status}"

    @property
    def from_label(self):
        return Round.Status(self.from_status).label

    @property
    def to_label(self):
        return Round.Status(self.to_status).label


class CarryOver(models.Model):
    """An admin's request to start every empty worksheet of a round from each unit's previous round
    (``evaluations.tasks.carry_over_round``): who asked, when, and how far the worker has got."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Sedang berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="carry_overs", verbose_name=_("periode"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("diminta oleh"))
    requested_at = models.DateTimeField(_("diminta pada"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_units = models.PositiveIntegerField(_("jumlah unit"), default=0)
    done_units = models.PositiveIntegerField(_("unit diproses"), default=0)
    started_units = models.PositiveIntegerField(_("unit dimulai dari periode sebelumnya"), default=0)
    skipped_units = models.PositiveIntegerField(_("unit dilewati"), default=0)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    error = models.CharField(_("galat"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mulai dari periode sebelumnya")
        verbose_name_plural = _("mulai dari periode sebelumnya")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.round} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.done_units / self.total_units) if self.total_units else 0
