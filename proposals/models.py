"""From TPI approval to predicate: the proposal (usulan) of a round, each proposed unit or kawasan
(a nominee) through the TPN's stages or the instansi's own panel (evaluasi mandiri, PermenPANRB
5/2024), the predicates awarded (and revoked), the kawasan's integration score, the Word templates
an admin may replace, and the audit trail of all of it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Kawasan, Round, Worksheet
from units.models import Instansi, Unit

WBK, WBBM = "wbk", "wbbm"
PREDICATES = [(WBK, _("Menuju WBK")), (WBBM, _("Menuju WBBM"))]
REEVALUATION_YEARS = 2  # a predicate is evaluated again every two years
BAR_YEARS = 2  # after a revocation, no new proposal for two years


def years_after(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class Authority(models.Model):
    """The instansi's authorisation to evaluate Menuju WBK itself (PermenPANRB 5/2024): recorded by
    its admin with the letter that grants it; withdrawn by recording it again as not authorised."""

    instansi = models.OneToOneField(Instansi, on_delete=models.CASCADE, related_name="self_evaluation",
                                    verbose_name=_("instansi"))
    authorised = models.BooleanField(_("berwenang mengevaluasi Menuju WBK secara mandiri"), default=False)
    reference = models.CharField(_("dasar penetapan"), max_length=300, blank=True,
                                 help_text=_("Nomor dan tanggal surat/keputusan Menteri PANRB yang memberi kewenangan."))
    since = models.DateField(_("berlaku sejak"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("kewenangan evaluasi mandiri")
        verbose_name_plural = _("kewenangan evaluasi mandiri")

    def __str__(self):
        return f"{self.instansi}: {'ya' if self.authorised else 'tidak'}"


def proposal_upload_to(instance, filename):
    return f"usulan/{instance.round_id}/{instance.route}/{filename}"


class Proposal(models.Model):
    """One letter of a round by one route: to the TPN (KemenPAN-RB), or one batch of the instansi's
    own Menuju WBK evaluation (its panel's decision and the SK penetapan). A later batch is a letter
    of its own: what was sent stays as it was sent."""

    class Route(models.TextChoices):
        TPN = "tpn", _("Usulan ke KemenPAN-RB (TPN)")
        MANDIRI = "mandiri", _("Evaluasi Menuju WBK secara mandiri")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("periode"))
    route = models.CharField(_("jalur"), max_length=8, choices=Route.choices, default=Route.TPN)
    letter_number = models.CharField(_("nomor surat"), max_length=100)
    letter_date = models.DateField(_("tanggal surat"))
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=200)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=200)
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=30, blank=True)
    letter_file = models.FileField(_("surat pengajuan / SK penetapan"), upload_to=proposal_upload_to, blank=True,
                                   max_length=300)
    statement_file = models.FileField(_("surat pernyataan tanggung jawab mutlak"), upload_to=proposal_upload_to,
                                      blank=True, max_length=300)
    # the internal panel (evaluasi mandiri)
    panel_members = models.TextField(_("anggota panel"), blank=True, help_text=_("Satu nama per baris, dengan jabatannya."))
    panel_date = models.DateField(_("tanggal sidang panel"), null=True, blank=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("diusulkan oleh"))
    created_at = models.DateTimeField(_("diusulkan pada"), default=timezone.now)

    class Meta:
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_route_display()} — {self.round}"


class Nominee(models.Model):
    """A unit (with its worksheet of the round) or a kawasan in a proposal, with the TPI's scores it
    was proposed on, where it stands, and the recommendations it got when not awarded."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Diusulkan")
        EVALUATING = "evaluating", _("Dievaluasi TPN")
        AWARDED = "awarded", _("Ditetapkan")
        NOT_AWARDED = "not_awarded", _("Tidak ditetapkan (pembinaan)")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="nominees", verbose_name=_("usulan"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations",
                             verbose_name=_("unit kerja"))
    worksheet = models.ForeignKey(Worksheet, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="nominations", verbose_name=_("kertas kerja"))
    kawasan = models.ForeignKey(Kawasan, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations",
                                verbose_name=_("kawasan"))
    predicate = models.CharField(_("predikat yang diusulkan"), max_length=4, choices=PREDICATES)
    tpi_total = models.DecimalField(_("nilai TPI"), max_digits=6, decimal_places=2, null=True, blank=True)
    tpi_pengungkit = models.DecimalField(_("pengungkit (TPI)"), max_digits=6, decimal_places=2, null=True, blank=True)
    tpi_hasil = models.DecimalField(_("hasil (TPI)"), max_digits=6, decimal_places=2, null=True, blank=True)
    integration_score = models.DecimalField(_("nilai integrasi proses bisnis"), max_digits=4, decimal_places=2,
                                            null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    exempt = models.BooleanField(_("diusulkan dengan pengecualian Stranas PK"), default=False,
                                 help_text=_("Syarat pengusulan belum seluruhnya terpenuhi saat diusulkan; layanan Stranas PK "
                                             "boleh diusulkan sambil memenuhinya (PermenPANRB 5/2024)."))
    reasons = models.TextField(_("alasan keputusan"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True,
                                       help_text=_("Satu rekomendasi per baris; unit dapat menjadikannya rencana aksi."))
    recommendations_taken_at = models.DateTimeField(_("rekomendasi dijadikan rencana aksi"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit/kawasan diusulkan")
        verbose_name_plural = _("unit/kawasan diusulkan")
        ordering = ["proposal_id", "kawasan_id", "unit__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=(Q(unit__isnull=False, kawasan__isnull=True)
                                              | Q(unit__isnull=True, kawasan__isnull=False, worksheet__isnull=True)),
                                   name="nominee_unit_or_kawasan"),
            models.UniqueConstraint(fields=["proposal", "unit"], name="nominee_unique_unit"),
            models.UniqueConstraint(fields=["proposal", "kawasan"], name="nominee_unique_kawasan"),
        ]

    def __str__(self):
        return f"{self.unit or self.kawasan} ({self.get_predicate_display()})"

    @property
    def name(self) -> str:
        return str(self.unit or self.kawasan)


class Stage(models.Model):
    """One stage of the TPN's evaluation of a nominee: when, the outcome and the notes."""

    class Kind(models.TextChoices):
        PRA = "pra", _("Pra-evaluasi")
        DESK = "desk", _("Evaluasi dokumen (desk evaluation)")
        FIELD = "field", _("Evaluasi lapangan")
        CLEARANCE = "clearance", _("Clearance (Ombudsman, KPK, APIP)")
        PANEL = "panel", _("Panel")
        RESULT = "result", _("Hasil (LHE TPN)")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Lanjut / memenuhi")
        FAILED = "failed", _("Tidak lanjut / tidak memenuhi")
        PENDING = "pending", _("Berjalan / menunggu")

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="stages", verbose_name=_("diusulkan"))
    kind = models.CharField(_("tahap"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("tanggal"))
    outcome = models.CharField(_("hasil"), max_length=8, choices=Outcome.choices)
    notes = models.TextField(_("catatan TPN"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("tahap evaluasi TPN")
        verbose_name_plural = _("tahap evaluasi TPN")
        ordering = ["nominee_id", "date", "pk"]
        constraints = [models.UniqueConstraint(fields=["nominee", "kind"], name="stage_unique_kind")]

    def __str__(self):
        return f"{self.nominee}: {self.get_kind_display()}"


def award_upload_to(instance, filename):
    owner = f"unit-{instance.unit_id}" if instance.unit_id else f"kawasan-{instance.kawasan_id}"
    return f"predikat/{owner}/{filename}"


class Award(models.Model):
    """A predicate awarded to a unit or a kawasan — by the Minister after the TPN, or by the
    instansi's own panel (Menuju WBK, 5/2024) — and, later, its revocation."""

    class Source(models.TextChoices):
        TPN = "tpn", _("Keputusan Menteri PANRB (TPN)")
        MANDIRI = "mandiri", _("Evaluasi mandiri instansi")

    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="awards",
                             verbose_name=_("unit kerja"))
    kawasan = models.ForeignKey(Kawasan, null=True, blank=True, on_delete=models.PROTECT, related_name="awards",
                                verbose_name=_("kawasan"))
    nominee = models.OneToOneField(Nominee, null=True, blank=True, on_delete=models.SET_NULL, related_name="award",
                                   verbose_name=_("dari usulan"))
    predicate = models.CharField(_("predikat"), max_length=4, choices=PREDICATES)
    year = models.PositiveSmallIntegerField(_("tahun"))
    source = models.CharField(_("ditetapkan melalui"), max_length=8, choices=Source.choices)
    decree_number = models.CharField(_("nomor SK"), max_length=150)
    decree_date = models.DateField(_("tanggal SK"))
    document = models.FileField(_("dokumen SK"), upload_to=award_upload_to, blank=True, max_length=300)
    document_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)
    reminded_at = models.DateTimeField(_("pengingat evaluasi ulang dikirim"), null=True, blank=True)
    reevaluated_on = models.DateField(_("terakhir dievaluasi ulang"), null=True, blank=True,
                                      help_text=_("Predikat dipertahankan pada evaluasi ulang tanggal ini."))
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("digantikan oleh"),
                                      help_text=_("WBK yang kemudian naik menjadi WBBM: tidak lagi dievaluasi ulang sendiri."))
    revoked_on = models.DateField(_("dicabut pada"), null=True, blank=True)
    revoke_reason = models.TextField(_("alasan pencabutan"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("pencabutan dicatat oleh"))

    class Meta:
        verbose_name = _("predikat")
        verbose_name_plural = _("predikat")
        ordering = ["-decree_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=(Q(unit__isnull=False, kawasan__isnull=True)
                                              | Q(unit__isnull=True, kawasan__isnull=False)),
                                   name="award_unit_or_kawasan"),
        ]
        indexes = [models.Index(fields=["unit", "revoked_on"], name="award_unit_active")]

    def __str__(self):
        return f"{self.get_predicate_display()} {self.year} — {self.unit or self.kawasan}"

    @property
    def instansi_id(self) -> int:
        """The instansi of the unit or kawasan that holds it (read with ``select_related``)."""
        return self.unit.instansi_id if self.unit_id else self.kawasan.instansi_id

    @property
    def active(self) -> bool:
        return self.revoked_on is None

    @property
    def current(self) -> bool:
        """Held and evaluated in its own right: not revoked, not superseded by a higher predicate."""
        return self.revoked_on is None and self.superseded_by_id is None

    @property
    def reevaluation_due(self) -> datetime.date:
        """Predicates are evaluated again every two years from the decree, or from the last
        re-evaluation that kept it."""
        return years_after(self.reevaluated_on or self.decree_date, REEVALUATION_YEARS)

    @property
    def barred_until(self) -> datetime.date | None:
        """After a revocation the unit may not be proposed again for two years."""
        return years_after(self.revoked_on, BAR_YEARS) if self.revoked_on else None


