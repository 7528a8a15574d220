"""The LKE template as data: version → component → area → part → indicator → question → option,
and the readiness rules of each version."""

import json
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import answer_types


class AnswerType(models.TextChoices):
    YA_TIDAK = "ya_tidak", _("Ya/Tidak")
    AB = "ab", _("A/B")
    ABC = "abc", _("A/B/C")
    ABCD = "abcd", _("A/B/C/D")
    ABCDE = "abcde", _("A/B/C/D/E")
    PERSEN = "persen", _("Persentase (%)")
    JUMLAH = "jumlah", _("Jumlah")
    INDEKS = "indeks", _("Nilai survei (0–4)")


OPTION_TYPES = {AnswerType(code) for code in answer_types.OPTION_TYPES}
NUMBER_TYPES = {AnswerType(code) for code in answer_types.NUMBER_TYPES}


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
    # replaced whenever the version's questions, structure, rules or prerequisites change: each
    # process keeps the spec built from them until it reads a stamp it has not seen (spec_cache.py)
    spec_stamp = models.UUIDField(default=uuid.uuid4, editable=False)

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
        help_text=_("Untuk persentase yang dihitung dari jumlah (mis. 'b / a') atau jumlah yang dihitung dari "
                    "jumlah lain (mis. 'c + d + e'); huruf pertanyaan dalam indikator yang sama."))
    empty_base = models.JSONField(
        _("arti pembagi nol"), default=list, blank=True,
        help_text=_("Untuk rumus: daftar kasus {\"if_zero\": \"b\", \"percent\": \"100\", \"note\": \"Tidak ada "
                    "pengaduan — dinilai 100%\"}, diperiksa berurutan sebelum membagi."))
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
    def takes_input(self):
        """Computed percentages and counts are derived from counts; every other question is answered."""
        return not self.formula

    @property
    def empty_base_json(self) -> str:
        """The empty-base cases for the live preview in the browser (the same data the server scores with)."""

        return json.dumps(self.empty_base or [], ensure_ascii=False)


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
    key = models.SlugField(
        _("kunci"), max_length=40, blank=True,
        help_text=_("Kunci syarat dari berkas regulasi (mis. wbbm-capaian); kosong untuk syarat tambahan admin."))
    customised = models.BooleanField(
        _("diubah admin"), default=False,
        help_text=_("Syarat yang diubah atau ditambahkan admin tidak ditimpa saat syarat regulasi dimuat ulang."))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("syarat kesiapan")
        verbose_name_plural = _("syarat kesiapan")
        ordering = ["version", "predicate", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], condition=~Q(key=""), name="rule_unique_key"),
            models.CheckConstraint(
                condition=(Q(minimum__isnull=False, minimum_percent__isnull=True)
                           | Q(minimum__isnull=True, minimum_percent__isnull=False)),
                name="rule_has_one_minimum",
            ),
        ]

    def __str__(self):
        return f"{self.get_predicate_display()}: {self.label}"
