"""Numbers the Indonesian way, on Django's formatting (the active locale's separators): a count
whole and grouped (1.234), anything else with its decimals (87,5 / 3,40). One place for every page,
form field, history line and import message that shows a number."""

from decimal import Decimal

from django.utils.formats import number_format


def plain(value: Decimal | int | None, places: int | None = None, *, grouping: bool = True) -> str:
    """``places`` fixed (2 → 3,10); None: whole numbers without decimals (1.234), others as they are
    (87,5). Without ``grouping`` a number reads back the same in a field that takes "." as the decimal
    point too (a percentage or an index)."""
    if value is None:
        return ""
    value = Decimal(value)
    if places is None:
        if value == value.to_integral_value():
            places = 0
        else:
            places = max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, places, force_grouping=grouping)
