"""Worksheets (one per unit per round), their answers with three value sets, evidence and the
append-only event trail."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .library import Document, DocumentVersion
from .rounds import Round
from .template import Question


class Worksheet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Pengisian")
        SUBMITTED = "submitted", _("Diajukan")
        IN_REVIEW = "in_review", _("Direviu TPI")
        RETURNED = "returned", _("Dikembalikan untuk perbaikan")
        APPROVED = "approved", _("Disetujui TPI")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="worksheets",
                              verbose_name=_("periode"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="worksheets",
                             verbose_name=_("unit kerja"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="review_worksheets",
                                       verbose_name=_("anggota TPI yang ditugaskan"))
    deadline_extension = models.DateTimeField(
        _("perpanjangan batas pengisian"), null=True, blank=True,
        help_text=_("Diisi admin bila unit ini diberi waktu melewati batas periode."))
    review_extension = models.DateTimeField(
        _("perpanjangan batas penilaian TPI"), null=True, blank=True,
        help_text=_("Diisi admin bila TPI diberi waktu menilai unit ini melewati batas penilaian periode."))
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)


    class Meta:
        verbose_name = _("kertas kerja")
        verbose_name_plural = _("kertas kerja")
        ordering = ["round", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="worksheet_unique_unit")]

    def __str__(self):
        return f"{self.unit} — {self.round}"

    def get_absolute_url(self):
        return reverse("evaluations:worksheet_detail", args=[self.pk])

    @property
    def effective_deadline(self):
        return max(filter(None, [self.round.fill_deadline, self.deadline_extension]))

    def is_past_deadline(self, now=None):
        return (now or timezone.now()) > self.effective_deadline

    @property
    def effective_review_deadline(self):
        """The TPI's deadline for this worksheet: the round's, or the admin's extension; None: none set."""
        dates = [d for d in (self.round.review_deadline, self.review_extension) if d]
        return max(dates) if dates else None

    def is_past_review_deadline(self, now=None):
        deadline = self.effective_review_deadline
        return deadline is not None and (now or timezone.now()) > deadline


class Answer(models.Model):
    """One question of one worksheet: the unit's, the TPI's and the TPN's values."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="answers",
                                  verbose_name=_("kertas kerja"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers",
                                 verbose_name=_("pertanyaan"))
    unit_option = models.CharField(_("jawaban unit"), max_length=10, blank=True)
    unit_number = models.DecimalField(_("angka unit"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_explanation = models.TextField(_("penjelasan unit"), blank=True)
    tpi_option = models.CharField(_("jawaban TPI"), max_length=10, blank=True)
    tpi_number = models.DecimalField(_("angka TPI"), max_digits=14, decimal_places=2, null=True, blank=True)
    tpi_note = models.TextField(_("catatan TPI"), blank=True)
    needs_revision = models.BooleanField(_("perlu perbaikan"), default=False)
    tpn_option = models.CharField(_("jawaban TPN"), max_length=10, blank=True)
    tpn_number = models.DecimalField(_("angka TPN"), max_digits=14, decimal_places=2, null=True, blank=True)
    tpi_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("dinilai oleh"))
    tpi_updated_at = models.DateTimeField(_("dinilai pada"), null=True, blank=True)
    revision = models.PositiveIntegerField(
        _("revisi"), default=0, help_text=_("Naik setiap kali disimpan; mencegah saling menimpa."))
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("diubah oleh"))
    unit_updated_at = models.DateTimeField(
        _("diisi unit pada"), null=True, blank=True,
        help_text=_("Saat unit (atau admin untuknya) terakhir menyimpan jawaban ini; bukan saat TPI menilai."))
    unit_source = models.CharField(
        _("sumber nilai unit"), max_length=8, blank=True, choices=[("", _("diisi")), ("survey", _("survei aplikasi"))],
        help_text=_("Untuk nilai survei (IPAK, IPKP): dari survei yang dikumpulkan aplikasi ini, atau diisi "
                    "(survei eksternal, dengan laporannya sebagai bukti)."))
    unit_source_detail = models.CharField(_("keterangan sumber"), max_length=300, blank=True)
    carried = models.BooleanField(
        _("dari periode sebelumnya"), default=False,
        help_text=_("Dibawa dari periode sebelumnya dan belum diperiksa: hilang saat unit menyimpan jawaban ini."))

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        ordering = ["worksheet_id", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["worksheet", "question"], name="answer_unique_question"),
        ]

    def __str__(self):
        return f"{self.worksheet} / {self.question.key}"


def evidence_upload_to(instance, filename):
    """Where evidence files went before the library (migration 0001 names it; files stored then keep
    their names, now held by the library's first versions)."""
    ws = instance.answer.worksheet
    return f"{ws.round_id}/{ws.unit_id}/{instance.answer.question_id}/{filename}"


class Evidence(models.Model):
    """A library document attached to one answer as its evidence. Detaching deletes this row, never
    the document (``Document`` is protected while any answer uses it)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence",
                               verbose_name=_("jawaban"))
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments",
                                 verbose_name=_("dokumen"))
    version = models.ForeignKey(
        DocumentVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments",
        verbose_name=_("versi"),
        help_text=_("Versi berkas yang menjadi dasar jawaban ini (tautan tidak berversi): versi baru hanya "
                    "sampai ke jawaban yang masih dapat diubah; yang sudah diajukan tetap memakai versi yang "
                    "dilihat TPI."))
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("dilampirkan oleh"))
    attached_at = models.DateTimeField(_("dilampirkan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["answer_id", "attached_at", "pk"]  # by column: "answer" would join answer → worksheet → round, unit
        constraints = [
            models.UniqueConstraint(fields=["answer", "document"], name="evidence_unique_document"),
        ]

    def __str__(self):
        return str(self.document)


class WorksheetEvent(models.Model):
    """Append-only audit trail: status changes and value changes after submission."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Perubahan status")
        VALUE = "value", _("Perubahan nilai")
        DEADLINE = "deadline", _("Perpanjangan batas waktu")
        IMPORT = "import", _("Impor Excel")
        ASSIGN = "assign", _("Penugasan TPI")
        PREREQUISITE = "prerequisite", _("Syarat pengusulan")
        CARRY = "carry", _("Mulai dari periode sebelumnya")

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("kertas kerja"))
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("oleh"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(_("dari status"), max_length=10, blank=True)
    to_status = models.CharField(_("ke status"), max_length=10, blank=True)
    field = models.CharField(_("kolom"), max_length=40, blank=True)
    old_value = models.TextField(_("nilai lama"), blank=True)
    new_value = models.TextField(_("nilai baru"), blank=True)
    comment = models.TextField(_("komentar"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("riwayat kertas kerja")
        verbose_name_plural = _("riwayat kertas kerja")
        ordering = ["worksheet_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    FIELD_LABELS = {
        "unit_value": _("Jawaban unit"), "unit_explanation": _("Penjelasan unit"), "tpi_value": _("Nilai TPI"),
        "tpi_note": _("Catatan TPI"), "tpn_value": _("Nilai TPN"), "needs_revision": _("Tanda perlu perbaikan"),
        "deadline_extension": _("Batas pengisian"), "review_extension": _("Batas penilaian TPI"),
        "evidence": _("Bukti dukung"),
    }

    @property
    def field_label(self):
        if self.kind == self.Kind.PREREQUISITE:  # field holds the prerequisite's key; the comment names it
            return _("Syarat pengusulan")
        return self.FIELD_LABELS.get(self.field, self.field)

    @property
    def from_label(self):
        return Worksheet.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self):
        return Worksheet.Status(self.to_status).label if self.to_status else ""
