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

    def __init__(self, *args, period, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.services = list(period.services.all())
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
    opens_on = forms.DateField(label=_("Dibuka"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Ditutup"), widget=forms.DateInput(attrs={"type": "date"}))
    services = forms.CharField(
        label=_("Jenis layanan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000,
        help_text=_("Satu per baris, mis. KTP-el, Kartu Keluarga, Akta Kelahiran. Setiap jawaban ditandai jenis "
                    "layanannya; poster dapat dicetak per layanan."))
    minimum = forms.IntegerField(label=_("Responden minimal"), min_value=1, max_value=100000, initial=30,
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


class FixValueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Survei"), choices=[("spak", "IPAK"), ("spkp", "IPKP")])
    value = forms.DecimalField(label=_("Nilai (0–4)"), min_value=0, max_value=4, decimal_places=2, max_digits=3,
                               localize=True, required=False,
                               help_text=_("Kosongkan untuk memasukkan nilai hasil survei ini."))
