"""Small server-side SVG charts for printed documents (WeasyPrint draws SVG; no JavaScript).

``line_chart`` draws one or more series over category labels (months), ``bar_chart`` one bar per
label. Values are drawn as given (the caller publishes them); a missing value (None) breaks the
line. Text is escaped; the output is a standalone ``<svg>`` element.

>>> svg = line_chart(["1月", "2月"], [Series("得分", [90.0, 92.5])], title="月度得分")
>>> svg.startswith("<svg") and "92.50" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

WIDTH: Final = 640
HEIGHT: Final = 240
LEFT: Final = 48
RIGHT: Final = 16
TOP: Final = 34
BOTTOM: Final = 30
TICKS: Final = 5
COLORS: Final = ("#1f4e8c", "#e76f51", "#2a9d8f", "#8a5cc2", "#6c757d")
FONT: Final = "Noto Sans CJK SC, sans-serif"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]


def _nice(low: float, high: float) -> tuple[float, float, float]:
    """A rounded axis range and step covering ``low``…``high``."""
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    raw = (high - low) / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _text(x: float, y: float, text: str, *, anchor: str = "middle", size: int = 10) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="{FONT}" fill="#333">{escape(text)}</text>'
    )


def _frame(
    labels: Sequence[str], low: float, high: float, step: float, title: str, *, inverted: bool
) -> tuple[list[str], float, float]:
    """Axes, grid, labels and title; the plot's width and height."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [_text(WIDTH / 2, 16, title, size=13)] if title else []
    ticks = round((high - low) / step)
    for i in range(ticks + 1):
        value = low + i * step
        fraction = (value - low) / (high - low)
        y = TOP + (fraction if inverted else 1 - fraction) * plot_h
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="0.6"/>'
        )
        text = f"{value:g}"
        parts.append(_text(LEFT - 6, y + 3.5, text, anchor="end", size=9))
    slot = plot_w / max(len(labels), 1)
    for i, label in enumerate(labels):
        parts.append(_text(LEFT + slot * (i + 0.5), HEIGHT - BOTTOM + 14, label, size=9))
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'stroke="#888" stroke-width="0.8"/>'
    )
    return parts, plot_w, plot_h


def _svg(parts: list[str], description: str) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(description)}">'
        f"{body}</svg>"
    )


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    inverted: bool = False,
    decimals: int = 2,
) -> str:
    """Lines over ``labels`` (``inverted``: small values on top, as ranks), a legend, and each
    point's value printed beside it."""
    values = [v for s in series for v in s.values if v is not None]
    if not values:
        return _svg([_text(WIDTH / 2, HEIGHT / 2, title or "—")], title)
    low, high, step = _nice(min(values), max(values))
    parts, plot_w, plot_h = _frame(labels, low, high, step, title, inverted=inverted)
    slot = plot_w / max(len(labels), 1)

    def point(i: int, v: float) -> tuple[float, float]:
        fraction = (v - low) / (high - low)
        return LEFT + slot * (i + 0.5), TOP + (fraction if inverted else 1 - fraction) * plot_h

    for n, line in enumerate(series):
        color = COLORS[n % len(COLORS)]
        segment: list[str] = []
        for i, v in enumerate(line.values):
            if v is None:
                if len(segment) > 1:
                    parts.append(_polyline(segment, color))
                segment = []
                continue
            x, y = point(i, v)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="{color}"/>')
            if len(series) == 1:
                parts.append(_text(x, y - 6, f"{v:.{decimals}f}", size=8))
        if len(segment) > 1:
            parts.append(_polyline(segment, color))
        legend_x = LEFT + 8 + n * 150
        parts.append(f'<rect x="{legend_x}" y="{TOP - 14}" width="10" height="3" fill="{color}"/>')
        parts.append(_text(legend_x + 14, TOP - 10, line.name, anchor="start", size=9))
    return _svg(parts, title)


def _polyline(points: list[str], color: str) -> str:
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" stroke-width="1.6"/>'
    )


def bar_chart(
    labels: Sequence[str], values: Sequence[float | None], *, title: str = "", decimals: int = 2
) -> str:
    """One bar per label from the axis' lower end, its value printed on top."""
    present = [v for v in values if v is not None]
    if not present:
        return _svg([_text(WIDTH / 2, HEIGHT / 2, title or "—")], title)
    low, high, step = _nice(min(0.0, *present), max(present))
    parts, plot_w, plot_h = _frame(labels, low, high, step, title, inverted=False)
    slot = plot_w / max(len(labels), 1)
    for i, v in enumerate(values):
        if v is None:
            continue
        top = TOP + (1 - (v - low) / (high - low)) * plot_h
        x = LEFT + slot * i + slot * 0.2
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{TOP + plot_h - top:.1f}" fill="{COLORS[0]}"/>'
        )
        parts.append(_text(x + slot * 0.3, top - 3, f"{v:.{decimals}f}", size=8))
    return _svg(parts, title)
