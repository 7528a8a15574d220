"""Forms validate; they never change status. Numbers are typed the Indonesian way (87,5)."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from units.people import display_name

from . import answer_types, evidence, limits, numbers
from .models import NUMBER_TYPES, OPTION_TYPES, AnswerType

NUMBER_HINTS = {
    AnswerType.PERSEN: _("Isi persentase 0–100, mis. 87,5."),
    AnswerType.JUMLAH: _("Isi bilangan bulat 0 atau lebih."),
    AnswerType.INDEKS: _("Isi nilai survei 0–4, mis. 3,62."),
}
NUMBER_RULES = {code: (answer_types.TYPES[code].low, answer_types.TYPES[code].high, answer_types.TYPES[code].places,
                       NUMBER_HINTS[code]) for code in answer_types.NUMBER_TYPES}
NUMBER_ERRORS = {
    AnswerType.PERSEN: {"invalid": _("Bukan angka. Tulis persentase seperti 87,5."),
                        "min_value": _("Persentase tidak boleh di bawah 0."),
                        "max_value": _("Persentase tidak boleh lebih dari 100."),
                        "max_decimal_places": _("Paling banyak dua angka di belakang koma.")},
    AnswerType.JUMLAH: {"invalid": _("Bukan angka. Tulis jumlah seperti 12."),
                        "min_value": _("Jumlah tidak boleh negatif."),
                        "max_value": _("Jumlah terlalu besar."),
                        "max_decimal_places": _("Jumlah harus bilangan bulat, tanpa koma.")},
    AnswerType.INDEKS: {"invalid": _("Bukan angka. Tulis indeks seperti 3,62."),
                        "min_value": _("Nilai survei paling kecil 0."), "max_value": _("Nilai survei paling besar 4."),
                        "max_decimal_places": _("Paling banyak dua angka di belakang koma.")},
}


NUMBER_LABELS = {AnswerType.PERSEN: _("Persentase (%)"), AnswerType.INDEKS: _("Nilai survei (0–4)"),
                 AnswerType.JUMLAH: _("Jumlah")}


class BootstrapBoundField(forms.BoundField):
    """A field with errors gets Bootstrap's ``is-invalid`` and points screen readers at its errors
    (``<id>_error``, as ``templates/forms/_errors.html`` writes them) before its help text."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            classes = attrs.get("class", widget.attrs.get("class", "")).split()
            attrs["class"] = " ".join([*(c for c in classes if c != "is-invalid"), "is-invalid"])
            if self.auto_id and not self.use_fieldset:
                error = f"{self.auto_id}_error"
                described = (attrs.get("aria-describedby") or "").split()
                attrs["aria-describedby"] = " ".join([error, *(d for d in described if d != error)])
        return attrs


class BootstrapForm(forms.Form):
    """The house form: what a field looks like is said here, in its widget; templates render
    ``{{ form.field }}`` (with ``forms/_errors.html`` and ``forms/_help.html`` around it)."""

    bound_field_class = BootstrapBoundField


def format_number(value: Decimal | None) -> str:
    """A number as an Indonesian user types it into any number field: 87,5 — 1234 — 3,62."""
    return numbers.plain(value, grouping=False)


class IndonesianDecimalField(forms.DecimalField):
    """Accepts 87,5 and 87.5 alike. With ``grouping`` (counts), 1.234 is a thousand separator."""

    def __init__(self, *args, grouping=False, **kwargs):
        self.grouping = grouping
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = numbers.typed(value, grouping=self.grouping)
        return super().to_python(value)


def number_input(**attrs):
    """The text box every number is typed in (a phone shows its number pad)."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                  "class": "form-control form-control-sm number-input", **attrs})


class ValueForm(BootstrapForm):
    """A value for one question: a choice for option types (radio buttons whose labels are the
    letters; the template adds each option's text), a number for counts and indices."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, question, **kwargs):
        self.question = question
        kwargs.setdefault("auto_id", f"q{question.pk}-%s")  # ids unique on a page of many questions
        super().__init__(*args, **kwargs)
        t = question.answer_type
        if t in OPTION_TYPES:
            self.fields["option"] = forms.ChoiceField(
                label=_("Pilihan jawaban"), required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=[(o.letter, o.text) for o in question.options.all()])
        elif t in NUMBER_TYPES and not question.formula:
            low, high, places, hint = NUMBER_RULES[t]
            self.fields["number"] = IndonesianDecimalField(
                label=NUMBER_LABELS[t], required=False, grouping=t == AnswerType.JUMLAH, min_value=low,
                max_value=high, max_digits=14, decimal_places=places, help_text=hint, widget=number_input(),
                error_messages={**NUMBER_ERRORS[t], "max_digits": NUMBER_ERRORS[t]["max_value"]})
            if isinstance(self.initial.get("number"), Decimal):  # 1.234 · 87,50 · 3,40, as the history shows it
                self.initial["number"] = numbers.plain(self.initial["number"], places or None,
                                                       grouping=t == AnswerType.JUMLAH)

    def cleaned_value(self):
        """(option, number) as the services take them."""
        return self.cleaned_data.get("option") or "", self.cleaned_data.get("number")


class AnswerForm(ValueForm):
    """The unit's answer to one question."""

    explanation = forms.CharField(label=_("Penjelasan unit"), required=False, max_length=limits.EXPLANATION,
                                  widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))


