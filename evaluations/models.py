"""The LKE template as data, evaluation rounds, worksheets, answers, evidence and events.

Template: TemplateVersion → Component → Area → Part → Indicator → Question → Option.
A round uses one template version; each participating unit has one Worksheet per round, holding
one Answer per question with three value sets (unit, TPI, TPN).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Instansi, Unit

# --------------------------------------------------------------------------- template


class AnswerType(models.TextChoices):
    YA_TIDAK = "ya_tidak", _("Ya/Tidak")
    AB = "ab", _("A/B")
    ABC = "abc", _("A/B/C")
    ABCD = "abcd", _("A/B/C/D")
    ABCDE = "abcde", _("A/B/C/D/E")
    PERSEN = "persen", _("Persentase (%)")
    JUMLAH = "jumlah", _("Jumlah")
    INDEKS = "indeks", _("Indeks survei (1–4)")


OPTION_TYPES = {
    AnswerType.YA_TIDAK, AnswerType.AB, AnswerType.ABC, AnswerType.ABCD, AnswerType.ABCDE,
}
NUMBER_TYPES = {AnswerType.PERSEN, AnswerType.JUMLAH, AnswerType.INDEKS}


class TemplateVersion(models.Model):
    code = models.SlugField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    regulation = models.CharField(_("dasar hukum"), max_length=300, blank=True)
    notes = models.TextField(_("catatan dan sumber"), blank=True)
    wbbm_rules_complete = models.BooleanField(
        _("syarat WBBM lengkap"), default=False,
        help_text=_("Centang bila seluruh syarat minimum WBBM telah diverifikasi dengan regulasi; "
                    "selama belum, putusan kesiapan WBBM ditandai sebagian."))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("versi LKE")
        verbose_name_plural = _("versi LKE")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class Component(models.Model):
    class Code(models.TextChoices):
        PENGUNGKIT = "pengungkit", _("Pengungkit")
        HASIL = "hasil", _("Hasil")

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="components",
                                verbose_name=_("versi LKE"))
    code = models.CharField(_("kode"), max_length=20, choices=Code.choices)
    name = models.CharField(_("nama"), max_length=200)
    weight = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("komponen")
        verbose_name_plural = _("komponen")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="component_unique_code")]

    def __str__(self):
        return self.name


class Area(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="areas",
                                  verbose_name=_("komponen"))
    code = models.CharField(_("kode"), max_length=10)
    name = models.CharField(_("nama"), max_length=200)
    weight = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("area perubahan")
        verbose_name_plural = _("area perubahan")
        ordering = ["component__order", "order"]
        constraints = [models.UniqueConstraint(fields=["component", "code"], name="area_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Part(models.Model):
    class Kind(models.TextChoices):
        PEMENUHAN = "pemenuhan", _("Pemenuhan")
        REFORM = "reform", _("Reform")
        HASIL = "hasil", _("Hasil")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="parts", verbose_name=_("area"))
    kind = models.CharField(_("bagian"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("bagian area")
        verbose_name_plural = _("bagian area")
        ordering = ["area", "order"]
        constraints = [models.UniqueConstraint(fields=["area", "kind"], name="part_unique_kind")]

    def __str__(self):
        return f"{self.area} — {self.get_kind_display()}"


class Indicator(models.Model):
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="indicators",
                             verbose_name=_("bagian"))
    code = models.CharField(_("nomor"), max_length=10, help_text=_("Nomor romawi kecil: i, ii, iii…"))
    name = models.CharField(_("nama"), max_length=300)
    weight = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        ordering = ["part", "order"]
        constraints = [models.UniqueConstraint(fields=["part", "code"], name="indicator_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Question(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="questions",
                                verbose_name=_("versi LKE"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="questions",
                                  verbose_name=_("indikator"))
    key = models.CharField(
        _("kunci"), max_length=40,
        help_text=_("Kunci unik dalam versi: area.bagian.indikator.huruf, mis. I.P.i.a"))
    code = models.CharField(_("huruf"), max_length=5)
    text = models.TextField(_("pertanyaan"))
    answer_type = models.CharField(_("jenis jawaban"), max_length=10, choices=AnswerType.choices)
    guidance = models.TextField(_("penjelasan"), blank=True)
    formula = models.CharField(
        _("rumus"), max_length=200, blank=True,
        help_text=_("Untuk persentase yang dihitung dari jumlah: mis. 'b / a' (huruf pertanyaan "
                    "dalam indikator yang sama)."))
    evidence_required = models.BooleanField(_("wajib bukti dukung"), default=True)
    evidence_hint = models.TextField(_("bukti dukung yang diharapkan"), blank=True)
    source = models.TextField(_("sumber"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("pertanyaan")
        verbose_name_plural = _("pertanyaan")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_unique_key"),
            models.UniqueConstraint(fields=["indicator", "code"], name="question_unique_code"),
        ]

    def __str__(self):
        return f"{self.key} {self.text[:60]}"

    @property
    def is_scored(self):
        return self.answer_type != AnswerType.JUMLAH

    @property
    def is_computed(self):
        return bool(self.formula)

    @property
    def takes_input(self):
        """Computed percentages are derived from counts; every other question is answered."""
        return not self.formula


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options",
                                 verbose_name=_("pertanyaan"))
    letter = models.CharField(_("pilihan"), max_length=10)
    text = models.TextField(_("penjelasan pilihan"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = _("pilihan jawaban")
        ordering = ["question", "order"]
        constraints = [models.UniqueConstraint(fields=["question", "letter"], name="option_unique_letter")]

    def __str__(self):
        return self.letter


class ReadinessRule(models.Model):
    """One minimum for a predicate, per template version; editable by admins."""

    class Predicate(models.TextChoices):
        WBK = "wbk", _("WBK")
        WBBM = "wbbm", _("WBBM")

    class Scope(models.TextChoices):
        TOTAL = "total", _("Nilai total")
        COMPONENT = "component", _("Komponen")
        AREA = "area", _("Area")
        EACH_AREA = "each_area", _("Setiap area dalam komponen")
        INDICATOR = "indicator", _("Indikator / item hasil")

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="readiness_rules",
                                verbose_name=_("versi LKE"))
    predicate = models.CharField(_("predikat"), max_length=4, choices=Predicate.choices)
    scope = models.CharField(_("cakupan"), max_length=12, choices=Scope.choices)
    target = models.CharField(
        _("sasaran"), max_length=40, blank=True,
        help_text=_("Kode komponen (pengungkit/hasil), kode area (I…VI, H-I, H-II) atau kunci "
                    "indikator (mis. H-I.hasil.i); kosong untuk nilai total."))
    minimum = models.DecimalField(_("nilai minimum"), max_digits=6, decimal_places=2, null=True, blank=True)
    minimum_percent = models.DecimalField(
        _("minimum (% dari bobot)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    label = models.CharField(_("nama syarat"), max_length=200)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    is_confirmed = models.BooleanField(_("terkonfirmasi dengan regulasi"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("syarat kesiapan")
        verbose_name_plural = _("syarat kesiapan")
        ordering = ["version", "predicate", "order"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(minimum__isnull=False, minimum_percent__isnull=True)
                           | Q(minimum__isnull=True, minimum_percent__isnull=False)),
                name="rule_has_one_minimum",
            ),
        ]

    def __str__(self):
        return f"{self.get_predicate_display()}: {self.label}"


# --------------------------------------------------------------------------- rounds


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


# --------------------------------------------------------------------------- worksheets


class WorksheetQuerySet(models.QuerySet):
    def in_round(self, round_):
        return self.filter(round=round_)


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
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = WorksheetQuerySet.as_manager()

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


class PrerequisiteFact(models.Model):
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="prerequisite_facts")
    prerequisite = models.ForeignKey(Prerequisite, on_delete=models.CASCADE, related_name="facts")
    is_met = models.BooleanField(_("terpenuhi"), default=False)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pemenuhan prasyarat")
        verbose_name_plural = _("pemenuhan prasyarat")
        constraints = [
            models.UniqueConstraint(fields=["worksheet", "prerequisite"], name="fact_unique"),
        ]

    def __str__(self):
        return f"{self.prerequisite}: {'ya' if self.is_met else 'tidak'}"


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

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        ordering = ["worksheet", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["worksheet", "question"], name="answer_unique_question"),
        ]

    def __str__(self):
        return f"{self.worksheet} / {self.question.key}"

    def value_set(self, which):
        """(option, number) of one value set: 'unit', 'tpi' or 'tpn'."""
        return getattr(self, f"{which}_option"), getattr(self, f"{which}_number")


def evidence_upload_to(instance, filename):
    ws = instance.answer.worksheet
    return f"{ws.round_id}/{ws.unit_id}/{instance.answer.question_id}/{filename}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("Berkas")
        LINK = "link", _("Tautan")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence",
                               verbose_name=_("jawaban"))
    kind = models.CharField(_("jenis"), max_length=4, choices=Kind.choices)
    file = models.FileField(_("berkas"), upload_to=evidence_upload_to, blank=True, max_length=300)
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    content_type = models.CharField(_("tipe isi"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("diunggah oleh"))
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["answer", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file", url="") & ~Q(file="")) | (Q(kind="link", file="") & ~Q(url="")),
                name="evidence_file_xor_link",
            ),
        ]

    def __str__(self):
        return self.original_name or self.url


class WorksheetEvent(models.Model):
    """Append-only audit trail: status changes and value changes after submission."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Perubahan status")
        VALUE = "value", _("Perubahan nilai")
        DEADLINE = "deadline", _("Perpanjangan batas waktu")
        IMPORT = "import", _("Impor Excel")
        ASSIGN = "assign", _("Penugasan TPI")

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("kertas kerja"))
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("oleh"))
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
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
        ordering = ["worksheet", "created_at", "pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    FIELD_LABELS = {
        "unit_value": _("Jawaban unit"), "unit_explanation": _("Penjelasan unit"), "tpi_value": _("Nilai TPI"),
        "tpi_note": _("Catatan TPI"), "needs_revision": _("Tanda perlu perbaikan"),
        "deadline_extension": _("Batas pengisian"), "evidence": _("Bukti dukung"),
    }

    @property
    def field_label(self):
        return self.FIELD_LABELS.get(self.field, self.field)

    @property
    def from_label(self):
        return Worksheet.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self):
        return Worksheet.Status(self.to_status).label if self.to_status else ""



# --------------------------------------------------------------------------- precomputed scores


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
    score = models.ForeignKey(WorksheetScore, on_delete=models.CASCADE, related_name="areas")
    area_code = models.CharField(_("area"), max_length=10)
    value = models.DecimalField(_("nilai"), max_digits=6, decimal_places=2)
    weight = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)
    pemenuhan = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    reform = models.DecimalField(max_digits=6, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("nilai area")
        verbose_name_plural = _("nilai area")
        constraints = [models.UniqueConstraint(fields=["score", "area_code"], name="areascore_unique")]


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
