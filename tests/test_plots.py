"""SVG charts: well-formed, escaped, and drawn from the data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from workbook.plots import bar_chart_svg, day_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_draws_one_bar_per_label_scaled_to_its_share() -> None:
    root = parse(bar_chart_svg(["Step 1", "Step 2", "Step 3"], [0.0, 0.5, 1.0], "Progress"))
    bars = [r for r in root.iter(f"{SVG}rect")]
    widths = [float(r.get("width", "0")) for r in bars]
    assert len(bars) == 3 and widths[0] == 0 and widths[2] == 2 * widths[1] > 0
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Step 1", "0%", "50%", "100%", "Progress"} <= set(texts)
    assert root.get("role") == "img" and root.get("aria-label") == "Progress"


def test_bar_chart_clamps_shares_and_escapes_labels() -> None:
    svg = bar_chart_svg(["<script>alert(1)</script>"], [1.7], "<b>t</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert [t.text for t in root.iter(f"{SVG}text")][-1] == "100%"


def test_day_chart_with_nothing_saved_says_so() -> None:
    assert "Nothing saved yet" in day_chart_svg([], "Activity")
    parse(day_chart_svg([], "Activity"))


def test_day_chart_draws_active_days_only_and_the_tallest_is_full_height() -> None:
    today = date(2026, 11, 26)
    counts = [(today - timedelta(days=3), 2), (today, 4)]
    root = parse(day_chart_svg(counts, "Activity"))
    bars = list(root.iter(f"{SVG}rect"))
    assert len(bars) == 2
    heights = sorted(float(b.get("height", "0")) for b in bars)
    assert heights[1] == 2 * heights[0]
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert titles == {"2026-11-23: 2", "2026-11-26: 4"}


def test_day_chart_shows_the_last_weeks_only() -> None:
    start = date(2026, 1, 1)
    counts = [(start + timedelta(days=n), 1) for n in range(60)]
    root = parse(day_chart_svg(counts, "Activity", days=28))
    assert len(list(root.iter(f"{SVG}rect"))) == 28
