"""Django's form renderer, with its simplest widget templates (inputs, text areas, radio and
checkbox options) written out in Python. The HTML is the templates' own, character for character
(tests/test_form_renderer.py compares them); what goes is a template render per field. The
worksheet renders some 300 widgets on an area page, and through the template engine they cost a
third of the page's time."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

_W = "django/forms/widgets/"
INPUTS = {f"{_W}{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "file", "checkbox", "date", "datetime",
    "time", "color", "search", "tel")}
OPTIONS = {f"{_W}radio_option.html", f"{_W}checkbox_option.html", f"{_W}input_option.html"}
TEXTAREA = f"{_W}textarea.html"
CLEARABLE = f"{_W}clearable_file_input.html"  # forms.FileField's widget; a form for a new file has no initial one


def _attrs(attrs) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(w) -> str:
    value = "" if w["value"] is None else f' value="{conditional_escape(str(w["value"]))}"'
    return (f'<input type="{conditional_escape(w["type"])}" name="{conditional_escape(w["name"])}"{value}'
            f'{_attrs(w["attrs"])}>')


def _option(w) -> str:
    if not w.get("wrap_label"):
        return _input(w)
    target = f' for="{conditional_escape(w["attrs"]["id"])}"' if w["attrs"].get("id") else ""
    return f"<label{target}>{_input(w)} {conditional_escape(w['label'])}</label>"


def _textarea(w) -> str:
    body = conditional_escape(w["value"]) if w["value"] else ""
    return f'<textarea name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>\n{body}</textarea>'


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return _input(context["widget"])
        if template_name in OPTIONS:
            return _option(context["widget"])
        if template_name == TEXTAREA:
            return _textarea(context["widget"])
        if template_name == CLEARABLE and not context["widget"]["is_initial"] and context["widget"]["value"] is None:
            return _input(context["widget"])  # the template's newline goes in the renderer's strip()
        return super().render(template_name, context, request)
