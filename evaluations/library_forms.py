"""Forms of the evidence library: adding a file or a link with its period, a new version, a
document's details, several files at once, and choosing a library document for a question."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from units.people import display_name

from . import evidence, limits
from .forms import BootstrapForm, HttpURLField
from .models import Document

ACCEPT = ",".join(f".{e}" for e in evidence.ALLOWED_EXTENSIONS)
MAX_FILES = 20  # files in one bulk upload
ATTACH_CHOICES = 300  # library documents offered on a card (newest first; the library page lists all)


def _file_attrs(**extra):
    mb = settings.EVIDENCE_MAX_UPLOAD_MB
    return {"class": "form-control", "accept": ACCEPT, "data-max-bytes": mb * 1_048_576,
            "data-too-big": _("Berkas lebih dari %(mb)s MB; perkecil atau pecah berkasnya.") % {"mb": mb}, **extra}


class PeriodFields(BootstrapForm):
    """The period a document covers: a year, optionally a semester or quarter of it."""

    period_year = forms.IntegerField(
        label=_("Tahun periode"), required=False, min_value=2000, max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": _("mis. 2026"), "inputmode": "numeric"}),
        error_messages={"min_value": _("Tahun antara 2000 dan 2100."), "max_value": _("Tahun antara 2000 dan 2100."),
                        "invalid": _("Tulis tahun dengan empat angka, mis. 2026.")})
    period_part = forms.ChoiceField(label=_("Bagian periode"), required=False, choices=Document.Part.choices,
                                    widget=forms.Select(attrs={"class": "form-select"}))

    def clean(self):
        data = super().clean()
        if data.get("period_part") and not data.get("period_year"):
            self.add_error("period_year", _("Isi tahun periode bila memilih semester atau triwulan."))
        return data


class DocumentFileForm(PeriodFields):
    file = forms.FileField(label=_("Berkas"))
    title = forms.CharField(label=_("Nama dokumen (opsional)"), required=False, max_length=255,
                            help_text=_("Kosongkan untuk memakai nama berkas."),
                            widget=forms.TextInput(attrs={"class": "form-control"}))

    field_order = ["file", "title", "period_year", "period_part"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Berkas (PDF, gambar, Office; maks. %(mb)s MB)") % {
            "mb": settings.EVIDENCE_MAX_UPLOAD_MB}
        self.fields["file"].widget.attrs.update(_file_attrs())


class DocumentLinkForm(PeriodFields):
    url = HttpURLField(label=_("Tautan"), max_length=limits.URL, assume_scheme="https",
                       widget=forms.URLInput(attrs={"class": "form-control", "placeholder": "https://"}),
                       error_messages={"invalid": _("Masukkan tautan lengkap http(s), mis. https://drive.pemda.go.id/…")})
    title = forms.CharField(label=_("Nama dokumen (opsional)"), required=False, max_length=255,
                            widget=forms.TextInput(attrs={"class": "form-control"}))

    field_order = ["url", "title", "period_year", "period_part"]


class DocumentEditForm(PeriodFields):
    title = forms.CharField(label=_("Nama dokumen"), max_length=255,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    owner = forms.ModelChoiceField(label=_("Pemilik"), queryset=None, required=False,
                                   widget=forms.Select(attrs={"class": "form-select"}),
                                   help_text=_("Orang di unit yang bertanggung jawab memperbarui dokumen ini."))
    url = HttpURLField(label=_("Tautan"), max_length=limits.URL, assume_scheme="https", required=False,
                       widget=forms.URLInput(attrs={"class": "form-control"}))

    field_order = ["title", "url", "period_year", "period_part", "owner"]

    def __init__(self, *args, people=(), is_link=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(pk__in=[p.pk for p in people])
        self.fields["owner"].label_from_instance = display_name
        if not is_link:
            del self.fields["url"]


class VersionForm(BootstrapForm):
    file = forms.FileField(label=_("Unggah versi baru"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(_file_attrs())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked on its own later,
    so one bad file does not refuse the good ones."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs=_file_attrs(**{"class": "form-control dropzone-input"})))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Paling banyak %(n)d berkas sekaligus.") % {"n": MAX_FILES})
        return [f for f in files if f]


class BulkUploadForm(PeriodFields):
    files = MultipleFileField(label=_("Berkas bukti dukung"),
                              error_messages={"required": _("Pilih atau jatuhkan minimal satu berkas.")})

    field_order = ["files", "period_year", "period_part"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class AttachForm(BootstrapForm):
    """A document of the unit's library for one question."""

    document = forms.ModelChoiceField(label=_("Dari pustaka bukti dukung"), queryset=Document.objects.none(),
                                      widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                                      error_messages={"required": _("Pilih dokumen dari pustaka."),
                                                      "invalid_choice": _("Dokumen itu tidak ada di pustaka unit ini.")})

    def __init__(self, *args, unit=None, question=None, **kwargs):
        if question is not None:
            kwargs.setdefault("auto_id", f"q{question.pk}-attach-%s")
        super().__init__(*args, **kwargs)
        if unit is not None:  # the newest documents offered; any other of the unit's is still accepted
            self.fields["document"].queryset = Document.objects.filter(unit=unit)
            newest = Document.objects.filter(unit=unit).order_by("-created_at", "-pk")[:ATTACH_CHOICES]
            self.fields["document"].widget.choices = [("", _("— pilih dokumen —"))] + [
                (d.pk, d.title) for d in sorted(newest.only("pk", "title"), key=lambda d: d.title.lower())]
        self.fields["document"].empty_label = _("— pilih dokumen —")