class ReviewForm(ValueForm):
    """The TPI's own value for one answer, a note, and the "perlu perbaikan" flag."""

    note = forms.CharField(label=_("Catatan TPI"), required=False, max_length=limits.TPI_NOTE,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))
    needs_revision = forms.BooleanField(label=_("Perlu perbaikan oleh unit"), required=False,
                                        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, question=question, **kwargs)
        if "option" in self.fields:
            self.fields["option"].label = _("Nilai TPI")
        if "number" in self.fields:  # the TPI's side is narrow: the range is in the unit's card
            self.fields["number"].label, self.fields["number"].help_text = _("Nilai TPI"), ""
        if question.formula and question.answer_type == AnswerType.PERSEN:
            # The TPI may set its own value for a computed percentage (e.g. no complaints counted
            # 100%, but the channel is not used); left empty, the TPI's counts decide.
            low, high, places, _hint = NUMBER_RULES[AnswerType.PERSEN]
            self.fields["number"] = IndonesianDecimalField(
                label=_("Nilai TPI sendiri (%)"), required=False, min_value=low, max_value=high, max_digits=14,
                decimal_places=places, help_text=_("Kosongkan untuk memakai hasil hitung dari jumlah versi TPI."),
                widget=number_input(), error_messages=NUMBER_ERRORS[AnswerType.PERSEN])
            if isinstance(self.initial.get("number"), Decimal):
                self.initial["number"] = numbers.plain(self.initial["number"], 2, grouping=False)

    def clean(self):
        data = super().clean()
        if data.get("needs_revision") and not (data.get("note") or "").strip():
            self.add_error("note", _("Tulis catatan agar unit tahu apa yang harus diperbaiki."))
        return data


class HasilForm(ValueForm):
    """One cell of the hasil page's table: a unit's value for one hasil question, in a compact
    control tied to that unit's row form (``form`` attribute) and named for its unit and indicator."""

    def __init__(self, *args, question, row_form: str, name: str, **kwargs):
        super().__init__(*args, question=question, **kwargs)
        attrs = {"form": row_form, "aria-label": name}
        if "option" in self.fields:
            self.fields["option"].widget = forms.Select(attrs={"class": "form-select form-select-sm", **attrs})
            self.fields["option"].choices = [("", "—")] + [
                (o.letter, f"{o.letter} — {Truncator(o.text).chars(50)}") for o in question.options.all()]
        if "number" in self.fields:
            self.fields["number"].widget = number_input(placeholder="0–4", **attrs)
        self.fields["revision"].widget.attrs["form"] = row_form


class DecisionForm(BootstrapForm):
    """The TPI's (or the admin's) decision on a worksheet; the comment is kept as a draft per
    worksheet and status (``data-draft-key``) until a decision goes through."""

    comment = forms.CharField(label=_("Komentar untuk unit (wajib saat mengembalikan atau membuka kembali)"),
                              required=False, max_length=limits.DECISION_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control mb-2"}))
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, worksheet=None, **kwargs):
        kwargs.setdefault("auto_id", "id_decision_%s")
        super().__init__(*args, **kwargs)
        if worksheet is not None:
            self.fields["comment"].widget.attrs["data-draft-key"] = f"decision-{worksheet.pk}-{worksheet.status}"


def _description_field():
    return forms.CharField(label=_("Keterangan bukti dukung (opsional)"), required=False,
                           max_length=limits.EVIDENCE_DESCRIPTION, widget=forms.TextInput(
                               attrs={"class": "form-control form-control-sm mt-1",
                                      "placeholder": _("Keterangan (opsional)")}))


class EvidenceUploadForm(BootstrapForm):
    """A file for one question's evidence. The browser is told the allowed types and size, so it
    can say "too big" before sending (worksheet.js); the server checks again (``evidence.py``)."""

    file = forms.FileField(label=_("Berkas bukti dukung"))
    description = _description_field()

    def __init__(self, *args, question=None, **kwargs):
        if question is not None:
            kwargs.setdefault("auto_id", f"q{question.pk}-upload-%s")
        super().__init__(*args, **kwargs)
        mb = settings.EVIDENCE_MAX_UPLOAD_MB
        self.fields["file"].label = _("Unggah berkas (PDF, gambar, Office; maks. %(mb)s MB)") % {"mb": mb}
        self.fields["file"].widget.attrs.update({
            "class": "form-control form-control-sm", "accept": ",".join(f".{e}" for e in evidence.ALLOWED_EXTENSIONS),
            "data-max-bytes": mb * 1_048_576,
            "data-too-big": _("Berkas lebih dari %(mb)s MB; perkecil atau pecah berkasnya.") % {"mb": mb}})


class HttpURLField(forms.URLField):
    default_validators = [URLValidator(schemes=["http", "https"])]


