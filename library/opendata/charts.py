"""Server-drawn SVG charts: horizontal bars, a timeline of years and a map of points.

No script and no style attributes (the site's CSP allows neither): shapes carry classes that
library/static/style.css colours, and sizes are SVG attributes. Every chart scales to its box
through its viewBox; its numbers are also in a table beside it. Must not import Flask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_WIDTH = 400  # viewBox width of a bar chart: 12-unit text stays legible on a phone
LABEL_WIDTH = 190
ROW = 24
LABEL_CHARS = 24
MIN_YEARS = 16  # a short timeline keeps columns this narrow, centred
TICK_SPACING = 40  # SVG units between year labels
TIMELINE_WIDTH = 400
TIMELINE_PAD = 16  # room for the first and last year's label
TIMELINE_HEIGHT = 180
MAX_RADIUS = 14
MIN_RADIUS = 3


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    selected: bool = False
    url: str = ""


@dataclass(frozen=True)
class Point:
    label: str
    count: int
    x: float
    y: float


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(
    width: float, height: float, title: str, body: str, kind: str, x: float = 0, y: float = 0
) -> Markup:
    return Markup(
        f'<svg class="chart chart-{kind}" viewBox="{x:g} {y:g} {width:g} {height:g}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>{body}</svg>'
    )


def bars(items: list[Bar], title: str) -> Markup:
    """One row per item: its label, a bar as long as its count and the count (bar.url is for
    the table beside the chart)."""
    top = max((b.count for b in items), default=0) or 1
    room = BAR_WIDTH - LABEL_WIDTH - 40
    rows = []
    for i, bar in enumerate(items):
        y = i * ROW
        length = max(1.0, room * bar.count / top) if bar.count else 0
        kind = "bar selected" if bar.selected else "bar"
        shape = (
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect class="{kind}" x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" '
            f'height="{ROW - 8}"/>'
            f'<text class="value" x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 16}">'
            f"{bar.count}</text>"
        )
        # No links inside: a chart is one image to assistive technology (role="img"); the
        # table beside it carries the links.
        rows.append(f"<g><title>{escape(bar.label)}: {bar.count}</title>{shape}</g>")
    return _svg(BAR_WIDTH, max(ROW, len(items) * ROW), title, "".join(rows), "bars")


def timeline(years: list[tuple[int, int]], title: str) -> Markup:
    """A column per year from the first to the last (years without resources stay empty),
    its count above it, the axis labelled every few years."""
    if not years:
        return _svg(TIMELINE_WIDTH, 40, title, "", "timeline")
    first, last = years[0][0], years[-1][0]
    counts = dict(years)
    span = last - first + 1
    room = TIMELINE_WIDTH - 2 * TIMELINE_PAD
    step = room / max(span, MIN_YEARS)
    left = TIMELINE_PAD + (room - step * span) / 2
    top = max(counts.values()) or 1
    every = max(1, math.ceil(TICK_SPACING / step))
    base = TIMELINE_HEIGHT - 24
    parts = [f'<line class="axis" x1="0" y1="{base}" x2="{TIMELINE_WIDTH}" y2="{base}"/>']
    for i, year in enumerate(range(first, last + 1)):
        n = counts.get(year, 0)
        middle = left + i * step + step / 2
        if n:
            h = max(2.0, (base - 30) * n / top)
            parts.append(
                f'<g><title>{year}: {n}</title><rect class="bar" x="{middle - step * 0.4:.1f}" '
                f'y="{base - h:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}"/>'
                f'<text class="value" x="{middle:.1f}" y="{base - h - 4:.1f}" '
                f'text-anchor="middle">{n}</text></g>'
            )
        if (year - first) % every == 0:
            parts.append(
                f'<text class="tick" x="{middle:.1f}" y="{base + 16}" '
                f'text-anchor="middle">{year}</text>'
            )
    return _svg(TIMELINE_WIDTH, TIMELINE_HEIGHT, title, "".join(parts), "timeline")


def point_map(
    countries: dict[str, str], width: float, height: float, points: list[Point], shaded: set[str],
    title: str, window: tuple[float, float, float, float] | None = None,
) -> Markup:  # fmt: skip
    """Country outlines (those in shaded drawn darker) and a circle per point, its area
    proportional to its count; window (x, y, width, height) shows a part of the frame."""
    land = "".join(
        f'<path class="land{" shaded" if code in shaded else ""}" d="{d}"/>'
        for code, d in countries.items()
    )
    top = max((p.count for p in points), default=0) or 1
    dots = "".join(
        f'<g><title>{escape(p.label)}: {p.count}</title><circle class="city" '
        f'cx="{p.x:.1f}" cy="{p.y:.1f}" r="{_radius(p.count, top):.1f}"/></g>'
        for p in sorted(points, key=lambda p: -p.count)
    )
    if window is not None:
        x, y, width, height = window
        frame = f'<rect class="sea" x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}"/>'
        return _svg(width, height, title, frame + land + dots, "map", x, y)
    frame = f'<rect class="sea" x="0" y="0" width="{width:g}" height="{height:g}"/>'
    return _svg(width, height, title, frame + land + dots, "map")


def _radius(count: int, top: int) -> float:
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(count / top)
