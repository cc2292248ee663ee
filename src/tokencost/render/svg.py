"""Small, dependency-free SVG charts for the HTML report: a horizontal bar chart and a line chart.

Pure functions from numbers to SVG text: no JavaScript, no external fonts or styles, so the report opens
offline and prints. Every chart carries a ``<title>`` and ``<desc>`` for screen readers, and each bar or
series has a class (``bar``, ``series``) that tests and stylesheets can find.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from tokencost.render.colours import PALETTE

BAR_COLOUR = "#4e79a7"  # a bar without its own colour
MARKER_COLOUR = "#c23b5a"
#: A marker (a budget) is drawn on the value axis only up to this multiple of the largest value; beyond,
#: it is named at the edge of the chart instead of squashing the bars or lines into a corner.
MARKER_ON_SCALE = 1.5
FONT = "font-family='system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif'"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    text: str  # the value as displayed next to the bar
    highlight: bool = False
    colour: str | None = None


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | None]  # None: a month the series does not cover (no point drawn)
    highlight: bool = False
    colour: str | None = None


#: Chart values are capped here: a Decimal beyond a float's range (or near it) would draw as ``inf``.
MAX_VALUE = 1e300


def _num(value: Decimal) -> float:
    """``value`` as a float for drawing, finite: capped at +-MAX_VALUE, NaN as 0."""
    number = float(value)
    if math.isnan(number):
        return 0.0
    return max(-MAX_VALUE, min(MAX_VALUE, number))


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (1, 2, 2.5 or 5 times a power of ten)."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < maximum - 1e-12 * maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def compact(value: float) -> str:
    """1234 -> 1.2k, 5600000 -> 5.6M: axis labels."""
    magnitude = abs(value)
    if magnitude >= 1e15:
        return f"{value:.1e}"
    for threshold, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= threshold:
            number = value / threshold
            return f"{number:.1f}".rstrip("0").rstrip(".") + suffix
    if magnitude >= 1 or value == 0:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: wide (CJK) characters count double."""
    return sum(size * (1.0 if ord(ch) > 0x2E80 else 0.56) for ch in text)


def _svg_open(
    kind: str, chart_id: str, width: int, height: int, size: int, title: str, desc: str
) -> list[str]:
    """The ``<svg>`` element with its accessible title and description, and the visible title."""
    cid = escape(chart_id)
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart {kind}' id='{cid}' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
        f"aria-labelledby='{cid}-title {cid}-desc' {FONT} font-size='{size}'>",
        f"<title id='{cid}-title'>{escape(title)}</title>",
        f"<desc id='{cid}-desc'>{escape(desc)}</desc>",
        f"<text x='0' y='16' font-size='14' font-weight='600' fill='#222'>{escape(title)}</text>",
    ]


def scale_ticks(values: Sequence[float], marker: tuple[str, Decimal] | None) -> tuple[list[float], bool]:
    """Axis ticks for ``values``, and whether ``marker`` fits on that axis (see MARKER_ON_SCALE)."""
    largest = max(values, default=0.0)
    if marker is None:
        return nice_ticks(largest), False
    level = _num(marker[1])
    on_scale = largest <= 0 or level <= largest * MARKER_ON_SCALE
    return nice_ticks(max(largest, level) if on_scale else largest), on_scale


def _off_scale_note(marker: tuple[str, Decimal], x: float, y: float) -> str:
    """A marker beyond the axis, named at the chart's top right corner instead of drawn."""
    return (
        f"<text class='marker off-scale' x='{x:.1f}' y='{y:.1f}' text-anchor='end' fill='{MARKER_COLOUR}' "
        f"font-size='11'>{escape(marker[0])}: beyond the axis →</text>"
    )


# -- bar chart -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _BarFrame:
    """Where a bar chart's parts go."""

    plot_left: float
    plot_width: float
    top: int
    row: int
    axis_y: int
    scale: float
    size: int


def _bar_frame(bars: Sequence[Bar], width: int, ticks: list[float]) -> _BarFrame:
    size, row, top = 12, 24, 36
    label_width = min(
        300, max((_text_width(b.label, size) * (1.12 if b.highlight else 1) for b in bars), default=60) + 14
    )
    value_width = max((_text_width(b.text, size) for b in bars), default=40) + 10
    plot_width = max(120, width - label_width - value_width - 10)
    scale = plot_width / ticks[-1] if ticks[-1] else 0
    return _BarFrame(label_width, plot_width, top, row, top + row * len(bars), scale, size)


def _bar_grid(f: _BarFrame, ticks: list[float], unit: str) -> list[str]:
    out = []
    for tick in ticks:
        x = f.plot_left + tick * f.scale
        out.append(
            f"<line x1='{x:.1f}' y1='{f.top - 4}' x2='{x:.1f}' y2='{f.axis_y}' stroke='#e3e3e3' stroke-width='1'/>"
        )
        out.append(
            f"<text x='{x:.1f}' y='{f.axis_y + 16}' text-anchor='middle' fill='#555' font-size='11'>{compact(tick)}</text>"
        )
    out.append(
        f"<text x='{f.plot_left + f.plot_width / 2:.1f}' y='{f.axis_y + 30}' text-anchor='middle' fill='#555' "
        f"font-size='11'>{escape(unit)}</text>"
    )
    return out


