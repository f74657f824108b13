"""Coverage trend charts as inline SVG: no script, no external file, readable offline.

A chart is returned as `Markup`, so the page templates insert it unescaped: every text
it draws (titles, department names) is escaped here, as the templates escape, and the
rest is numbers, ISO dates and this module's own class names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[date, float | None]]  # None: nobody in scope that day


@dataclass(frozen=True)
class ChartSize:
    width: int
    height: int
    left: int = 48
    right: int = 16
    top: int = 28
    bottom: int = 34


LARGE = ChartSize(width=880, height=300)
SMALL = ChartSize(width=280, height=150, left=40, right=10, top=24, bottom=28)


def _y_floor(values: list[float]) -> float:
    """Lowest y shown: 5-point steps below the lowest value, so small dips stay visible."""
    lowest = min(values, default=100.0)
    return max(0.0, min(95.0, math.floor((lowest - 1) / 5) * 5))


def _ticks(low: float) -> list[float]:
    """Gridlines at round values from low to 100, at most six of them."""
    span = 100.0 - low
    step = next(step for step in (1, 2, 5, 10, 20, 25, 50) if span / step <= 5)
    return [100.0 - step * index for index in range(int(span // step) + 1)]


def _format_pct(value: float) -> str:
    return f"{value:.2f}%"


def line_chart(
    title: str, series: Series, size: ChartSize = LARGE, y_floor: float | None = None
) -> Markup:
    days = sorted({day for day, _ in series.points})
    values = [value for _, value in series.points if value is not None]
    low = _y_floor(values) if y_floor is None else y_floor
    plot_width = size.width - size.left - size.right
    plot_height = size.height - size.top - size.bottom

    def x(day: date) -> float:
        if len(days) == 1:
            return size.left + plot_width / 2
        span = (days[-1] - days[0]).days
        return size.left + plot_width * (day - days[0]).days / span

    def y(value: float) -> float:
        return size.top + plot_height * (100.0 - value) / (100.0 - low)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {size.width} {size.height}" '
        f'width="{size.width}" height="{size.height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{size.left}" y="{size.top - 10}">{escape(title)}</text>',
    ]
    for value in _ticks(low):
        parts.append(
            f'<line class="grid" x1="{size.left}" x2="{size.width - size.right}" '
            f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="axis" x="{size.left - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{value:g}%</text>'
        )
    # First and last day only: labels anchored inwards so they never leave the chart.
    labels = [(days[0], "middle")] if len(days) == 1 else [(days[0], "start"), (days[-1], "end")]
    for day, anchor in labels if days else []:
        offset = {"start": -4, "end": 4, "middle": 0}[anchor]
        parts.append(
            f'<text class="axis" x="{x(day) + offset:.1f}" y="{size.height - 10}" '
            f'text-anchor="{anchor}">{day.isoformat()}</text>'
        )
    # A day with nobody in scope has no coverage: the line breaks there.
    runs: list[list[tuple[date, float]]] = [[]]
    for day, value in sorted(series.points):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((day, value))
    for run in runs:
        if len(run) > 1:
            coordinates = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in run)
            parts.append(f'<polyline class="line" points="{coordinates}"/>')
    for day, value in series.points:
        if value is None:
            continue
        label = f"{day.isoformat()}: {_format_pct(value)}"
        css = "point pass" if value >= 100.0 else "point fail"
        parts.append(
            f'<circle class="{css}" cx="{x(day):.1f}" cy="{y(value):.1f}" r="3.5">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def shared_floor(series: list[Series]) -> float:
    """One y range for small multiples, so departments compare at a glance."""
    return _y_floor([value for item in series for _, value in item.points if value is not None])


def forecast_chart(
    title: str, series: Series, first_below_target: date | None, size: ChartSize = LARGE
) -> Markup:
    """Projected coverage per day, the 100% target as a line of its own and, when the
    forecast misses it, a marker at the first day below it."""
    days = sorted({day for day, _ in series.points})
    values = [value for _, value in series.points if value is not None]
    low = _y_floor(values)
    plot_width = size.width - size.left - size.right
    plot_height = size.height - size.top - size.bottom
    right = size.width - size.right

    def x(day: date) -> float:
        if len(days) < 2:
            return size.left + plot_width / 2
        return size.left + plot_width * (day - days[0]).days / (days[-1] - days[0]).days

    def y(value: float) -> float:
        return size.top + plot_height * (100.0 - value) / (100.0 - low)

    parts = [
        f'<svg class="chart forecast" role="img" viewBox="0 0 {size.width} {size.height}" '
        f'width="{size.width}" height="{size.height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{size.left}" y="{size.top - 10}">{escape(title)}</text>',
    ]
    for value in _ticks(low):
        parts.append(
            f'<line class="grid" x1="{size.left}" x2="{right}" '
            f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="axis" x="{size.left - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{value:g}%</text>'
        )
    parts.append(
        f'<line class="target" x1="{size.left}" x2="{right}" y1="{y(100.0):.1f}" '
        f'y2="{y(100.0):.1f}"><title>target: 100% coverage</title></line>'
        f'<text class="target-label" x="{right}" y="{y(100.0) - 4:.1f}" '
        'text-anchor="end">100% target</text>'
    )
    if days:
        parts.append(
            f'<text class="axis" x="{size.left - 4}" y="{size.height - 10}" '
            f'text-anchor="start">{days[0].isoformat()}</text>'
            f'<text class="axis" x="{right + 4}" y="{size.height - 10}" '
            f'text-anchor="end">{days[-1].isoformat()}</text>'
        )
    coordinates = " ".join(
        f"{x(day):.1f},{y(value):.1f}" for day, value in sorted(series.points) if value is not None
    )
    if coordinates:
        parts.append(f'<polyline class="line" points="{coordinates}"/>')
    for day, value in series.points:
        if value is not None:
            label = f"{day.isoformat()}: {_format_pct(value)}"
            css = "point pass" if value >= 100.0 else "point fail"
            parts.append(
                f'<circle class="{css}" cx="{x(day):.1f}" cy="{y(value):.1f}" r="2">'
                f"<title>{escape(label)}</title></circle>"
            )
    if first_below_target is not None and days:
        marker_x = x(first_below_target)
        # The label sits on the side of the marker with more room.
        anchor, offset = ("start", 4) if marker_x < size.left + plot_width / 2 else ("end", -4)
        parts.append(
            f'<line class="first-fail" x1="{marker_x:.1f}" x2="{marker_x:.1f}" '
            f'y1="{size.top}" y2="{size.top + plot_height}"/>'
            f'<text class="first-fail-label" x="{marker_x + offset:.1f}" y="{size.top + 14}" '
            f'text-anchor="{anchor}">first below 100%: {first_below_target.isoformat()}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
