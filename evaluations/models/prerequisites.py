"""Proposal prerequisites (PermenPANRB 5/2024, Tabel 5) as data per template version, and the facts
recorded against them: the instansi's per round, the unit's per worksheet.

Facts are append-only: recording a new value adds a row, so who recorded what, when and with which
evidence stays visible; the current fact is the latest row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rounds import Round
from .template import TemplateVersion
from .worksheets import Worksheet


class PrerequisiteDefinition(models.Model):
    class Level(models.TextChoices):
        INSTANSI = "instansi", _("Instansi")
        UNIT = "unit", _("Unit kerja")

    class Kind(models.TextChoices):
        CHOICE = "choice", _("Pilihan berperingkat")
        PERCENT = "percent", _("Persentase")
        YES_NO = "yes_no", _("Ya/Tidak")
        SINCE = "since", _("Tanggal mulai")

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="prerequisite_definitions",
                                verbose_name=_("versi LKE"))
    key = models.SlugField(_("kunci"), max_length=40)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("jenis isian"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("syarat"), max_length=300)
    help_text = models.TextField(_("penjelasan"), blank=True)
    scale = models.JSONField(_("skala (terbaik lebih dulu)"), default=list, blank=True)
    minimums = models.JSONField(_("minimum per predikat"), default=dict)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("syarat pengusulan")
        verbose_name_plural = _("syarat pengusulan")
        ordering = ["version", "level", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="prerequisite_unique_key")]

    def __str__(self):
        return self.label


def prerequisite_upload_to(instance, filename):
    where = f"periode-{instance.round_id}" if instance.round_id else f"kertas-kerja-{instance.worksheet_id}"
    return f"syarat/{where}/{instance.definition.key}/{filename}"


class PrerequisiteRecord(models.Model):
    """One recorded fact: the instansi's (``round``) or a unit's (``worksheet``). Never edited."""

    definition = models.ForeignKey(PrerequisiteDefinition, on_delete=models.PROTECT, related_name="records",
                                   verbose_name=_("syarat"))
    round = models.ForeignKey(Round, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="prerequisite_records", verbose_name=_("periode"))
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="prerequisite_records", verbose_name=_("kertas kerja"))
    value = models.CharField(_("nilai"), max_length=40, blank=True)
    note = models.CharField(_("keterangan"), max_length=500, blank=True)
    evidence_file = models.FileField(_("berkas bukti"), upload_to=prerequisite_upload_to, blank=True,
                                     max_length=300)
    evidence_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    evidence_type = models.CharField(_("tipe isi"), max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    evidence_url = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("catatan syarat pengusulan")
        verbose_name_plural = _("catatan syarat pengusulan")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(round__isnull=False, worksheet__isnull=True)
                           | Q(round__isnull=True, worksheet__isnull=False)),
                name="prerequisite_record_one_scope"),
        ]
        indexes = [models.Index(fields=["worksheet", "definition", "recorded_at"]),
                   models.Index(fields=["round", "definition", "recorded_at"])]

    def __str__(self):
        return f"{self.definition}: {self.value or '—'}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file or self.evidence_url)
