"""Charts as PNG bytes (matplotlib, no display needed), readable in the app and in printed reports."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

TEAL = "#1d4f4a"


def completion_png(table: pd.DataFrame) -> bytes:
    """A horizontal bar per section: share of its items with an answer."""
    figure = _figure(height=0.32 * len(table) + 0.9)
    axes = figure.subplots()
    labels = list(table["section"])[::-1]
    shares = [100 * s for s in table["share"]][::-1]
    axes.barh(labels, shares, color=TEAL)
    axes.set_xlim(0, 100)
    axes.set_xlabel("Items with an answer (%)")
    axes.set_title("How much of each section you have filled in", loc="left", fontsize=11)
    return _png(figure)


def activity_png(table: pd.DataFrame) -> bytes:
    """Answers saved per day."""
    import pandas as pd

    figure = _figure(height=2.6)
    axes = figure.subplots()
    if table.empty:
        axes.text(0.5, 0.5, "Nothing saved yet", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
    else:
        axes.bar(table["day"], table["answers"], color=TEAL, width=0.8)
        axes.set_ylabel("Answers saved")
        first, last = table["day"].min(), table["day"].max()
        if (last - first).days < 14:  # a few days would otherwise fill the chart with one fat bar
            middle = first + (last - first) / 2
            axes.set_xlim(middle - pd.Timedelta(days=7.5), middle + pd.Timedelta(days=7.5))
        figure.autofmt_xdate()
    axes.set_title("When you worked on the workbook", loc="left", fontsize=11)
    return _png(figure)


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, height), dpi=110, layout="constrained")
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
