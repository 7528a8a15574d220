"""Evaluation rounds of an instansi."""

from django.db import models
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


class Prerequisite(models.Model):
    """An instansi requirement recorded as a yes/no fact per unit, e.g. opini BPK WTP."""

    class AppliesTo(models.TextChoices):
        BOTH = "both", _("WBK dan WBBM")
        WBK = "wbk", _("WBK")
        WBBM = "wbbm", _("WBBM")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="prerequisites",
                              verbose_name=_("periode"))
    label = models.CharField(_("syarat"), max_length=200)
    applies_to = models.CharField(_("berlaku untuk"), max_length=4, choices=AppliesTo.choices,
                                  default=AppliesTo.BOTH)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("prasyarat instansi")
        verbose_name_plural = _("prasyarat instansi")
        ordering = ["round", "order"]

    def __str__(self):
        return self.label
