"""The fast widget renderer writes exactly what Django's widget templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from evaluations import forms as app_forms
from evaluations.models import Question
from tests import factories as f
from zi_tracker.form_renderer import FastWidgetRenderer

WIDGETS = [
    (forms.TextInput(attrs={"inputmode": "decimal", "class": "a b", "data-x": '"<&>'}), "87,5"),
    (forms.TextInput(), None),
    (forms.HiddenInput(), 3),
    (forms.URLInput(attrs={"placeholder": "https://", "required": True, "disabled": False}), "https://x.id/?a=1&b=<2>"),
    (forms.FileInput(attrs={"accept": ".pdf,.png", "data-max-bytes": 20971520}), None),
    (forms.ClearableFileInput(attrs={"accept": ".pdf", "class": "form-control"}), None),
    (forms.ClearableFileInput(), "bukti/sk.pdf"),  # with a file already there: Django's template
    (forms.CheckboxInput(attrs={"class": "form-check-input"}), True),
    (forms.CheckboxInput(), False),
    (forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), "2027-01-15T16:00"),
    (forms.Textarea(attrs={"rows": 2, "maxlength": 5000}), "Baris satu\n<b>dua</b> & tiga"),
    (forms.Textarea(), ""),
    (forms.RadioSelect(attrs={"class": "form-check-input"}, choices=[("A", "Jika <semua>"), ("B", "B & C")]), "B"),
    (forms.CheckboxSelectMultiple(choices=[(1, "Rina"), (2, "Bambang")]), [2]),
    (forms.Select(choices=[("", "—"), ("A", "A — x")]), "A"),
]


@pytest.mark.parametrize("widget,value", WIDGETS, ids=lambda w: type(w).__name__ if isinstance(w, forms.Widget) else "")
def test_the_same_html_as_djangos_templates(widget, value):
    slow, fast = DjangoTemplates(), FastWidgetRenderer()
    assert widget.render("f", value, {"id": "id_f"}, renderer=fast) == widget.render("f", value, {"id": "id_f"},
                                                                                      renderer=slow)
    if isinstance(widget, forms.RadioSelect):  # each radio on its own (the cards' {{ radio.tag }})
        field = forms.ChoiceField(widget=widget, choices=widget.choices)
        bound = forms.Form(renderer=slow)
        bound.fields["f"] = field
        for radio in bound["f"]:
            fast_tag = radio.parent_widget._render(radio.template_name, {"widget": {**radio.data, "wrap_label": False}},
                                                   fast)
            assert fast_tag == radio.tag()


def test_a_whole_worksheet_card_form_renders_the_same(db):

    f.lke()
    for key in ("I.pemenuhan.i.b", "V.reform.iii.c", "III.pemenuhan.i.a"):
        q = Question.objects.get(key=key)
        data = {"revision": "1", "option": "B", "number": "1.234", "explanation": 'Tulis "<ini>" & itu'}
        slow = app_forms.AnswerForm(data, question=q, renderer=DjangoTemplates())
        fast = app_forms.AnswerForm(data, question=q, renderer=FastWidgetRenderer())
        slow.is_valid(), fast.is_valid()
        for name in slow.fields:
            assert str(fast[name]) == str(slow[name]), (key, name)
        for form in (app_forms.EvidenceUploadForm, app_forms.EvidenceLinkForm):
            slow, fast = form(question=q, renderer=DjangoTemplates()), form(question=q, renderer=FastWidgetRenderer())
            for name in slow.fields:
                assert str(fast[name]) == str(slow[name]), (key, name)
