"""The filtered lists (dashboard, review queue, hasil page, a round's prerequisites) page the same way."""

from django.core.paginator import Page, Paginator


def paged(request, rows, per_page: int) -> tuple[Page, str]:
    """The requested page of ``rows`` and the list's query string without the page number, so the
    pager's links keep the filters, the search and the sort."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
