"""The progress page: completion per section and activity over time, as charts and a plain table."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbook.content import Guide
from workbook.plots import bar_chart_svg, day_chart_svg
from workbook.progress import activity, completion
from workbook.store import Store


class ProgressView:
    """Charts and a table of the person's progress."""

    def __init__(self, store: Store, client_id: str, guide: Guide) -> None:
        done = completion(store, client_id, guide)
        days = activity(store, client_id)
        rows = "".join(
            f"<tr><td>{html.escape(r.label)}</td><td>{r.answered} of {r.items}</td></tr>"
            for r in done
        )
        charts = bar_chart_svg(
            [r.label for r in done],
            [r.share for r in done],
            "How much of each section you have filled in",
        ) + day_chart_svg(days, "When you worked on the workbook (answers saved per day)")
        self.widget = widgets.HTML(
            f"<div class='wb-charts'>{charts}</div>"
            "<details><summary>The same as a table</summary><table class='wb-progress-table'>"
            f"<tr><th>Section</th><th>Items with an answer</th></tr>{rows}</table>"
            "<p>A log counts as one item once it has an entry.</p></details>",
            _dom_classes=("wb-progress-page",),
        )