def integration_upload_to(instance, filename):
    return f"kawasan/{instance.kawasan_id}/{instance.round_id}/{filename}"


class IntegrationScore(models.Model):
    """A kawasan's business-process integration score for a round (≥ 6,5 for WBK, ≥ 7,5 for WBBM),
    with its evidence. Append-only: the latest counts; earlier ones stay as history."""

    kawasan = models.ForeignKey(Kawasan, on_delete=models.CASCADE, related_name="integration_scores",
                                verbose_name=_("kawasan"))
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="integration_scores",
                              verbose_name=_("periode"))
    score = models.DecimalField(_("nilai integrasi proses bisnis"), max_digits=4, decimal_places=2)
    note = models.CharField(_("keterangan"), max_length=500, blank=True)
    evidence_file = models.FileField(_("berkas bukti"), upload_to=integration_upload_to, blank=True, max_length=300)
    evidence_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    evidence_url = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("nilai integrasi kawasan")
        verbose_name_plural = _("nilai integrasi kawasan")
        ordering = ["kawasan_id", "round_id", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.kawasan} {self.round}: {self.score}"


def template_upload_to(instance, filename):
    return f"templat-dokumen/{instance.instansi_id}/{instance.kind}/{filename}"


class DocumentTemplate(models.Model):
    """An instansi's own Word template for one document (its letterhead, its signatory's block),
    replacing the one in the repository. The latest upload counts."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Surat Pengajuan Evaluasi")
        STATEMENT = "statement", _("Surat Pernyataan Tanggung Jawab Mutlak")
        DECREE = "decree", _("SK Penetapan Menuju WBK (evaluasi mandiri)")
        LHE = "lhe", _("Laporan Hasil Evaluasi TPI")

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="document_templates",
                                 verbose_name=_("instansi"))
    kind = models.CharField(_("dokumen"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("templat Word (.docx)"), upload_to=template_upload_to, max_length=300)
    name = models.CharField(_("nama berkas"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("diunggah oleh"))
    uploaded_at = models.DateTimeField(_("diunggah pada"), default=timezone.now)

    class Meta:
        verbose_name = _("templat dokumen")
        verbose_name_plural = _("templat dokumen")
        ordering = ["instansi_id", "kind", "-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.instansi}"


class Event(models.Model):
    """Append-only audit trail of everything in this app: who, when, what, on which unit."""

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="+", verbose_name=_("instansi"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("unit kerja"))
    kawasan = models.ForeignKey(Kawasan, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("kawasan"))
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("usulan"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("oleh"))
    summary = models.CharField(_("kejadian"), max_length=500)
    detail = models.TextField(_("rincian"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("riwayat usulan dan predikat")
        verbose_name_plural = _("riwayat usulan dan predikat")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.summary
