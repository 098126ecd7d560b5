"""Server-side SVG charts for the dashboard: readable without JavaScript, scaled by CSS."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

PALETTE = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed"]
WIDTH = 720
BAR_WIDTH = 480


def _nice_max(value: float) -> float:
    """A round axis end just above value (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10 if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fit(label: str, room: int) -> str:
    """Cut a label to `room` narrow-character widths (a Chinese character counts two)."""
    used = 0
    for i, ch in enumerate(label):
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > room:
            return label[:max(1, i - 1)] + "…"
    return label


def bar_chart(items: Sequence[tuple[str, float | None]], *, title: str,
              fmt: Callable[[float], str] = lambda v: f"{v:g}", max_value: float | None = None,
              color: str = PALETTE[0], empty: str = "–") -> Markup:
    """Horizontal bars, one per (label, value); None is drawn as no bar with `empty` beside."""
    width, label_w, bar_h, gap, top = BAR_WIDTH, 150, 20, 8, 8
    height = top + len(items) * (bar_h + gap) + 4
    top_value = max_value or _nice_max(max((v or 0) for _l, v in items) if items else 0)
    room = width - label_w - 64
    parts = [f'<svg class="chart bar-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        text = _fit(label, 21)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" class="label">{escape(text)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{room}" height="{bar_h}" class="track"/>')
        if value is None:
            parts.append(f'<text x="{label_w + 6}" y="{y + bar_h * 0.72:.1f}" class="value muted">{escape(empty)}</text>')
            continue
        w = max(1.0, room * min(value, top_value) / top_value) if value > 0 else 0
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{color}" class="bar"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.72:.1f}" class="value">{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str) -> Markup:
    """Lines over labelled x positions (weeks), a legend on top, a few y gridlines."""
    height, left, right, top, bottom = 260, 44, 12, 34, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _nice_max(max([v for _n, values in series for v in values if v is not None] or [0]))
    n = max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + plot_w * i / n

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    parts = [f'<svg class="chart line-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for k in range(5):
        v = top_value * k / 4
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="axis">{v:g}</text>')
    step = max(1, len(labels) // 6)
    for i in range(0, len(labels), step):
        parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" class="axis">{escape(labels[i])}</text>')
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values) if v is not None)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2.5" class="line"/>')
        for i, v in enumerate(values):
            if v is not None:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}"><title>{escape(labels[i])}: {v:g}</title></circle>')
        lx = left + s * 180
        parts.append(f'<rect x="{lx}" y="8" width="14" height="14" rx="2" fill="{color}"/>'
                     f'<text x="{lx + 20}" y="20" class="label">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
