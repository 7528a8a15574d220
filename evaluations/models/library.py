"""A unit's evidence library: each document is uploaded once, kept with its versions (every upload
with its SHA-256), the period it covers and who owns it, and attached to any number of questions
(``Evidence`` is the attachment). Detaching never deletes: a document goes only when nothing uses it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class Document(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("Berkas")
        LINK = "link", _("Tautan")

    class Part(models.TextChoices):
        """The part of ``period_year`` a document covers (empty: the whole year)."""
        YEAR = "", _("Satu tahun")
        S1 = "s1", _("Semester I")
        S2 = "s2", _("Semester II")
        Q1 = "q1", _("Triwulan I")
        Q2 = "q2", _("Triwulan II")
        Q3 = "q3", _("Triwulan III")
        Q4 = "q4", _("Triwulan IV")

    PART_END = {"": (12, 31), "s1": (6, 30), "s2": (12, 31), "q1": (3, 31), "q2": (6, 30), "q3": (9, 30),
                "q4": (12, 31)}

    class LinkStatus(models.TextChoices):
        UNCHECKED = "", _("Belum diperiksa")
        OK = "ok", _("Dapat dibuka")
        BROKEN = "broken", _("Tidak dapat dibuka")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="documents", verbose_name=_("unit kerja"))
    kind = models.CharField(_("jenis"), max_length=4, choices=Kind.choices)
    title = models.CharField(_("nama dokumen"), max_length=255)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    period_year = models.PositiveSmallIntegerField(_("tahun periode"), null=True, blank=True)
    period_part = models.CharField(_("bagian periode"), max_length=2, choices=Part.choices, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("pemilik"))
    current = models.ForeignKey("DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("versi terkini"))
    link_status = models.CharField(_("status tautan"), max_length=6, choices=LinkStatus.choices, blank=True)
    link_checked_at = models.DateTimeField(_("tautan diperiksa pada"), null=True, blank=True)
    link_detail = models.CharField(_("hasil pemeriksaan tautan"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("ditambahkan oleh"))
    created_at = models.DateTimeField(_("ditambahkan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen pustaka bukti")
        verbose_name_plural = _("pustaka bukti dukung")
        ordering = ["unit_id", "title", "pk"]
        indexes = [models.Index(fields=["unit", "title"], name="document_unit_title")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind="file", url="") | (models.Q(kind="link") & ~models.Q(url="")),
                                   name="document_file_or_link"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_file(self) -> bool:
        return self.kind == self.Kind.FILE

    @property
    def period_label(self) -> str:
        if not self.period_year:
            return ""
        if not self.period_part:
            return _("Tahun %(year)s") % {"year": self.period_year}
        return f"{self.get_period_part_display()} {self.period_year}"

    @property
    def period_end(self) -> datetime.date | None:
        if not self.period_year:
            return None
        month, day = self.PART_END[self.period_part]
        return datetime.date(self.period_year, month, day)

    def period_passed_for(self, round_) -> bool:
        """The period the document covers ended before the round's year began (last year's report
        attached to this year's worksheet)."""
        end = self.period_end
        return end is not None and end < datetime.date(round_.year, 1, 1)


def document_upload_to(instance, filename):
    doc = instance.document
    return f"pustaka/{doc.unit_id}/{doc.pk}/v{instance.number}/{filename}"


class DocumentVersion(models.Model):
    """One upload of a document's file. A new upload of the same document is a new version; the
    document shows its latest (``Document.current``); older ones stay downloadable."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("dokumen"))
    number = models.PositiveIntegerField(_("versi"))
    file = models.FileField(_("berkas"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(_("tipe isi"), max_length=100)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("diunggah oleh"))
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("versi dokumen")
        verbose_name_plural = _("versi dokumen")
        ordering = ["document_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self):
        return f"{self.original_name} (v{self.number})"
