"""Institutions, their units (a tree) and who works where in which role."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Instansi(models.Model):
    class Kind(models.TextChoices):
        KEMENTERIAN = "kementerian", _("Kementerian")
        LEMBAGA = "lembaga", _("Lembaga")
        PROVINSI = "provinsi", _("Pemerintah Provinsi")
        KABUPATEN = "kabupaten", _("Pemerintah Kabupaten")
        KOTA = "kota", _("Pemerintah Kota")

    name = models.CharField(_("nama"), max_length=200, unique=True)
    short_name = models.CharField(_("singkatan"), max_length=50, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def prerequisite_group(self) -> str:
        """pemda or kl: Tabel 5 (PermenPANRB 5/2024) sets some minimums apart for each."""
        return "kl" if self.kind in (self.Kind.KEMENTERIAN, self.Kind.LEMBAGA) else "pemda"


class Unit(models.Model):
    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        KANTOR = "kantor", _("Kantor")
        RSUD = "rsud", _("RSUD")
        PUSKESMAS = "puskesmas", _("Puskesmas")
        UPT = "upt", _("UPT")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")
        BAGIAN = "bagian", _("Bagian")
        SATKER = "satker", _("Satuan Kerja")
        LAINNYA = "lainnya", _("Lainnya")

    class StranasService(models.TextChoices):
        NONE = "", _("Tidak ada")
        RSUD = "rsud", _("Rumah Sakit Umum Daerah")
        DUKCAPIL = "dukcapil", _("Kependudukan dan Pencatatan Sipil")
        SAMSAT = "samsat", _("SAMSAT")
        PTSP = "ptsp", _("Pelayanan Terpadu Satu Pintu (PTSP)")
        PENDIDIKAN = "pendidikan", _("Layanan pendidikan")
        KETENAGAKERJAAN = "ketenagakerjaan", _("Layanan ketenagakerjaan")

    class Predicate(models.TextChoices):
        NONE = "", _("Belum ada")
        WBK = "wbk", _("WBK")
        WBBM = "wbbm", _("WBBM")

    instansi = models.ForeignKey(Instansi, verbose_name=_("instansi"), on_delete=models.PROTECT,
                                 related_name="units")
    parent = models.ForeignKey("self", verbose_name=_("unit induk"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("nama unit"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=50, blank=True)
    kind = models.CharField(_("jenis unit"), max_length=20, choices=Kind.choices)
    is_public_service = models.BooleanField(
        _("unit layanan publik"), default=False,
        help_text=_("Unit yang memberikan layanan langsung kepada masyarakat."))
    predicate = models.CharField(_("predikat yang dimiliki"), max_length=4, blank=True,
                                 choices=Predicate.choices, default=Predicate.NONE)
    predicate_year = models.PositiveSmallIntegerField(_("tahun predikat"), null=True, blank=True)
    stranas_pk_service = models.CharField(
        _("layanan Stranas PK"), max_length=20, blank=True, choices=StranasService.choices,
        help_text=_("Unit pemerintah daerah yang menyelenggarakan layanan ini dapat diusulkan sambil memenuhi "
                    "syarat pengusulan (PermenPANRB 5/2024)."))
    is_active = models.BooleanField(_("aktif"), default=True)


    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["instansi", "name"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "name"], name="unit_unique_name_per_instansi"),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def holds_wbk(self):
        return self.predicate in (self.Predicate.WBK, self.Predicate.WBBM)


class Membership(models.Model):
    """A user's role: in a unit (operator, kepala unit) or for the whole instansi (TPI, admin)."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("Operator unit")
        KEPALA = "kepala", _("Kepala unit")
        TPI = "tpi", _("Tim Penilai Internal (TPI)")
        ADMIN = "admin", _("Admin")

    UNIT_ROLES = (Role.OPERATOR, Role.KEPALA)
    INSTANSI_ROLES = (Role.TPI, Role.ADMIN)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("pengguna"),
                             on_delete=models.CASCADE, related_name="memberships")
    instansi = models.ForeignKey(Instansi, verbose_name=_("instansi"), on_delete=models.CASCADE,
                                 related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit kerja"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="memberships",
                             help_text=_("Wajib untuk operator dan kepala unit; kosong untuk TPI dan admin."))
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        ordering = ["instansi", "role", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_unit_role"),
            models.UniqueConstraint(fields=["user", "instansi", "role"], condition=Q(unit__isnull=True),
                                    name="membership_unique_instansi_role"),
            models.CheckConstraint(
                condition=(Q(role__in=["operator", "kepala"], unit__isnull=False)
                           | Q(role__in=["tpi", "admin"], unit__isnull=True)),
                name="membership_unit_matches_role",
            ),
        ]

    def __str__(self):
        where = self.unit or self.instansi
        return f"{self.user} — {self.get_role_display()} ({where})"

    def clean(self):
        if self.role in self.UNIT_ROLES and not self.unit_id:
            raise ValidationError({"unit": _("Operator dan kepala unit harus terikat pada satu unit kerja.")})
        if self.role in self.INSTANSI_ROLES and self.unit_id:
            raise ValidationError({"unit": _("TPI dan admin berlaku untuk seluruh instansi; kosongkan unit.")})
        if self.unit_id and self.instansi_id and self.unit.instansi_id != self.instansi_id:
            raise ValidationError({"unit": _("Unit ini bukan bagian dari instansi yang dipilih.")})


class PasswordChangeRequired(models.Model):
    """A starting password an admin set (a new account, a forgotten password): the person chooses
    their own at the next sign-in before anything else (units.security)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("pengguna"), primary_key=True,
                                on_delete=models.CASCADE, related_name="password_change_required")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ditetapkan oleh"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("ditetapkan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("wajib ganti kata sandi")
        verbose_name_plural = _("wajib ganti kata sandi")

    def __str__(self):
        return str(self.user)
