"""Charts as inline SVG: quick to draw, sharp at any size, readable in the app and in printed reports."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, timedelta

TEAL = "#1d4f4a"
GRID = "#d9e2e1"
FONT = "font-family='system-ui, sans-serif' font-size='12'"


def bar_chart_svg(labels: Sequence[str], shares: Sequence[float], title: str) -> str:
    """Horizontal bars, one per label, each a share from 0 to 1 shown as a percentage."""
    row, left, width = 22, 170, 300
    height = 34 + row * len(labels)
    parts = [_title(title)]
    for percent in (0, 50, 100):
        x = left + width * percent / 100
        parts.append(f"<line x1='{x}' y1='24' x2='{x}' y2='{height - 6}' stroke='{GRID}'/>")
    for index, (label, share) in enumerate(zip(labels, shares, strict=True)):
        y = 28 + index * row
        share = min(max(share, 0.0), 1.0)
        parts.append(
            f"<text x='{left - 8}' y='{y + 13}' text-anchor='end' {FONT}>{html.escape(label)}</text>"
            f"<rect x='{left}' y='{y + 2}' width='{width * share:.1f}' height='{row - 8}' fill='{TEAL}'/>"
            f"<text x='{left + width * share + 6:.1f}' y='{y + 13}' {FONT}>{round(share * 100)}%</text>"
        )
    return _svg(left + width + 50, height, title, parts)


def day_chart_svg(counts: Sequence[tuple[date, int]], title: str, days: int = 28) -> str:
    """Columns for the last `days` days up to the latest active day: how many answers were saved each day."""
    width, height, left, bottom = 520, 170, 34, 140
    parts = [_title(title)]
    if not counts:
        parts.append(
            f"<text x='{width / 2}' y='90' text-anchor='middle' {FONT}>Nothing saved yet</text>"
        )
        return _svg(width, height, title, parts)
    by_day = dict(counts)
    last = max(by_day)
    span = [last - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    top = max(by_day.get(day, 0) for day in span) or 1
    step = (width - left - 10) / days
    parts.append(
        f"<line x1='{left}' y1='{bottom}' x2='{width - 10}' y2='{bottom}' stroke='{GRID}'/>"
    )
    parts.append(f"<text x='{left - 6}' y='34' text-anchor='end' {FONT}>{top}</text>")
    for index, day in enumerate(span):
        count = by_day.get(day, 0)
        bar = (bottom - 30) * count / top
        x = left + index * step
        if count:
            parts.append(
                f"<rect x='{x + 1:.1f}' y='{bottom - bar:.1f}' width='{step - 2:.1f}' height='{bar:.1f}' "
                f"fill='{TEAL}'><title>{day.isoformat()}: {count}</title></rect>"
            )
        if index % 7 == 0 or index == days - 1:
            parts.append(
                f"<text x='{x:.1f}' y='{bottom + 16}' {FONT}>{day.strftime('%d %b')}</text>"
            )
    return _svg(width, height, title, parts)


def line_chart_svg(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    *,
    maximum: float,
    line_at: float | None = None,
) -> str:
    """Points joined by a line, one per label (e.g. sessions), on a scale from 0 to `maximum`."""
    width, height, left, bottom, top = 520, 190, 34, 150, 30
    parts = [_title(title)]
    step = (width - left - 20) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * min(max(value, 0.0), maximum) / maximum

    parts.append(
        f"<line x1='{left}' y1='{bottom}' x2='{width - 10}' y2='{bottom}' stroke='{GRID}'/>"
    )
    parts.append(f"<text x='{left - 6}' y='{top + 4}' text-anchor='end' {FONT}>{maximum:g}</text>")
    parts.append(f"<text x='{left - 6}' y='{bottom + 4}' text-anchor='end' {FONT}>0</text>")
    if line_at is not None:
        parts.append(
            f"<line x1='{left}' y1='{y(line_at):.1f}' x2='{width - 10}' y2='{y(line_at):.1f}' "
            f"stroke='#b35c00' stroke-dasharray='4 3'/>"
            f"<text x='{width - 10}' y='{y(line_at) - 4:.1f}' text-anchor='end' {FONT}>{line_at:g}</text>"
        )
    points = [(left + 10 + i * step, y(v)) for i, v in enumerate(values)]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
        parts.append(f"<polyline points='{path}' fill='none' stroke='{TEAL}' stroke-width='2'/>")
    for (x, py), label, value in zip(points, labels, values, strict=True):
        parts.append(
            f"<circle cx='{x:.1f}' cy='{py:.1f}' r='4' fill='{TEAL}'>"
            f"<title>{html.escape(str(label))}: {value:g}</title></circle>"
        )
    for index in sorted({0, len(points) - 1}):
        if points:
            x, label = points[index][0], html.escape(str(labels[index]))
            parts.append(
                f"<text x='{x:.1f}' y='{bottom + 16}' text-anchor='middle' {FONT}>{label}</text>"
            )
    return _svg(width, height, title, parts)


def _title(title: str) -> str:
    return f"<text x='4' y='16' font-weight='600' {FONT}>{html.escape(title)}</text>"


def _svg(width: float, height: float, title: str, parts: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' "
        f"style='max-width:{width}px' role='img' aria-label='{html.escape(title, quote=True)}'>"
        + "".join(parts)
        + "</svg>"
    )
