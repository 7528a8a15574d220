"""Forms of proposals, the TPN and predicates. They validate; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations import answer_types, numbers
from evaluations.forms import BootstrapForm, HttpURLField, IndonesianDecimalField, number_input
from programme.forms import _date_field

from .models import PREDICATES, DocumentTemplate, Stage

TEXT = {"class": "form-control"}
EVIDENCE_MAX = 20 * 1_048_576


def _text(label, max_length, required=True, help_text="", rows=0):
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=required, help_text=help_text, widget=widget)


class ProposalForm(BootstrapForm):
    """The letter's particulars and the units and kawasan chosen (the choices: what may be proposed)."""

    units = forms.MultipleChoiceField(label=_("Unit yang diusulkan"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    kawasan = forms.MultipleChoiceField(label=_("Kawasan yang diusulkan"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    letter_number = _text(_("Nomor surat"), 100, help_text=_("Nomor Surat Pengajuan Evaluasi, mis. 700/123/ITDA/2026."))
    letter_date = _date_field(_("Tanggal surat"))
    signatory_name = _text(_("Nama penanda tangan"), 200, help_text=_("Pimpinan instansi, mis. nama Bupati."))
    signatory_title = _text(_("Jabatan penanda tangan"), 200, help_text=_("Mis. Bupati Sukamaju."))
    signatory_nip = _text(_("NIP penanda tangan"), 30, required=False,
                          help_text=_("Kosongkan untuk pejabat politik (kepala daerah)."))

    def __init__(self, *args, units=(), kawasan=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(str(c.unit_id), c.name) for c in units]
        self.fields["kawasan"].choices = [(str(k.kawasan.pk), k.kawasan.name) for k in kawasan]
        self.initial.setdefault("letter_date", timezone.localdate())

    def clean(self):
        data = super().clean()
        if not data.get("units") and not data.get("kawasan"):
            self.add_error("units", _("Pilih minimal satu unit atau kawasan yang diusulkan."))
        return data


class StageForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Tahap"), choices=Stage.Kind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    date = _date_field(_("Tanggal"))
    outcome = forms.ChoiceField(label=_("Hasil"), choices=Stage.Outcome.choices,
                                widget=forms.Select(attrs={"class": "form-select"}))
    notes = _text(_("Catatan TPN"), 5000, required=False, rows=2)


class ResultForm(BootstrapForm):
    awarded = forms.TypedChoiceField(label=_("Hasil"), coerce=lambda v: v == "ya", widget=forms.RadioSelect,
                                     choices=[("ya", _("Ditetapkan berpredikat")),
                                              ("tidak", _("Tidak ditetapkan (pembinaan)"))])
    decree_number = _text(_("Nomor SK Menteri PANRB"), 150, required=False)
    decree_date = _date_field(_("Tanggal SK"), required=False)
    year = forms.IntegerField(label=_("Tahun predikat"), required=False, min_value=2010, max_value=2100,
                              widget=forms.NumberInput(attrs=TEXT), help_text=_("Kosongkan: tahun SK."))
    document = forms.FileField(label=_("Dokumen SK (PDF)"), required=False)
    recommendations = _text(_("Rekomendasi TPN"), 10000, required=False, rows=4,
                            help_text=_("Satu rekomendasi per baris; awali dengan nomor area (mis. “III. …”) agar "
                                        "masuk ke area yang tepat di rencana aksi unit."))

    def clean_document(self):
        f = self.cleaned_data.get("document")
        if f and f.size > EVIDENCE_MAX:
            raise forms.ValidationError(_("Berkas lebih dari 20 MB."))
        if f and not f.name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png")):
            raise forms.ValidationError(_("Unggah SK sebagai PDF atau gambar (JPG/PNG)."))
        return f

    def clean(self):
        data = super().clean()
        if data.get("awarded") is True:
            if not data.get("decree_number"):
                self.add_error("decree_number", _("Isi nomor SK penetapan predikat."))
            if not data.get("decree_date"):
                self.add_error("decree_date", _("Isi tanggal SK."))
        elif data.get("awarded") is False and not data.get("recommendations", "").strip():
            self.add_error("recommendations", _("Tuliskan catatan/rekomendasi TPN untuk unit."))
        return data


class PanelForm(BootstrapForm):
    """The self-evaluation panel's decision: members, date, the SK, and per unit a decision with reasons."""

    members = _text(_("Anggota panel"), 3000, rows=3, help_text=_("Satu anggota per baris, dengan jabatannya."))
    panel_date = _date_field(_("Tanggal sidang panel"))
    decree_number = _text(_("Nomor SK penetapan"), 150)
    decree_date = _date_field(_("Tanggal SK penetapan"))

    def __init__(self, *args, nominees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nominees = list(nominees)
        for n in self.nominees:
            self.fields[f"n{n.pk}_awarded"] = forms.TypedChoiceField(
                label=n.name, coerce=lambda v: v == "ya", widget=forms.RadioSelect,
                choices=[("ya", _("Ditetapkan Menuju WBK")), ("tidak", _("Tidak ditetapkan"))])
            self.fields[f"n{n.pk}_reasons"] = _text(_("Alasan keputusan untuk %(u)s") % {"u": n.name}, 3000, rows=2)

    def decisions(self) -> dict[int, tuple[bool, str]]:
        return {n.pk: (self.cleaned_data[f"n{n.pk}_awarded"], self.cleaned_data[f"n{n.pk}_reasons"])
                for n in self.nominees}

    def unit_fields(self):
        return [(n, self[f"n{n.pk}_awarded"], self[f"n{n.pk}_reasons"]) for n in self.nominees]


class RevokeForm(BootstrapForm):
    on = _date_field(_("Tanggal pencabutan"))
    reason = _text(_("Alasan pencabutan"), 3000, rows=2)


class ReevaluationForm(BootstrapForm):
    on = _date_field(_("Tanggal evaluasi ulang"))
    note = _text(_("Keterangan"), 500, required=False, help_text=_("Mis. nomor surat hasil evaluasi ulang."))


class EarlierAwardForm(BootstrapForm):
    """A predicate awarded before the app, with its SK: its re-evaluation date becomes known."""

    predicate = forms.ChoiceField(label=_("Predikat"), choices=PREDICATES, widget=forms.Select(attrs={"class": "form-select"}))
    decree_number = _text(_("Nomor SK"), 150)
    decree_date = _date_field(_("Tanggal SK"))
    document = forms.FileField(label=_("Dokumen SK"), required=False)


class IntegrationForm(BootstrapForm):
    score = IndonesianDecimalField(label=_("Nilai integrasi proses bisnis"), min_value=0, max_value=10, max_digits=4,
                                   decimal_places=2, widget=number_input(),
                                   help_text=_("0–10; minimal 6,5 untuk WBK dan 7,5 untuk WBBM."))
    note = _text(_("Keterangan"), 500, required=False)
    file = forms.FileField(label=_("Berkas bukti"), required=False)
    url = HttpURLField(label=_("atau tautan bukti"), required=False, max_length=500, assume_scheme="https",
                       widget=forms.URLInput(attrs=TEXT))

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and f.size > EVIDENCE_MAX:
            raise forms.ValidationError(_("Berkas lebih dari 20 MB."))
        return f

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and "url" not in self.errors:
            self.add_error("url", _("Lampirkan bukti: berkas atau tautan."))
        return data


class AuthorityForm(BootstrapForm):
    authorised = forms.BooleanField(label=_("Instansi berwenang mengevaluasi Menuju WBK secara mandiri"), required=False)
    reference = _text(_("Dasar penetapan"), 300, required=False,
                      help_text=_("Nomor dan tanggal surat/keputusan Menteri PANRB yang memberi kewenangan."))
    since = _date_field(_("Berlaku sejak"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("authorised") and not (data.get("reference") or "").strip():
            self.add_error("reference", _("Tuliskan dasar penetapan kewenangan."))
        return data


class TemplateForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Dokumen"), choices=DocumentTemplate.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=_("Templat Word (.docx)"),
                           help_text=_("Unduh templat bawaan, ubah kop dan blok tanda tangannya di Word, biarkan "
                                       "tanda {{ … }} dan {% … %} apa adanya, lalu unggah."))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("Unggah dokumen Word .docx."))
        return f


class TpnValuesForm(forms.Form):
    """The TPN's value for every input question of a worksheet: a choice or a number per question,
    named by its key; typed values come back on an error."""

    def __init__(self, *args, questions=(), initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if not q.formula]
        initial_values = initial_values or {}
        for q in self.questions:
            spec = answer_types.TYPES[q.answer_type]
            name = f"q{q.pk}"
            option, number = initial_values.get(q.pk, ("", None))
            if spec.takes_option:
                self.fields[name] = forms.ChoiceField(
                    label=q.text, required=False, choices=[("", "—")] + [(x, x) for x in spec.letters],
                    initial=option, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            else:
                self.fields[name] = IndonesianDecimalField(
                    label=q.text, required=False, min_value=spec.low, max_value=spec.high, max_digits=14,
                    decimal_places=spec.places, grouping=q.answer_type == answer_types.JUMLAH,
                    initial=numbers.plain(number, spec.places or None, grouping=False) if number is not None else "",
                    widget=number_input())

    def rows(self) -> list[dict]:
        out = []
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.pk}")
            if answer_types.TYPES[q.answer_type].takes_option:
                out.append({"key": q.key, "option": value or "", "number": None})
            else:
                out.append({"key": q.key, "option": "", "number": None if value is None else str(value)})
        return out
