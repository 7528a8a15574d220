"""Server-rendered bar charts: plain data in, rows of text and SVG bars out (no JavaScript, no
network, prints well, readable on a phone: every label whole, at the page's text size).

Each chart comes with the rows it was drawn from, so the page can offer the same numbers as a
table for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SERIES_CLASS = {"unit": "bar-unit", "tpi": "bar-tpi", "weight": "bar-weight", "pemenuhan": "bar-pemenuhan",
                "reform": "bar-reform", "total": "bar-unit"}


@dataclass(frozen=True)
class HBar:
    """One bar of a horizontal chart: its length as a share of the axis, in thousandths."""

    css: str
    series: str
    value: Decimal | None
    length: float  # 0–1000


@dataclass(frozen=True)
class HRow:
    label: str
    bars: list[HBar]
    background: HBar | None = None  # the "weight" series, drawn behind the bars as the length available


@dataclass(frozen=True)
class Chart:
    rows: list[HRow]
    maximum: Decimal
    legend: list[tuple[str, str]]  # css, text
    places: str = "2"  # decimals of the values written beside the bars ("0" for counts)


def hbar(rows: list[tuple[str, list[tuple[str, str, Decimal | None]]]], maximum: Decimal, *,
         legend: list[tuple[str, str]] = (), places: int = 2) -> Chart:
    """Horizontal grouped bars. ``rows`` = [(label, [(series, series label, value), …]), …];
    a series "weight" is drawn behind the others as the full length available.

    The page draws each row as its full label (never cut) above or beside the bars, each bar a
    small SVG stretched to the row's width with its value written next to it, so the text keeps
    its size on a phone instead of shrinking with a whole-chart SVG."""
    maximum = axis_end(maximum, integer=places == 0)
    scale = 1000 / float(maximum or 1)
    out = []
    for label, series in rows:
        background, bars = None, []
        for name, series_label, value in series:
            length = min(1000.0, max(0.0, float(value or 0) * scale))
            bar = HBar(SERIES_CLASS.get(name, "bar-unit"), series_label, value, round(length, 1))
            if name == "weight":
                background = bar
            else:
                bars.append(bar)
        out.append(HRow(label, bars, background))
    return Chart(out, maximum, list(legend), str(places))


def axis_end(maximum: Decimal, *, integer: bool = False) -> Decimal:
    """A round end for the axis: 15 → 15; 22,5 → 25; 7 units → 8 (counts never end at x,5)."""
    maximum = Decimal(maximum or 1)
    for step in (Decimal(s) for s in ("0.5", "1", "2", "2.5", "5", "10", "20", "25", "50", "100")):
        if integer and step != step.to_integral_value():
            continue
        if maximum / step <= 6:
            return (maximum / step).to_integral_value(rounding="ROUND_CEILING") * step
    return maximum