def _bar_row(f: _BarFrame, i: int, bar: Bar) -> list[str]:
    """One bar: its label, the rectangle (outlined when highlighted) and the value at its end."""
    y = f.top + i * f.row
    value = _num(bar.value)
    bar_width = max(1.0, value * f.scale) if value > 0 else 0
    fits = _text_width(bar.label, f.size) < f.plot_left - 8
    label = bar.label if fits else bar.label[:40] + "…"
    weight = " font-weight='600'" if bar.highlight else ""
    outline = " stroke='#222' stroke-width='2'" if bar.highlight else ""
    return [
        f"<text x='{f.plot_left - 6}' y='{y + 16}' text-anchor='end' fill='#222'{weight}>{escape(label)}</text>",
        f"<rect class='bar{' current' if bar.highlight else ''}' x='{f.plot_left}' y='{y + 4}' "
        f"width='{bar_width:.1f}' height='{f.row - 8}' fill='{bar.colour or BAR_COLOUR}' rx='2'{outline}>"
        f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>",
        f"<text x='{f.plot_left + bar_width + 4:.1f}' y='{y + 16}' fill='#222'{weight}>{escape(bar.text)}</text>",
    ]


def _bar_marker(f: _BarFrame, marker: tuple[str, Decimal], on_scale: bool, width: int) -> list[str]:
    if not on_scale or not f.scale:
        return [_off_scale_note(marker, width - 2, f.top - 14)]
    x = f.plot_left + _num(marker[1]) * f.scale
    return [
        f"<line class='marker' x1='{x:.1f}' y1='{f.top - 10}' x2='{x:.1f}' y2='{f.axis_y}' stroke='{MARKER_COLOUR}' "
        "stroke-width='1.5' stroke-dasharray='5 3'/>",
        f"<text x='{x:.1f}' y='{f.top - 14}' text-anchor='middle' fill='{MARKER_COLOUR}' font-size='11'>"
        f"{escape(marker[0])}</text>",
    ]


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    unit: str,
    marker: tuple[str, Decimal] | None = None,
    width: int = 760,
    chart_id: str = "bars",
) -> str:
    """Horizontal bars, one per row, value labels at the bar ends; ``marker`` draws a labelled vertical
    line (e.g. a budget), or names it at the edge when it is far beyond the bars."""
    ticks, on_scale = scale_ticks([_num(b.value) for b in bars], marker)
    f = _bar_frame(bars, width, ticks)
    height = f.axis_y + 34
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    out = _svg_open("bar-chart", chart_id, width, height, f.size, title, desc)
    out += _bar_grid(f, ticks, unit)
    for i, bar in enumerate(bars):
        out += _bar_row(f, i, bar)
    out.append(
        f"<line x1='{f.plot_left}' y1='{f.top - 4}' x2='{f.plot_left}' y2='{f.axis_y}' stroke='#888' stroke-width='1'/>"
    )
    if marker is not None:
        out += _bar_marker(f, marker, on_scale, width)
    out.append("</svg>")
    return "\n".join(out)


# -- line chart ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _LineFrame:
    """Where a line chart's parts go; ``xy`` maps (month index, value) to the canvas."""

    left: int
    top: int
    plot_width: float
    plot_height: float
    n: int
    y_scale: float

    def xy(self, i: int, value: Decimal) -> tuple[float, float]:
        step = self.plot_width / (self.n - 1) if self.n > 1 else 0
        x = self.left + (i * step if self.n > 1 else self.plot_width / 2)
        return x, self.top + self.plot_height - _num(value) * self.y_scale


def _line_grid(f: _LineFrame, ticks: list[float], unit: str) -> list[str]:
    out = []
    for tick in ticks:
        y = f.top + f.plot_height - tick * f.y_scale
        out.append(
            f"<line x1='{f.left}' y1='{y:.1f}' x2='{f.left + f.plot_width}' y2='{y:.1f}' stroke='#e3e3e3'/>"
        )
        out.append(
            f"<text x='{f.left - 6}' y='{y + 4:.1f}' text-anchor='end' fill='#555'>{compact(tick)}</text>"
        )
    middle = f.top + f.plot_height / 2
    out.append(
        f"<text x='12' y='{middle:.1f}' fill='#555' transform='rotate(-90 12 {middle:.1f})' "
        f"text-anchor='middle'>{escape(unit)}</text>"
    )
    return out


