"""Forms of the surveys app. The respondent's form is built from the period's instruments: one
required choice per item, the service type, the one-time code where the survey uses codes, and a
field people do not see (a form robot fills it in)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import Round


class RespondentForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Jenis layanan yang Anda terima"), coerce=int, widget=forms.RadioSelect,
                                     error_messages={"required": _("Pilih jenis layanan yang Anda terima.")})
    code = forms.CharField(label=_("Kode survei"), max_length=20, required=False,
                           help_text=_("Tertera pada bukti layanan Anda."))
    website = forms.CharField(required=False, max_length=200, label=_("Jangan diisi"))  # the honeypot
    t = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, period, questionnaire, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.services = services
        self.fields["service"].choices = [(s.pk, s.name) for s in self.services]
        if not period.require_code and not period.has_codes:
            del self.fields["code"]
        elif period.require_code:
            self.fields["code"].required = True
            self.fields["code"].error_messages["required"] = _("Masukkan kode survei yang tertera pada bukti layanan Anda.")
        self.sections = []
        for instrument, items in questionnaire:
            names = []
            for item in items:
                name = f"q{item.pk}"
                points = range(instrument.scale_min, instrument.scale_max + 1)
                labels = list(item.labels) + [""] * len(points)
                self.fields[name] = forms.TypedChoiceField(
                    label=item.text, coerce=int, widget=forms.RadioSelect,
                    choices=[(v, labels[i] or str(v)) for i, v in enumerate(points)],
                    error_messages={"required": _("Pilih salah satu jawaban.")})
                self.fields[name].item = item
                names.append(name)
            self.sections.append((instrument, [self[n] for n in names]))

    def choices(self, name: str) -> list[tuple[str, str, str, bool]]:
        """(id, value, label, chosen) of one radio group, written out by the template itself: a
        phone's page of 60 radios renders in a fraction of the time the widgets take."""
        field = self[name]
        chosen = str(field.value() if field.value() is not None else "")
        return [(f"{field.auto_id}_{i}", str(v), label, str(v) == chosen) for i, (v, label) in
                enumerate(field.field.choices)]

    def groups(self):
        """Each instrument with its questions: (instrument, [(number, name, text, errors, choices)])."""
        out = []
        for instrument, fields in self.sections:
            out.append((instrument, [(n, bf.html_name, bf.label, bf.errors, self.choices(bf.name))
                                     for n, bf in enumerate(fields, start=1)]))
        return out

    def values(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()
                if name.startswith("q") and name[1:].isdigit()}


class PeriodForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Periode evaluasi"), queryset=Round.objects.none(),
                                   empty_label=None)
    opens_on = forms.DateField(label=_("Dibuka"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    closes_on = forms.DateField(label=_("Ditutup"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    services = forms.CharField(
        label=_("Jenis layanan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000,
        help_text=_("Satu per baris, mis. KTP-el, Kartu Keluarga, Akta Kelahiran. Setiap jawaban ditandai jenis "
                    "layanannya; poster dapat dicetak per layanan."))
    minimum = forms.IntegerField(label=_("Responden minimal"), min_value=30, max_value=100000, initial=30,
                                 help_text=_("PermenPANRB 90/2021: paling sedikit 30 responden per unit."))
    require_code = forms.BooleanField(label=_("Wajib kode sekali pakai (dicetak pada bukti layanan)"), required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.filter(instansi_id=unit.instansi_id).exclude(
            status=Round.Status.CLOSED).exclude(survey_periods__unit=unit).order_by("-year")

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Tanggal tutup tidak boleh sebelum tanggal buka."))
        return data

    def service_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["services"].splitlines() if line.strip()]


class ServicesForm(forms.Form):
    services = PeriodForm.base_fields["services"]


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("Jumlah kode baru"), min_value=1, max_value=5000, initial=100)


class ExcludeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan dikecualikan"), min_length=5, max_length=300)
    receipt = forms.CharField(label=_("Tanda terima"), max_length=10, required=False)


class RescheduleForm(forms.Form):
    opens_on = forms.DateField(label=_("Dibuka"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    closes_on = forms.DateField(label=_("Ditutup"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Saya mengerti: survei ditutup dan disegel, jawaban tidak dapat ditambah atau dikecualikan lagi."),
        error_messages={"required": _("Centang pernyataan ini untuk menutup survei.")})


class FixValueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Survei"), choices=[("spak", "IPAK"), ("spkp", "IPKP")])
    value = forms.DecimalField(label=_("Nilai (0–4)"), min_value=0, max_value=4, decimal_places=2, max_digits=3,
                               localize=True, required=False,
                               help_text=_("Kosongkan untuk memasukkan nilai hasil survei ini."))
    reason = forms.CharField(label=_("Alasan (wajib bila nilai lain dari hasil survei)"), max_length=300,
                             required=False)


class AdaptForm(forms.Form):
    """A new version of an instrument for the instansi: each item's wording and labels (left out by
    clearing its wording), up to three new items in an existing aspect, and the scale."""

    title = forms.CharField(label=_("Judul"), max_length=200)
    intro = forms.CharField(label=_("Pengantar untuk responden"), max_length=1000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    scale_min = forms.IntegerField(label=_("Skala terendah"), min_value=0, max_value=9)
    scale_max = forms.IntegerField(label=_("Skala tertinggi"), min_value=1, max_value=10,
                                   help_text=_("Skala selain 1–4 dikonversi linear ke 1–4 sebelum dihitung: "
                                               "x' = 1 + (x − terendah) × 3 / (tertinggi − terendah)."))
    NEW = 3

    def __init__(self, *args, base, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        self.items = list(base.items.select_related("aspect").order_by("order"))
        self.aspects = list(base.aspects.order_by("order"))
        for item in self.items:
            self.fields[f"text_{item.pk}"] = forms.CharField(
                label=f"{item.code}. {item.aspect.name}", required=False, max_length=600, initial=item.text,
                widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Kosongkan untuk tidak memakai butir ini."))
            self.fields[f"labels_{item.pk}"] = forms.CharField(
                label=_("Keterangan tiap nilai, dari terendah, dipisah |"), max_length=600,
                initial=" | ".join(item.labels), required=False)
        choices = [("", "—")] + [(a.code, a.name) for a in self.aspects]
        for k in range(1, self.NEW + 1):
            self.fields[f"new_aspect_{k}"] = forms.ChoiceField(label=_("Butir baru %(k)d: aspek") % {"k": k},
                                                               choices=choices, required=False)
            self.fields[f"new_text_{k}"] = forms.CharField(label=_("Pertanyaan"), required=False, max_length=600,
                                                           widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"new_labels_{k}"] = forms.CharField(
                label=_("Keterangan tiap nilai, dari terendah, dipisah |"), required=False, max_length=600)

    def _labels(self, name, points):
        labels = [x.strip() for x in (self.cleaned_data.get(name) or "").split("|") if x.strip()]
        if len(labels) != points:
            self.add_error(name, _("Tulis %(n)d keterangan (satu untuk tiap nilai), dipisah tanda |.") % {"n": points})
        return labels

    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is None or high is None:
            return data
        if high <= low:
            self.add_error("scale_max", _("Skala tertinggi harus lebih besar dari skala terendah."))
            return data
        points = high - low + 1
        names = {a.code: a.name for a in self.aspects}
        specs = []
        for item in self.items:
            text = (data.get(f"text_{item.pk}") or "").strip()
            if text:
                specs.append({"aspect": item.aspect.code, "aspect_name": item.aspect.name, "code": item.code,
                              "text": text, "labels": self._labels(f"labels_{item.pk}", points)})
        codes = {s["code"] for s in specs}
        for k in range(1, self.NEW + 1):
            text, aspect = (data.get(f"new_text_{k}") or "").strip(), data.get(f"new_aspect_{k}")
            if not text and not aspect:
                continue
            if not text or not aspect:
                self.add_error(f"new_text_{k}" if not text else f"new_aspect_{k}",
                               _("Butir baru memerlukan aspek dan pertanyaan."))
                continue
            n = sum(1 for s in specs if s["aspect"] == aspect) + 1
            code = f"{aspect}.{n}"
            while code in codes:
                n += 1
                code = f"{aspect}.{n}"
            codes.add(code)
            specs.append({"aspect": aspect, "aspect_name": names[aspect], "code": code, "text": text,
                          "labels": self._labels(f"new_labels_{k}", points)})
        if not specs:
            raise forms.ValidationError(_("Instrumen memerlukan paling sedikit satu butir."))
        order = {a.code: i for i, a in enumerate(self.aspects)}
        self.specs = sorted(specs, key=lambda s: order[s["aspect"]])
        return data
