"""Server-rendered SVG charts: plain data in, shapes out (no JavaScript, no network, prints well).

Each chart comes with the rows it was drawn from, so the page can offer the same numbers as a
table for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SERIES_CLASS = {"unit": "bar-unit", "tpi": "bar-tpi", "weight": "bar-weight", "pemenuhan": "bar-pemenuhan",
                "reform": "bar-reform", "total": "bar-unit"}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    value: Decimal | None
    label: str


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
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, float, str]]  # x, y, text
    ticks: list[tuple[float, str]]  # x (horizontal charts) or y (vertical), text
    legend: list[tuple[str, str]]  # css, text
    horizontal: bool
    plot_left: float
    plot_top: float
    plot_width: float
    plot_height: float
    rows: list[HRow] = ()  # horizontal charts: drawn as rows of text and bars (readable at any width)
    maximum: Decimal | None = None


def hbar(rows: list[tuple[str, list[tuple[str, str, Decimal | None]]]], maximum: Decimal, *,
         legend: list[tuple[str, str]] = ()) -> Chart:
    """Horizontal grouped bars. ``rows`` = [(label, [(series, series label, value), …]), …];
    a series "weight" is drawn behind the others as the full length available.

    The page draws each row as its full label (never cut) above or beside the bars, each bar a
    small SVG stretched to the row's width with its value written next to it, so the text keeps
    its size on a phone instead of shrinking with a whole-chart SVG."""
    maximum, _ticks = nice_ticks(maximum)
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
    return Chart(1000, 0, [], [], [], list(legend), True, 0, 0, 1000, 0, out, maximum)


def vbar(columns: list[tuple[str, Decimal | None]], maximum: Decimal, *, width: int = 420, height: int = 220,
         series: str = "unit", integer: bool = False, values: bool = False) -> Chart:
    """Vertical bars, one per column (histograms with ``integer`` ticks, trends with ``values`` on top)."""
    plot_left, plot_top, plot_height = 40, 16, height - 56
    maximum, tick_values = nice_ticks(maximum, integer=integer)
    plot_width = width - plot_left - 10
    step = plot_width / max(1, len(columns))
    scale = plot_height / float(maximum or 1)
    bars, labels = [], []
    for i, (label, value) in enumerate(columns):
        h = float(value or 0) * scale
        x = plot_left + i * step + step * 0.15
        bars.append(Bar(x, plot_top + plot_height - h, step * 0.7, h, SERIES_CLASS.get(series, "bar-unit"), value,
                        label))
        labels.append((x + step * 0.35, plot_top + plot_height + 16, label))
        if values and value is not None:
            labels.append((x + step * 0.35, plot_top + plot_height - h - 4, f"{Decimal(value):.2f}".replace(".", ",")))
    ticks = [(plot_top + plot_height - float(t) * scale, _num(t)) for t in tick_values]
    return Chart(width, height, bars, labels, ticks, [], False, plot_left, plot_top, plot_width, plot_height)


def nice_ticks(maximum: Decimal, *, integer: bool = False) -> tuple[Decimal, list[Decimal]]:
    """A round axis end and its ticks: 15 → 0, 5, 10, 15; 22,5 → 0, 5 … 25; counts never show 0,5."""
    maximum = Decimal(maximum or 1)
    for step in (Decimal(s) for s in ("0.5", "1", "2", "2.5", "5", "10", "20", "25", "50", "100")):
        if integer and step != step.to_integral_value():
            continue
        if maximum / step <= 6:
            end = (maximum / step).to_integral_value(rounding="ROUND_CEILING") * step
            return end, [step * i for i in range(int(end / step) + 1)]
    return maximum, [Decimal(0), maximum]


def _num(value: Decimal) -> str:
    text = f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"
    return text.replace(".", ",")
