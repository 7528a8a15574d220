"""Surveys behind the two survey values of the LKE's hasil component: SPAK (persepsi anti korupsi →
IPAK) and SPKP (persepsi kualitas pelayanan, the nine SKM elements of PermenPANRB 14/2017 → IPKP).

Instruments are data and versioned like the LKE: an instansi adapts one by making a new version,
never by editing the one answers were collected under. A unit's survey period (per round) collects
anonymous responses on a public page; responses are append-only — a response is never changed, an
admin may only exclude it with a reason (a separate row: who, when, why). No names, no phone numbers;
the client's address only as a salted hash for rate limiting, erased when the period closes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Round
from units.models import Instansi, Unit


class Instrument(models.Model):
    """One version of a questionnaire (SPAK or SPKP): national (no instansi) or an instansi's own."""

    class Kind(models.TextChoices):
        SPAK = "spak", _("Survei Persepsi Anti Korupsi (SPAK → IPAK)")
        SPKP = "spkp", _("Survei Persepsi Kualitas Pelayanan (SPKP → IPKP)")

    kind = models.CharField(_("jenis"), max_length=4, choices=Kind.choices)
    instansi = models.ForeignKey(Instansi, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 help_text=_("Kosong: instrumen nasional."))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    title = models.CharField(_("judul"), max_length=200)
    intro = models.TextField(_("pengantar untuk responden"), blank=True)
    source = models.TextField(_("sumber"), blank=True)
    scale_min = models.PositiveSmallIntegerField(_("skala terendah"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("skala tertinggi"), default=4)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("diturunkan dari"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("instrumen survei")
        verbose_name_plural = _("instrumen survei")
        ordering = ["kind", "instansi_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "instansi", "version"], name="instrument_version_unique",
                                    nulls_distinct=False),
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")), name="instrument_scale"),
        ]

    def __str__(self):
        whose = self.instansi.short_name or self.instansi.name if self.instansi_id else _("nasional")
        return f"{self.get_kind_display()} v{self.version} ({whose})"


class Aspect(models.Model):
    """SPAK's five aspects; SPKP's nine SKM elements (each an aspect of one item)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="aspects")
    code = models.CharField(_("kode"), max_length=10)
    name = models.CharField(_("nama"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="aspect_unique_code")]

    def __str__(self):
        return self.name


class Item(models.Model):
    """One question, answered on the instrument's scale; ``labels`` name each point, lowest first
    (the highest point is always the best: no item is scored in reverse)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=10)
    text = models.TextField(_("pertanyaan"))
    labels = models.JSONField(_("keterangan tiap nilai"), default=list)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="item_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.text[:60]}"


def _token() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, 72 bits: not guessed, short enough for a poster


def _salt() -> str:
    return secrets.token_hex(32)


def receipt() -> str:
    """What a respondent is shown after sending (and nothing else identifies a response): random, so it
    tells nothing about how many others answered."""
    return secrets.token_hex(5).upper()


