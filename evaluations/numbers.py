"""Numbers the Indonesian way, on Django's formatting (the active locale's separators): a count
whole and grouped (1.234), anything else with its decimals (87,5 / 3,40). One place for every page,
form field, history line and import message that shows a number, and for reading one typed by a
person (a form field, a workbook cell written as text). The browser's live preview reads counts
the same way (``parseCount`` in static/js/worksheet.js)."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format


def plain(value: Decimal | int | None, places: int | None = None, *, grouping: bool = True) -> str:
    """``places`` fixed (2 → 3,10); None: whole numbers without decimals (1.234), others as they are
    (87,5). Without ``grouping`` a number reads back the same in a field that takes "." as the decimal
    point too (a percentage or an index)."""
    if value is None:
        return ""
    value = Decimal(value)
    if places is None:
        whole = value == value.to_integral_value()
        places = 0 if whole else max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, places, force_grouping=grouping)


def typed(text: str, *, grouping: bool = False) -> str:
    """What a person typed as Python's decimal notation: "87,5" and "87.5" → "87.5"; with
    ``grouping`` (counts) "1.234" → "1234"; "1.234,5" → "1234.5". Spaces are ignored."""
    text = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if grouping and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        return text.replace(".", "")
    return text


def parse(text, *, grouping: bool = False) -> Decimal | None:
    """A typed number as a Decimal, None when it isn't one."""
    try:
        value = Decimal(typed(text, grouping=grouping))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
