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

PALETTE = ("#1f6fb2", "#e07b00", "#2a9d5b", "#c23b5a", "#7a4fb5", "#8c6d1f", "#3a8fa3", "#5f5f5f")
CURRENT_COLOUR = "#e07b00"
BAR_COLOUR = "#1f6fb2"
FONT = "font-family='system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif'"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    text: str  # the value as displayed next to the bar
    highlight: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal]
    highlight: bool = False


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
    line (e.g. a budget). Highlighted bars (the current model) use a second colour."""
    size = 12
    row = 24
    label_width = min(
        300, max((_text_width(b.label, size) * (1.12 if b.highlight else 1) for b in bars), default=60) + 14
    )
    value_width = max((_text_width(b.text, size) for b in bars), default=40) + 10
    top, bottom = 36, 34
    plot_left = label_width
    plot_width = max(120, width - label_width - value_width - 10)
    height = top + row * len(bars) + bottom
    values = [_num(b.value) for b in bars]
    if marker is not None:
        values.append(_num(marker[1]))
    ticks = nice_ticks(max(values, default=0))
    scale = plot_width / ticks[-1] if ticks[-1] else 0
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart bar-chart' id='{escape(chart_id)}' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
        f"aria-labelledby='{escape(chart_id)}-title {escape(chart_id)}-desc' {FONT} font-size='{size}'>",
        f"<title id='{escape(chart_id)}-title'>{escape(title)}</title>",
        f"<desc id='{escape(chart_id)}-desc'>"
        + escape("; ".join(f"{b.label}: {b.text}" for b in bars))
        + "</desc>",
        f"<text x='0' y='16' font-size='14' font-weight='600' fill='#222'>{escape(title)}</text>",
    ]
    axis_y = top + row * len(bars)
    for tick in ticks:
        x = plot_left + tick * scale
        out.append(
            f"<line x1='{x:.1f}' y1='{top - 4}' x2='{x:.1f}' y2='{axis_y}' stroke='#e3e3e3' stroke-width='1'/>"
        )
        out.append(
            f"<text x='{x:.1f}' y='{axis_y + 16}' text-anchor='middle' fill='#555' font-size='11'>{compact(tick)}</text>"
        )
    out.append(
        f"<text x='{plot_left + plot_width / 2:.1f}' y='{axis_y + 30}' text-anchor='middle' fill='#555' "
        f"font-size='11'>{escape(unit)}</text>"
    )
    for i, bar in enumerate(bars):
        y = top + i * row
        bar_width = max(1.0, _num(bar.value) * scale) if _num(bar.value) > 0 else 0
        colour = CURRENT_COLOUR if bar.highlight else BAR_COLOUR
        label = bar.label if _text_width(bar.label, size) < label_width - 8 else bar.label[:40] + "…"
        weight = " font-weight='600'" if bar.highlight else ""
        out.append(
            f"<text x='{plot_left - 6}' y='{y + 16}' text-anchor='end' fill='#222'{weight}>{escape(label)}</text>"
        )
        out.append(
            f"<rect class='bar{' current' if bar.highlight else ''}' x='{plot_left}' y='{y + 4}' "
            f"width='{bar_width:.1f}' height='{row - 8}' fill='{colour}' rx='2'>"
            f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
        )
        out.append(
            f"<text x='{plot_left + bar_width + 4:.1f}' y='{y + 16}' fill='#222'>{escape(bar.text)}</text>"
        )
    out.append(
        f"<line x1='{plot_left}' y1='{top - 4}' x2='{plot_left}' y2='{axis_y}' stroke='#888' stroke-width='1'/>"
    )
    if marker is not None and scale:
        x = plot_left + _num(marker[1]) * scale
        out.append(
            f"<line class='marker' x1='{x:.1f}' y1='{top - 10}' x2='{x:.1f}' y2='{axis_y}' stroke='#c23b5a' "
            "stroke-width='1.5' stroke-dasharray='5 3'/>"
        )
        out.append(
            f"<text x='{x:.1f}' y='{top - 14}' text-anchor='middle' fill='#c23b5a' font-size='11'>"
            f"{escape(marker[0])}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


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
    dashed line (a budget)."""
    size = 11
    left, right, top = 64, 34, 30
    legend_rows = math.ceil(len(series) / 3) if series else 0
    bottom = 40 + 18 * legend_rows
    plot_width = width - left - right
    plot_height = height - top - bottom
    values = [_num(v) for s in series for v in s.values]
    if marker is not None:
        values.append(_num(marker[1]))
    ticks = nice_ticks(max(values, default=0))
    y_scale = plot_height / ticks[-1] if ticks[-1] else 0
    n = max(len(x_labels), 1)
    step = plot_width / (n - 1) if n > 1 else 0

    def xy(i: int, value: Decimal) -> tuple[float, float]:
        x = left + (i * step if n > 1 else plot_width / 2)
        return x, top + plot_height - _num(value) * y_scale

    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart line-chart' id='{escape(chart_id)}' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
        f"aria-labelledby='{escape(chart_id)}-title {escape(chart_id)}-desc' {FONT} font-size='{size}'>",
        f"<title id='{escape(chart_id)}-title'>{escape(title)}</title>",
        f"<desc id='{escape(chart_id)}-desc'>"
        + escape(
            "; ".join(
                f"{s.name}: {compact(_num(s.values[0]))} in {x_labels[0]} to {compact(_num(s.values[-1]))} in {x_labels[-1]}"
                for s in series
                if s.values and x_labels
            )
        )
        + "</desc>",
        f"<text x='0' y='16' font-size='14' font-weight='600' fill='#222'>{escape(title)}</text>",
    ]
    for tick in ticks:
        y = top + plot_height - tick * y_scale
        out.append(f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_width}' y2='{y:.1f}' stroke='#e3e3e3'/>")
        out.append(
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' fill='#555'>{compact(tick)}</text>"
        )
    out.append(
        f"<text x='12' y='{top + plot_height / 2:.1f}' fill='#555' transform='rotate(-90 12 {top + plot_height / 2:.1f})' "
        f"text-anchor='middle'>{escape(unit)}</text>"
    )
    every = max(1, math.ceil(n / 12))
    for i, label in enumerate(x_labels):
        if i % every and i != n - 1:
            continue
        x, _ = xy(i, Decimal(0))
        out.append(
            f"<text x='{x:.1f}' y='{top + plot_height + 16}' text-anchor='middle' fill='#555'>{escape(label)}</text>"
        )
    out.append(
        f"<line x1='{left}' y1='{top + plot_height}' x2='{left + plot_width}' y2='{top + plot_height}' stroke='#888'/>"
    )
    if marker is not None and y_scale:
        _, y = xy(0, marker[1])
        out.append(
            f"<line class='marker' x1='{left}' y1='{y:.1f}' x2='{left + plot_width}' y2='{y:.1f}' stroke='#c23b5a' "
            "stroke-width='1.5' stroke-dasharray='5 3'/>"
        )
        out.append(
            f"<text x='{left + plot_width - 4}' y='{y - 4:.1f}' text-anchor='end' fill='#c23b5a'>{escape(marker[0])}</text>"
        )
    others = [c for c in PALETTE if c != CURRENT_COLOUR]
    plain = 0
    for k, s in enumerate(series):
        if s.highlight:
            colour = CURRENT_COLOUR  # the current model: the same colour as its bar
        else:
            colour = others[plain % len(others)]
            plain += 1
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(s.values)))
        dash = " stroke-dasharray='6 3'" if s.highlight else ""
        out.append(
            f"<polyline class='series' data-name='{escape(s.name)}' points='{points}' fill='none' "
            f"stroke='{colour}' stroke-width='2.2'{dash}><title>{escape(s.name)}</title></polyline>"
        )
        for i, v in enumerate(s.values):
            x, y = xy(i, v)
            out.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='2.6' fill='{colour}'/>")
        column, line = k % 3, k // 3
        lx = left + column * (plot_width / 3)
        ly = top + plot_height + 34 + line * 18
        out.append(
            f"<line x1='{lx:.1f}' y1='{ly - 4}' x2='{lx + 18:.1f}' y2='{ly - 4}' stroke='{colour}' stroke-width='3'{dash}/>"
        )
        name = s.name if len(s.name) <= 38 else s.name[:37] + "…"
        out.append(f"<text x='{lx + 24:.1f}' y='{ly}' fill='#222'>{escape(name)}</text>")
    out.append("</svg>")
    return "\n".join(out)