class EvidenceLinkForm(BootstrapForm):
    """A link (a shared drive, the JDIH) as one question's evidence."""

    url = HttpURLField(label=_("atau tambahkan tautan"), max_length=limits.URL, assume_scheme="https",
                       widget=forms.URLInput(attrs={"class": "form-control form-control-sm", "placeholder": "https://"}),
                       error_messages={"invalid": _("Masukkan tautan lengkap http(s), mis. https://drive.pemda.go.id/…")})
    description = _description_field()

    def __init__(self, *args, question=None, **kwargs):
        if question is not None:
            kwargs.setdefault("auto_id", f"q{question.pk}-link-%s")
        super().__init__(*args, **kwargs)


class SubmitForm(BootstrapForm):
    comment = forms.CharField(label=_("Catatan pengajuan (opsional)"), required=False, max_length=limits.SUBMIT_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time between the years 2000 and 2100: anything else is a typing slip (and year 1
    cannot even be shifted into the institution's time zone)."""

    default_error_messages = {"range": _("Tanggal di luar rentang yang masuk akal (tahun 2000–2100)."),
                              "invalid": _("Tulis tanggal dan jam seperti 2027-01-15 16:00.")}

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except (OverflowError, OSError) as exc:
            raise forms.ValidationError(self.error_messages["range"], code="range") from exc
        if result is not None and not 2000 <= result.year <= 2100:
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return result


class DeadlineExtensionForm(BootstrapForm):
    """A new deadline for one unit: filling in (``kind="fill"``) or the TPI's review (``"review"``);
    both can be on one page, so their ids differ."""

    until = BoundedDateTimeField(label=_("Batas baru"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M"])
    comment = forms.CharField(label=_("Alasan"), max_length=limits.REASON,
                              widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, kind="fill", **kwargs):
        kwargs.setdefault("auto_id", f"id_{kind}_%s")
        super().__init__(*args, **kwargs)


class RoundStatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("open", _("Mulai periode")), ("close", _("Tutup periode")),
                                       ("reopen", _("Buka kembali periode"))])
    comment = forms.CharField(label=_("Alasan"), required=False, max_length=limits.REASON)


class ReviewerAssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(label=_("Anggota TPI yang menilai"), required=False, queryset=None,
                                               widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = members
        self.fields["reviewers"].label_from_instance = display_name


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas LKE (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Unggah berkas Excel .xlsx (ekspor ZI Tracker atau LKE resmi)."))
        if f.size > 10 * 1_048_576:
            raise forms.ValidationError(_("Berkas lebih dari 10 MB; LKE berisi ratusan baris saja."))
        return f


class PrerequisiteForm(forms.Form):
    """One fact for one prerequisite of Tabel 5: its value in the prerequisite's own terms, a note,
    and evidence (a file or a link; left empty, the previous record's evidence is kept)."""

    def __init__(self, *args, definition, **kwargs):
        self.definition = definition
        kwargs.setdefault("prefix", f"p{definition.pk}")
        super().__init__(*args, **kwargs)
        kind = definition.Kind
        if definition.kind == kind.CHOICE:
            value = forms.ChoiceField(choices=[("", "—")] + [tuple(item) for item in definition.scale])
        elif definition.kind == kind.PERCENT:
            value = IndonesianDecimalField(min_value=Decimal("0"), max_value=Decimal("100"), max_digits=5,
                                           decimal_places=2, help_text=_("Persentase 0–100, mis. 100 atau 97,5."),
                                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                                           error_messages=NUMBER_ERRORS[AnswerType.PERSEN])
        elif definition.kind == kind.YES_NO:
            value = forms.ChoiceField(choices=[("ya", _("Ya")), ("tidak", _("Tidak"))], widget=forms.RadioSelect)
        else:
            value = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                    input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
                                    error_messages={"invalid": _("Tulis tanggal seperti 2025-03-17.")})
        value.label = definition.label
        value.required = True
        value.error_messages["required"] = _("Isi nilainya.")
        self.fields["value"] = value
        self.fields["note"] = forms.CharField(label=_("Keterangan (mis. nomor dan tanggal dokumen)"), required=False,
                                              max_length=limits.REASON)
        self.fields["evidence_file"] = forms.FileField(label=_("Berkas bukti (PDF, gambar, Office)"), required=False)
        self.fields["evidence_url"] = HttpURLField(
            label=_("atau tautan bukti"), required=False, max_length=limits.URL, assume_scheme="https",
            error_messages={"invalid": _("Masukkan tautan lengkap http(s), mis. https://jdih.pemda.go.id/…")})

    def clean_value(self):
        value = self.cleaned_data["value"]
        if self.definition.kind == self.definition.Kind.SINCE and value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal ini belum lewat; catat tanggal yang sudah terjadi."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("evidence_file") and data.get("evidence_url"):
            self.add_error("evidence_url", _("Pilih salah satu: berkas atau tautan."))
        return data

    def stored_value(self) -> str:
        """The value as the record keeps it: a grade, "100", "ya", "2025-03-17"."""
        value = self.cleaned_data["value"]
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)
