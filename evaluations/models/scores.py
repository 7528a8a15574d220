"""Precomputed scores read by the dashboard, and kawasan (groups of units)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Instansi, Unit

from .worksheets import Worksheet


class WorksheetScore(models.Model):
    """A worksheet's scores for one value set, kept exact by the services on every answer change.

    Scores are stored rounded to the cent (as shown); the verdict is computed from the exact values
    at refresh time, so filtering and sorting the dashboard happens in SQL.
    """

    class ValueSet(models.TextChoices):
        UNIT = "unit", _("Unit")
        TPI = "tpi", _("TPI")

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="scores")
    value_set = models.CharField(_("kelompok nilai"), max_length=4, choices=ValueSet.choices)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    pengungkit = models.DecimalField(_("pengungkit"), max_digits=6, decimal_places=2)
    hasil = models.DecimalField(_("hasil"), max_digits=6, decimal_places=2)
    answered = models.PositiveIntegerField(_("terjawab"))
    inputs = models.PositiveIntegerField(_("jumlah isian"))
    verdict = models.CharField(_("kesiapan"), max_length=4, blank=True)
    verdict_partial = models.BooleanField(default=False)
    target = models.CharField(_("sasaran predikat"), max_length=4, blank=True,
                              help_text=_("WBK, atau WBBM bila unit telah berpredikat WBK."))
    target_met = models.BooleanField(_("nilai memenuhi sasaran"), default=False)
    prereq_unmet = models.PositiveSmallIntegerField(_("syarat pengusulan unit belum terpenuhi"), default=0)
    prereq_exempt = models.BooleanField(_("dikecualikan (Stranas PK)"), default=False)
    gap_total = models.DecimalField(_("total kekurangan"), max_digits=7, decimal_places=2, default=0)
    gaps = models.JSONField(_("kekurangan"), default=list)
    computed_at = models.DateTimeField(_("dihitung"), auto_now=True)

    class Meta:
        verbose_name = _("nilai kertas kerja")
        verbose_name_plural = _("nilai kertas kerja")
        constraints = [models.UniqueConstraint(fields=["worksheet", "value_set"], name="score_unique_set")]
        indexes = [models.Index(fields=["value_set", "verdict"])]

    def __str__(self):
        return f"{self.worksheet} [{self.value_set}] {self.total}"


class AreaScore(models.Model):
    """One area's score in a value set. The worksheet, the value set and whether a TPI value set
    supersedes this unit one are copied from the score row, so that a round's area averages are
    read from this table alone (5,000 units: one scan, no join per row and no subquery)."""

    score = models.ForeignKey(WorksheetScore, on_delete=models.CASCADE, related_name="areas")
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="+")
    value_set = models.CharField(max_length=4, choices=WorksheetScore.ValueSet.choices)
    superseded = models.BooleanField(default=False, help_text=_("Nilai unit yang telah dinilai TPI."))
    area_code = models.CharField(_("area"), max_length=10)
    value = models.DecimalField(_("nilai"), max_digits=6, decimal_places=2)
    weight = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)
    pemenuhan = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    reform = models.DecimalField(max_digits=6, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("nilai area")
        verbose_name_plural = _("nilai area")
        constraints = [models.UniqueConstraint(fields=["score", "area_code"], name="areascore_unique")]

    def __str__(self):
        return f"{self.score} · {self.area_code} {self.value}"


class Kawasan(models.Model):
    """A group of units (a whole kecamatan, a sector) that is ready when all of its units are."""

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="kawasan")
    name = models.CharField(_("nama kawasan"), max_length=200)
    units = models.ManyToManyField(Unit, related_name="kawasan", verbose_name=_("unit kerja"))

    class Meta:
        verbose_name = _("kawasan")
        verbose_name_plural = _("kawasan")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["instansi", "name"], name="kawasan_unique_name")]

    def __str__(self):
        return self.name