class SurveyPeriod(models.Model):
    """A unit's survey for a round: both instruments on one public page, tagged by service type."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Persiapan")
        OPEN = "open", _("Dibuka")
        CLOSED = "closed", _("Ditutup")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_periods")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="survey_periods",
                              verbose_name=_("periode evaluasi"))
    spak = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+", verbose_name=_("instrumen SPAK"))
    spkp = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+", verbose_name=_("instrumen SPKP"))
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.DRAFT)
    minimum = models.PositiveSmallIntegerField(_("responden minimal"), default=30)
    require_code = models.BooleanField(
        _("wajib kode sekali pakai"), default=False,
        help_text=_("Responden memasukkan kode yang dicetak pada bukti layanan; satu kode satu jawaban."))
    has_codes = models.BooleanField(default=False, editable=False)  # the public page asks for a code
    token = models.CharField(max_length=20, unique=True, default=_token, editable=False)
    salt = models.CharField(max_length=64, default=_salt, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    seal = models.CharField(_("segel"), max_length=64, blank=True,
                            help_text=_("Sidik SHA-256 atas seluruh jawaban saat ditutup."))

    class Meta:
        verbose_name = _("periode survei")
        verbose_name_plural = _("periode survei")
        ordering = ["-round__year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "round"], name="survey_period_unit_round"),
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_period_dates"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.round}"

    @property
    def accepting(self) -> bool:
        today = timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on


class ServiceType(models.Model):
    period = models.ForeignKey(SurveyPeriod, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("jenis layanan"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["period", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["period", "name"], name="service_type_unique")]

    def __str__(self):
        return self.name


class AccessCode(models.Model):
    """A one-time code printed on a service receipt: one response per code (never which one)."""

    period = models.ForeignKey(SurveyPeriod, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=12)
    batch = models.PositiveSmallIntegerField(default=1)
    # Only whether it was used — no time, no link to the response: the code is printed on a receipt
    # that may carry the person's name.
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "code"], name="access_code_unique")]

    def __str__(self):
        return self.code


FLAGS = {  # stored code → what the results page says
    "honeypot": _("kolom tersembunyi terisi (pola robot)"),
    "cepat": _("diisi terlalu cepat"),
    "jaringan": _("banyak jawaban dari jaringan yang sama dalam 10 menit"),
    "perangkat": _("perangkat yang sama sudah pernah mengisi"),
    "tanpa-cookie": _("dikirim tanpa membuka halaman survei (tanpa cookie perangkat)"),
}


class Response(models.Model):
    """One respondent's answers: written once, never changed (see ``save``). ``digest`` is an HMAC of
    what was answered, so a value changed in the database afterwards shows."""

    period = models.ForeignKey(SurveyPeriod, on_delete=models.PROTECT, related_name="responses")
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="responses")
    receipt = models.CharField(_("tanda terima"), max_length=10, default=receipt, editable=False)
    submitted_at = models.DateTimeField(default=timezone.now)
    fill_seconds = models.PositiveIntegerField(null=True, blank=True)
    client = models.CharField(max_length=64, blank=True, db_index=True)  # salted hash; erased at close
    device = models.CharField(max_length=64, blank=True)
    flags = models.CharField(_("tanda"), max_length=200, blank=True)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        ordering = ["period", "pk"]
        constraints = [models.UniqueConstraint(fields=["period", "receipt"], name="response_receipt_unique")]
        indexes = [models.Index(fields=["period", "client", "submitted_at"], name="response_client_recent"),
                   models.Index(fields=["period", "device"], name="response_device")]

    def __str__(self):
        return self.receipt


    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Jawaban survei tidak dapat diubah.")
        super().save(*args, **kwargs)

    @property
    def flag_list(self) -> list[str]:
        return [str(FLAGS.get(f, f)) for f in self.flags.split(",") if f]


class ResponseAnswer(models.Model):
    """One item's value in one response (append-only with its response)."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="response_answer_unique")]

    def __str__(self):
        return f"{self.item_id}={self.value}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Jawaban survei tidak dapat diubah.")
        super().save(*args, **kwargs)


class Exclusion(models.Model):
    """An admin's decision to leave one response out of the results, with the reason — the response
    itself stays as it was, and the exclusion is shown with the results."""

    response = models.OneToOneField(Response, on_delete=models.PROTECT, related_name="exclusion")
    reason = models.CharField(_("alasan"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("jawaban dikecualikan")
        verbose_name_plural = _("jawaban dikecualikan")

    def __str__(self):
        return f"{self.response}: {self.reason}"


class Handoff(models.Model):
    """A survey value written into the unit's worksheet (IPAK or IPKP): what, when, by whom, from how
    many responses — the worksheet's answer links back here."""

    period = models.ForeignKey(SurveyPeriod, on_delete=models.PROTECT, related_name="handoffs")
    kind = models.CharField(max_length=4, choices=Instrument.Kind.choices)
    value = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)  # None: no responses
    respondents = models.PositiveIntegerField()
    written = models.BooleanField(default=False)  # the value is in the worksheet
    fixed_by_admin = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)  # why an admin fixed another value
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"