def _month_axis(f: _LineFrame, x_labels: Sequence[str]) -> list[str]:
    """At most 12 month labels (and always the last), then the x axis line."""
    every = max(1, math.ceil(f.n / 12))
    out = []
    for i, label in enumerate(x_labels):
        if i % every and i != f.n - 1:
            continue
        x, _ = f.xy(i, Decimal(0))
        out.append(
            f"<text x='{x:.1f}' y='{f.top + f.plot_height + 16}' text-anchor='middle' fill='#555'>{escape(label)}</text>"
        )
    bottom = f.top + f.plot_height
    out.append(
        f"<line x1='{f.left}' y1='{bottom}' x2='{f.left + f.plot_width}' y2='{bottom}' stroke='#888'/>"
    )
    return out


def _line_marker(f: _LineFrame, marker: tuple[str, Decimal], on_scale: bool, width: int) -> list[str]:
    if not on_scale or not f.y_scale:
        return [_off_scale_note(marker, width - 2, f.top - 10)]
    _, y = f.xy(0, marker[1])
    right = f.left + f.plot_width
    return [
        f"<line class='marker' x1='{f.left}' y1='{y:.1f}' x2='{right}' y2='{y:.1f}' stroke='{MARKER_COLOUR}' "
        "stroke-width='1.5' stroke-dasharray='5 3'/>",
        f"<text x='{right - 4}' y='{y - 4:.1f}' text-anchor='end' fill='{MARKER_COLOUR}'>{escape(marker[0])}</text>",
    ]


def _series_lines(f: _LineFrame, s: Series, colour: str) -> list[str]:
    """A series' polyline (dashed and thicker when highlighted) and its points."""
    drawn = [(i, v) for i, v in enumerate(s.values) if v is not None]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (f.xy(i, v) for i, v in drawn))
    dash = " stroke-dasharray='7 3'" if s.highlight else ""
    stroke = "3.2" if s.highlight else "2.2"
    out = [
        f"<polyline class='series{' current' if s.highlight else ''}' data-name='{escape(s.name)}' "
        f"points='{points}' fill='none' stroke='{colour}' stroke-width='{stroke}'{dash}>"
        f"<title>{escape(s.name)}</title></polyline>"
    ]
    for i, v in drawn:
        x, y = f.xy(i, v)
        out.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='2.6' fill='{colour}'/>")
    return out


def _legend_item(f: _LineFrame, k: int, s: Series, colour: str, columns: int) -> list[str]:
    lx = f.left + (k % columns) * (f.plot_width / columns)
    ly = f.top + f.plot_height + 34 + (k // columns) * 18
    dash = " stroke-dasharray='7 3'" if s.highlight else ""
    name = s.name if len(s.name) <= 38 else s.name[:37] + "…"
    weight = " font-weight='600'" if s.highlight else ""
    return [
        f"<line x1='{lx:.1f}' y1='{ly - 4}' x2='{lx + 18:.1f}' y2='{ly - 4}' stroke='{colour}' stroke-width='3'{dash}/>",
        f"<text x='{lx + 24:.1f}' y='{ly}' fill='#222'{weight}>{escape(name)}</text>",
    ]


def _line_desc(series: Sequence[Series], x_labels: Sequence[str], unit: str) -> str:
    """Screen-reader text: each series' first and last value, after the unit they are in (a currency)."""

    def ends(s: Series) -> str:
        last = max(i for i, v in enumerate(s.values) if v is not None)
        text = f"{s.name}: {compact(_num(s.values[0]))} in {x_labels[0]} to {compact(_num(s.values[last]))} in {x_labels[last]}"  # type: ignore[arg-type]
        return text + (f", not covered from {x_labels[last + 1]}" if last + 1 < len(s.values) else "")

    return f"{unit}: " + "; ".join(
        ends(s) for s in series if s.values and s.values[0] is not None and x_labels
    )


def line_chart(
    series: Sequence[Series],
    x_labels: Sequence[str],
    *,
    title: str,
    unit: str,
    marker: tuple[str, Decimal] | None = None,
    width: int = 760,
    height: int = 320,
    chart_id: str = "lines",
) -> str:
    """One line per series over ``x_labels`` (months), with a legend below; ``marker`` draws a horizontal
    dashed line (a budget), or names it at the edge when it is far above the lines."""
    columns = 4 if width >= 900 else 3
    legend_rows = math.ceil(len(series) / columns) if series else 0
    left, right, top = 64, 34, 30
    plot_height = height - top - (40 + 18 * legend_rows)
    ticks, on_scale = scale_ticks([_num(v) for s in series for v in s.values if v is not None], marker)
    y_scale = plot_height / ticks[-1] if ticks[-1] else 0
    f = _LineFrame(left, top, width - left - right, plot_height, max(len(x_labels), 1), y_scale)
    out = _svg_open("line-chart", chart_id, width, height, 11, title, _line_desc(series, x_labels, unit))
    out += _line_grid(f, ticks, unit)
    out += _month_axis(f, x_labels)
    if marker is not None:
        out += _line_marker(f, marker, on_scale, width)
    for k, s in enumerate(series):
        colour = s.colour or PALETTE[k % len(PALETTE)]
        out += _series_lines(f, s, colour)
        out += _legend_item(f, k, s, colour, columns)
    out.append("</svg>")
    return "\n".join(out)
