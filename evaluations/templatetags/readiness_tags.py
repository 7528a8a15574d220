"""Display helpers for stored readiness data (formatting only; no queries, no rules)."""

from django import template
from django.http import QueryDict
from django.utils.html import format_html

from evaluations.readiness import VERDICT_LABELS, describe
from evaluations.selectors import basis_label

register = template.Library()


@register.simple_tag
def verdict_badge(code):
    """The verdict as a badge (a dashboard has fifty of them: written here, not through a template)."""
    code = code or ""
    return format_html('<span class="badge verdict-{}" data-testid="verdict">{}</span>', code or "none",
                       verdict_label(code))


@register.simple_tag
def verdict_label(code):
    return str(VERDICT_LABELS.get(code or "", VERDICT_LABELS[""]))


@register.simple_tag
def row_basis(row):
    """Whose values a dashboard row's verdict rests on, in words."""
    return basis_label("tpi" if row.basis_is_tpi else "unit", row.status == "approved")


@register.filter
def gaps(row, n=2):
    """The first ``n`` shortfalls stored for a dashboard row, in words."""
    data = (row.tpi_gaps if row.basis_is_tpi else row.unit_gaps) or []
    return [describe(d) for d in data[: int(n)]]


@register.filter
def more_gaps(row, n=2):
    """How many stored shortfalls ``gaps`` leaves out (shown as "+N lainnya")."""
    data = (row.tpi_gaps if row.basis_is_tpi else row.unit_gaps) or []
    return max(0, len(data) - int(n))


@register.simple_tag
def sort_query(query, key, filters):
    """The dashboard's query string sorted by ``key`` (a second click reverses the order)."""
    params = QueryDict(query, mutable=True)
    same = filters.get("sort") == key
    params["sort"] = key
    params["dir"] = "asc" if same and filters.get("dir") == "desc" else ("desc" if same else "asc")
    params.pop("page", None)
    return params.urlencode()
