"""Forms of the ZI programme. Documents are chosen from the unit's evidence library."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations import numbers
from evaluations.forms import BootstrapForm, HttpURLField
from evaluations.models import Document, Indicator
from units.people import display_name

from .models import AREAS, Action, TeamMember

DATE = {"type": "date", "class": "form-control"}


def _date_field(label, **kw):
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                           input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
                           error_messages={"invalid": _("Tulis tanggal lengkap, mis. 17/03/2026.")}, **kw)


def _library(unit):
    return Document.objects.filter(unit=unit).order_by("title")


class RupiahField(forms.DecimalField):
    """Rupiah typed the Indonesian way: "15.000.000" (dots group thousands)."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = numbers.typed(str(value), grouping=True)
        return super().to_python(value)

    def prepare_value(self, value):
        return numbers.plain(value, 0) if isinstance(value, Decimal) else value


class FigureField(forms.DecimalField):
    """A figure typed the Indonesian way: "3,5", "1.234,5"."""

    default_error_messages = {"invalid": _("Bukan angka. Tulis seperti 3,5 atau 1.234.")}

    def to_python(self, value):
        if value not in self.empty_values:
            value = numbers.typed(str(value))
        return super().to_python(value)


class PencananganForm(BootstrapForm):
    date = _date_field(_("Tanggal pencanangan"))
    declared_by = forms.CharField(label=_("Dicanangkan oleh"), max_length=200,
                                  help_text=_("Nama dan jabatan pimpinan, mis. Bupati Sukamaju."),
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    place = forms.CharField(label=_("Tempat"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    media_links = forms.CharField(label=_("Tautan media (satu per baris)"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    documents = forms.ModelMultipleChoiceField(
        label=_("Dokumen dari pustaka (pakta integritas, berita acara, foto)"), queryset=Document.objects.none(),
        required=False, widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}))

    def __init__(self, *args, unit=None, **kwargs):
        kwargs.setdefault("auto_id", "canang-%s")  # one page holds several forms: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = _library(unit)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Tanggal pencanangan belum tiba; catat setelah zona dicanangkan."))
        return date

    def clean_media_links(self):
        lines = [line.strip() for line in self.cleaned_data["media_links"].splitlines() if line.strip()]
        check = HttpURLField(assume_scheme="https")
        for line in lines:
            try:
                check.clean(line)
            except forms.ValidationError:
                raise forms.ValidationError(_("“%(l)s” bukan tautan http(s) yang lengkap.") % {"l": line[:80]}) from None
        return "\n".join(lines)


class TeamDecreeForm(BootstrapForm):
    number = forms.CharField(label=_("Nomor SK"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"}))
    date = _date_field(_("Tanggal SK"))
    document = forms.ModelChoiceField(label=_("Dokumen SK dari pustaka"), queryset=Document.objects.none(),
                                      required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, unit=None, **kwargs):
        kwargs.setdefault("auto_id", "sk-%s")
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = _library(unit)
        self.fields["document"].empty_label = _("— tanpa dokumen —")


class TeamMemberForm(BootstrapForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "anggota-%s")
        super().__init__(*args, **kwargs)

    name = forms.CharField(label=_("Nama"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False,
                               widget=forms.TextInput(attrs={"class": "form-control"}))
    role = forms.ChoiceField(label=_("Peran"), choices=TeamMember.Role.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    area_code = forms.ChoiceField(label=_("Area (untuk koordinator area)"), choices=[("", "—"), *AREAS],
                                  required=False, widget=forms.Select(attrs={"class": "form-select"}))


class ActionForm(BootstrapForm):
    area_code = forms.ChoiceField(label=_("Area perubahan"), choices=AREAS, widget=forms.Select(attrs={"class": "form-select"}))
    description = forms.CharField(label=_("Kegiatan"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indikator LKE yang dituju"), queryset=Indicator.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}))
    target = forms.CharField(label=_("Target terukur"), max_length=300,
                             help_text=_("Mis. “SOP seluruh layanan ditetapkan (12 SOP)”."),
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    output = forms.CharField(label=_("Keluaran"), max_length=300, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    pic = forms.ModelChoiceField(label=_("Penanggung jawab"), queryset=None, required=False,
                                 widget=forms.Select(attrs={"class": "form-select"}))
    due = _date_field(_("Batas waktu"))
    budget = RupiahField(label=_("Anggaran (Rp, opsional)"), required=False, min_value=0, max_digits=14,
                         decimal_places=0,
                         widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"}),
                         error_messages={"invalid": _("Tulis angka rupiah tanpa sen, mis. 15.000.000."),
                                         "max_decimal_places": _("Tulis angka rupiah tanpa sen, mis. 15.000.000."),
                                         "min_value": _("Anggaran tidak boleh negatif.")})
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    documents = forms.ModelMultipleChoiceField(label=_("Bukti dari pustaka"), queryset=Document.objects.none(),
                                               required=False,
                                               widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}))

    def __init__(self, *args, unit=None, version_id=None, people=(), keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = (  # the plan's LKE version, and what the action already aims at
            Indicator.objects.filter(Q(part__area__component__version_id=version_id,
                                       part__area__code__in=[c for c, _label in AREAS]) | Q(pk__in=list(keep)))
            .select_related("part__area").order_by("part__area__order", "part__order", "order"))
        self.fields["indicators"].label_from_instance = (
            lambda i: f"{i.part.area.code} · {i.part.get_kind_display()} · {i.code}. {i.name}")
        self.fields["pic"].queryset = get_user_model().objects.filter(pk__in=[p.pk for p in people])
        self.fields["pic"].label_from_instance = display_name
        self.fields["pic"].empty_label = _("— pilih penanggung jawab —")
        self.fields["documents"].queryset = _library(unit)


class ProgressForm(BootstrapForm):
    """One action's realisation in a quarter (a form per action, prefixed by its id)."""

    realisation = forms.IntegerField(label=_("Realisasi (%)"), min_value=0, max_value=100,
                                     widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
                                     error_messages={"min_value": _("Realisasi antara 0 dan 100 persen."),
                                                     "max_value": _("Realisasi antara 0 dan 100 persen."),
                                                     "invalid": _("Tulis bilangan bulat 0 sampai 100."),
                                                     "required": _("Isi realisasi 0 sampai 100 persen.")})
    done = forms.CharField(label=_("Yang telah dilakukan"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    obstacles = forms.CharField(label=_("Kendala"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    documents = forms.TypedMultipleChoiceField(label=_("Bukti dari pustaka"), required=False, coerce=int,
                                               widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 3}))

    def __init__(self, *args, unit=None, library=(), **kwargs):
        """``library``: the unit's documents as (id, title), read once for all the page's forms."""
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["documents"].choices = list(library)

    def clean_documents(self):
        ids = self.cleaned_data["documents"]
        return list(Document.objects.filter(unit=self.unit, pk__in=ids)) if ids else []


class MonitoringNoteForm(BootstrapForm):
    note = forms.CharField(label=_("Catatan pemantauan"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    recommendation = forms.CharField(label=_("Rekomendasi"), required=False, max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class ReplyForm(BootstrapForm):
    reply = forms.CharField(label=_("Tanggapan unit"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class InnovationForm(BootstrapForm):
    title = forms.CharField(label=_("Nama inovasi"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    description = forms.CharField(label=_("Uraian (masalah, perubahan, manfaat)"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    launched_on = _date_field(_("Mulai diterapkan"), required=False)
    measure = forms.CharField(label=_("Ukuran"), max_length=100, required=False,
                              help_text=_("Mis. “waktu penyelesaian KTP-el (hari)”."),
                              widget=forms.TextInput(attrs={"class": "form-control"}))
    before = FigureField(label=_("Sebelum"), required=False, max_digits=14, decimal_places=2,
                         widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}))
    after = FigureField(label=_("Sesudah"), required=False, max_digits=14, decimal_places=2,
                        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}))
    indicator = forms.ModelChoiceField(label=_("Indikator LKE"), queryset=Indicator.objects.none(), required=False,
                                       widget=forms.Select(attrs={"class": "form-select"}))
    documents = forms.ModelMultipleChoiceField(label=_("Bukti dari pustaka"), queryset=Document.objects.none(),
                                               required=False,
                                               widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 3}))

    def __init__(self, *args, unit=None, version_id=None, **kwargs):
        kwargs.setdefault("auto_id", "inovasi-%s")
        super().__init__(*args, **kwargs)
        service = Indicator.objects.filter(part__area__component__version_id=version_id, part__area__code="VI",
                                           part__kind="reform").select_related("part__area")
        self.fields["indicator"].queryset = service
        self.fields["indicator"].label_from_instance = lambda i: f"VI · {i.part.get_kind_display()} · {i.code}. {i.name}"
        innovation = next((i for i in service if "Inovasi" in i.name), None)
        if innovation and not self.is_bound:
            self.initial.setdefault("indicator", innovation.pk)
        self.fields["documents"].queryset = _library(unit)

    def clean(self):
        data = super().clean()
        if (data.get("before") is None) != (data.get("after") is None):
            self.add_error("after", _("Isi angka sebelum dan sesudah, atau kosongkan keduanya."))
        if data.get("before") is not None and not data.get("measure"):
            self.add_error("measure", _("Tulis apa yang diukur angka sebelum dan sesudah itu."))
        return data


class StudyVisitForm(BootstrapForm):
    visited = forms.CharField(label=_("Unit/instansi yang dikunjungi"), max_length=200,
                              widget=forms.TextInput(attrs={"class": "form-control"}))
    date = _date_field(_("Tanggal"))
    adopted = forms.CharField(label=_("Yang diadopsi"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    documents = forms.ModelMultipleChoiceField(label=_("Bukti dari pustaka"), queryset=Document.objects.none(),
                                               required=False,
                                               widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 3}))

    def __init__(self, *args, unit=None, **kwargs):
        kwargs.setdefault("auto_id", "kajitiru-%s")
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = _library(unit)
