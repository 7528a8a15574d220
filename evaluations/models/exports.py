"""Generated files people wait for — a round's recap workbook here, the programme's plan workbook in
its app — built by a background worker (``evaluations.tasks.build_generated``) and kept for
``RECAP_KEEP_HOURS`` in the file storage, so any web server can hand it out."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GeneratedFile(models.Model):
    """A file one person asked for and a background worker builds into the file storage, saying
    how far it got; it stays for ``RECAP_KEEP_HOURS``. What it holds is what its requester may see,
    so only they can download it. Concrete kinds add what the file is of (a round, an instansi's year)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Siap diunduh")
        FAILED = "failed", _("Gagal")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done_units = models.PositiveIntegerField(default=0)
    total_units = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=300, blank=True)  # name in the default storage
    filename = models.CharField(max_length=200, blank=True)  # what the download is called
    size = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def expires_at(self):
        return (self.finished_at or self.requested_at) + timedelta(hours=settings.RECAP_KEEP_HOURS)

    @property
    def expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def percent(self) -> int:
        return round(100 * self.done_units / self.total_units) if self.total_units else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class RecapExport(GeneratedFile):
    """One person's request for one round's recap."""

    round = models.ForeignKey("evaluations.Round", on_delete=models.CASCADE, related_name="recaps")

    class Meta:
        verbose_name = _("rekap Excel")
        verbose_name_plural = _("rekap Excel")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["round", "requested_by", "-requested_at"], name="recap_latest")]

    def __str__(self):
        return f"{self.filename or self.round} ({self.get_status_display()})"
